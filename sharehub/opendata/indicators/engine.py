"""The indicator registry and its cache (see the package's docstring)."""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Literal

from django.core.cache import cache
from django.db import models, transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# A cached table is recomputed at the latest after this long, even with no signal (bulk updates).
CACHE_SECONDS = 600
Dimension = Literal["period", "district", "category"]
# How the values of points are combined when a dimension is summed over: counts add up; a
# percentage is recomputed from its parts (`ratio_of`), never averaged.
Aggregate = Literal["sum", "max"]


@dataclass(frozen=True, slots=True)
class Point:
    """One value of an indicator: a month (first day, Asia/Seoul; None for a figure "now"), a
    district code (None: not tied to a district, or the whole city), a category key (None)."""

    period: date | None
    district: str | None
    category: str | None
    value: Decimal | int


@dataclass(frozen=True, slots=True)
class Row:
    """A grouped value: the keys asked for (`by`), the others None."""

    period: date | None
    district: str | None
    category: str | None
    value: Decimal | int | None


@dataclass(frozen=True)
class Indicator:
    code: str  # "<app>.<name>", e.g. "directory.listings"
    group: str  # the dashboard's section: the app's code ("directory", "events", …)
    name: StrOrPromise
    unit: StrOrPromise
    definition: StrOrPromise
    method: StrOrPromise
    source: StrOrPromise
    compute: Callable[[], Iterable[Point]]
    # The models whose change makes the cached table stale.
    sources: tuple[type[models.Model], ...]
    dimensions: tuple[Dimension, ...] = ("period", "district")
    aggregate: Aggregate = "sum"
    # A percentage: 100 × numerator / denominator, each another indicator's code, grouped alike.
    ratio_of: tuple[str, str] | None = None
    # The labels of category keys, in display order (None: no categories).
    categories: Callable[[], dict[str, StrOrPromise]] | None = None
    # Cumulative: a month's value is the running total up to it (listings that exist by then).
    cumulative: bool = False
    order: int = 100
    extra: dict[str, object] = field(default_factory=dict)


_REGISTRY: dict[str, Indicator] = {}
_SOURCES: dict[str, set[str]] = defaultdict(set)  # model label → indicator codes


def register(indicator: Indicator) -> Indicator:
    if indicator.code in _REGISTRY:
        raise ValueError(f"indicator {indicator.code} registered twice")
    _REGISTRY[indicator.code] = indicator
    for model in indicator.sources:
        label = model._meta.label_lower
        if not _SOURCES[label]:
            post_save.connect(_changed, sender=model, dispatch_uid=f"opendata-{label}-save")
            post_delete.connect(_changed, sender=model, dispatch_uid=f"opendata-{label}-delete")
        _SOURCES[label].add(indicator.code)
    return indicator


def get(code: str) -> Indicator | None:
    return _REGISTRY.get(code)


def all_indicators() -> list[Indicator]:
    return sorted(_REGISTRY.values(), key=lambda i: (i.order, i.code))


# --- The cache ------------------------------------------------------------------------------


def _version_key(label: str) -> str:
    return f"opendata:source:{label}"


def bump(*models_: type[models.Model]) -> None:
    """Mark the tables computed from these models stale (a unique token each time, so two
    writers never leave the same one)."""
    token = time.time_ns()
    cache.set_many({_version_key(m._meta.label_lower): token for m in models_}, timeout=None)


def _changed(sender: type[models.Model], **kwargs: object) -> None:
    transaction.on_commit(lambda: bump(sender))


def _version(indicator: Indicator) -> str:
    keys = [_version_key(m._meta.label_lower) for m in indicator.sources]
    found = cache.get_many(keys)
    return "-".join(str(found.get(key, 0)) for key in keys)


@dataclass(frozen=True)
class Table:
    points: tuple[Point, ...]
    computed_at: datetime


def table_of(indicator: Indicator) -> Table:
    """The indicator's whole table, from the cache when its sources have not changed."""
    key = f"opendata:table:{indicator.code}:{_version(indicator)}"
    found = cache.get(key)
    if found is None:
        found = Table(points=tuple(indicator.compute()), computed_at=timezone.now())
        cache.set(key, found, timeout=CACHE_SECONDS)
    return found


# --- Reading ---------------------------------------------------------------------------------


def _select(
    points: Iterable[Point],
    *,
    start: date | None,
    end: date | None,
    district: str | None,
    category: str | None,
) -> Iterable[Point]:
    for point in points:
        if start and point.period and point.period < start:
            continue
        if end and point.period and point.period > end:
            continue
        if district and point.district != district:
            continue
        if category and point.category != category:
            continue
        yield point


def rows(
    indicator: Indicator,
    *,
    by: Sequence[Dimension] = ("period",),
    start: date | None = None,
    end: date | None = None,
    district: str | None = None,
    category: str | None = None,
) -> list[Row]:
    """The indicator's values grouped by the dimensions in `by`, within the filters, sorted by
    those keys. A ratio is computed from its parts grouped alike."""
    if indicator.ratio_of:
        top, bottom = (get(code) for code in indicator.ratio_of)
        assert top and bottom, indicator.ratio_of
        filters = {"start": start, "end": end, "district": district, "category": category}
        parts = [
            {(r.period, r.district, r.category): r.value for r in rows(i, by=by, **filters)}
            for i in (top, bottom)
        ]
        result = []
        for key in sorted(set(parts[0]) | set(parts[1]), key=_sort_key):
            num, den = parts[0].get(key) or 0, parts[1].get(key) or 0
            value = (Decimal(num) * 100 / Decimal(den)).quantize(Decimal("0.1")) if den else None
            result.append(Row(*key, value))
        return result
    grouped: dict[tuple, Decimal | int] = {}
    for p in _select(
        table_of(indicator).points, start=start, end=end, district=district, category=category
    ):
        key = (
            p.period if "period" in by else None,
            p.district if "district" in by else None,
            p.category if "category" in by else None,
        )
        if key in grouped:
            grouped[key] = (
                grouped[key] + p.value
                if indicator.aggregate == "sum"
                else max(grouped[key], p.value)
            )
        else:
            grouped[key] = p.value
    return [Row(*key, grouped[key]) for key in sorted(grouped, key=_sort_key)]


def _sort_key(key: tuple) -> tuple:
    return tuple(
        (value is None, value or "") if not isinstance(value, date) else (False, value.isoformat())
        for value in key
    )


def by_district(
    indicator: Indicator, *, start: date | None = None, end: date | None = None
) -> dict[str, Decimal]:
    """district code → the indicator's value over the period (the scoreboard's input)."""
    return {
        row.district: Decimal(row.value)
        for row in rows(indicator, by=("district",), start=start, end=end)
        if row.district is not None and row.value is not None
    }
