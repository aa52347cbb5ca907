"""facilities: The waitlist for taken periods: offers when a period is released; reminders before a booking.

A person waits for a period that is taken now. When a booking stops holding its time
(`released`, called inside the releasing transaction), the first waiting person whose period
overlaps the freed time and now fits in what is free is offered it: for `OFFER_HOURS` (never past
the booking window's close for that start), nobody else may book it (`selectors.offer_holding`,
checked by booking). They book it (`booked` → the entry is booked), leave, or let it expire
(`expire_offers`, periodic → offered to the next person).

Every change of offers runs under the space's row lock (as booking does), so a release, a
booking, a leave and the expiry job never interleave: an offer is made once, to one person.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.functional import lazy
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sharehub.accounts.roles import signed_in_user
from sharehub.core.actors import Actor
from sharehub.core.forms import field_error
from sharehub.core.locking import lock, lock_pk
from sharehub.facilities import rules
from sharehub.facilities.calendars import booking_ics
from sharehub.facilities.models import (
    ACTIVE_STATUSES,
    Booking,
    BookingStatus,
    Space,
    WaitlistEntry,
    WaitStatus,
)
from sharehub.facilities.selectors.penalties import suspension_of
from sharehub.facilities.selectors.waitlist import LIVE, due_reminders
from sharehub.notifications.services import notify

OFFER_HOURS = 12
MAX_LIVE_ENTRIES = 5  # live entries (waiting or offered) per person, across spaces
# Reminders go out when a confirmed booking starts between 20 and 28 hours from now ("about a
# day before" for a job run every 10 minutes); a booking confirmed later had its notice just now.
REMIND_EARLIEST = timedelta(hours=20)
REMIND_LATEST = timedelta(hours=28)

OFFER_KIND = "facilities.booking"  # an offer is news about one's bookings
REMINDER_KIND = "facilities.reminder"

OFFER_TITLE = gettext_lazy("A time you waited for is free: %(space)s")
OFFER_BODY = gettext_lazy(
    "%(when)s is held for you until %(until)s: book it by then, or it goes to the next person "
    "on the waitlist."
)
REMINDER_TITLE = gettext_lazy("Reminder of your booking: %(space)s")
REMINDER_BODY = gettext_lazy(
    "%(when)s at %(address)s. When you arrive, check in with the space's staff (show this "
    "booking's page). If you cannot come, cancel it so someone else can use the time: a booking "
    "not used is recorded as a no-show. The calendar entry is attached."
)


def _when(starts_at: datetime, ends_at: datetime) -> str:
    """Formatted when `notify` formats the text, in the recipient's language."""

    def format_() -> str:
        start, end = timezone.localtime(starts_at), timezone.localtime(ends_at)
        return (
            f"{formats.date_format(start, 'DATETIME_FORMAT')}–"
            f"{formats.time_format(end, 'TIME_FORMAT')}"
        )

    return lazy(format_, str)()


def _moment(value: datetime) -> str:
    return lazy(lambda: formats.date_format(timezone.localtime(value), "DATETIME_FORMAT"), str)()


def _window_close(space: Space, starts_at: datetime) -> datetime:
    """The last moment the period may still be booked: the end of the last day the booking
    window allows (`closes_days_ahead` days before its day), and never after its start."""
    last_day = rules.local(starts_at).date() - timedelta(days=space.closes_days_ahead)
    return min(rules.at(last_day + timedelta(days=1), time(0)), starts_at)


def _busy(space: Space, starts_at: datetime, ends_at: datetime, *, now: datetime) -> bool:
    """Held by an active booking or by someone's live offer."""
    booked = Booking.objects.filter(
        space=space, status__in=ACTIVE_STATUSES, starts_at__lt=ends_at, ends_at__gt=starts_at
    ).exists()
    return (
        booked
        or WaitlistEntry.objects.filter(
            space=space,
            status=WaitStatus.OFFERED,
            offer_expires_at__gt=now,
            starts_at__lt=ends_at,
            ends_at__gt=starts_at,
        ).exists()
    )


def _tell_offer(entry: WaitlistEntry) -> None:
    person = entry.user
    if not person.is_active:
        return
    with translation.override(person.preferred_language or settings.LANGUAGE_CODE):
        url = book_url(entry)
    notify(
        user=person,
        kind=OFFER_KIND,
        title=OFFER_TITLE,
        body=OFFER_BODY,
        url=url,
        params={
            "space": lazy(lambda: entry.space.name, str)(),
            "when": _when(entry.starts_at, entry.ends_at),
            "until": _moment(entry.offer_expires_at or entry.starts_at),
        },
    )


