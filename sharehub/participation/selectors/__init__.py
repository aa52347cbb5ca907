"""Every non-trivial read of participation, query-bounded (DESIGN §4)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modeltranslation import settings as mt_settings
from modeltranslation.utils import build_localized_fieldname

from sharehub.accounts.models import User
from sharehub.core.actors import Actor, is_signed_in
from sharehub.moderation.models import ModerationStatus
from sharehub.participation.models import (
    PUBLIC_STATES,
    Committee,
    CommitteeMembership,
    Proposal,
    ProposalState,
    Support,
)
from sharehub.participation.permissions import can_see_proposal
from sharehub.places.models import District


def public_proposals() -> QuerySet[Proposal]:
    """What an anonymous visitor may see: published by moderation and past the draft stage. The
    search index, the list, the API and the feeds all start here."""
    return Proposal.objects.filter(
        moderation_status=ModerationStatus.PUBLISHED, state__in=PUBLIC_STATES
    )


def _for_list(queryset: QuerySet[Proposal]) -> QuerySet[Proposal]:
    return queryset.select_related("area", "agenda_committee", "author").prefetch_related(
        Prefetch("districts", queryset=District.objects.defer("boundary"))  # outlines unshown
    )


# What a proposal's card shows (participation.templatetags.proposal_cards) and its area's name in
# every stored language, the fallback's too (a proposal is not translated: its manager does not add
# them, as the translated models' managers do); its districts come by `_for_list`'s prefetch.
CARD_FIELDS = (
    "title",
    "language",
    "state",
    "published_at",
    "supports_count",
    "support_threshold",
    *(build_localized_fieldname("area__name", code) for code in mt_settings.AVAILABLE_LANGUAGES),
)


def cards(queryset: QuerySet[Proposal]) -> QuerySet[Proposal]:
    """Proposals as the list's cards: only the columns a card shows, without the author and the
    committee `_for_list` joins for the other pages (some eighty columns, the body among them)."""
    return queryset.select_related(None).select_related("area").only(*CARD_FIELDS)


def proposal_list(*, filters: dict[str, Any] | None = None) -> QuerySet[Proposal]:
    """Public proposals filtered as the list's form says, in its order (most supported first by
    default, newest on request); a fixed number of queries whatever the size."""
    filters = filters or {}
    queryset = public_proposals()
    if filters.get("state"):
        queryset = queryset.filter(state=filters["state"])
    if filters.get("area"):
        queryset = queryset.filter(area=filters["area"])
    if filters.get("district"):
        queryset = queryset.filter(districts=filters["district"])
    if filters.get("committee"):
        committee = filters["committee"]
        # A proposal concerns a committee once on its agenda, or while collecting in its area.
        queryset = queryset.filter(
            Q(agenda_committee=committee)
            | Q(agenda_committee__isnull=True, area__committee=committee)
        )
    if filters.get("sort") == "newest":
        queryset = queryset.order_by("-published_at", "-id")
    else:
        queryset = queryset.order_by("-supports_count", "-published_at", "-id")
    return _for_list(queryset)


def get_proposal_for(actor: Actor, pk: int) -> Proposal:
    """The proposal, or 404 whether it is missing or not the actor's to see."""
    proposal = (
        _for_list(Proposal.objects.all()).prefetch_related("amendments").filter(pk=pk).first()
    )
    if proposal is None or not can_see_proposal(actor, proposal):
        raise Http404
    return proposal


def proposals_of(*, user: Actor) -> QuerySet[Proposal]:
    """The actor's own proposals, drafts included, newest first."""
    if not is_signed_in(user):
        return Proposal.objects.none()
    return _for_list(Proposal.objects.filter(author=cast(User, user))).order_by(
        "-created_at", "-id"
    )


def supported_ids(*, user: Actor, proposal_ids: list[int]) -> set[int]:
    """Which of these proposals the actor supports (one query)."""
    if not is_signed_in(user) or not proposal_ids:
        return set()
    return set(
        Support.objects.filter(user=cast(User, user), proposal_id__in=proposal_ids).values_list(
            "proposal_id", flat=True
        )
    )


def supports_of(*, user: Actor) -> QuerySet[Support]:
    """The actor's supports of proposals they may still see, newest first."""
    if not is_signed_in(user):
        return Support.objects.none()
    return (
        Support.objects.filter(user=cast(User, user), proposal__in=public_proposals())
        .select_related("proposal", "proposal__area")
        .order_by("-created_at", "-pk")
    )


def committee_list() -> QuerySet[Committee]:
    return Committee.objects.prefetch_related("areas")


def current_memberships() -> QuerySet[CommitteeMembership]:
    today = timezone.localdate()
    return (
        CommitteeMembership.objects.filter(term_start__lte=today)
        .exclude(term_end__lt=today)
        .select_related("user")
        .order_by("role", "term_start", "pk")
    )


def get_committee(*, slug: str) -> Committee:
    committee = (
        Committee.objects.prefetch_related(
            "areas", Prefetch("memberships", queryset=current_memberships(), to_attr="members")
        )
        .filter(slug=slug)
        .first()
    )
    if committee is None:
        raise Http404
    return committee


def committee_agenda(committee: Committee) -> QuerySet[Proposal]:
    """Public proposals waiting on the committee's agenda (not yet decided: those are in its
    recommendations), oldest deadline first."""
    waiting = (ProposalState.ON_AGENDA, ProposalState.UNDER_REVIEW)
    return _for_list(
        public_proposals().filter(agenda_committee=committee, state__in=waiting)
    ).order_by("answer_due", "id")


@dataclass(frozen=True)
class TimelineEntry:
    when: datetime
    label: Any
    text: str = ""
    html: str = ""


def timeline(proposal: Proposal) -> list[TimelineEntry]:
    """What happened to the proposal, oldest first: submission, publication, amendments, the
    threshold and the agenda, withdrawal or closing. Uses prefetched amendments."""
    entries = []
    if proposal.submitted_at:
        entries.append(TimelineEntry(proposal.submitted_at, _("Submitted")))
    if proposal.published_at:
        entries.append(TimelineEntry(proposal.published_at, _("Published: collecting supports")))
    for amendment in proposal.amendments.all():
        entries.append(TimelineEntry(amendment.created_at, _("Amended"), html=amendment.text))
    if proposal.threshold_reached_at:
        committee = proposal.agenda_committee
        entries.append(
            TimelineEntry(
                proposal.threshold_reached_at,
                _("Threshold reached: on the committee's agenda"),
                text=str(committee) if committee else "",
            )
        )
    if proposal.state == ProposalState.WITHDRAWN and proposal.withdrawn_at:
        entries.append(
            TimelineEntry(proposal.withdrawn_at, _("Withdrawn"), text=proposal.withdrawal_reason)
        )
    if proposal.state == ProposalState.NOT_ENOUGH_SUPPORT and proposal.closed_at:
        entries.append(TimelineEntry(proposal.closed_at, _("Closed: not enough support")))
    from . import answers, review  # noqa: PLC0415 (they import this package: no circle at load)

    entries += review.timeline_entries(proposal) + answers.timeline_entries(proposal)
    return sorted(entries, key=lambda entry: entry.when)


def due_for_closing(*, now: datetime) -> QuerySet[Proposal]:
    """Proposals still collecting whose deadline has passed."""
    return Proposal.objects.filter(state=ProposalState.COLLECTING, support_deadline__lte=now)
