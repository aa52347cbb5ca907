"""The applicant's pages: an organization's owners and editors apply, edit, submit, comment."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sharehub.core.forms import run_service
from sharehub.core.ratelimit import ratelimit_writes
from sharehub.designation import selectors, services
from sharehub.designation.forms import ApplicationForm, CommentForm
from sharehub.designation.models import KINDS_OF_TYPE
from sharehub.designation.permissions import can_apply, can_decide
from sharehub.designation.rules import applicant_types_for, min_activity_months
from sharehub.organizations.selectors import get_organization_for

from .common import application_form, application_page, form_errors_message, run_action


@login_required
@ratelimit_writes("designation-apply", "20/h")
def apply(request: HttpRequest, slug: str) -> HttpResponse:
    organization = get_organization_for(request.user, slug)
    if not can_apply(request.user, organization):
        raise PermissionDenied
    existing = selectors.open_application_of(organization)
    if existing is not None:
        return redirect(existing)
    current = selectors.current_designation_of(organization)
    types = applicant_types_for(organization)
    kind = current.kind if current else (KINDS_OF_TYPE[types[0]][0] if types else None)
    form = ApplicationForm(request.POST or None, initial={"kind": kind}, organization=organization)
    if (
        request.method == "POST"
        and form.is_valid()
        and (
            application := run_service(
                form,
                lambda: services.create_application(
                    actor=request.user, organization=organization, **form.cleaned_data
                ),
            )
        )
    ):
        messages.success(
            request, _("Your application is saved as a draft. Attach documents, then submit it.")
        )
        return redirect(application)
    return render(
        request,
        "designation/apply.html",
        {
            "organization": organization,
            "form": form,
            "current": current,
            "eligible": bool(applicant_types_for(organization)),
            "months": min_activity_months(),
        },
        status=400 if form.is_bound else 200,
    )


@login_required
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return application_page(request, selectors.get_application_for(request.user, pk))


@login_required
@require_POST
def application_edit(request: HttpRequest, pk: int) -> HttpResponse:
    application = selectors.get_application_for(request.user, pk)
    form = application_form(application, request.POST)
    if form.is_valid() and run_service(
        form,
        lambda: services.update_application(
            actor=request.user, application=application, **form.cleaned_data
        ),
    ):
        messages.success(request, _("Your changes have been saved."))
        return redirect(application)
    return application_page(request, application, form=form, status=400)


@login_required
@require_POST
def application_submit(request: HttpRequest, pk: int) -> HttpResponse:
    application = selectors.get_application_for(request.user, pk)
    run_action(
        request,
        services.submit_application,
        _("The application has been sent to city staff."),
        application=application,
    )
    return redirect(application)


@login_required
@require_POST
def application_resubmit(request: HttpRequest, pk: int) -> HttpResponse:
    application = selectors.get_application_for(request.user, pk)
    run_action(
        request,
        services.resubmit_application,
        _("The application has been sent again."),
        application=application,
    )
    return redirect(application)


@login_required
@require_POST
@ratelimit_writes("designation-comment", "60/h")
def application_comment(request: HttpRequest, pk: int) -> HttpResponse:
    application = selectors.get_application_for(request.user, pk)
    form = CommentForm(request.POST)
    if not form.is_valid():
        form_errors_message(request, form)
    else:
        run_action(
            request,
            services.add_comment,
            _("Your comment has been added."),
            application=application,
            body=form.cleaned_data["body"],
            internal=form.cleaned_data["internal"],
        )
    if can_decide(request.user):
        return redirect("designation:review", pk=application.pk)
    return redirect(application)
