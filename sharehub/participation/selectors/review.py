"""The committee review's reads (DESIGN §4): the public side (published recommendations, the
decisions on a proposal, its timeline entries) and the members' private workspace (the agenda
with rapporteurs, notes, drafts).

Private by default: every read of notes or drafts goes through `get_workspace_committee` or
`get_recommendation_for`, which answer 404 (not 403) to anyone who is not a current member of the
committee, so a stranger cannot even tell whether a draft exists.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from django.db.models import Count, Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sharehub.accounts.models import User
from sharehub.core.actors import Actor, is_signed_in
from sharehub.participation.models import (
    Committee,
    CommitteeMembership,
    CommitteeNote,
    CommitteeRole,
    Proposal,
    ProposalState,
    Recommendation,
    RecommendationItem,
    RecommendationState,
    Review,
)
from sharehub.participation.permissions import is_committee_member

if TYPE_CHECKING:
    from . import TimelineEntry

# A committee works on a proposal in these states (on its agenda, or under its review).
REVIEWABLE_STATES = frozenset({ProposalState.ON_AGENDA, ProposalState.UNDER_REVIEW})
LEAD_ROLES = (CommitteeRole.CHAIR, CommitteeRole.SECRETARY)


def _current_seats(user: User) -> QuerySet[CommitteeMembership]:
    today = timezone.localdate()
    return CommitteeMembership.objects.filter(user=user, term_start__lte=today).exclude(
        term_end__lt=today
    )


def can_lead_committee(actor: Actor, committee: Committee) -> bool:
    """The committee's current chair or secretary: assigns rapporteurs, publishes."""
    if not is_signed_in(actor):
        return False
    return (
        _current_seats(cast(User, actor)).filter(committee=committee, role__in=LEAD_ROLES).exists()
    )


def member_committees(*, user: Actor) -> QuerySet[Committee]:
    """The committees the actor sits on today (none for anyone else)."""
    if not is_signed_in(user):
        return Committee.objects.none()
    seats = _current_seats(cast(User, user))
    return Committee.objects.filter(pk__in=seats.values("committee_id")).order_by("order", "slug")


def is_member_of_any(user: Actor) -> bool:
    """Whether the actor sits on any committee today (the header's workspace link): one query,
    remembered on the request's user object, which the header asks twice per page."""
    if not is_signed_in(user):
        return False
    cached = getattr(user, "_sits_on_a_committee", None)
    if cached is None:
        cached = member_committees(user=user).exists()
        user._sits_on_a_committee = cached  # type: ignore[union-attr]
    return cached


def get_workspace_committee(*, actor: Actor, slug: str) -> Committee:
    """The committee whose workspace the actor may open, or 404 (missing or not a member)."""
    committee = Committee.objects.filter(slug=slug).first()
    if committee is None or not is_committee_member(actor, committee):
        raise Http404
    return committee


def _agenda(committee: Committee) -> QuerySet[Proposal]:
    return Proposal.objects.filter(
        agenda_committee=committee, state__in=REVIEWABLE_STATES, moderation_status="published"
    )


def workspace_agenda(committee: Committee) -> QuerySet[Proposal]:
    """Proposals on the committee's agenda or under its review, with their rapporteur, the
    soonest deadline first (members only)."""
    return (
        _agenda(committee)
        .select_related("area", "review__rapporteur")
        .prefetch_related(
            Prefetch(
                "committee_notes",
                queryset=CommitteeNote.objects.filter(committee=committee).select_related("author"),
                to_attr="notes",
            )
        )
        .order_by("answer_due", "id")
    )


def agenda_count(user: Actor) -> int:
    """Proposals waiting on the agendas of the actor's committees (the workspace's count)."""
    return Proposal.objects.filter(
        agenda_committee__in=member_committees(user=user),
        state__in=REVIEWABLE_STATES,
        moderation_status="published",
    ).count()


def reviewable_proposals(committee: Committee) -> QuerySet[Proposal]:
    """What a draft may decide on: the committee's agenda, not decided in a published one."""
    decided = RecommendationItem.objects.filter(
        recommendation__state=RecommendationState.PUBLISHED
    ).values("proposal_id")
    return _agenda(committee).exclude(pk__in=decided).order_by("answer_due", "id")


