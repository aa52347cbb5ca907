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

from .models import Closure, DayKind, FeeMode, FeeRate, OpeningHours, RefundBand, Space


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


def is_weekend(day: date) -> bool:
    """Saturday, Sunday or a public holiday: the fee table's weekend rates apply."""
    return day.weekday() >= 5 or holiday_name(day) is not None


def rate_at(space: Space, moment: datetime, rates: Iterable[FeeRate]) -> int:
    """The price of the hour or block starting at `moment`: the fee table's rate for that kind of
    day with the latest `starts` at or before the local time, else the space's base fee."""
    start = local(moment)
    kind = DayKind.WEEKEND if is_weekend(start.date()) else DayKind.WEEKDAY
    applicable = [r for r in rates if r.day_kind == kind and r.starts <= start.time()]
    if not applicable:
        return space.fee_amount
    return max(applicable, key=lambda rate: rate.starts).amount


def fee(
    space: Space,
    starts_at: datetime,
    ends_at: datetime,
    *,
    rates: Iterable[FeeRate] | None = None,
) -> int:
    """The fee in won: each started hour or block at the fee table's rate where it starts (the
    base fee where no rate applies). `rates` defaults to the space's fee table (one query, none
    when prefetched)."""
    if space.fee_mode == FeeMode.FREE:
        return 0
    unit = 60 if space.fee_mode == FeeMode.PER_HOUR else space.block_minutes
    minutes = int((ends_at - starts_at).total_seconds() // 60)
    units = -(-minutes // unit)
    if rates is None:  # an unsaved space (a preview, a test) has no table yet
        rates = space.fee_rates.all() if space.pk is not None else ()
    table = list(rates)
    if not table:
        return space.fee_amount * units
    step = timedelta(minutes=unit)
    return sum(rate_at(space, starts_at + step * n, table) for n in range(units))


@dataclass(frozen=True)
class TableRow:
    """One line of a fee table as the public page shows it: from `starts` (until `ends`, or the
    end of the day when None), `amount` won per hour or block."""

    starts: time
    ends: time | None
    amount: int


def fee_table(space: Space, rates: Iterable[FeeRate]) -> dict[str, list[TableRow]]:
    """The fee table by kind of day (weekday, weekend), base fee first where the first rate starts
    after midnight; empty for a free space or one without rates."""
    rates = list(rates)
    if space.fee_mode == FeeMode.FREE or not rates:
        return {}
    table: dict[str, list[TableRow]] = {}
    for kind in DayKind.values:
        day_rates = sorted((r for r in rates if r.day_kind == kind), key=lambda r: r.starts)
        starts = (
            [(time(0), space.fee_amount)] if not day_rates or day_rates[0].starts > time(0) else []
        )
        starts += [(r.starts, r.amount) for r in day_rates]
        table[kind] = [
            TableRow(begin, starts[i + 1][0] if i + 1 < len(starts) else None, amount)
            for i, (begin, amount) in enumerate(starts)
        ]
    return table


def refund_percent(bands: Iterable[RefundBand], *, starts_at: datetime, now: datetime) -> int:
    """The refund when the booker cancels now: the band with the most days before that applies
    (whole local days between today and the day of the booking)."""
    days = (local(starts_at).date() - local(now).date()).days
    applicable = [band for band in bands if days >= band.days_before]
    return max(applicable, key=lambda band: band.days_before).percent if applicable else 0
