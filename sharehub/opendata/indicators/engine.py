"""The indicator registry and its cache (see the package's docstring)."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Literal

from django.core.cache import cache
from django.db import models
from django.utils import timezone, translation

from sharehub.core import pagecache

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# A cached table is recomputed at the latest after this long, even with no signal (bulk updates).
CACHE_SECONDS = 600
Dimension = Literal["period", "district", "category"]
# How the values of points are combined when a dimension is summed over: counts add up; a
# percentage is recomputed from its parts (`ratio_of`), never averaged.
Aggregate = Literal["sum", "max"]
TENTH = Decimal("0.1")
Key = tuple[date | None, str | None, str | None]  # (period, district, category)
# The key of a point that totals a many-valued dimension (see `Indicator.multi_valued`).
ALL = "*"


@dataclass(frozen=True, slots=True)
class Point:
    """One value of an indicator: a month (first day, Asia/Seoul; None for a figure "now"), a
    district code (None: not tied to a district, or the whole city), a category key (None)."""

    period: date | None
    district: str | None
    category: str | None
    value: Decimal | int

    def __reduce__(
        self,
    ) -> tuple[type[Point], tuple[date | None, str | None, str | None, Decimal | int]]:
        # Pickled (the cached tables) as a call of the class: the state functions of a slotted
        # frozen dataclass call `dataclasses.fields()` for every point, which made reading a
        # page's tables from the cache three times slower. Older pickles still load.
        return (Point, (self.period, self.district, self.category, self.value))


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
    # A ratio: `ratio_scale` × numerator / denominator (one decimal), each another indicator's
    # code, grouped alike: 100 for a percentage, 1 for "uses per space".
    ratio_of: tuple[str, str] | None = None
    ratio_scale: int = 100
    # The labels of category keys, in display order (None: no categories); read from the
    # database: a `LabelSource` (`kept_labels`), kept with the tables.
    categories: Callable[[], Mapping[str, StrOrPromise]] | None = None
    # Dimensions where one thing may count under several keys (a listing in two categories, a
    # proposal about two districts): summing over them would count it twice, so `compute` also
    # yields, per other keys, a point with ALL as that dimension's key counting each thing once.
    # Readers use those points when the dimension is neither grouped by nor filtered on.
    multi_valued: tuple[Dimension, ...] = ()
    # Cumulative: the points are what was added each month, and a month's value is the running
    # total up to it (listings that exist by then); without `period` in `by`, the total by `end`.
    cumulative: bool = False
    # A chart's caption for a dimension where "<name> by <dimension>" would read badly (a name
    # that already says "by price type"); the others are built from the name.
    captions: dict[str, StrOrPromise] = field(default_factory=dict)
    # When its public rows change by the clock alone (a call published at a set time): the next
    # such moment, or None. The cached table lives no longer than that.
    changes_at: Callable[[], datetime | None] | None = None
    order: int = 100
    extra: dict[str, object] = field(default_factory=dict)


_REGISTRY: dict[str, Indicator] = {}


def register(indicator: Indicator) -> Indicator:
    if indicator.code in _REGISTRY:
        raise ValueError(f"indicator {indicator.code} registered twice")
    _REGISTRY[indicator.code] = indicator
    return indicator


def get(code: str) -> Indicator | None:
    return _REGISTRY.get(code)


def all_indicators() -> list[Indicator]:
    return sorted(_REGISTRY.values(), key=lambda i: (i.order, i.code))


def as_month(value: date | datetime | None) -> date | None:
    """The first day of a TruncMonth value (a datetime in the current zone, or a date)."""
    if value is None:
        return None
    day = value.date() if isinstance(value, datetime) else value
    return day.replace(day=1)


# --- The cache ------------------------------------------------------------------------------


@dataclass(frozen=True)
class LabelSource:
    """Labels read from the database (the names of categories, of districts): `read()` in the
    reader's language. Within a snapshot that names it, kept in the cache like the tables, under
    its sources' versions and the language, and read with them: a page asks no query of its own
    for them (`labels_of`). Called, it gives them."""

    name: str
    sources: tuple[type[models.Model], ...]
    read: Callable[[], dict[str, StrOrPromise]]

    def __call__(self) -> dict[str, str]:
        return labels_of(self)


def kept_labels(
    *sources: type[models.Model],
) -> Callable[[Callable[[], dict[str, StrOrPromise]]], LabelSource]:
    """`@kept_labels(Category)` over a function reading labels from these models' tables."""

    def wrap(read: Callable[[], dict[str, StrOrPromise]]) -> LabelSource:
        return LabelSource(f"{read.__module__}.{read.__qualname__}", sources, read)

    return wrap


