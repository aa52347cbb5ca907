"""A person's suggestions in their data export; on erasure they stay (they may be applied) but
anonymised: their message goes, and so do the contact details they proposed (often their own).
A listing whose contact address is theirs loses it."""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from django.db import transaction

from sharehub.core import privacy

from .models import Listing, Suggestion

CONTACT_FIELDS = ("email", "phone")


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
        for suggestion in Suggestion.objects.filter(created_by=user).select_related(
            "listing__organization"
        )
    ]


@transaction.atomic
def erase_suggestions(user: Any) -> None:
    identifiers = privacy.identifiers_of(user)
    for suggestion in Suggestion.objects.filter(created_by=user):
        payload = {
            key: value for key, value in suggestion.payload.items() if key not in CONTACT_FIELDS
        }
        suggestion.payload = privacy.scrub(payload, identifiers)
        suggestion.message = ""
        suggestion.created_by = None
        suggestion.save(update_fields=["payload", "message", "created_by"])
    emails = {user.email, *EmailAddress.objects.filter(user=user).values_list("email", flat=True)}
    Listing.objects.filter(privacy.equals_any("email", emails)).update(email="")
