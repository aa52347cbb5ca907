"""Support programmes: the calls part's pages (see views/parts.py for the shared pages' hooks).

Public: the list of published calls (open, upcoming, closed; by kind), a call's page with its
tracks, eligibility, dates, criteria, questions and documents, following it, the RSS feed. Staff:
their calls with the applications by status, and a call's editors under /support/manage/<slug>/…
(details, tracks, the application form, criteria, documents, publishing)."""

from __future__ import annotations

import functools
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from sharehub.core import pagecache
from sharehub.core.filters import page_filters
from sharehub.core.forms import run_action, run_service
from sharehub.core.pagecache import when_shown
from sharehub.core.pagination import paginate, querystring_without_page
from sharehub.core.ratelimit import ratelimit_writes
from sharehub.core.rows import RowFormSet, rows_formset, save_rows
from sharehub.core.uploads import private_file_response
from sharehub.organizations.models import OrganizationKind
from sharehub.programmes.feeds import CallFeed
from sharehub.programmes.forms_calls import (
    PHASES,
    CallFilterForm,
    CallForm,
    CriterionFormSet,
    DocumentForm,
    FieldFormSet,
    TrackFormSet,
)
from sharehub.programmes.models import ApplicationStatus, Call
from sharehub.programmes.permissions import is_call_staff, runs_any_call, runs_programmes
from sharehub.programmes.selectors import calls as selectors
from sharehub.programmes.selectors import public_calls
from sharehub.programmes.services import calls as services
from sharehub.programmes.views import parts

TEMPLATES = "programmes/calls/"
PER_PAGE = 12
FOLLOW_RATE = "120/h"


def _page(
    request: HttpRequest, template: str, context: dict[str, Any], *, invalid: bool = False
) -> HttpResponse:
    return render(request, TEMPLATES + template, context, status=422 if invalid else 200)


