"""Writing and the editorial workflow: write and edit an article, submit it, review it (publish or
send back), unpublish, delete, and the writing desk."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from sharehub.accounts.roles import is_editor
from sharehub.core.forms import run_action, run_service
from sharehub.core.ratelimit import ratelimit_writes
from sharehub.news import selectors, services
from sharehub.news.forms import ArticleForm, PublishForm, ReturnForm
from sharehub.news.licences import licence_info
from sharehub.news.models import Article, ArticleKind, ArticleStatus
from sharehub.news.permissions import can_edit_article, can_publish, can_write


def _require_writer(request: HttpRequest) -> None:
    if not can_write(request.user):
        raise PermissionDenied


def _require_editor(request: HttpRequest) -> None:
    if not can_publish(request.user):
        raise PermissionDenied


def _article_for_edit(request: HttpRequest, slug: str) -> Article:
    """404 when the user cannot see it, 403 when they can but may not edit it."""
    article = selectors.get_article_for(request.user, slug)
    if not can_edit_article(request.user, article):
        raise PermissionDenied
    return article


def _write(form: ArticleForm, call: Callable[[], Article]) -> Article | None:
    """Run the writing service; a forbidden organization is the organization field's error."""
    try:
        return run_service(form, call)
    except PermissionDenied:
        form.add_error("organization", _("You may not write for this organization."))
        return None


@login_required
@ratelimit_writes("news.write", "30/m")
def article_create(request: HttpRequest) -> HttpResponse:
    _require_writer(request)
    initial = {}
    if not is_editor(request.user):
        initial = {
            "kind": ArticleKind.STORY,
            "organization": selectors.writable_organizations(request.user).first(),
        }
    form = ArticleForm(
        request.POST or None, request.FILES or None, actor=request.user, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        fields = form.service_fields()
        fields.pop("remove_cover", None)
        if article := _write(form, lambda: services.create_article(actor=request.user, **fields)):
            messages.success(request, _("The draft has been saved."))
            return redirect("news:detail", slug=article.slug)
    status = 400 if request.method == "POST" else 200
    return render(request, "news/form.html", {"form": form, "article": None}, status=status)


@login_required
@ratelimit_writes("news.write", "30/m")
def article_edit(request: HttpRequest, slug: str) -> HttpResponse:
    article = _article_for_edit(request, slug)
    form = ArticleForm(
        request.POST or None, request.FILES or None, actor=request.user, article=article
    )
    if request.method == "POST" and form.is_valid():
        fields = form.service_fields()
        if updated := _write(
            form,
            lambda: services.update_article(actor=request.user, article=article, **fields),
        ):
            messages.success(request, _("Your changes have been saved."))
            return redirect("news:detail", slug=updated.slug)
    status = 400 if request.method == "POST" else 200
    return render(request, "news/form.html", {"form": form, "article": article}, status=status)


def _transition(
    request: HttpRequest, slug: str, action: Callable[..., Article], success: str
) -> HttpResponse:
    article = selectors.get_article_for(request.user, slug)
    try:
        article = action(actor=request.user, article=article)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, success)
    return redirect("news:detail", slug=article.slug)


@login_required
@require_POST
def article_submit(request: HttpRequest, slug: str) -> HttpResponse:
    return _transition(
        request,
        slug,
        services.submit_article,
        _("The article has been sent to the editors for review."),
    )


def _review_page(
    request: HttpRequest,
    article: Article,
    *,
    publish_form: Form | None = None,
    return_form: Form | None = None,
    status: int = 200,
) -> HttpResponse:
    article = selectors.article_detail(article, fresh=True)  # as stored, whatever was refused
    return render(
        request,
        "news/review.html",
        {
            "article": article,
            "publish_form": PublishForm() if publish_form is None else publish_form,
            "return_form": ReturnForm() if return_form is None else return_form,
            "licence": licence_info(article.licence),
        },
        status=status,
    )


@login_required
@require_safe
def article_review(request: HttpRequest, slug: str) -> HttpResponse:
    _require_editor(request)
    return _review_page(request, selectors.get_article_for(request.user, slug))


@login_required
@require_POST
def article_publish(request: HttpRequest, slug: str) -> HttpResponse:
    _require_editor(request)
    article = selectors.get_article_for(request.user, slug)
    form = PublishForm(request.POST)
    if form.is_valid() and (
        published := run_service(
            form,
            lambda: services.publish_article(
                actor=request.user, article=article, publish_at=form.cleaned_data["publish_at"]
            ),
        )
    ):
        if published.is_scheduled:
            messages.success(request, _("The article is scheduled."))
        else:
            messages.success(request, _("The article has been published."))
        return redirect("news:detail", slug=published.slug)
    return _review_page(request, article, publish_form=form, status=400)


@login_required
@require_POST
def article_return(request: HttpRequest, slug: str) -> HttpResponse:
    _require_editor(request)
    article = selectors.get_article_for(request.user, slug)
    form = ReturnForm(request.POST)
    if form.is_valid() and run_service(
        form,
        lambda: services.return_article(
            actor=request.user, article=article, note=form.cleaned_data["note"]
        ),
    ):
        messages.success(request, _("The article has been sent back to its authors."))
        return redirect("news:desk")
    return _review_page(request, article, return_form=form, status=400)


@login_required
@require_POST
def article_unpublish(request: HttpRequest, slug: str) -> HttpResponse:
    _require_editor(request)
    return _transition(
        request, slug, services.unpublish_article, _("The article is a draft again.")
    )


@login_required
@require_POST
def article_delete(request: HttpRequest, slug: str) -> HttpResponse:
    article = _article_for_edit(request, slug)
    if not run_action(
        request, services.delete_article, _("The article has been deleted."), article=article
    ):
        return redirect("news:detail", slug=slug)
    return redirect("news:desk")


@login_required
@require_safe
def listing_choices(request: HttpRequest) -> JsonResponse:
    """The listing picker's search (core.widgets.PickerSelectMultiple): `?q=` → [{value, text}]."""
    _require_writer(request)
    return JsonResponse(selectors.listing_choices(request.GET.get("q", "")), safe=False)


@login_required
@require_safe
def tag_choices(request: HttpRequest) -> JsonResponse:
    """The tag picker's search (core.widgets.PickerTagsInput): `?q=` → [{value, text}]."""
    _require_writer(request)
    return JsonResponse(selectors.tag_choices(request.GET.get("q", "")), safe=False)


@login_required
@require_safe
def desk(request: HttpRequest) -> HttpResponse:
    _require_writer(request)
    sections = selectors.desk_articles(request.user)
    return render(
        request,
        "news/desk.html",
        {
            "review": list(sections["review"][:50]),
            "drafts": list(sections["drafts"][:50]),
            "published": list(sections["published"][:20]),
            "is_editor": is_editor(request.user),
            "statuses": ArticleStatus,
        },
    )
