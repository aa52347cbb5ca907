"""A proposal's attachments, for those who may see the proposal (`can_see_proposal`): anyone for
a public one, its author only for a draft, moderators and city staff for one they decide on."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from sharehub.core.actors import Actor
from sharehub.participation.models import Proposal, ProposalAttachment
from sharehub.participation.permissions import can_see_proposal


def attachments_of(proposal: Proposal) -> QuerySet[ProposalAttachment]:
    return proposal.attachments.order_by("created_at", "pk")


def get_attachment_for(actor: Actor, pk: int) -> ProposalAttachment:
    """The attachment, or 404 whether it is missing or its proposal is not the actor's to see."""
    attachment = ProposalAttachment.objects.select_related("proposal").filter(pk=pk).first()
    if attachment is None or not can_see_proposal(actor, attachment.proposal):
        raise Http404
    return attachment
