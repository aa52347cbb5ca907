"""Support programmes: the review part's reads.

The ranked table orders by a column. A reviewer's weighted total is Σ weight × score / 100 on the
0–5 scale; an application's weighted mean is the mean of its submitted reviews' totals, kept in
`Application.review_mean` (with `reviews_submitted` and `review_points`) by the review services.
One narrow query ranks a page of the call's applications by it; grouped queries over the page's
applications only give their review counts and the spread of their reviewers' totals. A fixed
number of queries, and work bounded by the page, whatever the call's size.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Sum,
)
from django.http import Http404

from sharehub.accounts.models import User
from sharehub.accounts.roles import is_city_staff
from sharehub.core.actors import Actor, is_signed_in
from sharehub.designation import scoring
from sharehub.programmes.models import (
    SCORE_MAX,
    Application,
    ApplicationStatus,
    Call,
    Conflict,
    Criterion,
    ReviewAssignment,
    ReviewScore,
    Track,
)
from sharehub.programmes.permissions import is_call_staff

PICKER_RESULTS = 20
PICKER_QUERY_MAX = 100
# Every application that was submitted: the table leaves out drafts and withdrawn ones.
TABLE_STATUSES = [
    s
    for s in ApplicationStatus.values
    if s not in (ApplicationStatus.DRAFT, ApplicationStatus.WITHDRAWN)
]


def _pk(actor: Actor) -> int | None:
    return getattr(actor, "pk", None)


# --- Who runs what ---------------------------------------------------------------------------


def calls_run_by(actor: Actor) -> QuerySet[Call]:
    """The calls an actor runs: every call for city staff, else those naming them as staff."""
    if not is_signed_in(actor):
        return Call.objects.none()
    if is_city_staff(actor):
        return Call.objects.all()
    return Call.objects.filter(staff__pk=_pk(actor) or 0)


def applications_to_screen(actor: Actor) -> QuerySet[Application]:
    """Submitted applications not yet screened, of the calls the actor runs (oldest first)."""
    if not is_signed_in(actor):
        return Application.objects.none()
    found = Application.objects.filter(status=ApplicationStatus.SUBMITTED, screened_at__isnull=True)
    if not is_city_staff(actor):
        staff = Call.objects.filter(pk=OuterRef("call_id"), staff__pk=_pk(actor) or 0)
        found = found.filter(Exists(staff))
    return found.select_related("call", "organization", "track").order_by("submitted_at", "pk")


def screening_count(actor: Actor) -> int:
    return applications_to_screen(actor).count()


# --- The reviewer's own ------------------------------------------------------------------------


def assignments_of(actor: Actor) -> QuerySet[ReviewAssignment]:
    """A person's assignments, those to do first (not submitted, no conflict), newest first."""
    if not is_signed_in(actor):
        return ReviewAssignment.objects.none()
    return (
        ReviewAssignment.objects.filter(reviewer_id=_pk(actor))
        .select_related("application__call", "application__organization", "application__track")
        .annotate(
            done=ExpressionWrapper(
                Q(submitted_at__isnull=False) | Q(conflict=Conflict.DECLARED),
                output_field=BooleanField(),
            )
        )
        .order_by("done", "-assigned_at", "-pk")
    )


def pending_reviews(actor: Actor) -> QuerySet[ReviewAssignment]:
    """Assignments waiting for the person: undeclared, or without conflict and not submitted, of
    applications in review."""
    if not is_signed_in(actor):
        return ReviewAssignment.objects.none()
    return ReviewAssignment.objects.filter(
        reviewer_id=_pk(actor),
        submitted_at__isnull=True,
        application__status=ApplicationStatus.IN_REVIEW,
    ).exclude(conflict=Conflict.DECLARED)


def pending_reviews_count(actor: Actor) -> int:
    return pending_reviews(actor).count()


def get_assignment_for(actor: Actor, pk: int) -> ReviewAssignment:
    """The actor's own assignment; 404 for anyone else (not even its existence leaks)."""
    found = (
        ReviewAssignment.objects.filter(pk=pk, reviewer_id=_pk(actor))
        .select_related("application__call", "application__organization", "application__track")
        .first()
        if is_signed_in(actor)
        else None
    )
    if found is None:
        raise Http404
    return found


