"""facilities reads: utilisation and the monthly operating results (published; they feed the
open-data indicators).

Definitions (the same on the page, in the CSV, the API and `indicators()`):

- a month's bookings are those starting in it (Asia/Seoul);
- **uses**: confirmed bookings that took place (not cancelled, not a no-show), and **people** the
  people booked for them;
- **hours booked**: the length of the confirmed bookings, no-shows included (they held the room);
- **hours open**: the weekly opening hours of every day of the month, less closures, and less
  public holidays where the space closes on them; **evening or weekend**: the part of them from
  18:00, and all of Saturdays, Sundays and (open) public holidays;
- **utilisation** = hours booked / hours open; **evening and weekend share** = evening or weekend
  hours open / hours open;
- **cancellations**: bookings cancelled (by the booker, the staff or a closure);
- **fees**: fees of paid bookings less their refunds.

Nothing here names a booker: the figures are counts and sums per space.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from sharehub.core.actors import Actor
from sharehub.facilities import rules
from sharehub.facilities.models import (
    Booking,
    BookingStatus,
    Closure,
    MonthlyResult,
    OpeningHours,
    Space,
)
from sharehub.facilities.selectors import staffed_spaces
from sharehub.places.models import District

EVENING = time(18)
TENTH = Decimal("0.1")
# The month selector and the API list at most this many published months (ten years).
MAX_MONTHS = 120


# --- Months -----------------------------------------------------------------------------------


def first_of(day: date) -> date:
    return day.replace(day=1)


def next_month(month: date) -> date:
    return (first_of(month) + timedelta(days=32)).replace(day=1)


def previous_month(month: date) -> date:
    return (first_of(month) - timedelta(days=1)).replace(day=1)


def is_over(month: date, *, now: datetime | None = None) -> bool:
    """True once the month has ended in Seoul: only then are its results published."""
    today = rules.local(now or timezone.now()).date()
    return next_month(month) <= today


def parse_month(value: str) -> date | None:
    """A month's first day from "2026-11" (or a date in it); None for anything else."""
    try:
        if len(value) == 7:
            return date.fromisoformat(value + "-01")
        return first_of(date.fromisoformat(value))
    except ValueError:
        return None


# --- Figures ----------------------------------------------------------------------------------


def _hours(delta: timedelta) -> Decimal:
    return Decimal(delta.total_seconds()) / 3600


def ratio(part: Decimal | int, whole: Decimal | int) -> Decimal | None:
    """part / whole as a percentage with one decimal, None when there is no whole."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(TENTH, ROUND_HALF_UP)


@dataclass
class Figures:
    """One space's (or a sum of spaces') month. The fields are MonthlyResult's."""

    uses: int = 0
    booked_hours: Decimal = Decimal(0)
    open_hours: Decimal = Decimal(0)
    evening_weekend_open_hours: Decimal = Decimal(0)
    people: int = 0
    no_shows: int = 0
    cancellations: int = 0
    fees: int = 0
    spaces: int = 1

    @property
    def utilisation(self) -> Decimal | None:
        """Hours booked as a percentage of hours open."""
        return ratio(self.booked_hours, self.open_hours)

    @property
    def evening_weekend_share(self) -> Decimal | None:
        """Evening (from 18:00) and weekend or holiday hours as a percentage of hours open."""
        return ratio(self.evening_weekend_open_hours, self.open_hours)

    def rounded(self) -> Figures:
        """Hours to one decimal, as stored."""
        for name in ("booked_hours", "open_hours", "evening_weekend_open_hours"):
            setattr(self, name, getattr(self, name).quantize(TENTH, ROUND_HALF_UP))
        return self


STORED: tuple[str, ...] = (
    *("uses", "booked_hours", "open_hours", "evening_weekend_open_hours"),
    *("people", "no_shows", "cancellations", "fees"),
)


