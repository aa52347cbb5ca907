"""A person's waitlist entries in "download my data", and what deleting the account does to them:
an offer they held goes to the next person waiting, then every entry of theirs is deleted (a
place in a queue says nothing the space's statistics need)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from .models import WaitlistEntry, WaitStatus
from .services.waitlist import leave_on_erase


def export_waitlist(user: Any) -> list[dict]:
    return [
        {
            "space": entry.space.slug,
            "starts_at": entry.starts_at.isoformat(),
            "ends_at": entry.ends_at.isoformat(),
            "status": entry.status,
            "joined_at": entry.created_at.isoformat(),
            "offered_at": entry.offered_at.isoformat() if entry.offered_at else None,
            "offer_expires_at": entry.offer_expires_at.isoformat()
            if entry.offer_expires_at
            else None,
            "booking": entry.booking.reference if entry.booking else None,
        }
        for entry in WaitlistEntry.objects.filter(user=user)
        .select_related("space", "booking")
        .order_by("pk")
    ]


def erase_waitlist(user: Any) -> None:
    now = timezone.now()
    with transaction.atomic():
        # Their waiting places end first, so the offers they give up never come back to them.
        WaitlistEntry.objects.filter(user=user, status=WaitStatus.WAITING).update(
            status=WaitStatus.WITHDRAWN
        )
        offered = WaitlistEntry.objects.filter(
            user=user, status=WaitStatus.OFFERED, offer_expires_at__gt=now
        )
        for entry in offered:
            leave_on_erase(entry, now=now)
        WaitlistEntry.objects.filter(user=user).delete()