def _tables(indicator: Indicator) -> list[str]:
    return [model._meta.db_table for model in indicator.sources]


def _labels_key(source: LabelSource, versions: dict[str, int]) -> str:
    tokens = "-".join(str(versions.get(model._meta.db_table, 0)) for model in source.sources)
    return f"opendata:labels:{source.name}:{translation.get_language()}:{tokens}"


def _table_key(indicator: Indicator, versions: dict[str, int]) -> str:
    """The cached table's key: the indicator and its sources' versions (core.pagecache: every
    write to a table moves its version in the write's own transaction, whatever wrote it)."""
    tokens = "-".join(str(versions.get(table, 0)) for table in _tables(indicator))
    # "2": a table holds its next change by the clock (tables kept before it did not).
    return f"opendata:table2:{indicator.code}:{tokens}"


@dataclass(frozen=True)
class Table:
    points: tuple[Point, ...]
    computed_at: datetime
    # The indicator's next change by the clock as the table was computed (`Indicator.changes_at`,
    # None: none). A kept table never outlives it (its cache timeout), so a page reading the
    # table learns it from the table instead of asking the database on every request.
    changes_at: datetime | None = None


@dataclass
class _Snapshot:
    needed: list[Indicator]  # the indicators and their ratios' parts
    labels: set[LabelSource]  # their categories' labels, and those the page asked for
    # Read at the first table asked for (`load`): a page that shows its figures only inside a
    # kept fragment, served kept, reads none of them.
    loaded: bool = False
    asked: set[str] = field(default_factory=set)  # the source tables whose versions were read
    versions: dict[str, int] = field(default_factory=dict)
    tables: dict[str, Table] = field(default_factory=dict)  # table key → table
    kept_labels: dict[str, dict[str, str]] = field(default_factory=dict)  # key → labels
    # Each `changes_at` asked once per snapshot (a query; several indicators share one, and a
    # page asks it of every chart).
    changes: dict[Callable[[], datetime | None], datetime | None] = field(default_factory=dict)

    def load(self) -> None:
        if self.loaded:
            return
        self.loaded = True
        self.asked = {table for indicator in self.needed for table in _tables(indicator)}
        self.asked |= {model._meta.db_table for source in self.labels for model in source.sources}
        self.versions = pagecache.request_versions(self.asked)
        keys = [_table_key(i, self.versions) for i in self.needed]
        labels = [_labels_key(source, self.versions) for source in self.labels]
        found = cache.get_many(keys + labels)
        self.tables = {key: found[key] for key in keys if key in found}
        self.kept_labels = {key: found[key] for key in labels if key in found}


# The tables read for one page or API call (`snapshot`), so each costs one cache read in all.
_snapshot: ContextVar[_Snapshot | None] = ContextVar("opendata_snapshot", default=None)


def _with_parts(items: Iterable[Indicator]) -> list[Indicator]:
    """The indicators and, for ratios, the indicators they divide (recursively)."""
    found: dict[str, Indicator] = {}
    todo = list(items)
    while todo:
        indicator = todo.pop()
        if indicator.code in found:
            continue
        found[indicator.code] = indicator
        todo += [i for code in indicator.ratio_of or () if (i := get(code))]
    return list(found.values())