def get_assignment_for_staff(actor: Actor, application: Application, pk: int) -> ReviewAssignment:
    """An assignment of an application, for the staff of its call; 404 otherwise."""
    if not is_call_staff(actor, application.call):
        raise Http404
    found = (
        ReviewAssignment.objects.filter(pk=pk, application=application)
        .select_related("reviewer", "application__call")
        .first()
    )
    if found is None:
        raise Http404
    return found


def criteria_of(call: Call) -> list[Criterion]:
    return list(Criterion.objects.filter(call=call).order_by("order", "pk"))


def scores_by_criterion(assignment: ReviewAssignment) -> dict[int, ReviewScore]:
    return {s.criterion_id: s for s in ReviewScore.objects.filter(assignment=assignment)}


@dataclass(frozen=True)
class ReviewShown:
    """A submitted review as another reviewer or the staff see it."""

    assignment: ReviewAssignment
    rows: list[tuple[Criterion, ReviewScore | None]]
    total: float | None  # weighted, 0–5


def sheet(criteria: Iterable[Criterion]) -> dict[int, scoring.Line]:
    """A call's criteria as the review engine's score sheet (designation.scoring): each scored 0–5
    and weighted by its weight in % (the weights total 100)."""
    return {c.pk: scoring.Line(maximum=SCORE_MAX, weight=c.weight) for c in criteria}


def weighted_total(criteria: list[Criterion], scores: dict[int, ReviewScore]) -> float | None:
    """A complete review's Σ weight × score / 100, on the 0–5 scale (None if incomplete)."""
    if not criteria or scoring.missing([c.pk for c in criteria], scores):
        return None
    return scoring.total(sheet(criteria), {pk: s.score for pk, s in scores.items()}) / 100


def submitted_reviews(
    application: Application, *, exclude: ReviewAssignment | None = None
) -> list[ReviewShown]:
    """The application's submitted reviews with their scores (two queries)."""
    criteria = criteria_of(application.call)
    assignments = (
        ReviewAssignment.objects.filter(application=application, submitted_at__isnull=False)
        .select_related("reviewer")
        .prefetch_related("scores")
        .order_by("submitted_at", "pk")
    )
    if exclude is not None:
        assignments = assignments.exclude(pk=exclude.pk)
    shown = []
    for assignment in assignments:
        scores = {s.criterion_id: s for s in assignment.scores.all()}
        shown.append(
            ReviewShown(
                assignment=assignment,
                rows=[(c, scores.get(c.pk)) for c in criteria],
                total=weighted_total(criteria, scores),
            )
        )
    return shown


def assignments_for_staff(application: Application) -> QuerySet[ReviewAssignment]:
    return (
        ReviewAssignment.objects.filter(application=application)
        .select_related("reviewer")
        .annotate(scored=Count("scores"))
        .order_by("pk")
    )


def reviewer_choices(q: str) -> list[dict[str, str]]:
    """The reviewer picker's search: active people whose e-mail or name contains `q`; one query,
    at most PICKER_RESULTS."""
    q = q.strip()[:PICKER_QUERY_MAX]
    if len(q) < 2:
        return []
    found = (
        User.objects.filter(is_active=True)
        .filter(Q(email__icontains=q) | Q(display_name__icontains=q))
        .order_by("email")[:PICKER_RESULTS]
    )
    return [{"value": str(u.pk), "text": person_label(u)} for u in found]


def person_label(user: User) -> str:
    return f"{user.display_name} <{user.email}>" if user.display_name else user.email


# --- The ranked table ----------------------------------------------------------------------


def table_applications(
    call: Call, *, status: str = "", track: Track | None = None
) -> QuerySet[Application]:
    """The call's submitted-or-later applications, filtered; not annotated (the page's count)."""
    found = Application.objects.filter(call=call, status__in=TABLE_STATUSES)
    if status:
        found = found.filter(status=status)
    if track is not None:
        found = found.filter(track=track)
    return found


