"""facilities reads: lottery rounds for popular slots, their entries and the published draw.

The draw order is a pure function of the published seed and the entry numbers (`draw_order`), so
anyone can recompute it from the round's page or its JSON: each entry's ticket is
HMAC-SHA256(key=seed, message=entry number), entries in ascending ticket order.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable
from datetime import date, datetime
from typing import cast

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from sharehub.accounts.models import User
from sharehub.core.actors import Actor, is_signed_in
from sharehub.facilities.models import Allocation, EntryStatus, LotteryEntry, LotteryRound, Space

# The few lines anyone can run to check a drawn round (the page and the JSON show them, filled in).
REPRODUCE = """import hashlib, hmac

seed = "{seed}"
assert hashlib.sha256(seed.encode()).hexdigest() == "{seed_hash}"
entries = {numbers}
ticket = lambda n: hmac.new(seed.encode(), str(n).encode(), hashlib.sha256).hexdigest()
print(sorted(entries, key=lambda n: (ticket(n), n)))"""


def seed_fingerprint(seed: str) -> str:
    return hashlib.sha256(seed.encode()).hexdigest()


def ticket(seed: str, number: int) -> str:
    """An entry's place-deciding ticket: HMAC-SHA256 keyed by the seed over the entry number."""
    return hmac.new(seed.encode(), str(number).encode(), hashlib.sha256).hexdigest()


def draw_order(seed: str, numbers: Iterable[int]) -> list[int]:
    """The entry numbers in the order of the draw (ties, never seen in practice, by number)."""
    return sorted(numbers, key=lambda n: (ticket(seed, n), n))


def reproduce_code(lottery: LotteryRound, numbers: list[int]) -> str:
    return REPRODUCE.format(seed=lottery.seed, seed_hash=lottery.seed_hash, numbers=numbers)


def undrawn_round(space: Space, day: date) -> LotteryRound | None:
    """In lottery mode, the round that still collects entries for `day`: its slots are not booked
    first come until it is drawn."""
    if space.allocation != Allocation.LOTTERY:
        return None
    return LotteryRound.objects.filter(
        space=space, covers_from__lte=day, covers_until__gte=day, drawn_at__isnull=True
    ).first()


def entering_round(space: Space, day: date, *, now: datetime) -> LotteryRound | None:
    """The round that takes entries for `day` now (undrawn, its draw time not reached)."""
    if space.allocation != Allocation.LOTTERY:
        return None
    return LotteryRound.objects.filter(
        space=space,
        covers_from__lte=day,
        covers_until__gte=day,
        drawn_at__isnull=True,
        draws_at__gt=now,
    ).first()


def _with_counts(rounds: QuerySet[LotteryRound]) -> QuerySet[LotteryRound]:
    return rounds.annotate(
        entry_count=Count("entries", filter=~Q(entries__status=EntryStatus.WITHDRAWN)),
        won_count=Count("entries", filter=Q(entries__status=EntryStatus.WON)),
    )


def space_rounds(space: Space, *, limit: int = 10) -> list[LotteryRound]:
    """A space's rounds: up to `limit` still to draw (soonest first), then up to `limit` of the
    latest drawn; two queries."""
    rounds = _with_counts(LotteryRound.objects.filter(space=space))
    undrawn = rounds.filter(drawn_at__isnull=True).order_by("covers_from", "pk")[:limit]
    drawn = rounds.filter(drawn_at__isnull=False).order_by("-covers_from", "-pk")[:limit]
    return [*undrawn, *drawn]


def public_round(pk: int) -> LotteryRound:
    lottery = (
        _with_counts(
            LotteryRound.objects.select_related("space", "space__district").defer(
                "space__district__boundary"
            )
        )
        .filter(pk=pk, space__is_active=True)
        .first()
    )
    if lottery is None:
        raise Http404
    return lottery


def published_entries(lottery: LotteryRound) -> list[LotteryEntry]:
    """The round's entries as the public sees them (their number, period, place and outcome,
    never who): before the draw in the order they came, after it in the order of the draw.
    Withdrawn entries are not in the draw and not shown."""
    entries = list(
        LotteryEntry.objects.filter(round=lottery)
        .exclude(status=EntryStatus.WITHDRAWN)
        .only("pk", "round_id", "starts_at", "ends_at", "status", "position", "outcome")
        .order_by("position", "pk")
    )
    return entries


def entries_of(*, user: Actor) -> QuerySet[LotteryEntry]:
    if not is_signed_in(user):
        return LotteryEntry.objects.none()
    return (
        LotteryEntry.objects.filter(user=cast(User, user))
        .select_related("round", "round__space", "booking")
        .order_by("-starts_at", "-pk")
    )


def get_entry_for(actor: Actor, pk: int) -> LotteryEntry:
    """One's own entry; 404 for anyone else (entries are pseudonymous in public)."""
    entry = entries_of(user=actor).filter(pk=pk).first()
    if entry is None:
        raise Http404
    return entry


def staff_rounds(spaces: QuerySet[Space], *, limit: int = 20) -> list[LotteryRound]:
    """Rounds of the spaces someone runs: undrawn first (next draw first), then recently drawn."""
    base = _with_counts(LotteryRound.objects.filter(space__in=spaces).select_related("space"))
    undrawn = list(base.filter(drawn_at__isnull=True).order_by("draws_at", "pk")[:limit])
    drawn = list(base.filter(drawn_at__isnull=False).order_by("-drawn_at", "-pk")[:limit])
    return (undrawn + drawn)[:limit]


def rounds_list(*, space: Space | None = None) -> QuerySet[LotteryRound]:
    """Every round of active spaces (the API's list), newest first."""
    rounds = _with_counts(
        LotteryRound.objects.filter(space__is_active=True).select_related("space")
    )
    if space is not None:
        rounds = rounds.filter(space=space)
    return rounds.order_by("-covers_from", "-pk")
