"""A person's proposals and supports in their data export. On erasure their supports go (each
proposal recounted) and their proposals stay public without an author (the foreign key's
SET_NULL): a public contribution is anonymised, not deleted."""

from __future__ import annotations

from typing import Any

from .models import Proposal, Support
from .services import erase_supports_of


def export_participation(user: Any) -> dict:
    return {
        "proposals": [
            {
                "id": proposal.pk,
                "title": proposal.title,
                "body": proposal.body,
                "state": proposal.state,
                "created_at": proposal.created_at.isoformat(),
                "amendments": [
                    {"text": a.text, "created_at": a.created_at.isoformat()}
                    for a in proposal.amendments.all()
                ],
            }
            for proposal in Proposal.objects.filter(author=user).prefetch_related("amendments")
        ],
        "supports": [
            {"proposal": support.proposal_id, "supported_at": support.created_at.isoformat()}
            for support in Support.objects.filter(user=user)
        ],
    }


def erase_participation(user: Any) -> None:
    erase_supports_of(user)
    # Drafts were never public: they go with the account.
    Proposal.objects.filter(author=user, state="draft").delete()
