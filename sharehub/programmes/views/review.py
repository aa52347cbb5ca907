"""Support programmes: the review part's pages (see views/parts.py for the shared pages' hooks).

Reviewers: `reviews/` (their assignments), `reviews/<pk>/` (the conflict declaration first, then
the score sheet; the others' submitted reviews once theirs is submitted). The call's staff: the
screening queue `reviews/screening/`, the steps on an application's page (screening, reviewers,
to the committee: `applications/<pk>/…`) and the ranked table `manage/<slug>/applications/`
(and its CSV). The applicant's members see nothing of the review but the status (blind).
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import islice
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from sharehub.core.csvexport import csv_response, encoding_from
from sharehub.core.forms import run_service
from sharehub.core.pagination import paginate, querystring_without_page
from sharehub.programmes import rules
from sharehub.programmes.forms_review import (
    AssignForm,
    ConflictForm,
    ReasonForm,
    ScoreSheetForm,
    ScreeningForm,
    TableFilterForm,
)
from sharehub.programmes.models import (
    Application,
    ApplicationStatus,
    Call,
    Conflict,
    ReviewAssignment,
)
from sharehub.programmes.permissions import assignment_of, is_call_staff, runs_any_call
from sharehub.programmes.selectors import get_application_for, get_call_for
from sharehub.programmes.selectors import review as reads
from sharehub.programmes.services import review as services

TABLE_PER_PAGE = 50
CSV_CHUNK = 500
LIST_PER_PAGE = 20

# --- Hooks into the shared pages (views/parts.py) ----------------------------------------------


MINE_REVIEWS = 10


def mine_extra(request: HttpRequest) -> dict[str, Any]:
    """The reviews waiting for the person on their "My applications" page: the oldest
    assignments first, at most MINE_REVIEWS (two queries; none for the anonymous), with a link to
    all of them."""
    waiting = reads.pending_reviews(request.user)
    shown = list(
        waiting.select_related("application__call").order_by("assigned_at", "pk")[:MINE_REVIEWS]
    )
    if not shown:
        return {}
    count = len(shown) if len(shown) < MINE_REVIEWS else waiting.count()
    return {"mine_review": {"assignments": shown, "count": count}}


def application_extra(request: HttpRequest, application: Application) -> dict[str, Any]:
    """The review's part of an application's page: the call's staff see the screening, the
    reviewers and their conflicts and scores; a reviewer a link to their review; the applicant's
    members nothing (they see only the status)."""
    if is_call_staff(request.user, application.call):
        mean, submitted = reads.application_mean(application)
        status = application.status
        return {
            "application_review": {
                "staff": True,
                "can_screen": status == ApplicationStatus.SUBMITTED,
                "screening_form": ScreeningForm(auto_id="screen_%s"),
                "hints": rules.eligibility_problems(application.call, application.organization)
                if status == ApplicationStatus.SUBMITTED
                else [],
                "can_undo": status == ApplicationStatus.INELIGIBLE,
                "undo_form": ReasonForm(auto_id="undo_%s"),
                "can_start": status == ApplicationStatus.SUBMITTED
                and application.screened_at is not None,
                "can_assign": status in services.ASSIGNABLE,
                "assign_form": AssignForm(auto_id="assign_%s"),
                "assignments": list(reads.assignments_for_staff(application)),
                "criteria_count": len(reads.criteria_of(application.call)),
                "reviews": reads.submitted_reviews(application),
                "can_reopen": status == ApplicationStatus.IN_REVIEW,
                "can_send": status == ApplicationStatus.IN_REVIEW and submitted > 0,
                "mean": mean,
                "percent": mean * 20 if mean is not None else None,
                "submitted": submitted,
            }
        }
    assignment = assignment_of(request.user, application)
    if assignment is not None:
        return {"application_review": {"staff": False, "assignment": assignment}}
    return {}


# --- Small helpers -----------------------------------------------------------------------------


def _staff_application(request: HttpRequest, pk: int) -> Application:
    """An application the person may see, and whose call they run (403 when they only see it)."""
    application = get_application_for(request.user, pk)
    if not is_call_staff(request.user, application.call):
        raise PermissionDenied
    return application


def _errors(request: HttpRequest, error: ValidationError | dict) -> None:
    messages.error(
        request,
        " ".join(error.messages if isinstance(error, ValidationError) else _flat(error)),
    )


def _flat(errors: dict) -> list[str]:
    return [str(message) for field in errors.values() for message in field]


def _run(request: HttpRequest, service: Any, success: str, **kwargs: Any) -> bool:
    try:
        service(actor=request.user, **kwargs)
    except ValidationError as error:
        _errors(request, error)
        return False
    messages.success(request, success)
    return True


# --- The call's staff: screening ---------------------------------------------------------------


@require_safe
@login_required
def screening_queue(request: HttpRequest) -> HttpResponse:
    if not runs_any_call(request.user):
        raise PermissionDenied
    page = paginate(request, reads.applications_to_screen(request.user), per_page=LIST_PER_PAGE)
    return render(
        request,
        "programmes/review/screening.html",
        {"page": page, "applications": page.object_list},
    )


@require_POST
@login_required
def screen(request: HttpRequest, pk: int) -> HttpResponse:
    application = _staff_application(request, pk)
    form = ScreeningForm(request.POST)
    if not form.is_valid():
        _errors(request, form.errors)
        return redirect(application)
    eligible = form.cleaned_data["decision"] == "eligible"
    _run(
        request,
        services.screen_application,
        _("The application is screened eligible.")
        if eligible
        else _("The application is screened ineligible; the applicant is told."),
        application=application,
        eligible=eligible,
        reason=form.cleaned_data["reason"],
    )
    return redirect(application)


@require_POST
@login_required
def undo_screening(request: HttpRequest, pk: int) -> HttpResponse:
    application = _staff_application(request, pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        _errors(request, form.errors)
        return redirect(application)
    _run(
        request,
        services.undo_screening,
        _("The application is back to screening; the applicant is told."),
        application=application,
        reason=form.cleaned_data["reason"],
    )
    return redirect(application)


@require_POST
@login_required
def start_review(request: HttpRequest, pk: int) -> HttpResponse:
    application = _staff_application(request, pk)
    _run(request, services.start_review, _("The review has started."), application=application)
    return redirect(application)


@require_POST
@login_required
def send_to_committee(request: HttpRequest, pk: int) -> HttpResponse:
    application = _staff_application(request, pk)
    _run(
        request,
        services.send_to_committee,
        _("The application is sent to the committee."),
        application=application,
    )
    return redirect(application)


# --- The call's staff: reviewers ---------------------------------------------------------------


@require_POST
@login_required
def assign(request: HttpRequest, pk: int) -> HttpResponse:
    application = _staff_application(request, pk)
    form = AssignForm(request.POST)
    if not form.is_valid():
        _errors(request, form.errors)
        return redirect(application)
    people = list(form.cleaned_data["reviewers"])
    if not form.cleaned_data["whole_call"]:
        _run(
            request,
            services.assign_reviewers,
            _("The reviewers are assigned and told."),
            application=application,
            reviewers=people,
        )
        return redirect(application)
    for person in people:
        try:
            done = services.assign_to_call(
                actor=request.user, call=application.call, reviewer=person
            )
        except ValidationError as error:
            _errors(request, error)
            continue
        messages.success(
            request,
            _("%(person)s: assigned to %(assigned)s applications (%(skipped)s left out).")
            % {
                "person": reads.person_label(person),
                "assigned": done.assigned,
                "skipped": done.skipped,
            },
        )
    return redirect(application)


@require_POST
@login_required
def remove_reviewer(request: HttpRequest, pk: int, assignment: int) -> HttpResponse:
    application = _staff_application(request, pk)
    found = reads.get_assignment_for_staff(request.user, application, assignment)
    _run(request, services.remove_assignment, _("The reviewer is removed."), assignment=found)
    return redirect(application)


@require_POST
@login_required
def reopen_review(request: HttpRequest, pk: int, assignment: int) -> HttpResponse:
    application = _staff_application(request, pk)
    found = reads.get_assignment_for_staff(request.user, application, assignment)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        _errors(request, form.errors)
        return redirect(application)
    _run(
        request,
        services.reopen_review,
        _("The review is reopened; the reviewer is told."),
        assignment=found,
        reason=form.cleaned_data["reason"],
    )
    return redirect(application)


@require_safe
@login_required
def reviewer_choices(request: HttpRequest) -> JsonResponse:
    """The reviewer picker's search (core.widgets.PickerSelectMultiple): `?q=` → [{value, text}]."""
    if not runs_any_call(request.user):
        raise PermissionDenied
    return JsonResponse(reads.reviewer_choices(request.GET.get("q", "")), safe=False)