def _posted(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


# --- public --------------------------------------------------------------------------------------


@require_safe
def call_list(request: HttpRequest) -> HttpResponse:
    form = page_filters(CallFilterForm, request.GET)
    filters = form.applied() if form.is_bound else {}

    # Read only where the results are shown, inside a kept fragment (pagecache.when_shown).
    @functools.cache
    def results() -> Page:
        page = paginate(request, selectors.call_list(filters=filters), per_page=PER_PAGE)
        # A card's phase changes by the clock alone: kept until the next one shown changes.
        now = timezone.now()
        changes = [t for call in page.object_list for t in (call.opens_at, call.closes_at)]
        pagecache.valid_until(min((t for t in changes if t > now), default=None))
        return page

    context = {
        "page": when_shown(results),
        "calls": when_shown(lambda: list(results().object_list)),
        "filter_form": form,
        "filters": filters,
        "phases": PHASES,
        "query": querystring_without_page(request),
        "now": timezone.now(),
    }
    template = "programmes/list.html"
    if request.headers.get("HX-Request") and not request.headers.get("HX-History-Restore-Request"):
        template = "programmes/list.html#results"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def eligibility_lines(call: Call) -> list[str]:
    """Who may apply, in words."""
    lines = []
    if call.designated_only:
        lines.append(_("Organizations designated by the city as sharing enterprises or groups."))
    else:
        lines.append(_("Any organization registered on the hub, designated or not."))
    if call.organization_kinds:
        kinds = ", ".join(str(OrganizationKind(k).label) for k in call.organization_kinds)
        lines.append(_("Kinds of organization: %(kinds)s.") % {"kinds": kinds})
    districts = list(call.districts.all())
    if districts:
        names = ", ".join(d.name for d in districts)
        lines.append(_("Organizations in these districts: %(districts)s.") % {"districts": names})
    return lines


def _days_left(call: Call) -> int | None:
    """Whole days until the call closes, while it is open."""
    now = timezone.now()
    if not call.opens_at <= now < call.closes_at:
        return None
    return (call.closes_at - now).days


@require_safe
def call_detail(request: HttpRequest, slug: str) -> HttpResponse:
    call = selectors.call_page(request.user, slug)
    fields = list(call.fields.all())
    for field in fields:  # a choice question's options, in the page's language
        field.option_list = selectors.option_choices(field, request.LANGUAGE_CODE)  # type: ignore[attr-defined]
    context = {
        "call": call,
        "tracks": list(call.tracks.all()),
        "criteria": list(call.criteria.all()),
        "form_fields": fields,
        "documents": list(call.documents.all()),
        "eligibility": eligibility_lines(call),
        "phase": call.phase(),
        "days_left": _days_left(call),
        "following": selectors.is_following(user=request.user, call=call),
        "may_manage": is_call_staff(request.user, call),
    }
    context |= parts.extra("call_extra", request, call)
    return render(request, "programmes/call.html", context)


@require_safe
def document_download(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """A call's document: public with its published call, else only to its staff."""
    call = selectors.call_page(request.user, slug)
    document = call.documents.filter(pk=pk).first()
    if document is None:
        raise Http404
    return private_file_response(
        document.file,
        filename=document.original_name or document.title,
        content_type=document.content_type or "application/octet-stream",
        # Cached publicly only once the public sees the call.
        private=not public_calls().filter(pk=call.pk).exists(),
    )


@require_POST
@login_required
@ratelimit_writes("programmes.follow", FOLLOW_RATE)
def follow(request: HttpRequest, slug: str) -> HttpResponse:
    """Follow (follow=1) or stop following (follow=0) a call."""
    call = selectors.call_page(request.user, slug)
    if request.POST.get("follow") == "0":
        run_action(request, services.unfollow_call, _("You no longer follow this call."), call=call)
    else:
        run_action(
            request,
            services.follow_call,
            _("You follow this call: you will be reminded three days before it closes."),
            call=call,
        )
    return redirect(reverse("programmes:call", kwargs={"slug": call.slug}) + "#follow")


# --- staff: the list of calls --------------------------------------------------------------------


@require_safe
@login_required
def manage(request: HttpRequest) -> HttpResponse:
    if not runs_any_call(request.user):
        raise PermissionDenied
    page = paginate(request, selectors.calls_to_manage(request.user), per_page=20)
    calls = list(page.object_list)
    counts = selectors.status_counts(calls)
    statuses = [s for s in ApplicationStatus if s != ApplicationStatus.DRAFT]
    rows = [
        (
            call,
            [counts[call.pk].get(s.value, 0) for s in statuses],
            counts[call.pk].get(ApplicationStatus.DRAFT, 0),
        )
        for call in calls
    ]
    context = {
        "page": page,
        "rows": rows,
        "statuses": statuses,
        "may_create": runs_programmes(request.user),
        "query": querystring_without_page(request),
    }
    return _page(request, "manage.html", context)


# --- staff: one call -----------------------------------------------------------------------------


def _manage_context(request: HttpRequest, call: Call, current: str) -> dict[str, Any]:
    return {"call": call, "manage_current": current}


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def call_new(request: HttpRequest) -> HttpResponse:
    if not runs_programmes(request.user):
        raise PermissionDenied
    form = CallForm(_posted(request))
    if request.method == "POST":
        call = form.is_valid() and run_service(
            form, lambda: services.create_call(actor=request.user, **form.service_fields())
        )
        if call:
            messages.success(
                request,
                _("The call is saved, unpublished: give it tracks and criteria, then publish it."),
            )
            return redirect("programmes:call_tracks", slug=call.slug)
    return _page(request, "form.html", {"form": form}, invalid=bool(form.errors))


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def call_edit(request: HttpRequest, slug: str) -> HttpResponse:
    call = selectors.call_to_manage(request.user, slug)
    form = CallForm(_posted(request), call=call, may_set_staff=runs_programmes(request.user))
    if request.method == "POST":
        fields = form.is_valid() and form.service_fields()
        if fields and run_service(
            form, lambda: services.update_call(actor=request.user, call=call, **fields)
        ):
            messages.success(request, _("The call is saved."))
            return redirect("programmes:call_edit", slug=call.slug)
    context = _manage_context(request, call, "edit") | {"form": form}
    return _page(request, "form.html", context, invalid=bool(form.errors))


def _rows_page(
    request: HttpRequest,
    slug: str,
    *,
    current: str,
    formset_class: type[RowFormSet],
    prefix: str,
    initial: Any,
    replace: Any,
    saved: str,
    title: str,
    intro: str,
) -> HttpResponse:
    call = selectors.call_to_manage(request.user, slug)
    formset = rows_formset(formset_class, _posted(request), initial=initial(call), prefix=prefix)
    done = save_rows(
        request, formset, lambda rows: replace(actor=request.user, call=call, rows=rows), saved
    )
    if done:
        return redirect(f"programmes:call_{current}", slug=call.slug)
    context = _manage_context(request, call, current) | {
        "formset": formset,
        "title": title,
        "intro": intro,
    }
    return _page(request, "rows.html", context, invalid=done is False)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def call_tracks(request: HttpRequest, slug: str) -> HttpResponse:
    return _rows_page(
        request,
        slug,
        current="tracks",
        formset_class=TrackFormSet,
        prefix="tracks",
        initial=lambda call: [
            {
                "id": t.pk,
                "name_ko": t.name_ko,
                "name_en": t.name_en,
                "kind": t.kind,
                "themes_ko": t.themes_ko,
                "themes_en": t.themes_en,
                "award_cap": t.award_cap,
            }
            for t in call.tracks.order_by("order", "pk")
        ],
        replace=services.replace_tracks,
        saved=_("The tracks are saved."),
        title=_("Tracks"),
        intro=_(
            "A themed track (지정공모) names the themes the city asks for; a free track (자유공모) "
            "takes any sharing project. A track may have its own cap, within the call's."
        ),
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def call_form(request: HttpRequest, slug: str) -> HttpResponse:
    return _rows_page(
        request,
        slug,
        current="form",
        formset_class=FieldFormSet,
        prefix="fields",
        initial=lambda call: [
            {
                "id": f.pk,
                "key": f.key,
                "label_ko": f.label_ko,
                "label_en": f.label_en,
                "help_text_ko": f.help_text_ko,
                "help_text_en": f.help_text_en,
                "kind": f.kind,
                "optional": not f.required,
                "min_value": f.min_value,
                "max_value": f.max_value,
                "max_length": f.max_length,
                "choices": f.choices,
            }
            for f in call.fields.order_by("order", "pk")
        ],
        replace=services.replace_fields,
        saved=_("The application form is saved."),
        title=_("Application form"),
        intro=_(
            "The questions applicants answer, in this order (the title, the track and the amount "
            "requested are always asked). Once applications exist, questions may be reworded "
            "but not removed."
        ),
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def call_criteria(request: HttpRequest, slug: str) -> HttpResponse:
    return _rows_page(
        request,
        slug,
        current="criteria",
        formset_class=CriterionFormSet,
        prefix="criteria",
        initial=lambda call: [
            {
                "id": c.pk,
                "name_ko": c.name_ko,
                "name_en": c.name_en,
                "description_ko": c.description_ko,
                "description_en": c.description_en,
                "weight": c.weight,
            }
            for c in call.criteria.order_by("order", "pk")
        ],
        replace=services.replace_criteria,
        saved=_("The evaluation criteria are saved."),
        title=_("Evaluation criteria"),
        intro=_("Reviewers score each criterion from 0 to 5; the weights (%) must add up to 100."),
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def call_documents(request: HttpRequest, slug: str) -> HttpResponse:
    call = selectors.call_to_manage(request.user, slug)
    form = DocumentForm()
    if request.method == "POST":
        form = DocumentForm(request.POST, request.FILES)
        if form.is_valid() and run_service(
            form,
            lambda: services.add_document(actor=request.user, call=call, **form.cleaned_data),
        ):
            messages.success(request, _("The document is added."))
            return redirect("programmes:call_documents", slug=call.slug)
    context = _manage_context(request, call, "documents") | {
        "form": form,
        "documents": list(call.documents.all()),
    }
    return _page(request, "documents.html", context, invalid=bool(form.errors))


@require_POST
@login_required
def document_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    call = selectors.call_to_manage(request.user, slug)
    run_action(
        request, services.delete_document, _("The document is removed."), call=call, document_id=pk
    )
    return redirect("programmes:call_documents", slug=call.slug)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def call_publish(request: HttpRequest, slug: str) -> HttpResponse:
    """GET: what publishing needs; POST publish=1 or 0."""
    call = selectors.call_to_manage(request.user, slug)
    if request.method == "POST":
        if request.POST.get("publish") == "0":
            run_action(
                request,
                services.unpublish_call,
                _("The call is unpublished: the public no longer sees it."),
                call=call,
            )
        else:
            run_action(request, services.publish_call, _("The call is published."), call=call)
        return redirect("programmes:call_publish", slug=call.slug)
    problems = services.publication_problems(call) if not call.is_published else {}
    context = _manage_context(request, call, "publish") | {
        "problems": [str(m) for errors in problems.values() for e in errors for m in e.messages],
    }
    return _page(request, "publish.html", context)


urlpatterns: list[URLPattern] = [  # fixed-prefix routes
    path("", call_list, name="list"),
    path("feed/", CallFeed(), name="feed"),
    path("manage/", manage, name="manage"),
    path("manage/new/", call_new, name="call_new"),
    path("manage/<slug:slug>/edit/", call_edit, name="call_edit"),
    path("manage/<slug:slug>/tracks/", call_tracks, name="call_tracks"),
    path("manage/<slug:slug>/form/", call_form, name="call_form"),
    path("manage/<slug:slug>/criteria/", call_criteria, name="call_criteria"),
    path("manage/<slug:slug>/documents/", call_documents, name="call_documents"),
    path(
        "manage/<slug:slug>/documents/<int:pk>/delete/",
        document_delete,
        name="call_document_delete",
    ),
    path("manage/<slug:slug>/publish/", call_publish, name="call_publish"),
]
# Routes under a call's <slug:slug>/ (after every fixed prefix).
slug_urlpatterns: list[URLPattern] = [
    path("<slug:slug>/", call_detail, name="call"),
    path("<slug:slug>/documents/<int:pk>/", document_download, name="document"),
    path("<slug:slug>/follow/", follow, name="follow"),
]
