"""facilities reads: The waitlist for taken periods: offers when a period is released; reminders before a booking."""

from __future__ import annotations

from datetime import datetime

from sharehub.accounts.models import User
from sharehub.facilities.models import Space, WaitlistEntry, WaitStatus


def offer_holding(
    space: Space, starts_at: datetime, ends_at: datetime, *, now: datetime, user: User
) -> WaitlistEntry | None:
    """A live waitlist offer of another person that overlaps the period: it holds the period for
    them until it expires."""
    return (
        WaitlistEntry.objects.filter(
            space=space,
            status=WaitStatus.OFFERED,
            offer_expires_at__gt=now,
            starts_at__lt=ends_at,
            ends_at__gt=starts_at,
        )
        .exclude(user=user)
        .first()
    )
