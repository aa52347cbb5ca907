"""Facilities' indicators, from the published monthly operating results (`MonthlyResult`, defined
in facilities.selectors.results): uses, spaces, hours, and the ratios made of them, by month and
the space's district. A month is published once it is over, so the month under way is absent."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from django.db.models import Count, Sum
from django.utils.translation import gettext_lazy as _

from sharehub.facilities.models import MonthlyResult, Space

from .engine import Indicator, Point, register

SOURCES = (MonthlyResult, Space)
SOURCE = _("ShareHub public spaces, monthly operating results")


def _summed(field: str) -> Callable[[], Iterator[Point]]:
    """The published results summed by month and district (`pk`: the spaces counted)."""

    def compute() -> Iterator[Point]:
        aggregate = Count("pk") if field == "pk" else Sum(field)
        grouped = (
            MonthlyResult.objects.values("month", "space__district__code")
            .annotate(value=aggregate)
            .order_by()
        )
        for row in grouped:
            yield Point(row["month"], row["space__district__code"], None, row["value"] or 0)

    return compute


def _figure(code: str, name, unit, definition, method, order: int, **extra) -> Indicator:
    return register(
        Indicator(
            code=f"facilities.{code}",
            group="facilities",
            name=name,
            unit=unit,
            definition=definition,
            method=method,
            source=SOURCE,
            compute=extra.pop("compute", lambda: iter(())),
            sources=SOURCES,
            dimensions=("period", "district"),
            order=order,
            **extra,
        )
    )


USES = _figure(
    "uses",
    _("Uses of public spaces"),
    _("uses"),
    _("Confirmed bookings of public spaces that took place (no-shows and cancellations left out)."),
    _("Sums the uses of each space's published monthly result, by month and the space's district."),
    40,
    compute=_summed("uses"),
)
SPACES = _figure(
    "spaces",
    _("Public spaces counted"),
    _("spaces"),
    _("Public spaces with a published result for the month (open for bookings, or booked in it)."),
    _("Counts the published monthly results, one per space and month, by the space's district."),
    41,
    compute=_summed("pk"),
)
USES_PER_SPACE = _figure(
    "uses_per_space",
    _("Uses per space per month"),
    _("uses per space"),
    _("How often a public space is used in a month, on average."),
    _(
        "Uses divided by the spaces counted, grouped alike (over several months: by the space-months), to one decimal."
    ),
    42,
    ratio_of=("facilities.uses", "facilities.spaces"),
    ratio_scale=1,
    captions={"period": _("Uses per space, month by month")},
)
BOOKED_HOURS = _figure(
    "booked_hours",
    _("Hours booked"),
    _("hours"),
    _("The length of the confirmed bookings of public spaces, no-shows included."),
    _("Sums the hours booked of each space's published monthly result."),
    43,
    compute=_summed("booked_hours"),
)
OPEN_HOURS = _figure(
    "open_hours",
    _("Hours open"),
    _("hours"),
    _("The hours public spaces were open for bookings, less closures and closed public holidays."),
    _("Sums the hours open of each space's published monthly result."),
    44,
    compute=_summed("open_hours"),
)
EVENING_WEEKEND_HOURS = _figure(
    "evening_weekend_hours",
    _("Hours open in the evening or at weekends"),
    _("hours"),
    _("The hours open from 18:00, and all hours open on Saturdays, Sundays and public holidays."),
    _("Sums the evening and weekend hours open of each space's published monthly result."),
    45,
    compute=_summed("evening_weekend_open_hours"),
)
UTILISATION = _figure(
    "utilisation",
    _("Utilisation of public spaces"),
    "%",
    _("Hours booked as a percentage of hours open."),
    _("Hours booked divided by hours open, grouped alike, times 100, to one decimal."),
    46,
    ratio_of=("facilities.booked_hours", "facilities.open_hours"),
)
EVENING_WEEKEND_SHARE = _figure(
    "evening_weekend_share",
    _("Evening and weekend opening"),
    "%",
    _("The share of the hours open that fall in the evening or at weekends."),
    _(
        "Hours open in the evening or at weekends divided by hours open, grouped alike, times 100, to one decimal."
    ),
    47,
    ratio_of=("facilities.evening_weekend_hours", "facilities.open_hours"),
)
