"""Reads of the official statistics: the public list and page of each official indicator, the
staff's imports, and the scoreboard's input (`official_by_district`)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, Max, QuerySet
from django.http import Http404

from sharehub.opendata.models import OfficialIndicator, Period, Statistic, StatisticImport

# An indicator's page lists at most this many values (newest periods first).
VALUES_LIMIT = 2000


def official_indicators() -> QuerySet[OfficialIndicator]:
    """Every official indicator with its number of values and latest period (one query)."""
    return OfficialIndicator.objects.annotate(
        value_count=Count("values"), latest_starts=Max("values__starts")
    ).order_by("code")


def get_official_indicator(code: str) -> OfficialIndicator:
    indicator = OfficialIndicator.objects.filter(code=code).first()
    if indicator is None:
        raise Http404
    return indicator


def values_of(
    indicator: OfficialIndicator,
    *,
    start: date | None = None,
    end: date | None = None,
    district: str | None = None,
) -> QuerySet[Statistic]:
    """The indicator's values, newest period first, then the whole city, then by district.
    `district` is a district code, or "" for the whole city only."""
    values = (
        Statistic.objects.filter(indicator=indicator)
        .select_related("district")
        .defer("district__boundary")
    )
    if start:
        values = values.filter(starts__gte=start)
    if end:
        values = values.filter(starts__lte=end)
    if district == "":
        values = values.filter(district__isnull=True)
    elif district:
        values = values.filter(district__code=district)
    return values.order_by("-starts", "period_kind", "district__code", "pk")


def with_latest_values(indicators: QuerySet[OfficialIndicator]) -> list[OfficialIndicator]:
    """The indicators, each with `latest`: its values of the latest period it has (two queries)."""
    chosen = list(indicators)
    wanted = {
        i.pk: getattr(i, "latest_starts", None) for i in chosen if getattr(i, "latest_starts", None)
    }
    latest: dict[int, list[Statistic]] = {pk: [] for pk in wanted}
    if wanted:
        candidates = (
            Statistic.objects.filter(indicator_id__in=wanted, starts__in=set(wanted.values()))
            .select_related("district")
            .defer("district__boundary")
            .order_by("district__code", "pk")
        )
        for value in candidates:
            if wanted[value.indicator_id] == value.starts:
                latest[value.indicator_id].append(value)
    for indicator in chosen:
        indicator.latest = latest.get(indicator.pk, [])  # type: ignore[attr-defined]
    return chosen


def recent_imports(*, limit: int = 20) -> QuerySet[StatisticImport]:
    return StatisticImport.objects.select_related("created_by").order_by("-created_at", "-pk")[
        :limit
    ]


def period_end(value: Statistic) -> date:
    """The last day of a value's period."""
    months = {str(Period.YEAR): 12, str(Period.QUARTER): 3}.get(value.period_kind, 1)
    year, month = divmod(value.starts.month - 1 + months, 12)
    return date(value.starts.year + year, month + 1, 1) - timedelta(days=1)


def official_by_district(
    code: str, *, start: date | None = None, end: date | None = None
) -> dict[str, Decimal]:
    """district code → the official indicator's latest value within the period (the
    scoreboard's input: population, area…). A value counts when its period starts within
    [start, end] (either may be None: unbounded); of a district's values, the one whose period
    ends last wins, so a year's figure beats its January's and December's beats the year's
    first quarter. Whole-city values are left out. One query; an unknown code gives {}."""
    values = Statistic.objects.filter(indicator__code=code, district__isnull=False)
    if start:
        values = values.filter(starts__gte=start)
    if end:
        values = values.filter(starts__lte=end)
    best: dict[str, tuple[date, date, Decimal]] = {}
    for value in values.select_related("district").only(
        "starts", "period_kind", "value", "district__code"
    ):
        assert value.district is not None
        rank = (period_end(value), value.starts, value.value)
        current = best.get(value.district.code)
        if current is None or rank[:2] > current[:2]:
            best[value.district.code] = rank
    return {district: rank[2] for district, rank in best.items()}