def book_url(entry: WaitlistEntry) -> str:
    """The booking form with the offered period chosen (the week view's link, in the active
    language)."""
    query = urlencode({"start": entry.starts_at.isoformat(), "end": entry.ends_at.isoformat()})
    return f"{reverse('facilities:book', args=[entry.space.slug])}?{query}"


def _offer_freed(space: Space, starts_at: datetime, ends_at: datetime, *, now: datetime) -> int:
    """Offer what is free of [starts_at, ends_at) to the waiting people, first come first: each
    waiting entry overlapping it whose whole period is now free (no active booking, no live
    offer) and still bookable. The caller holds the space's lock. Returns how many were offered."""
    offered = 0
    waiting = (
        WaitlistEntry.objects.filter(
            space=space,
            status=WaitStatus.WAITING,
            starts_at__lt=ends_at,
            ends_at__gt=starts_at,
            starts_at__gt=now,
        )
        .select_related("user", "space")
        .order_by("created_at", "pk")
    )
    for entry in waiting[:200]:
        expires = min(now + timedelta(hours=OFFER_HOURS), _window_close(space, entry.starts_at))
        if expires <= now:
            continue  # too late to book it; the expiry job ends the entry when it starts
        if _busy(space, entry.starts_at, entry.ends_at, now=now):
            continue
        if suspension_of(entry.user, space, now=now) is not None:
            continue  # they could not book it: the next person may
        entry.status = WaitStatus.OFFERED
        entry.offered_at, entry.offer_expires_at = now, expires
        entry.save(update_fields=["status", "offered_at", "offer_expires_at"])
        _tell_offer(entry)
        offered += 1
    return offered


def released(booking: Booking, *, now: datetime) -> None:
    """A booking stopped holding its period (cancelled, rejected, expired, unpaid): offer the
    period to the first person waiting for it. Called inside the releasing transaction."""
    space = lock_pk(Space, booking.space_id)
    _offer_freed(space, booking.starts_at, booking.ends_at, now=now)


def booked(booking: Booking, *, now: datetime) -> None:
    """A person booked a period: the offer they held for it (if any) is taken up. Called inside
    the booking's transaction."""
    if booking.user_id is None:
        return
    entry = (
        WaitlistEntry.objects.select_for_update()
        .filter(
            space_id=booking.space_id,
            user_id=booking.user_id,
            status=WaitStatus.OFFERED,
            offer_expires_at__gt=now,
            starts_at__lt=booking.ends_at,
            ends_at__gt=booking.starts_at,
        )
        .order_by("offered_at", "pk")
        .first()
    )
    if entry is None:
        return
    entry.status = WaitStatus.BOOKED
    entry.booking = booking
    entry.save(update_fields=["status", "booking"])
    # They may have booked part of what was held for them: the rest goes to the next person.
    _offer_freed(booking.space, entry.starts_at, entry.ends_at, now=now)


def _taken_by(space: Space, starts_at: datetime, ends_at: datetime) -> list[int | None]:
    """Who holds the period with an active booking (their ids)."""
    return list(
        Booking.objects.filter(
            space=space, status__in=ACTIVE_STATUSES, starts_at__lt=ends_at, ends_at__gt=starts_at
        ).values_list("user_id", flat=True)
    )


def join(*, actor: Actor, space: Space, starts_at: datetime, ends_at: datetime) -> WaitlistEntry:
    """Wait for a period that is taken now; offered it when it is released."""
    user = signed_in_user(actor)
    now = timezone.now()
    with transaction.atomic(durable=True):
        space = lock(space)
        errors = rules.check(
            space,
            rules.Ask(starts_at, ends_at, purpose="", people=1),
            now=now,
            hours=space.hours.all(),
            closures=space.closures.all(),
        )
        if errors:
            raise ValidationError(errors)
        penalty = suspension_of(user, space, now=now)
        if penalty is not None:
            raise field_error(
                "__all__",
                _("You are suspended from booking this space until %(until)s.")
                % {
                    "until": formats.date_format(timezone.localtime(penalty.ends_at), "DATE_FORMAT")
                },
                code="suspended",
            )
        holders = _taken_by(space, starts_at, ends_at)
        if user.pk in holders:
            raise field_error("starts_at", _("You have booked this time yourself."), code="yours")
        mine = WaitlistEntry.objects.filter(user=user, status__in=LIVE)
        if mine.filter(space=space, starts_at__lt=ends_at, ends_at__gt=starts_at).exists():
            raise field_error(
                "starts_at", _("You are already on the waitlist for this time."), code="already"
            )
        if not holders and not _busy(space, starts_at, ends_at, now=now):
            raise field_error("starts_at", _("This time is free: book it instead."), code="free")
        if mine.count() >= MAX_LIVE_ENTRIES:
            raise field_error(
                "__all__",
                _("You may wait for at most %(count)s times at once.")
                % {"count": MAX_LIVE_ENTRIES},
                code="limit",
            )
        try:
            with transaction.atomic():
                entry = WaitlistEntry.objects.create(
                    space=space, user=user, starts_at=starts_at, ends_at=ends_at, created_at=now
                )
        except IntegrityError as error:  # the same start, joined twice at once
            raise field_error(
                "starts_at", _("You are already on the waitlist for this time."), code="already"
            ) from error
    return entry


