"""facilities reads: Check-in at the space, no-shows, the penalty register (suspensions) and appeals.

Staff see the suspensions of the spaces they run; those of every space (no space) only city
staff. A person sees their own.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any, cast

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from sharehub.accounts.models import User
from sharehub.accounts.roles import is_city_staff
from sharehub.core.actors import Actor, is_signed_in
from sharehub.facilities import rules
from sharehub.facilities.models import (
    Appeal,
    AppealStatus,
    Booking,
    BookingStatus,
    Penalty,
    Space,
)
from sharehub.facilities.selectors import runs_spaces

# How far back the check-in page lists ended bookings nobody was checked in to.
NO_SHOW_DAYS = 7


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


def _visible(actor: Actor) -> Q | None:
    """The penalties this person runs, as a filter; None: none at all."""
    if not is_signed_in(actor):
        return None
    if is_city_staff(actor):
        return Q()
    return Q(space__staff=cast(User, actor))


def register(
    actor: Actor,
    *,
    state: str = "",
    kind: str = "",
    space: Space | None = None,
    person: str = "",
    now: datetime | None = None,
) -> QuerySet[Penalty]:
    """The penalty register as this person may read it, newest first, filtered by `state`
    (running, ended, lifted, appealed), `kind`, `space` and the person's name or e-mail."""
    visible = _visible(actor)
    if visible is None:
        return Penalty.objects.none()
    now = now or timezone.now()
    penalties = Penalty.objects.filter(visible)
    if state == "running":
        penalties = penalties.filter(lifted_at__isnull=True, starts_at__lte=now, ends_at__gt=now)
    elif state == "ended":
        penalties = penalties.filter(lifted_at__isnull=True, ends_at__lte=now)
    elif state == "lifted":
        penalties = penalties.filter(lifted_at__isnull=False)
    elif state == "appealed":
        penalties = penalties.filter(appeal__status=AppealStatus.PENDING)
    if kind:
        penalties = penalties.filter(kind=kind)
    if space is not None:
        penalties = penalties.filter(space=space)
    if person:
        words = person.strip()[:100]
        penalties = penalties.filter(
            Q(user__email__icontains=words) | Q(user__display_name__icontains=words)
        )
    return (
        penalties.distinct()
        .select_related("user", "space", "appeal", "created_by")
        .order_by("-starts_at", "-pk")
    )


def get_penalty_for(actor: Actor, pk: int) -> Penalty:
    """A penalty this staff member runs; 404 for anyone else."""
    visible = _visible(actor)
    penalty = (
        Penalty.objects.filter(visible).filter(pk=pk).select_related("user", "space").first()
        if visible is not None
        else None
    )
    if penalty is None:
        raise Http404
    return penalty


def appeals_waiting(actor: Actor) -> QuerySet[Appeal]:
    visible = _visible(actor)
    if visible is None:
        return Appeal.objects.none()
    penalties = Penalty.objects.filter(visible).values("pk")
    return (
        Appeal.objects.filter(status=AppealStatus.PENDING, penalty__in=penalties)
        .select_related("penalty", "penalty__user", "penalty__space")
        .order_by("created_at", "pk")
    )


def appeals_waiting_count(actor: Actor) -> int:
    return appeals_waiting(actor).count()


def runs_penalties(actor: Any) -> bool:
    """City staff, or the staff of any space (the workspace's "Appeals to decide")."""
    return runs_spaces(actor)


def penalties_of(user: Actor) -> QuerySet[Penalty]:
    """A person's own suspensions, newest first, with their appeals."""
    if not is_signed_in(user):
        return Penalty.objects.none()
    return (
        Penalty.objects.filter(user=cast(User, user))
        .select_related("space", "appeal")
        .order_by("-starts_at", "-pk")
    )


def get_own_penalty(user: Actor, pk: int) -> Penalty:
    penalty = penalties_of(user).filter(pk=pk).first()
    if penalty is None:
        raise Http404
    return penalty


def no_show_history(actor: Actor, person: User) -> QuerySet[Booking]:
    """A person's no-shows at the spaces this staff member runs, newest first."""
    visible = _visible(actor)
    if visible is None:
        return Booking.objects.none()
    bookings = Booking.objects.filter(user=person, no_show=True)
    if not is_city_staff(actor):
        bookings = bookings.filter(space__staff=cast(User, actor))
    return bookings.select_related("space").order_by("-starts_at", "-pk")


def today_bookings(space: Space, *, now: datetime | None = None) -> QuerySet[Booking]:
    """The confirmed bookings of the space today (its check-in list)."""
    day = rules.local(now or timezone.now()).date()
    begin, end = rules.at(day, time(0)), rules.at(day + timedelta(days=1), time(0))
    return (
        Booking.objects.filter(
            space=space,
            status=BookingStatus.CONFIRMED,
            starts_at__gte=begin,
            starts_at__lt=end,
        )
        .select_related("user", "organization")
        .order_by("starts_at", "pk")
    )


def ended_unchecked(space: Space, *, now: datetime | None = None) -> QuerySet[Booking]:
    """Confirmed bookings of the last days that ended without a check-in: to record as no-shows
    (or, those already recorded, to undo)."""
    now = now or timezone.now()
    return (
        Booking.objects.filter(
            space=space,
            status=BookingStatus.CONFIRMED,
            checked_in_at__isnull=True,
            ends_at__lte=now,
            ends_at__gt=now - timedelta(days=NO_SHOW_DAYS),
        )
        .select_related("user", "organization")
        .order_by("-ends_at", "-pk")
    )