@contextmanager
def snapshot(items: Iterable[Indicator], *, labels: Iterable[LabelSource] = ()) -> Iterator[None]:
    """Within the block, the tables of these indicators (and of their ratios' parts) come from
    two reads made when the first is asked for (their sources' versions, one query, none in a
    kept view's request, whose versions were read as it began; then the tables, one cache read)
    instead of two per table; the missing ones are computed on first use, as outside. Versions
    are read once: a page shows one consistent state. So do the labels of their categories and
    `labels` (`LabelSource`)."""
    needed = _with_parts(items)
    sources = {i.categories for i in needed if isinstance(i.categories, LabelSource)}
    token = _snapshot.set(_Snapshot(needed=needed, labels=sources | set(labels)))
    try:
        yield
    finally:
        _snapshot.reset(token)


def _changes_at(indicator: Indicator) -> datetime | None:
    """The indicator's next change by the clock (`Indicator.changes_at`), read once per snapshot."""
    if indicator.changes_at is None:
        return None
    current = _snapshot.get()
    if current is None:
        return indicator.changes_at()
    if indicator.changes_at not in current.changes:
        current.changes[indicator.changes_at] = indicator.changes_at()
    return current.changes[indicator.changes_at]


def _lifetime(upcoming: datetime | None, now: datetime) -> int:
    """Seconds a table may be kept: CACHE_SECONDS, or less until its next change by the clock."""
    if upcoming is None:
        return CACHE_SECONDS
    return max(1, min(CACHE_SECONDS, math.ceil((upcoming - now).total_seconds())))


def table_of(indicator: Indicator) -> Table:
    """The indicator's whole table, from the cache when its sources have not changed."""
    current = _snapshot.get()
    # A page kept for visitors (core.pagecache) goes with the tables this one is computed from,
    # which this request may not read, and lives no longer than the table's next change by clock.
    pagecache.depends_on(*indicator.sources)
    tables = _tables(indicator)
    if pagecache.uncommitted(tables):
        # This connection's own writes, not committed yet: its table, for it alone, uncached.
        upcoming = _changes_at(indicator)
        pagecache.valid_until(upcoming)
        return Table(
            points=tuple(indicator.compute()), computed_at=timezone.now(), changes_at=upcoming
        )
    if current is not None:
        current.load()
    versions = (
        current.versions
        if current is not None and current.asked.issuperset(tables)
        else pagecache.table_versions(tables)
    )
    key = _table_key(indicator, versions)
    found = current.tables.get(key) if current is not None else None
    if found is None:
        found = cache.get(key)
    if found is not None and found.changes_at is not None and found.changes_at <= timezone.now():
        # Its next change has come (the cache's timeout counts from after the computing): the
        # table is computed again, never served past it.
        found = None
    if found is None:
        # Its next change first: a publication passing while the table is computed is the
        # table's next change, not missed (the next read computes it again).
        upcoming = _changes_at(indicator)
        now = timezone.now()
        found = Table(points=tuple(indicator.compute()), computed_at=now, changes_at=upcoming)
        cache.set(key, found, timeout=_lifetime(upcoming, now))
    pagecache.valid_until(found.changes_at)
    if current is not None:
        current.tables[key] = found
    return found


def labels_of(source: LabelSource) -> dict[str, str]:
    """The labels, as `table_of` gives a table: within a snapshot that names them, from its
    cache read, else read and kept; anywhere else read (a versions query and a cache read would
    cost more than the one query they save)."""
    pagecache.depends_on(*source.sources)
    current = _snapshot.get()
    tables = [model._meta.db_table for model in source.sources]
    if current is None or source not in current.labels or pagecache.uncommitted(tables):
        return _read_labels(source)
    current.load()
    cache_key = _labels_key(source, current.versions)
    found = current.kept_labels.get(cache_key)
    if found is None:
        found = _read_labels(source)
        cache.set(cache_key, found, timeout=CACHE_SECONDS)
        current.kept_labels[cache_key] = found
    return found


def _read_labels(source: LabelSource) -> dict[str, str]:
    # Plain strings: what is kept is pickled, and a lazy label would follow the reader's language.
    return {key: str(label) for key, label in source.read().items()}