def leave(*, actor: Actor, entry: WaitlistEntry) -> WaitlistEntry:
    """Leave the waitlist; an offer given up goes to the next person at once."""
    user = signed_in_user(actor)
    now = timezone.now()
    with transaction.atomic(durable=True):
        space = lock_pk(Space, entry.space_id)
        entry = lock(entry)
        if entry.user_id != user.pk:
            raise PermissionDenied(_("Only the person waiting may leave the waitlist."))
        if entry.status not in LIVE:
            raise field_error(
                "__all__", _("This place on the waitlist has already ended."), code="state"
            )
        was_offered = entry.status == WaitStatus.OFFERED
        entry.status = WaitStatus.WITHDRAWN
        entry.save(update_fields=["status"])
        if was_offered:
            _offer_freed(space, entry.starts_at, entry.ends_at, now=now)
    return entry


def leave_on_erase(entry: WaitlistEntry, *, now: datetime) -> None:
    """The account is being deleted (inside its transaction): an offer it held goes to the next
    person. The entries themselves are deleted by the eraser."""
    space = lock_pk(Space, entry.space_id)
    entry = lock(entry)
    if entry.status == WaitStatus.OFFERED:
        entry.status = WaitStatus.WITHDRAWN
        entry.save(update_fields=["status"])
        _offer_freed(space, entry.starts_at, entry.ends_at, now=now)


def expire_offers(*, now: datetime | None = None) -> int:
    """Periodic: an offer not taken up in time expires and its period goes to the next person;
    a waiting entry whose period has begun expires. Safe to run twice, or on two workers at once
    (each space's offers change under its lock). Returns how many entries ended."""
    now = now or timezone.now()
    ended = WaitlistEntry.objects.filter(status=WaitStatus.WAITING, starts_at__lte=now).update(
        status=WaitStatus.EXPIRED
    )
    spaces = (
        WaitlistEntry.objects.filter(status=WaitStatus.OFFERED, offer_expires_at__lte=now)
        .values_list("space_id", flat=True)
        .distinct()
    )
    for space_id in list(spaces[:1000]):
        with transaction.atomic(durable=True):
            space = lock_pk(Space, space_id)
            expired = list(
                WaitlistEntry.objects.filter(
                    space=space, status=WaitStatus.OFFERED, offer_expires_at__lte=now
                ).order_by("starts_at", "pk")
            )
            for entry in expired:
                entry.status = WaitStatus.EXPIRED
                entry.save(update_fields=["status"])
            for entry in expired:
                _offer_freed(space, entry.starts_at, entry.ends_at, now=now)
            ended += len(expired)
    return ended


def send_reminders(*, now: datetime | None = None) -> int:
    """Periodic: tell each confirmed booking's booker once, about a day before it starts, with
    the calendar entry and the check-in note. Exactly once under two workers: the booking's
    `reminded_at` is claimed by a conditional update before anything is sent. Returns how many
    were reminded."""
    now = now or timezone.now()
    sent = 0
    due = due_reminders(now=now, earliest=REMIND_EARLIEST, latest=REMIND_LATEST)
    for pk in list(due.values_list("pk", flat=True)[:1000]):
        with transaction.atomic(durable=True):
            claimed = Booking.objects.filter(
                pk=pk, status=BookingStatus.CONFIRMED, reminded_at__isnull=True
            ).update(reminded_at=now)
            if not claimed:
                continue  # another worker has it, or it changed since
            booking = Booking.objects.select_related("space", "user").get(pk=pk)
            person = booking.user
            if person is None or not person.is_active:
                continue
            with translation.override(person.preferred_language or settings.LANGUAGE_CODE):
                url = booking.get_absolute_url()
            notify(
                user=person,
                kind=REMINDER_KIND,
                title=REMINDER_TITLE,
                body=REMINDER_BODY,
                url=url,
                params={
                    "space": lazy(lambda b=booking: b.space.name, str)(),
                    "when": _when(booking.starts_at, booking.ends_at),
                    "address": booking.space.road_address,
                },
                attachments=[
                    (f"booking-{booking.reference}.ics", booking_ics(booking), "text/calendar")
                ],
            )
            sent += 1
    return sent