def opening_hours(
    space: Space,
    month: date,
    hours: Iterable[OpeningHours],
    closures: Iterable[Closure],
) -> tuple[Decimal, Decimal]:
    """(hours open, of which in the evening or at weekends and open holidays) in the month."""
    closures = list(closures)
    total = evening_weekend = timedelta()
    day = month
    while day < next_month(month):
        if not rules.closed_reason(space, day, closures):
            weekend = day.weekday() >= 5 or bool(rules.holiday_name(day))
            evening = rules.at(day, EVENING)
            for opens, closes in rules.periods(day, hours):
                total += closes - opens
                if weekend:
                    evening_weekend += closes - opens
                elif closes > evening:
                    evening_weekend += closes - max(opens, evening)
        day += timedelta(days=1)
    return _hours(total), _hours(evening_weekend)


def month_figures(
    spaces: QuerySet[Space], month: date, *, now: datetime | None = None
) -> dict[int, Figures]:
    """Each space's figures for the month, by space id: three queries (hours, closures,
    bookings), whatever the number of spaces and bookings. For the month under way, `uses` and
    `people` count the bookings already over by `now`; bookings ahead count as booked."""
    now = now or timezone.now()
    month = first_of(month)
    begin, end = rules.at(month, time(0)), rules.at(next_month(month), time(0))
    chosen = list(spaces.order_by("pk"))
    ids = [space.pk for space in chosen]
    hours: dict[int, list[OpeningHours]] = {pk: [] for pk in ids}
    for period in OpeningHours.objects.filter(space_id__in=ids):
        hours[period.space_id].append(period)
    closures: dict[int, list[Closure]] = {pk: [] for pk in ids}
    for closure in Closure.objects.filter(
        space_id__in=ids, starts_on__lt=next_month(month), ends_on__gte=month
    ):
        closures[closure.space_id].append(closure)
    figures: dict[int, Figures] = {}
    for space in chosen:
        open_hours, evening_weekend = opening_hours(
            space, month, hours[space.pk], closures[space.pk]
        )
        figures[space.pk] = Figures(
            open_hours=open_hours, evening_weekend_open_hours=evening_weekend
        )
    bookings = Booking.objects.filter(
        space_id__in=ids, starts_at__gte=begin, starts_at__lt=end
    ).values_list(
        "space_id",
        "status",
        "starts_at",
        "ends_at",
        "no_show",
        "people",
        "fee",
        "paid_at",
        "refund",
    )
    for (
        space_id,
        status,
        starts_at,
        ends_at,
        no_show,
        people,
        fee,
        paid_at,
        refund,
    ) in bookings.iterator(chunk_size=2000):
        row = figures[space_id]
        if paid_at is not None:
            row.fees += max(0, fee - (refund or 0))
        if status == BookingStatus.CANCELLED:
            row.cancellations += 1
        elif status == BookingStatus.CONFIRMED:
            row.booked_hours += _hours(ends_at - starts_at)
            if no_show:
                row.no_shows += 1
            elif ends_at <= now:
                row.uses += 1
                row.people += people
    return {pk: row.rounded() for pk, row in figures.items()}


def counted_spaces(month: date) -> QuerySet[Space]:
    """The spaces a month's results cover: those open for bookings then, and any other that had
    bookings in the month (a space closed for good since keeps its history)."""
    begin, end = rules.at(month, time(0)), rules.at(next_month(month), time(0))
    had_bookings = Q(bookings__starts_at__gte=begin, bookings__starts_at__lt=end)
    return Space.objects.filter(Q(is_active=True) | had_bookings, created_at__lt=end).distinct()


# --- Published results ------------------------------------------------------------------------


def published_months() -> list[date]:
    """Months with published results, newest first."""
    return list(
        MonthlyResult.objects.order_by("-month")
        .values_list("month", flat=True)
        .distinct()[:MAX_MONTHS]
    )


def latest_month() -> date | None:
    return MonthlyResult.objects.order_by("-month").values_list("month", flat=True).first()


@dataclass
class SpaceRow:
    """A published result with its space (for the tables, the CSV and the API)."""

    result: MonthlyResult
    figures: Figures = field(init=False)

    def __post_init__(self) -> None:
        self.figures = _figures_of(self.result)

    @property
    def space(self) -> Space:
        return self.result.space


def _figures_of(result: MonthlyResult) -> Figures:
    return Figures(**{name: getattr(result, name) for name in STORED}).rounded()


def space_results(month: date) -> QuerySet[MonthlyResult]:
    """A published month, space by space (by district, then space): one query per page."""
    return (
        MonthlyResult.objects.filter(month=month)
        .select_related("space", "space__district")
        .defer("space__district__boundary")
        .order_by("space__district__name_ko", "space__slug", "pk")
    )


