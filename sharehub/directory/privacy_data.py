"""A person's suggestions in their data export; on erasure they stay (they may be applied) but anonymised."""

from __future__ import annotations

from typing import Any

from .models import Suggestion


def export_suggestions(user: Any) -> list[dict]:
    return [
        {
            "kind": suggestion.kind,
            "listing": suggestion.listing.organization.slug if suggestion.listing_id else None,
            "values": suggestion.payload,
            "message": suggestion.message,
            "status": suggestion.moderation_status,
            "reason": suggestion.moderation_reason,
            "created_at": suggestion.created_at.isoformat(),
        }
        for suggestion in Suggestion.objects.filter(created_by=user).select_related("listing__organization")
    ]


def erase_suggestions(user: Any) -> None:
    Suggestion.objects.filter(created_by=user).update(created_by=None, message="")
