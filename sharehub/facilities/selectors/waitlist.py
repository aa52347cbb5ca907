"""facilities reads: The waitlist for taken periods: offers when a period is released; reminders before a booking."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import cast

from django.conf import settings
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from sharehub.accounts.models import User
from sharehub.core.actors import Actor, is_signed_in
from sharehub.core.calendar_feed import CalendarEntry
from sharehub.facilities import rules
from sharehub.facilities.models import (
    ACTIVE_STATUSES,
    Booking,
    BookingStatus,
    Space,
    WaitlistEntry,
    WaitStatus,
)

LIVE = (WaitStatus.WAITING, WaitStatus.OFFERED)
# The private calendar feed: bookings that ended up to this many days ago, at most this many.
FEED_PAST_DAYS = 30
FEED_MAX = 200


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


def entries_of(user: Actor) -> QuerySet[WaitlistEntry]:
    """The person's waitlist entries, live ones first (offers before waiting), newest first."""
    if not is_signed_in(user):
        return WaitlistEntry.objects.none()
    return (
        WaitlistEntry.objects.filter(user=cast(User, user))
        .select_related("space", "booking")
        .order_by("-offered_at", "-created_at", "-pk")
    )


def live_entries_of(user: Actor) -> QuerySet[WaitlistEntry]:
    """Offers first (the soonest to expire first), then the periods still waited for."""
    return (
        entries_of(user)
        .filter(status__in=LIVE)
        .order_by("-status", "offer_expires_at", "starts_at", "pk")
    )


def live_offers_of(user: Actor, *, now: datetime | None = None) -> QuerySet[WaitlistEntry]:
    return entries_of(user).filter(
        status=WaitStatus.OFFERED, offer_expires_at__gt=now or timezone.now()
    )


def get_entry_for(actor: Actor, pk: int) -> WaitlistEntry:
    """The person's own entry; 404 for anyone else (staff see the waitlist, they do not act on
    another person's place in it)."""
    entry = entries_of(actor).filter(pk=pk).first()
    if entry is None:
        raise Http404
    return entry


def space_waitlist(space: Space) -> QuerySet[WaitlistEntry]:
    """The live entries of a space, for its staff: by period, then by when they joined."""
    return (
        WaitlistEntry.objects.filter(space=space, status__in=LIVE, ends_at__gt=timezone.now())
        .select_related("user")
        .order_by("starts_at", "created_at", "pk")
    )


def taken_periods(
    space: Space, first: date, *, now: datetime, user: Actor
) -> list[tuple[datetime, datetime]]:
    """The taken periods of the week from `first` that one may wait for: the times of the active
    bookings still to come (the public sees these as taken slots anyway; never who booked), but
    not the person's own. One query."""
    begin = max(rules.at(first, time(0)), now)
    end = rules.at(first + timedelta(days=7), time(0))
    bookings = Booking.objects.filter(
        space=space, status__in=ACTIVE_STATUSES, starts_at__gt=begin, starts_at__lt=end
    )
    if is_signed_in(user):
        bookings = bookings.exclude(user=cast(User, user))
    return list(bookings.order_by("starts_at").values_list("starts_at", "ends_at"))


def from_offer(booking: Booking) -> WaitlistEntry | None:
    """The waitlist entry whose offer this booking took up, if any."""
    return WaitlistEntry.objects.filter(booking=booking, status=WaitStatus.BOOKED).first()


def due_reminders(*, now: datetime, earliest: timedelta, latest: timedelta) -> QuerySet[Booking]:
    """Confirmed bookings starting between `earliest` and `latest` from now, not yet reminded."""
    return Booking.objects.filter(
        status=BookingStatus.CONFIRMED,
        reminded_at__isnull=True,
        starts_at__gt=now + earliest,
        starts_at__lte=now + latest,
    ).order_by("starts_at", "pk")


def calendar_entries(user: Actor) -> list[CalendarEntry]:
    """The person's active bookings for their private calendar feed (the events app serves it):
    their own bookings only, each with the space, its address and the booking's page."""
    if not is_signed_in(user):
        return []
    since = timezone.now() - timedelta(days=FEED_PAST_DAYS)
    bookings = (
        Booking.objects.filter(
            user=cast(User, user), status__in=ACTIVE_STATUSES, ends_at__gte=since
        )
        .select_related("space")
        .order_by("starts_at", "pk")[:FEED_MAX]
    )
    return [
        CalendarEntry(
            uid=f"booking-{booking.reference}@facilities.sharehub",
            start=booking.starts_at,
            end=booking.ends_at,
            summary=booking.space.name,
            location=f"{booking.space.name}, {booking.space.road_address}",
            url=settings.SHAREHUB_SITE_URL + booking.get_absolute_url(),
            status="CONFIRMED" if booking.status == BookingStatus.CONFIRMED else "TENTATIVE",
        )
        for booking in bookings
    ]
