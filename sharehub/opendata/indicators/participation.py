"""Participation's indicators: public proposals and their supports (by month, the districts a
proposal concerns and its policy area) and the city's answers to the committees' published
recommendations, and how many came by their deadline."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from django.db.models import Count, F, Q
from django.db.models.functions import Coalesce, TruncMonth
from django.utils.translation import gettext_lazy as _

from sharehub.participation.models import (
    Answer,
    AnswerStatus,
    PolicyArea,
    Proposal,
    Recommendation,
    RecommendationState,
    Support,
)
from sharehub.participation.selectors import public_proposals

from .engine import ALL, Indicator, Point, as_month, kept_labels, register

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

PROPOSAL_SOURCES = (Proposal, Proposal.districts.through, PolicyArea)


@kept_labels(PolicyArea)
def _area_labels() -> dict[str, StrOrPromise]:
    # Two columns, as directory's _category_labels.
    return dict(PolicyArea.objects.order_by("order", "slug").values_list("slug", "name"))


def _status_labels() -> dict[str, StrOrPromise]:
    return dict(AnswerStatus.choices)


def _proposals() -> Iterator[Point]:
    """By each district concerned, and with the districts totalled (ALL), each proposal once."""
    published = public_proposals().annotate(
        month=TruncMonth(Coalesce("published_at", "submitted_at", "created_at"))
    )
    grouped = (
        published.values("month", "districts__code", "area__slug")
        .annotate(n=Count("pk", distinct=True))
        .order_by()
    )
    for row in grouped:
        yield Point(as_month(row["month"]), row["districts__code"], row["area__slug"], row["n"])
    for total in published.values("month", "area__slug").annotate(n=Count("pk")).order_by():
        yield Point(as_month(total["month"]), ALL, total["area__slug"], total["n"])


def _supports() -> Iterator[Point]:
    supports = Support.objects.filter(proposal__in=public_proposals().values("pk")).annotate(
        month=TruncMonth("created_at")
    )
    grouped = (
        supports.values("month", "proposal__districts__code", "proposal__area__slug")
        .annotate(n=Count("pk", distinct=True))
        .order_by()
    )
    for row in grouped:
        yield Point(
            as_month(row["month"]),
            row["proposal__districts__code"],
            row["proposal__area__slug"],
            row["n"],
        )
    totals = supports.values("month", "proposal__area__slug").annotate(n=Count("pk")).order_by()
    for total in totals:
        yield Point(as_month(total["month"]), ALL, total["proposal__area__slug"], total["n"])


def _answers(condition: Q) -> Iterator[Point]:
    grouped = (
        Answer.objects.filter(condition, recommendation__state=RecommendationState.PUBLISHED)
        .annotate(month=TruncMonth("answered_at"))
        .values("month", "status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in grouped:
        yield Point(as_month(row["month"]), None, row["status"], row["n"])


PROPOSALS = register(
    Indicator(
        code="participation.proposals",
        group="participation",
        name=_("Policy proposals"),
        unit=_("proposals"),
        definition=_(
            "Citizens' policy proposals published on the hub, by the month of publication."
        ),
        method=_(
            "Counts public proposals (published by moderation, past the draft, not withdrawn before publication) by the month they were published (Asia/Seoul), each district they concern and their policy area; a proposal about two districts counts in each, one about the whole city with no district."
        ),
        source=_("ShareHub participation"),
        compute=_proposals,
        sources=PROPOSAL_SOURCES,
        dimensions=("period", "district", "category"),
        multi_valued=("district",),
        categories=_area_labels,
        order=50,
    )
)

SUPPORTS = register(
    Indicator(
        code="participation.supports",
        group="participation",
        name=_("Supports of proposals"),
        unit=_("supports"),
        definition=_("Supports given to public proposals, by the month they were given."),
        method=_(
            "Counts the supports of public proposals by the month of the support, each district the proposal concerns and its policy area."
        ),
        source=_("ShareHub participation"),
        compute=_supports,
        sources=(Support, *PROPOSAL_SOURCES),
        dimensions=("period", "district", "category"),
        multi_valued=("district",),
        categories=_area_labels,
        order=51,
    )
)

ANSWERS = register(
    Indicator(
        code="participation.answers",
        group="participation",
        name=_("The city's answers"),
        unit=_("answers"),
        definition=_("The city's answers to the committees' published recommendations."),
        method=_(
            "Counts the city's answers by the month they were given and the answer (accepted, partly accepted, rejected)."
        ),
        source=_("ShareHub participation"),
        compute=lambda: _answers(Q()),
        sources=(Answer, Recommendation),
        dimensions=("period", "category"),
        categories=_status_labels,
        order=52,
    )
)

ANSWERS_ON_TIME = register(
    Indicator(
        code="participation.answers_on_time",
        group="participation",
        name=_("Answers on time"),
        unit=_("answers"),
        definition=_("The city's answers given by the deadline of the recommendation they answer."),
        method=_(
            "Counts the city's answers given at or before the recommendation's answer deadline, by month and answer; an answer to a recommendation without a deadline is not counted."
        ),
        source=_("ShareHub participation"),
        compute=lambda: _answers(Q(answered_at__lte=F("recommendation__answer_due"))),
        sources=(Answer, Recommendation),
        dimensions=("period", "category"),
        categories=_status_labels,
        order=53,
    )
)

ANSWERS_ON_TIME_SHARE = register(
    Indicator(
        code="participation.answers_on_time_share",
        group="participation",
        name=_("Share of answers on time"),
        unit="%",
        definition=_("Answers on time as a percentage of the city's answers."),
        method=_(
            "Answers on time divided by the city's answers, grouped alike, times 100, to one decimal."
        ),
        source=_("ShareHub participation"),
        compute=lambda: iter(()),
        sources=(Answer, Recommendation),
        dimensions=("period", "category"),
        ratio_of=("participation.answers_on_time", "participation.answers"),
        categories=_status_labels,
        order=54,
    )
)