# --- The reviewer --------------------------------------------------------------------------


@require_safe
@login_required
def reviews(request: HttpRequest) -> HttpResponse:
    page = paginate(request, reads.assignments_of(request.user), per_page=LIST_PER_PAGE)
    return render(
        request,
        "programmes/review/reviews.html",
        {"page": page, "assignments": page.object_list},
    )


def _review_page(
    request: HttpRequest,
    assignment: ReviewAssignment,
    *,
    conflict_form: ConflictForm | None = None,
    sheet: ScoreSheetForm | None = None,
) -> HttpResponse:
    application = assignment.application
    context: dict[str, Any] = {"assignment": assignment, "application": application}
    if assignment.conflict == Conflict.UNDECLARED:
        context["conflict_form"] = conflict_form or ConflictForm()
    elif assignment.conflict == Conflict.NONE:
        criteria = reads.criteria_of(application.call)
        scores = reads.scores_by_criterion(assignment)
        context["criteria"] = criteria
        context["own"] = [(c, scores.get(c.pk)) for c in criteria]
        context["own_total"] = reads.weighted_total(criteria, scores)
        writable = (
            assignment.submitted_at is None and application.status == ApplicationStatus.IN_REVIEW
        )
        if writable:
            # The draft's overall comment too: a sheet shown without it would save it empty.
            context["sheet"] = sheet or ScoreSheetForm(
                criteria=criteria, scores=scores, initial={"comment": assignment.comment}
            )
            context["conflict_form"] = conflict_form or ConflictForm(initial={"conflict": "yes"})
        if assignment.submitted_at is not None:
            # Blind until one's own review is in: then the others' submitted reviews.
            context["others"] = reads.submitted_reviews(application, exclude=assignment)
    invalid = bool((conflict_form and conflict_form.errors) or (sheet and sheet.errors))
    return render(request, "programmes/review/review.html", context, status=422 if invalid else 200)


