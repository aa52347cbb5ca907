"""A person's proposals and supports in their data export. On erasure their supports go (each
proposal recounted) and their proposals stay public without an author (the foreign key's
SET_NULL): a public contribution is anonymised, not deleted."""

from __future__ import annotations

from typing import Any

from .models import Comment, Follow, Proposal, Support
from .services import erase_supports_of
from .services.comments import anonymise_comments_of


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
                "attachments": [
                    {
                        "title": a.title,
                        "content_type": a.content_type,
                        "size": a.size,
                        "created_at": a.created_at.isoformat(),
                    }
                    for a in proposal.attachments.all()
                ],
            }
            for proposal in Proposal.objects.filter(author=user).prefetch_related(
                "amendments", "attachments"
            )
        ],
        "supports": [
            {"proposal": support.proposal_id, "supported_at": support.created_at.isoformat()}
            for support in Support.objects.filter(user=user)
        ],
        "comments": [
            {
                "id": comment.pk,
                "proposal": comment.proposal_id,
                "in_reply_to": comment.parent_id,
                "body": comment.body,
                "stance": comment.stance,
                "status": comment.moderation_status,
                "created_at": comment.created_at.isoformat(),
                "edited_at": comment.edited_at.isoformat() if comment.edited_at else None,
            }
            for comment in Comment.objects.filter(author=user).order_by("created_at", "pk")
        ],
        "follows": [
            {"proposal": follow.proposal_id, "followed_at": follow.created_at.isoformat()}
            for follow in Follow.objects.filter(user=user)
        ],
    }


def erase_participation(user: Any) -> None:
    erase_supports_of(user)
    # Comments stay public, by "a former member"; follows go.
    anonymise_comments_of(user)
    # Drafts were never public: they go with the account, their attachments' files too (after the
    # commit: manifest_attachments).
    Proposal.objects.filter(author=user, state="draft").delete()