def _items() -> Prefetch:
    return Prefetch(
        "items",
        queryset=RecommendationItem.objects.select_related("proposal").order_by("pk"),
    )


def drafts_of(committee: Committee) -> QuerySet[Recommendation]:
    """The committee's draft recommendations with their decisions (members only)."""
    return (
        Recommendation.objects.filter(committee=committee, state=RecommendationState.DRAFT)
        .select_related("created_by")
        .prefetch_related(_items())
        .order_by("-created_at", "-pk")
    )


def public_recommendations() -> QuerySet[Recommendation]:
    """What an anonymous visitor may see of the recommendations: the published ones, never a
    draft. The search index starts here (manifest_review)."""
    return Recommendation.objects.filter(state=RecommendationState.PUBLISHED)


def published_recommendations(*, committee: Committee | None = None) -> QuerySet[Recommendation]:
    """Published recommendations, newest first: the only ones anyone outside a committee sees
    (pages, API, feeds)."""
    queryset = public_recommendations()
    if committee is not None:
        queryset = queryset.filter(committee=committee)
    return (
        queryset.select_related("committee")
        .annotate(decisions=Count("items"))
        .order_by("-published_at", "-pk")
    )


def get_recommendation_for(actor: Actor, pk: int) -> Recommendation:
    """A published recommendation for anyone; a draft for its committee's members; else 404."""
    recommendation = (
        Recommendation.objects.select_related("committee", "created_by")
        .prefetch_related(_items())
        .filter(pk=pk)
        .first()
    )
    if recommendation is None:
        raise Http404
    if not recommendation.is_public and not is_committee_member(actor, recommendation.committee):
        raise Http404
    return recommendation


def get_note_for(actor: Actor, pk: int) -> CommitteeNote:
    note = CommitteeNote.objects.select_related("committee").filter(pk=pk).first()
    if note is None or not is_committee_member(actor, note.committee):
        raise Http404
    return note


def get_item_for(actor: Actor, pk: int) -> RecommendationItem:
    item = (
        RecommendationItem.objects.select_related("recommendation__committee", "proposal")
        .filter(pk=pk)
        .first()
    )
    if item is None or not is_committee_member(actor, item.recommendation.committee):
        raise Http404
    return item


def notes_of(committee: Committee) -> QuerySet[CommitteeNote]:
    """The committee's notes, newest first (members only)."""
    return (
        CommitteeNote.objects.filter(committee=committee)
        .select_related("author", "proposal")
        .order_by("-created_at", "-pk")
    )


def public_decisions(proposal: Proposal) -> list[RecommendationItem]:
    """The committee's published decisions on the proposal, with their recommendations."""
    return list(
        RecommendationItem.objects.filter(
            proposal=proposal, recommendation__state=RecommendationState.PUBLISHED
        )
        .select_related("recommendation__committee")
        .order_by("recommendation__published_at", "pk")
    )


def review_of(proposal: Proposal) -> Review | None:
    return (
        Review.objects.select_related("rapporteur", "committee").filter(proposal=proposal).first()
    )


def timeline_entries(proposal: Proposal) -> list[TimelineEntry]:
    """This part's entries in the proposal's public timeline: the review's start with its
    rapporteur, and each published decision (never a note or a draft)."""
    from . import TimelineEntry  # noqa: PLC0415 (the package imports this module)

    entries: list[TimelineEntry] = []
    review = review_of(proposal)
    if review is not None:
        name = review.rapporteur.display_name if review.rapporteur else ""
        entries.append(
            TimelineEntry(
                review.started_at,
                _("Review started"),
                text=str(_("rapporteur %(name)s") % {"name": name}) if name else "",
            )
        )
    for item in public_decisions(proposal):
        recommendation = item.recommendation
        if recommendation.published_at is None:
            continue
        entries.append(
            TimelineEntry(
                recommendation.published_at,
                _("Committee decision published"),
                text=f"{recommendation.committee} · {item.get_verdict_display()}",
            )
        )
    return entries
