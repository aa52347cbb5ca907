"""The city's pages (about the sharing city, its policies, FAQ) and their editing."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from sharehub.core.forms import run_service
from sharehub.news import selectors, services
from sharehub.news.forms import PageForm
from sharehub.news.permissions import can_edit_pages


@require_safe
def page_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "news/pages.html",
        {"pages": selectors.pages(), "can_edit": can_edit_pages(request.user)},
    )


@require_safe
def page_detail(request: HttpRequest, slug: str) -> HttpResponse:
    page = selectors.get_page(slug)
    return render(
        request,
        "news/page.html",
        {
            "page": page,
            "pages": selectors.pages(),
            "milestones": list(selectors.milestones()) if page.show_timeline else [],
            "can_edit": can_edit_pages(request.user),
        },
    )


@login_required
def page_edit(request: HttpRequest, slug: str) -> HttpResponse:
    page = selectors.get_page(slug)
    if not can_edit_pages(request.user):
        raise PermissionDenied
    form = PageForm(request.POST or None, instance=page)
    if (
        request.method == "POST"
        and form.is_valid()
        and (
            updated := run_service(
                form,
                lambda: services.update_page(
                    actor=request.user,
                    page=page,
                    **{name: form.cleaned_data[name] for name in PageForm.Meta.fields},
                ),
            )
        )
    ):
        messages.success(request, _("Your changes have been saved."))
        return redirect("news:page", slug=updated.slug)
    status = 400 if request.method == "POST" else 200
    return render(request, "news/page_form.html", {"form": form, "page": page}, status=status)
