"""Who may do what to which proposal or committee (DESIGN §3): functions, not scattered ifs."""

from __future__ import annotations

from typing import cast

from allauth.account.models import EmailAddress
from django.utils import timezone

from sharehub.accounts.models import User
from sharehub.accounts.roles import is_city_staff, is_moderator
from sharehub.core.actors import Actor, is_signed_in

from .models import Committee, CommitteeMembership, Proposal, ProposalState


def is_author(actor: Actor, proposal: Proposal) -> bool:
    return is_signed_in(actor) and proposal.author_id == getattr(actor, "pk", None)


def has_verified_email(actor: Actor) -> bool:
    """Proposing and supporting need a verified address (one person, one support)."""
    return (
        is_signed_in(actor)
        and EmailAddress.objects.filter(user_id=getattr(actor, "pk", None), verified=True).exists()
    )


def can_see_proposal(actor: Actor, proposal: Proposal) -> bool:
    """The public sees published proposals; the author their own in any state; moderators what
    they decide on (pending, rejected, hidden)."""
    if proposal.is_public:
        return True
    if is_author(actor, proposal):
        return True
    return proposal.state != ProposalState.DRAFT and (is_moderator(actor) or is_city_staff(actor))


def can_edit_in_place(proposal: Proposal) -> bool:
    """The text may change until the first support; after that only amendments add to it."""
    if proposal.state in (ProposalState.DRAFT, ProposalState.SUBMITTED):
        return True
    return proposal.state == ProposalState.COLLECTING and proposal.supports_count == 0


def is_committee_member(actor: Actor, committee: Committee) -> bool:
    """A member whose term runs today (any role)."""
    if not is_signed_in(actor):
        return False
    today = timezone.localdate()
    return (
        CommitteeMembership.objects.filter(
            committee=committee, user=cast(User, actor), term_start__lte=today
        )
        .exclude(term_end__lt=today)
        .exists()
    )