# --- Reading ---------------------------------------------------------------------------------


def _select(
    points: Iterable[Point],
    *,
    start: date | None,
    end: date | None,
    district: str | None,
    category: str | None,
    totals: frozenset[str] = frozenset(),
) -> Iterable[Point]:
    """The points within the filters; of a many-valued dimension in `totals`, only its ALL
    points, and of any other, none of them."""
    for point in points:
        if ("district" in totals) != (point.district == ALL):
            continue
        if ("category" in totals) != (point.category == ALL):
            continue
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
        parts = [
            {
                (r.period, r.district, r.category): r.value
                for r in rows(i, by=by, start=start, end=end, district=district, category=category)
            }
            for i in (top, bottom)
        ]
        result = []
        for key in sorted(set(parts[0]) | set(parts[1]), key=_sort_key):
            num, den = parts[0].get(key) or 0, parts[1].get(key) or 0
            value = (
                (Decimal(num) * indicator.ratio_scale / Decimal(den)).quantize(TENTH, ROUND_HALF_UP)
                if den
                else None
            )
            result.append(Row(key[0], key[1], key[2], value))
        return result
    if indicator.cumulative:
        return _cumulative_rows(
            indicator, by=by, start=start, end=end, district=district, category=category
        )
    grouped: dict[Key, Decimal | int] = {}
    for p in _select(
        table_of(indicator).points,
        start=start,
        end=end,
        district=district,
        category=category,
        totals=_totals(indicator, by, district=district, category=category),
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
    return [Row(k[0], k[1], k[2], grouped[k]) for k in sorted(grouped, key=_sort_key)]


def _totals(
    indicator: Indicator,
    by: Sequence[Dimension],
    *,
    district: str | None,
    category: str | None,
) -> frozenset[str]:
    """The many-valued dimensions read from their ALL points: neither grouped by nor filtered."""
    filtered = {"district": district, "category": category}
    return frozenset(d for d in indicator.multi_valued if d not in by and not filtered.get(d))


def _next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def _cumulative_rows(
    indicator: Indicator,
    *,
    by: Sequence[Dimension],
    start: date | None,
    end: date | None,
    district: str | None,
    category: str | None,
) -> list[Row]:
    """Running totals of a cumulative indicator. Points before `start` still count (what existed
    then); a point with no month counts from the beginning. By period: every month from the
    group's first to the indicator's last month with data (at most `end`), so a stock is never a
    gap."""
    table = table_of(indicator).points
    points = list(
        _select(
            table,
            start=None,
            end=end,
            district=district,
            category=category,
            totals=_totals(indicator, by, district=district, category=category),
        )
    )

    def key_of(p: Point) -> tuple[str | None, str | None]:
        return (
            p.district if "district" in by else None,
            p.category if "category" in by else None,
        )

    if "period" not in by:
        totals: dict[tuple[str | None, str | None], Decimal | int] = defaultdict(int)
        for p in points:
            totals[key_of(p)] += p.value
        return [Row(None, k[0], k[1], totals[k]) for k in sorted(totals, key=_sort_key)]
    added: dict[tuple[str | None, str | None], dict[date | None, Decimal | int]] = defaultdict(
        lambda: defaultdict(int)
    )
    for p in points:
        added[key_of(p)][p.period] += p.value
    # The series run to the table's last month (at most `end`), whatever the filters.
    months = [p.period for p in table if p.period is not None and (end is None or p.period <= end)]
    if not points or not months:
        return [
            Row(None, k[0], k[1], sum(values.values()))
            for k, values in sorted(added.items(), key=lambda item: _sort_key(item[0]))
        ]
    last = max(months)
    result = []
    for key in sorted(added, key=_sort_key):
        values = added[key]
        total: Decimal | int = values.pop(None, 0)
        dated = sorted(m for m in values if m is not None)
        month = dated[0] if dated else last
        while month <= last:
            total += values.get(month, 0)
            if start is None or month >= start:
                result.append(Row(month, key[0], key[1], total))
            month = _next_month(month)
    return result


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
