"""Every non-trivial read of facilities, query-bounded (DESIGN §4).

The public sees spaces and, for each slot, only "free" or "taken"; a booking's details are for its
booker and the space's staff (`permissions.can_see_booking`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, cast

from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, F, OuterRef, QuerySet
from django.http import Http404
from django.utils import timezone

from sharehub.accounts.models import User
from sharehub.accounts.roles import is_city_staff
from sharehub.core.actors import Actor, is_signed_in
from sharehub.core.models import AuditEntry
from sharehub.facilities import rules
from sharehub.facilities.models import (
    ACTIVE_STATUSES,
    Allocation,
    Booking,
    BookingStatus,
    Closure,
    LotteryRound,
    OpeningHours,
    Space,
)
from sharehub.facilities.permissions import can_see_booking


def public_spaces() -> QuerySet[Space]:
    return Space.objects.filter(is_active=True)


def _free_between(
    spaces: QuerySet[Space], starts_at: datetime, ends_at: datetime
) -> QuerySet[Space]:
    """Spaces open for the whole period, not closed that day, and without an active booking
    overlapping it (three subqueries in one statement)."""
    start, end = rules.local(starts_at), rules.local(ends_at)
    day = start.date()
    opened = OpeningHours.objects.filter(
        space=OuterRef("pk"), weekday=day.weekday(), opens__lte=start.time(), closes__gte=end.time()
    )
    closed = Closure.objects.filter(space=OuterRef("pk"), starts_on__lte=day, ends_on__gte=day)
    taken = Booking.objects.filter(
        space=OuterRef("pk"),
        status__in=ACTIVE_STATUSES,
        starts_at__gte=rules.at(day, time(0)),  # within one day (rules.check): an index range
        starts_at__lt=ends_at,
        ends_at__gt=starts_at,
    )
    spaces = spaces.filter(Exists(opened)).exclude(Exists(closed)).exclude(Exists(taken))
    if rules.holiday_name(day):
        spaces = spaces.filter(closed_on_holidays=False)
    return spaces


def _open_on(spaces: QuerySet[Space], day: date) -> QuerySet[Space]:
    """Spaces open at some time of the day and not closed on it."""
    opened = OpeningHours.objects.filter(space=OuterRef("pk"), weekday=day.weekday())
    closed = Closure.objects.filter(space=OuterRef("pk"), starts_on__lte=day, ends_on__gte=day)
    spaces = spaces.filter(Exists(opened)).exclude(Exists(closed))
    if rules.holiday_name(day):
        spaces = spaces.filter(closed_on_holidays=False)
    return spaces


def _free_on(
    spaces: QuerySet[Space], day: date, start: time | None, end: time | None
) -> QuerySet[Space]:
    """The list's "free on" filter: with no time, the spaces open that day; with one end of the
    period, an hour from (or up to) it; with both, free for the whole period."""
    if start is not None:
        begin = rules.at(day, start)
        finish = rules.at(day, end) if end is not None else begin + timedelta(hours=1)
    elif end is not None:
        finish = rules.at(day, end)
        begin = finish - timedelta(hours=1)
    else:
        return _open_on(spaces, day)
    if begin >= finish:
        return spaces.none()
    return _free_between(spaces, begin, finish)


def space_list(*, filters: dict[str, Any] | None = None) -> QuerySet[Space]:
    """Public spaces by the list's filters (filters.SpaceFilterForm's cleaned values)."""
    filters = filters or {}
    spaces = public_spaces().select_related("district").defer("district__boundary")
    if filters.get("district"):
        spaces = spaces.filter(district=filters["district"])
    if filters.get("people"):
        spaces = spaces.filter(capacity__gte=filters["people"])
    if filters.get("free_of_charge"):
        spaces = spaces.filter(fee_mode="free")
    for feature in filters.get("features") or ():
        spaces = spaces.filter(features=feature)
    if filters.get("day"):
        spaces = _free_on(spaces, filters["day"], filters.get("start"), filters.get("end"))
    near = filters.get("near")
    if near:
        lat, lon = near
        # Squared equirectangular distance: the order of nearness in one city, in SQL.
        spaces = (
            spaces.filter(latitude__isnull=False)
            .annotate(
                nearness=(F("latitude") - lat) * (F("latitude") - lat)
                + (F("longitude") - lon) * (F("longitude") - lon) * 0.64
            )
            .order_by("nearness", "pk")
        )
    else:
        spaces = spaces.order_by("district__name", "name", "pk")
    return spaces


def get_space(*, slug: str) -> Space:
    space = (
        Space.objects.select_related("district")
        .defer("district__boundary")
        .prefetch_related("features", "hours", "refund_bands", "fee_rates", "photos")
        .filter(slug=slug, is_active=True)
        .first()
    )
    if space is None:
        raise Http404
    return space


@dataclass(frozen=True)
class Slot:
    starts_at: datetime
    ends_at: datetime
    # "free", "taken", "past", "not_yet" (outside the booking window), "short" (free, but the
    # shortest booking from here would run past closing or into a taken time), "lottery" (free,
    # on a day a lottery round will allocate: entered, not booked)
    state: str
    book_until: datetime | None = None  # the shortest booking from this slot, when free


@dataclass(frozen=True)
class Day:
    day: date
    closed: str | None  # why, when closed all day
    slots: list[Slot]


def week(space: Space, first: date, *, now: datetime | None = None) -> list[Day]:
    """Seven days from `first`: each day's slots and whether each is free. Three queries
    (hours, closures, active bookings; a fourth in lottery mode), whatever the number of
    bookings."""
    now = now or timezone.now()
    last = first + timedelta(days=6)
    hours = list(space.hours.all())
    closures = list(space.closures.filter(starts_on__lte=last, ends_on__gte=first))
    begin, end = rules.at(first, time(0)), rules.at(last + timedelta(days=1), time(0))
    taken = list(
        # A booking lies within one day (rules.check), so it starts after `begin`: a bounded
        # range of the (space, starts_at) index however many past bookings the space has.
        Booking.objects.filter(
            space=space,
            status__in=ACTIVE_STATUSES,
            starts_at__gte=begin,
            starts_at__lt=end,
            ends_at__gt=begin,
        ).values_list("starts_at", "ends_at")
    )
    # In lottery mode, the free slots of days whose round is not drawn yet are entered, not booked.
    drawn_later: set[date] = set()
    if space.allocation == Allocation.LOTTERY:
        for round_from, round_until in LotteryRound.objects.filter(
            space=space, covers_from__lte=last, covers_until__gte=first, drawn_at__isnull=True
        ).values_list("covers_from", "covers_until"):
            span = (round_until - round_from).days
            drawn_later.update(round_from + timedelta(days=d) for d in range(span + 1))
    today = rules.local(now).date()
    step = timedelta(minutes=space.slot_minutes)
    shortest = max(step, timedelta(minutes=space.min_minutes))
    days = []
    for offset in range(7):
        day = first + timedelta(days=offset)
        closed = rules.closed_reason(space, day, closures)
        slots: list[Slot] = []
        if not closed:
            ahead = (day - today).days
            bookable = space.closes_days_ahead <= ahead <= space.opens_days_ahead
            for opens, closes in rules.periods(day, hours):
                moment = opens
                while moment + step <= closes:
                    following = moment + step
                    until = moment + shortest
                    if moment <= now:
                        state = "past"
                    elif any(s < following and e > moment for s, e in taken):
                        state = "taken"
                    elif not bookable:
                        state = "not_yet"
                    elif until > closes or any(s < until and e > moment for s, e in taken):
                        state = "short"
                    else:
                        state = "lottery" if day in drawn_later else "free"
                    slots.append(
                        Slot(
                            moment,
                            following,
                            state,
                            until if state in ("free", "lottery") else None,
                        )
                    )
                    moment = following
        days.append(Day(day, closed, slots))
    return days


def bookings_of(*, user: Actor) -> QuerySet[Booking]:
    if not is_signed_in(user):
        return Booking.objects.none()
    return (
        Booking.objects.filter(user=cast(User, user))
        .select_related("space", "space__district")
        .defer("space__district__boundary")
        .order_by("-starts_at", "-pk")
    )


def get_booking_for(actor: Actor, reference: str) -> Booking:
    """The booking, for its booker or the space's staff; 404 for anyone else (its existence is
    not theirs to know)."""
    booking = (
        Booking.objects.select_related("space", "space__district", "user", "organization")
        .defer("space__district__boundary")
        .filter(reference=reference)
        .first()
    )
    if booking is None or not can_see_booking(actor, booking):
        raise Http404
    return booking


def staffed_spaces(actor: Actor) -> QuerySet[Space]:
    if not is_signed_in(actor):
        return Space.objects.none()
    if is_city_staff(actor):
        return Space.objects.all()
    return Space.objects.filter(staff=cast(User, actor))


def runs_spaces(user: object) -> bool:
    """City staff, or the staff of a space: asked by every page's header for each of the
    workspace's facilities entries, so once per request (remembered on the request's user)."""
    known = getattr(user, "_runs_spaces", None)
    if known is None:
        known = staffed_spaces(cast(Actor, user)).exists()
        if getattr(user, "is_authenticated", False):
            user._runs_spaces = known  # type: ignore[attr-defined]
    return known


def waiting_for(actor: Actor) -> QuerySet[Booking]:
    """Requests and held bookings of the spaces this person staffs, oldest first."""
    return (
        Booking.objects.filter(
            space__in=staffed_spaces(actor),
            status__in=(BookingStatus.REQUESTED, BookingStatus.HELD),
        )
        .select_related("space", "user", "organization")
        .order_by("created_at", "pk")
    )


def too_fast_refusals(actor: Actor, *, days: int = 7) -> list[tuple[Any, Space]]:
    """The latest refusals of people booking faster than a person could (the audit log's
    "facilities.too_fast" entries, one a minute at most per person) at the spaces this person
    staffs: (entry, space) pairs, newest first, at most 20 (three queries)."""
    if not is_signed_in(actor):
        return []
    entries = AuditEntry.objects.filter(
        action="facilities.too_fast",
        content_type=ContentType.objects.get_for_model(Space),
        created_at__gte=timezone.now() - timedelta(days=days),
    )
    if not is_city_staff(actor):
        mine = staffed_spaces(actor).values_list("pk", flat=True)[:500]
        entries = entries.filter(object_id__in=[str(pk) for pk in mine])
    latest = list(entries.select_related("actor").order_by("-created_at", "-pk")[:20])
    spaces = Space.objects.in_bulk([int(entry.object_id) for entry in latest])
    return [
        (entry, spaces[int(entry.object_id)]) for entry in latest if int(entry.object_id) in spaces
    ]


def waiting_count(actor: Actor) -> int:
    return waiting_for(actor).count()


def space_bookings(space: Space, *, first: date, days: int = 7) -> QuerySet[Booking]:
    begin, end = rules.at(first, time(0)), rules.at(first + timedelta(days=days), time(0))
    return (
        Booking.objects.filter(space=space, starts_at__lt=end, ends_at__gt=begin)
        .select_related("user", "organization")
        .order_by("starts_at", "pk")
    )