@require_safe
@login_required
def review(request: HttpRequest, pk: int) -> HttpResponse:
    return _review_page(request, reads.get_assignment_for(request.user, pk))


@require_POST
@login_required
def declare(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = reads.get_assignment_for(request.user, pk)
    form = ConflictForm(request.POST)
    if form.is_valid() and run_service(
        form,
        lambda: services.declare_conflict(
            actor=request.user,
            assignment=assignment,
            conflict=form.cleaned_data["conflict"],
            statement=form.cleaned_data["statement"],
        ),
    ):
        if form.cleaned_data["conflict"]:
            messages.success(
                request, _("Your conflict is recorded: you will not review this application.")
            )
        else:
            messages.success(request, _("Thank you. You may now read and score the application."))
        return redirect("programmes:review", pk=pk)
    assignment.refresh_from_db()
    return _review_page(request, assignment, conflict_form=form)


@require_POST
@login_required
def score(request: HttpRequest, pk: int) -> HttpResponse:
    """Save the score sheet as a draft, or (the `submit` button) save and submit it."""
    assignment = reads.get_assignment_for(request.user, pk)
    if assignment.conflict == Conflict.DECLARED:
        raise PermissionDenied
    criteria = reads.criteria_of(assignment.application.call)
    form = ScoreSheetForm(request.POST, criteria=criteria)
    submitting = "submit" in request.POST
    if form.is_valid():
        scores, comments, comment = form.values()
        if run_service(
            form,
            lambda: services.save_scores(
                actor=request.user,
                assignment=assignment,
                scores=scores,
                comments=comments,
                comment=comment,
            ),
        ) and (
            not submitting
            or run_service(
                form, lambda: services.submit_review(actor=request.user, assignment=assignment)
            )
        ):
            messages.success(
                request,
                _("Your review is submitted.") if submitting else _("Your draft is saved."),
            )
            return redirect("programmes:review", pk=pk)
    assignment.refresh_from_db()
    return _review_page(request, assignment, sheet=form)


# --- The ranked table ----------------------------------------------------------------------


def _staffed_call(request: HttpRequest, slug: str) -> Call:
    call = get_call_for(request.user, slug)
    if not is_call_staff(request.user, call):
        raise PermissionDenied
    return call


def _filtered(request: HttpRequest, call: Call) -> tuple[TableFilterForm, Any]:
    filters = TableFilterForm(request.GET or None, call=call, auto_id="filter_%s")
    chosen: dict[str, Any] = filters.cleaned_data if filters.is_valid() else {}
    base = reads.table_applications(
        call, status=chosen.get("status", ""), track=chosen.get("track")
    )
    return filters, base


@require_safe
@login_required
def table(request: HttpRequest, slug: str) -> HttpResponse:
    call = _staffed_call(request, slug)
    filters, base = _filtered(request, call)
    page = Paginator(reads.ranked(base), TABLE_PER_PAGE).get_page(request.GET.get("page"))
    rows = reads.table_rows(list(page.object_list), first_rank=page.start_index() or 1)
    return render(
        request,
        "programmes/review/table.html",
        {
            "call": call,
            "filters": filters,
            "page": page,
            "rows": rows,
            "query": querystring_without_page(request),
            "csv_query": request.GET.urlencode(),
        },
        status=422 if filters.is_bound and filters.errors else 200,
    )


def csv_header() -> list[str]:
    return [
        _("Rank"),
        _("Receipt number"),
        _("Organization"),
        _("Project title"),
        _("Track"),
        _("Amount requested (won)"),
        _("Status"),
        _("Reviews submitted"),
        _("Reviewers assigned"),
        _("Conflicts of interest"),
        _("Weighted mean (0–5)"),
        _("Weighted mean (0–100)"),
        _("Lowest review (0–5)"),
        _("Highest review (0–5)"),
        _("Standard deviation"),
    ]


def _csv_rows(base: Any) -> Iterator[list[object]]:
    yield csv_header()
    ranking = reads.ranked(base).iterator(chunk_size=CSV_CHUNK)
    rank = 0
    while chunk := list(islice(ranking, CSV_CHUNK)):
        for row in reads.table_rows(chunk, first_rank=rank + 1):
            application, mean, spread = row["application"], row["mean"], row["spread"]
            yield [
                row["rank"] or "",
                application.receipt_number,
                application.organization.name,
                application.title,
                application.track.name,
                application.requested_amount,
                application.get_status_display(),
                row["submitted"],
                row["assigned"],
                row["conflicts"],
                f"{mean:.2f}" if mean is not None else "",
                f"{mean * 20:.1f}" if mean is not None else "",
                f"{spread.low:.2f}" if spread else "",
                f"{spread.high:.2f}" if spread else "",
                f"{spread.deviation:.2f}" if spread else "",
            ]
        rank += len(chunk)


@require_safe
@login_required
def table_csv(request: HttpRequest, slug: str) -> HttpResponse:
    call = _staffed_call(request, slug)
    try:
        encoding = encoding_from(request.GET)
    except ValidationError as error:
        return HttpResponse(" ".join(error.messages), status=422, content_type="text/plain")
    filters, base = _filtered(request, call)
    if filters.is_bound and filters.errors:
        return HttpResponse(" ".join(_flat(filters.errors)), status=422, content_type="text/plain")
    filename = f"{call.slug}-review{'-cp949' if encoding == 'cp949' else ''}.csv"
    return csv_response(_csv_rows(base), filename=filename, encoding=encoding)


urlpatterns: list[URLPattern] = [
    path("reviews/", reviews, name="reviews"),
    path("reviews/screening/", screening_queue, name="screening"),
    path("reviews/people/", reviewer_choices, name="reviewer_choices"),
    path("reviews/<int:pk>/", review, name="review"),
    path("reviews/<int:pk>/conflict/", declare, name="review_conflict"),
    path("reviews/<int:pk>/scores/", score, name="review_scores"),
    path("applications/<int:pk>/screening/", screen, name="screen"),
    path("applications/<int:pk>/screening/undo/", undo_screening, name="undo_screening"),
    path("applications/<int:pk>/start-review/", start_review, name="start_review"),
    path("applications/<int:pk>/to-committee/", send_to_committee, name="to_committee"),
    path("applications/<int:pk>/reviewers/", assign, name="assign_reviewers"),
    path(
        "applications/<int:pk>/reviewers/<int:assignment>/remove/",
        remove_reviewer,
        name="remove_reviewer",
    ),
    path(
        "applications/<int:pk>/reviewers/<int:assignment>/reopen/",
        reopen_review,
        name="reopen_review",
    ),
    path("manage/<slug:slug>/applications/", table, name="table"),
    path("manage/<slug:slug>/applications/csv/", table_csv, name="table_csv"),
]
slug_urlpatterns: list[URLPattern] = []  # routes under a call's <slug:slug>/
