"""facilities reads: Check-in at the space, no-shows, the penalty register (suspensions) and appeals."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q

from sharehub.accounts.models import User
from sharehub.facilities.models import Penalty, Space


def suspension_of(user: User, space: Space, *, now: datetime) -> Penalty | None:
    """The suspension that bars `user` from booking `space` now (one of this space, or of every
    space), the one that ends last; None when they may book."""
    return (
        Penalty.objects.filter(
            Q(space=space) | Q(space__isnull=True),
            user=user,
            starts_at__lte=now,
            ends_at__gt=now,
            lifted_at__isnull=True,
        )
        .order_by("-ends_at")
        .first()
    )