def rows(results: Iterable[MonthlyResult]) -> list[SpaceRow]:
    return [SpaceRow(result) for result in results]


@dataclass
class DistrictRow:
    district_id: int
    slug: str
    name: str
    figures: Figures


def _sums() -> dict[str, Sum]:
    return {name: Sum(name) for name in STORED}


def district_results(month: date) -> list[DistrictRow]:
    """A published month summed by district, with each district's number of spaces: one
    query (districts are a few dozen)."""
    totals = (
        MonthlyResult.objects.filter(month=month)
        .values("space__district")
        .annotate(spaces=Count("pk"), **_sums())
        .order_by()
    )
    by_district: dict[int, dict[str, Any]] = {}
    for total in totals:
        sums: dict[str, Any] = dict(total)
        by_district[sums.pop("space__district")] = sums
    districts = District.objects.filter(pk__in=by_district).order_by("name_ko")
    return [
        DistrictRow(
            district_id=district.pk,
            slug=district.slug,
            name=district.name,
            figures=Figures(**by_district[district.pk]).rounded(),
        )
        for district in districts
    ]


def city_total(month: date) -> Figures | None:
    """A published month summed over the city (one query); None if it is not published."""
    total = MonthlyResult.objects.filter(month=month).aggregate(spaces=Count("pk"), **_sums())
    if not total["spaces"]:
        return None
    return Figures(**total).rounded()


def recent_results(space: Space, *, months: int = 6) -> list[SpaceRow]:
    """A space's last published months, newest first (the space's public page)."""
    return rows(space.monthly_results.order_by("-month")[:months])


def results_csv_rows(month: date, *, header: Sequence[object]) -> Iterable[Sequence[object]]:
    """The CSV of a published month (header first): one row per space, streamed."""
    yield header
    for result in space_results(month).iterator(chunk_size=500):
        row = SpaceRow(result)
        figures = row.figures
        yield [
            month.strftime("%Y-%m"),
            row.space.district.name,
            row.space.slug,
            row.space.name,
            figures.uses,
            figures.people,
            figures.booked_hours,
            figures.open_hours,
            figures.evening_weekend_open_hours,
            figures.utilisation,
            figures.evening_weekend_share,
            figures.no_shows,
            figures.cancellations,
            figures.fees,
        ]


# --- Live figures (staff) and the open-data indicators -----------------------------------------


def live_figures(actor: Actor, *, now: datetime | None = None) -> list[tuple[Space, Figures]]:
    """The month under way for the spaces this person runs (never published): four queries."""
    now = now or timezone.now()
    month = first_of(rules.local(now).date())
    spaces = (
        staffed_spaces(actor)
        .select_related("district")
        .defer("district__boundary")
        .order_by("district__name_ko", "slug")
    )
    figures = month_figures(spaces, month, now=now)
    return [(space, figures[space.pk]) for space in spaces.filter(pk__in=figures)]


def space_live_figures(space: Space, *, now: datetime | None = None) -> Figures:
    """The month under way for one space (its calendar; staff only)."""
    now = now or timezone.now()
    month = first_of(rules.local(now).date())
    return month_figures(Space.objects.filter(pk=space.pk), month, now=now)[space.pk]


def indicators() -> dict[str, object] | None:
    """The open-data indicators (issue 17): the latest published month's city-wide figures, or
    None before any month is published. Two queries. Keys:

    - `month`: "YYYY-MM"; `spaces`: spaces counted; `uses`, `people`, `no_shows`,
      `cancellations`: counts; `fees`: won;
    - `booked_hours`, `open_hours`, `evening_weekend_open_hours`: Decimal hours;
    - `utilisation`, `evening_weekend_share`: Decimal percentages (one decimal), or None with no
      hours open.
    """
    month = latest_month()
    if month is None:
        return None
    total = city_total(month)
    if total is None:
        return None
    return {
        "month": month.strftime("%Y-%m"),
        "spaces": total.spaces,
        **{name: getattr(total, name) for name in STORED},
        "utilisation": total.utilisation,
        "evening_weekend_share": total.evening_weekend_share,
    }
