"""Reads of the city's answers, their results and the deadlines, query-bounded (DESIGN §4).

Only published recommendations are answered, so every answer and result here is public; the
recommendations awaiting an answer are public too (the "answers due" page lists them).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sharehub.participation.models import (
    Answer,
    Committee,
    Milestone,
    Proposal,
    ProposalState,
    Recommendation,
    RecommendationItem,
    RecommendationState,
    Result,
    ResultUpdate,
)

if TYPE_CHECKING:
    from . import TimelineEntry

# The committee's deadline runs while a proposal is in these states.
COMMITTEE_OPEN_STATES = (ProposalState.ON_AGENDA, ProposalState.UNDER_REVIEW)
DUE_LIST_LIMIT = 200


def published_recommendations() -> QuerySet[Recommendation]:
    return Recommendation.objects.filter(state=RecommendationState.PUBLISHED)


def awaiting_count() -> int:
    return published_recommendations().filter(answer__isnull=True).count()


def overdue_count(*, now: datetime | None = None) -> int:
    return (
        published_recommendations()
        .filter(answer__isnull=True, answer_due__lt=now or timezone.now())
        .count()
    )


def awaiting_answer() -> QuerySet[Recommendation]:
    """Published recommendations the city has not answered yet, the earliest deadline first,
    with how many proposals each cites."""
    return (
        published_recommendations()
        .filter(answer__isnull=True)
        .select_related("committee")
        .annotate(cited=Count("items"))
        .order_by(F("answer_due").asc(nulls_last=True), "published_at", "pk")
    )


def answer_list() -> QuerySet[Answer]:
    """Every answer of the city (all to published recommendations), newest first."""
    return (
        Answer.objects.filter(recommendation__state=RecommendationState.PUBLISHED)
        .select_related("recommendation", "recommendation__committee")
        .prefetch_related(
            Prefetch("results", queryset=Result.objects.order_by("created_at", "pk")),
            Prefetch(
                "recommendation__items",
                queryset=RecommendationItem.objects.select_related("proposal").order_by("pk"),
            ),
        )
        .order_by("-answered_at", "-pk")
    )


def get_answer(*, pk: int) -> Answer:
    answer = answer_list().filter(pk=pk).first()
    if answer is None:
        raise Http404
    return answer


def result_list(*, filters: dict | None = None) -> QuerySet[Result]:
    """Every tracked result, the least advanced first unless `sort` says "newest";
    `state` "implemented" or "in_progress" filters."""
    filters = filters or {}
    queryset = Result.objects.filter(
        answer__recommendation__state=RecommendationState.PUBLISHED
    ).select_related("answer", "answer__recommendation", "answer__recommendation__committee")
    if filters.get("state") == "implemented":
        queryset = queryset.filter(progress=100)
    elif filters.get("state") == "in_progress":
        queryset = queryset.filter(progress__lt=100)
    if filters.get("sort") == "newest":
        return queryset.order_by("-created_at", "-pk")
    return queryset.order_by("progress", "-created_at", "-pk")


def _with_progress(queryset: QuerySet[Result]) -> QuerySet[Result]:
    return queryset.prefetch_related(
        Prefetch("milestones", queryset=Milestone.objects.order_by("due_date", "pk")),
        Prefetch(
            "updates",
            queryset=ResultUpdate.objects.select_related("author").order_by("-created_at", "-pk"),
        ),
    )


def _with_details(queryset: QuerySet[Result]) -> QuerySet[Result]:
    return _with_progress(queryset).prefetch_related(
        Prefetch(
            "answer__recommendation__items",
            queryset=RecommendationItem.objects.select_related("proposal").order_by("pk"),
        ),
    )


def get_result(*, pk: int) -> Result:
    result = _with_details(result_list()).filter(pk=pk).first()
    if result is None:
        raise Http404
    return result


def get_milestone(*, pk: int) -> Milestone:
    milestone = Milestone.objects.select_related("result").filter(pk=pk).first()
    if milestone is None:
        raise Http404
    return milestone


def get_published_recommendation(*, pk: int) -> Recommendation:
    """A published recommendation (answered or not): the staff's answer form starts here."""
    recommendation = (
        published_recommendations()
        .select_related("committee")
        .prefetch_related(
            Prefetch("items", queryset=RecommendationItem.objects.select_related("proposal"))
        )
        .filter(pk=pk)
        .first()
    )
    if recommendation is None:
        raise Http404
    return recommendation