def ranked(
    applications: QuerySet[Application],
) -> QuerySet[Application, tuple[int, float | None]]:
    """(pk, weighted mean) of the applications, best first (unreviewed last, by receipt number).
    The mean is the application's `review_mean` column (kept by the review services), so a page
    costs one indexed, narrow query however many scores the call has; the page's other figures
    come from `table_rows` for its rows only. Its `count()` drops the ordering."""
    return applications.order_by(
        F("review_mean").desc(nulls_last=True), "receipt_number", "pk"
    ).values_list("pk", "review_mean")


def review_figures(application_ids: list[int]) -> dict[int, dict[str, int]]:
    """Reviews submitted, reviewers without a conflict, conflicts, per application (one grouped
    query)."""
    rows = (
        ReviewAssignment.objects.filter(application_id__in=application_ids)
        .values("application_id")
        .annotate(
            submitted=Count("pk", filter=Q(submitted_at__isnull=False)),
            assigned=Count("pk", filter=~Q(conflict=Conflict.DECLARED)),
            conflicts=Count("pk", filter=Q(conflict=Conflict.DECLARED)),
        )
        .order_by()
    )
    return {
        row["application_id"]: {
            "submitted": row["submitted"],
            "assigned": row["assigned"],
            "conflicts": row["conflicts"],
        }
        for row in rows
    }


@dataclass(frozen=True)
class Spread:
    count: int
    low: float
    high: float
    deviation: float  # population standard deviation of the reviewers' weighted totals


def spreads(application_ids: list[int]) -> dict[int, Spread]:
    """Each application's spread of its submitted reviews' weighted totals (0–5), in one grouped
    query over their scores."""
    if not application_ids:
        return {}
    rows = (
        ReviewScore.objects.filter(
            assignment__application_id__in=application_ids,
            assignment__submitted_at__isnull=False,
        )
        .values("assignment_id", "assignment__application_id")
        .annotate(points=Sum(F("score") * F("criterion__weight")))
        .values_list("assignment__application_id", "points")
        .order_by()
    )
    totals: dict[int, list[float]] = defaultdict(list)
    for application_id, points in rows:
        totals[application_id].append(points / 100)
    return {pk: spread_of(values) for pk, values in totals.items()}


def spread_of(values: list[float]) -> Spread:
    mean = sum(values) / len(values)
    deviation = math.sqrt(sum((v - mean) ** 2 for v in values) / len(values))
    return Spread(count=len(values), low=min(values), high=max(values), deviation=deviation)


# The columns a ranked table's row reads (the page, the CSV, the API).
TABLE_FIELDS = (
    "receipt_number",
    "title",
    "requested_amount",
    "status",
    "review_points",
    "organization__name_ko",
    "organization__name_en",
    "track__name_ko",
    "track__name_en",
)


def table_rows(
    ranking: list[tuple[int, float | None]], *, first_rank: int = 1
) -> list[dict[str, Any]]:
    """The rows of a page of the ranking: each application (organization and track), its rank,
    weighted mean (0–5 and 0–100), review counts and spread; three queries whatever the page."""
    ids = [pk for pk, _mean in ranking]
    # Only what a row shows: a page of 50 full rows (answers, descriptions) cost more than the
    # queries themselves.
    applications = (
        Application.objects.select_related("organization", "track").only(*TABLE_FIELDS).in_bulk(ids)
    )
    figures = review_figures(ids)
    found = spreads(ids)
    empty = {"submitted": 0, "assigned": 0, "conflicts": 0}
    rows = []
    for offset, (pk, mean) in enumerate(ranking):
        rows.append(
            {
                "rank": first_rank + offset if mean is not None else None,
                "application": applications[pk],
                "mean": mean,
                "points": applications[pk].review_points,
                "percent": mean * 20 if mean is not None else None,
                **figures.get(pk, empty),
                "spread": found.get(pk),
            }
        )
    return rows


def application_mean(application: Application) -> tuple[float | None, int]:
    """(weighted mean 0–5 or None, reviews submitted) of one application: its columns, read
    afresh (one query; the object in hand may predate a review)."""
    found = (
        Application.objects.filter(pk=application.pk)
        .values_list("review_mean", "reviews_submitted")
        .first()
    )
    return found if found is not None else (None, 0)
