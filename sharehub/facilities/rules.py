"""A space's booking rules as plain functions of the space, its hours, closures and the clock:
what a booking may be, what it costs and what a cancellation refunds. No database writes; the
per-person limits and the overlap, which need the database under a lock, are in services.py.

Times are compared in the city's zone (settings.TIME_ZONE, Asia/Seoul): opening hours and
"days ahead" are local notions.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache

import holidays
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Closure, FeeMode, OpeningHours, RefundBand, Space


@cache
def _korean_holidays(year: int) -> holidays.HolidayBase:
    """Korea's public holidays (lunar ones and substitute days included), from python-holidays."""
    return holidays.country_holidays("KR", years=year, language="ko")


def holiday_name(day: date) -> str | None:
    return _korean_holidays(day.year).get(day)


def local(moment: datetime) -> datetime:
    return timezone.localtime(moment)


def at(day: date, clock: time) -> datetime:
    """The aware moment of a local day and clock time."""
    return timezone.make_aware(datetime.combine(day, clock))


def closure_on(day: date, closures: Iterable[Closure]) -> Closure | None:
    return next((c for c in closures if c.starts_on <= day <= c.ends_on), None)


def closed_reason(space: Space, day: date, closures: Iterable[Closure]) -> str | None:
    """Why the space is closed all that day, or None."""
    closure = closure_on(day, closures)
    if closure is not None:
        return closure.reason
    if space.closed_on_holidays:
        name = holiday_name(day)
        if name:
            return _("Public holiday (%(name)s)") % {"name": name}
    return None


def periods(day: date, hours: Iterable[OpeningHours]) -> list[tuple[datetime, datetime]]:
    """The day's opening periods as aware moments, in order."""
    return sorted(
        (at(day, h.opens), at(day, h.closes)) for h in hours if h.weekday == day.weekday()
    )


@dataclass(frozen=True)
class Ask:
    """What a person asks of a space."""

    starts_at: datetime
    ends_at: datetime
    purpose: str
    people: int


def check(
    space: Space,
    ask: Ask,
    *,
    now: datetime,
    hours: Iterable[OpeningHours],
    closures: Iterable[Closure],
) -> dict[str, list[str]]:
    """Every rule the booking breaks, as messages by form field (empty: it may be booked, if the
    time is free and the person within their limits)."""
    errors: dict[str, list[str]] = {}

    def refuse(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if not space.is_active:
        refuse("__all__", _("This space is not open for bookings."))
    start, end = local(ask.starts_at), local(ask.ends_at)
    if end <= start:
        refuse("ends_at", _("The end must be after the start."))
        return errors
    if ask.starts_at <= now:
        refuse("starts_at", _("This time has already begun or passed."))
        return errors
    minutes = (end - start).total_seconds() / 60
    if minutes < space.min_minutes:
        refuse(
            "ends_at",
            _("The shortest booking is %(minutes)s minutes.") % {"minutes": space.min_minutes},
        )
    if minutes > space.max_minutes:
        refuse(
            "ends_at",
            _("The longest booking is %(minutes)s minutes.") % {"minutes": space.max_minutes},
        )
    step = space.slot_minutes
    if (start.hour * 60 + start.minute) % step or start.second or (minutes % step):
        refuse(
            "starts_at",
            _("Bookings start and end on the %(minutes)s-minute slots.") % {"minutes": step},
        )
    today = local(now).date()
    ahead = (start.date() - today).days
    if ahead > space.opens_days_ahead:
        refuse(
            "starts_at",
            _("Bookings open %(days)s days ahead: this day cannot be booked yet.")
            % {"days": space.opens_days_ahead},
        )
    if ahead < space.closes_days_ahead:
        refuse(
            "starts_at",
            _("Bookings close %(days)s days ahead: it is too late to book this day.")
            % {"days": space.closes_days_ahead},
        )
    if start.date() != (end - timedelta(microseconds=1)).date():
        refuse("ends_at", _("A booking starts and ends on the same day."))
    else:
        closures = list(closures)
        reason = closed_reason(space, start.date(), closures)
        if reason:
            refuse("starts_at", _("The space is closed that day: %(reason)s") % {"reason": reason})
        elif not any(
            opens <= start and end <= closes for opens, closes in periods(start.date(), hours)
        ):
            refuse("starts_at", _("The space is not open for all of this time."))
    if ask.purpose in space.excluded:
        refuse("purpose", _("This space cannot be booked for this purpose."))
    if ask.people < 1:
        refuse("people", _("At least one person."))
    elif ask.people > space.capacity:
        refuse(
            "people",
            _("The space holds at most %(capacity)s people.") % {"capacity": space.capacity},
        )
    return errors


def fee(space: Space, starts_at: datetime, ends_at: datetime) -> int:
    """The fee in won: per started hour or block, as the space charges."""
    minutes = int((ends_at - starts_at).total_seconds() // 60)
    if space.fee_mode == FeeMode.PER_HOUR:
        return space.fee_amount * -(-minutes // 60)
    if space.fee_mode == FeeMode.PER_BLOCK:
        return space.fee_amount * -(-minutes // space.block_minutes)
    return 0


def refund_percent(bands: Iterable[RefundBand], *, starts_at: datetime, now: datetime) -> int:
    """The refund when the booker cancels now: the band with the most days before that applies
    (whole local days between today and the day of the booking)."""
    days = (local(starts_at).date() - local(now).date()).days
    applicable = [band for band in bands if days >= band.days_before]
    return max(applicable, key=lambda band: band.days_before).percent if applicable else 0