def answers_for_proposal(proposal: Proposal) -> list[Answer]:
    """The city's answers to the recommendations citing this proposal, with their results,
    milestones and latest updates (a fixed number of queries)."""
    return list(
        Answer.objects.filter(
            recommendation__state=RecommendationState.PUBLISHED,
            recommendation__items__proposal=proposal,
        )
        .select_related("recommendation", "recommendation__committee")
        .prefetch_related(
            Prefetch(
                "results",
                queryset=_with_progress(Result.objects.order_by("created_at", "pk")),
            )
        )
        .distinct()
        .order_by("answered_at", "pk")
    )


def timeline_entries(proposal: Proposal) -> list[TimelineEntry]:
    """This part's entries in the proposal's public timeline: the city's answer, each result's
    updates, and the implementation."""
    from . import TimelineEntry  # noqa: PLC0415 (the package imports this module)

    entries: list[TimelineEntry] = []
    if proposal.state not in (ProposalState.ANSWERED, ProposalState.IMPLEMENTED):
        return entries
    answers = answers_for_proposal(proposal)
    for answer in answers:
        entries.append(
            TimelineEntry(
                answer.answered_at,
                _("The city answered: %(status)s") % {"status": answer.get_status_display()},
                text=answer.department,
            )
        )
        for result in answer.results.all():
            for update in result.updates.all():
                entries.append(
                    TimelineEntry(
                        update.created_at,
                        _("Result update (%(progress)s %%)") % {"progress": update.progress},
                        text=f"{result.title}: {update.text}",
                    )
                )
    if proposal.state == ProposalState.IMPLEMENTED and proposal.closed_at:
        entries.append(TimelineEntry(proposal.closed_at, _("Implemented")))
    return entries


# The "answers due" page -----------------------------------------------------------------------


@dataclass
class DeadlineRecord:
    """Who answers (a committee, or the city), its open deadlines and how many closed ones it
    met (answered by the due time)."""

    name: str
    committee: Committee | None = None
    open_items: list = field(default_factory=list)
    closed: int = 0
    met: int = 0

    @property
    def overdue(self) -> int:
        now = timezone.now()
        return sum(1 for item in self.open_items if item.answer_due and item.answer_due < now)


def due_overview(*, now: datetime | None = None) -> tuple[list[DeadlineRecord], DeadlineRecord]:
    """Each committee's open deadlines (public proposals on its agenda or under review) and the
    city's (published recommendations without an answer), with how many closed deadlines each
    met. Five queries whatever the number of proposals; each open list is bounded."""
    from . import public_proposals  # noqa: PLC0415

    now = now or timezone.now()
    committees = list(Committee.objects.order_by("order", "slug"))
    records = {c.pk: DeadlineRecord(name=c.name, committee=c) for c in committees}
    open_proposals = (
        public_proposals()
        .filter(
            state__in=COMMITTEE_OPEN_STATES,
            answer_due__isnull=False,
            agenda_committee__isnull=False,
        )
        .select_related("area")
        .order_by("answer_due", "pk")[:DUE_LIST_LIMIT]
    )
    for proposal in open_proposals:
        if proposal.agenda_committee_id in records:
            records[proposal.agenda_committee_id].open_items.append(proposal)
    # A committee's deadline closes when a published recommendation cites the proposal: met
    # when it was published by the proposal's `answer_due`.
    closed = (
        RecommendationItem.objects.filter(
            recommendation__state=RecommendationState.PUBLISHED,
            recommendation__published_at__isnull=False,
            proposal__in=public_proposals(),
            proposal__answer_due__isnull=False,
        )
        .values("recommendation__committee")
        .annotate(
            closed=Count("proposal", distinct=True),
            met=Count(
                "proposal",
                distinct=True,
                filter=Q(recommendation__published_at__lte=F("proposal__answer_due")),
            ),
        )
        .order_by()
    )
    for row in closed:
        record = records.get(row["recommendation__committee"])
        if record is not None:
            record.closed, record.met = row["closed"], row["met"]
    city = DeadlineRecord(name=str(_("The city")))
    city.open_items = list(awaiting_answer()[:DUE_LIST_LIMIT])
    answered = Answer.objects.filter(
        recommendation__state=RecommendationState.PUBLISHED,
        recommendation__answer_due__isnull=False,
    ).aggregate(
        closed=Count("pk"),
        met=Count("pk", filter=Q(answered_at__lte=F("recommendation__answer_due"))),
    )
    city.closed, city.met = answered["closed"], answered["met"]
    return [records[c.pk] for c in committees], city
