"""facilities reads: Lottery rounds for popular slots: entries, the draw with a published seed, winners booked."""

from __future__ import annotations

from datetime import date

from sharehub.facilities.models import Allocation, LotteryRound, Space


def undrawn_round(space: Space, day: date) -> LotteryRound | None:
    """In lottery mode, the round that still collects entries for `day`: its slots are not booked
    first come until it is drawn."""
    if space.allocation != Allocation.LOTTERY:
        return None
    return LotteryRound.objects.filter(
        space=space, covers_from__lte=day, covers_until__gte=day, drawn_at__isnull=True
    ).first()
