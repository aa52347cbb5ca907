"""The dashboard's and the indicator pages' reads: the indicators' values as charts, tables, a
choropleth of the districts and downloadable rows.

Everything goes through the indicator engine's interface (`opendata.indicators`): it caches each
indicator's whole table, so a page costs a fixed number of queries whatever the data's size (the
districts' names once, each indicator's category labels once, the engine's cache reads).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from sharehub.core.i18n import current_language, pick
from sharehub.opendata import indicators
from sharehub.opendata.indicators import Indicator, Row
from sharehub.places.models import District

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

Dimension = Literal["period", "district", "category"]
DIMENSIONS: tuple[Dimension, ...] = ("period", "district", "category")
# The dashboard's sections, in order: an indicator's `group` is its app's code.
GROUPS: dict[str, StrOrPromise] = {
    "directory": gettext_lazy("Directory of sharing services"),
    "designation": gettext_lazy("Designated sharing organizations"),
    "events": gettext_lazy("Events"),
    "facilities": gettext_lazy("Public spaces"),
    "participation": gettext_lazy("Participation"),
    "programmes": gettext_lazy("Support programmes"),
    "newsletters": gettext_lazy("Newsletters"),
}
DIMENSION_HEADINGS: dict[str, StrOrPromise] = {
    "period": gettext_lazy("Month"),
    "district": gettext_lazy("District"),
    "category": pgettext_lazy("indicator dimension", "Category"),
}
CAPTIONS: dict[str, StrOrPromise] = {
    "period": gettext_lazy("%(name)s by month"),
    "district": gettext_lazy("%(name)s by district"),
    "category": gettext_lazy("%(name)s by category"),
}
# Classes of the choropleth (sequential greens in choropleth.js and opendata.css, light to dark).
MAP_CLASSES = 5


def section_and_key(value: str) -> tuple[str, str]:
    """("programmes", "space") for "programmes:space"; ("", value) for a bare key (a colon is
    a section's only before a section's code)."""
    section, colon, key = value.partition(":")
    if colon and section in {indicator.group for indicator in indicators.all_indicators()}:
        return section, key
    return "", value


@dataclass(frozen=True)
class Filters:
    """The filters every chart and download of a page shares (months are first days)."""

    start: date | None = None
    end: date | None = None
    district: str | None = None
    category: str | None = None

    def category_key(self, indicator: Indicator, categories: Mapping[str, Any]) -> str | None:
        """The category this indicator is filtered by: the filter's key where the indicator has
        it. A key two sections share ("space": the directory's category, a programme's kind of
        support) is chosen on the dashboard as "<section>:<key>" (`category_choices`), and
        filters that section's indicators only."""
        if not self.category:
            return None
        section, key = section_and_key(self.category)
        if section and section != indicator.group:
            return None
        return key if key in categories else None

    def lacks_category(self, indicator: Indicator, categories: Mapping[str, Any]) -> bool:
        """A category is chosen for this indicator's section that it does not have."""
        if not self.category or not indicator.categories:
            return False
        section, _key = section_and_key(self.category)
        return self.category_key(indicator, categories) is None and section in ("", indicator.group)

    def own(self, indicator: Indicator, categories: Mapping[str, Any]) -> Filters:
        """These filters as the indicator's own page and downloads take them (the category as
        its bare key, or none where it does not filter this indicator)."""
        return replace(self, category=self.category_key(indicator, categories))

    def for_indicator(self, indicator: Indicator, categories: Mapping[str, Any]) -> dict[str, Any]:
        """The engine's keyword filters for this indicator: the category only where the
        indicator has that category (another section's category leaves it unfiltered), the
        district only where it has districts."""
        return {
            "start": self.start,
            "end": self.end,
            "district": self.district if "district" in indicator.dimensions else None,
            "category": self.category_key(indicator, categories),
        }


# --- Labels -----------------------------------------------------------------------------------


@indicators.kept_labels(District)
def district_names() -> dict[str, StrOrPromise]:
    """district code → name in the active language, sorted by that name (one query; kept with
    the tables in a snapshot that names it, as the dashboard's pages do)."""
    language = current_language()
    names = {
        code: pick({"name_ko": name_ko, "name_en": name_en}, "name", language)
        for code, name_ko, name_en in District.objects.values_list("code", "name_ko", "name_en")
    }
    return dict(sorted(names.items(), key=lambda item: (item[1].casefold(), item[0])))


class Labels:
    """The labels of one page: district names read once, each set of categories once."""

    def __init__(self) -> None:
        self._districts: dict[str, str] | None = None
        self._categories: dict[object, dict[str, str]] = {}
        # Translated or formatted once per page (some forty charts repeat the same months, and
        # each shows its indicator's name and unit several times).
        self._months: dict[date, str] = {}
        self._texts: dict[str, tuple[str, str]] = {}

    @property
    def districts(self) -> dict[str, str]:
        if self._districts is None:
            self._districts = district_names()
        return self._districts

    def categories(self, indicator: Indicator) -> dict[str, str]:
        # Keyed by the labels' function: indicators of one app share theirs (one query).
        source = indicator.categories
        if source not in self._categories:
            found = source() if source else {}
            self._categories[source] = {key: str(label) for key, label in found.items()}
        return self._categories[source]

    def of(self, indicator: Indicator, dimension: str, key: Any) -> str:
        if key is None:
            return {
                "period": _("Now"),
                "district": _("Whole city"),
                "category": _("No category"),
            }[dimension]
        if dimension == "period":
            label = self._months.get(key)
            if label is None:
                label = self._months[key] = month_label(key)
            return label
        if dimension == "district":
            return self.districts.get(key, key)
        return self.categories(indicator).get(key, key)

    def name_and_unit(self, indicator: Indicator) -> tuple[str, str]:
        """The indicator's name and unit in the page's language."""
        texts = self._texts.get(indicator.code)
        if texts is None:
            texts = self._texts[indicator.code] = (str(indicator.name), str(indicator.unit))
        return texts


def month_label(month: date) -> str:
    return formats.date_format(month, "YEAR_MONTH_FORMAT")


def number(value: Decimal | int | float | None) -> str:
    """A value as the page shows it (grouped digits, at most one decimal)."""
    if value is None:
        return "–"
    if isinstance(value, Decimal) and value != value.to_integral_value():
        return formats.number_format(value, decimal_pos=1, use_l10n=True, force_grouping=True)
    whole = int(value)
    if -1000 < whole < 1000:
        # No separator to write: the hub's languages (ko, en) group digits by three.
        return str(whole)
    return formats.number_format(whole, use_l10n=True, force_grouping=True)


def plain(value: Decimal | int | None) -> int | float | None:
    """A value for JSON: integers stay integers."""
    if value is None:
        return None
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


# --- Indicators -------------------------------------------------------------------------------


def indicator_sections(
    items: Iterable[Indicator] | None = None,
) -> list[tuple[str, StrOrPromise, list[Indicator]]]:
    """The indicators grouped by section: (group code, heading, indicators), known sections
    first in their order, then any other group by its code."""
    grouped: dict[str, list[Indicator]] = {}
    for indicator in items if items is not None else indicators.all_indicators():
        grouped.setdefault(indicator.group, []).append(indicator)
    order = list(GROUPS)
    codes = sorted(grouped, key=lambda g: (order.index(g) if g in order else len(order), g))
    return [(code, GROUPS.get(code, code), grouped[code]) for code in codes]


def map_indicators() -> list[Indicator]:
    """The indicators the choropleth can show: those with districts."""
    return [i for i in indicators.all_indicators() if "district" in i.dimensions]


def category_choices(labels: Labels, items: Sequence[Indicator]) -> list[tuple[str, Any]]:
    """The category filter's choices, grouped by section (one key once per section). A key
    that two sections share is offered as "<section>:<key>" in each (`Filters.category_key`):
    one value, one choice."""
    sections: list[tuple[str, str, dict[str, str]]] = []
    for code, heading, members in indicator_sections(items):
        seen: dict[str, str] = {}
        for indicator in members:
            for key, label in labels.categories(indicator).items():
                seen.setdefault(key, label)
        if seen:
            sections.append((code, str(heading), seen))
    shared = Counter(key for _code, _heading, seen in sections for key in seen)
    return [
        (
            heading,
            [(f"{code}:{key}" if shared[key] > 1 else key, label) for key, label in seen.items()],
        )
        for code, heading, seen in sections
    ]


def computed_at(indicator: Indicator) -> Any:
    return indicators.table_of(indicator).computed_at


# --- Charts -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChartRow:
    key: str  # the machine key ("2025-03", a district code, a category key)
    label: str
    value: Decimal | int | None

    @property
    def shown(self) -> str:
        return number(self.value)


@dataclass
class Chart:
    """One chart and its table: the indicator's values by one dimension."""

    indicator: Indicator
    by: Dimension
    rows: list[ChartRow]
    dom_id: str
    caption: str = ""
    summary: str = ""
    notes: list[str] = field(default_factory=list)
    # The indicator's name and unit in the page's language, translated once: the registry holds
    # lazy texts, and a chart shows each several times (some forty charts on the dashboard).
    name: str = ""
    unit: str = ""

    @property
    def kind(self) -> str:
        return "line" if self.by == "period" else "bar"

    @property
    def heading(self) -> StrOrPromise:
        return DIMENSION_HEADINGS[self.by]

    def data(self) -> dict[str, Any]:
        """What charts.js draws (json_script)."""
        return {
            "kind": self.kind,
            "label": f"{self.name} ({self.unit})",
            "unit": self.unit,
            "labels": [row.label for row in self.rows],
            "values": [plain(row.value) for row in self.rows],
        }


def _key_text(dimension: str, key: Any) -> str:
    if key is None:
        return ""
    return key.strftime("%Y-%m") if dimension == "period" else str(key)


def chart(
    indicator: Indicator, by: Dimension, filters: Filters, labels: Labels, *, prefix: str = "chart"
) -> Chart:
    """The indicator's values grouped by `by` within the filters, with its caption and the
    summary that is the canvas's text alternative."""
    categories = labels.categories(indicator)
    found = indicators.rows(indicator, by=(by,), **filters.for_indicator(indicator, categories))
    rows = [
        ChartRow(_key_text(by, getattr(r, by)), labels.of(indicator, by, getattr(r, by)), r.value)
        for r in found
    ]
    if by == "category":
        # The categories' own display order; unknown keys and "no category" after them.
        order = {key: i for i, key in enumerate(categories)}
        rows.sort(key=lambda row: (row.key not in order, order.get(row.key, 0), not row.key))
    if by == "district" and not filters.district:
        # Every district, in the districts' order; a count is 0 where nothing happened.
        known = {row.key: row for row in rows}
        empty = 0 if indicator.aggregate == "sum" and not indicator.ratio_of else None
        rows = [
            known.get(code) or ChartRow(code, name, empty)
            for code, name in labels.districts.items()
        ] + [row for key, row in known.items() if key not in labels.districts]
    name, unit = labels.name_and_unit(indicator)
    item = Chart(
        indicator=indicator,
        by=by,
        rows=rows,
        dom_id=f"{prefix}-{indicator.code.replace('.', '-')}-{by}",
        name=name,
        unit=unit,
    )
    item.caption = str(indicator.captions.get(by) or str(CAPTIONS[by]) % {"name": item.name})
    item.summary = summary(item)
    if filters.lacks_category(indicator, categories):
        item.notes.append(_("This indicator has no such category: every category is counted."))
    return item


def summary(item: Chart) -> str:
    """The canvas's aria-label: what the picture shows, in one sentence."""
    values = [row for row in item.rows if row.value is not None]
    unit = item.unit
    if not values:
        return _("%(caption)s: no data for these filters.") % {"caption": item.caption}
    top = max(values, key=lambda row: row.value or 0)
    if item.kind == "line":
        return _(
            "Line chart, %(caption)s, from %(first)s to %(last)s: highest %(top)s %(unit)s in "
            "%(top_label)s, last %(latest)s %(unit)s. The table gives every value."
        ) % {
            "caption": item.caption,
            "first": item.rows[0].label,
            "last": item.rows[-1].label,
            "top": top.shown,
            "top_label": top.label,
            "latest": values[-1].shown,
            "unit": unit,
        }
    low = min(values, key=lambda row: row.value or 0)
    return _(
        "Bar chart, %(caption)s: highest %(top)s %(unit)s (%(top_label)s), lowest %(low)s "
        "%(unit)s (%(low_label)s). The table gives every value."
    ) % {
        "caption": item.caption,
        "top": top.shown,
        "top_label": top.label,
        "low": low.shown,
        "low_label": low.label,
        "unit": unit,
    }


def charts_of(
    indicator: Indicator,
    filters: Filters,
    labels: Labels,
    *,
    views: Sequence[Dimension] = DIMENSIONS,
    prefix: str = "chart",
) -> list[Chart]:
    """The indicator's charts for the dimensions it has, in the order of `views`."""
    return [
        chart(indicator, by, filters, labels, prefix=prefix)
        for by in views
        if by in indicator.dimensions
    ]


def single_value(indicator: Indicator, filters: Filters, labels: Labels) -> str:
    """The indicator's one figure within the filters (an indicator with no dimension to draw)."""
    found = indicators.rows(
        indicator, by=(), **filters.for_indicator(indicator, labels.categories(indicator))
    )
    return number(found[0].value) if found else number(None)


# --- The choropleth ---------------------------------------------------------------------------


@dataclass(frozen=True)
class MapClass:
    index: int
    low: Decimal
    high: Decimal
    # The colour, 0 (lightest) to MAP_CLASSES - 1 (darkest): fewer classes spread over them.
    shade: int

    @property
    def label(self) -> str:
        if self.low == self.high:
            return number(self.low)
        return f"{number(self.low)} – {number(self.high)}"


@dataclass
class Choropleth:
    indicator: Indicator
    rows: list[ChartRow]
    classes: list[MapClass]
    # district code → shade (None: no value)
    class_of: dict[str, int | None]
    summary: str = ""

    @property
    def missing(self) -> bool:
        """Some district has no value (the legend shows the colour of "no data")."""
        return any(shade is None for shade in self.class_of.values())

    def data(self) -> dict[str, Any]:
        """What choropleth.js colours: per district code its value, shown value and class."""
        return {
            "unit": str(self.indicator.unit),
            "label": str(self.indicator.name),
            "districts": {
                row.key: {
                    "name": row.label,
                    "value": plain(row.value),
                    "shown": row.shown,
                    "shade": self.class_of.get(row.key),
                }
                for row in self.rows
            },
        }


def classes_for(values: Sequence[Decimal]) -> list[MapClass]:
    """Up to MAP_CLASSES equal intervals from the lowest to the highest value; whole numbers
    (counts) get whole-number bounds that do not overlap ("0", "1 – 2", "3 – 5")."""
    if not values:
        return []
    low, high = min(values), max(values)
    if low == high:
        return [MapClass(0, low, high, MAP_CLASSES // 2)]
    count = min(MAP_CLASSES, len(set(values)))
    step = (high - low) / count
    whole = all(v == v.to_integral_value() for v in values)
    bounds: list[tuple[Decimal, Decimal]] = []
    for i in range(count):
        top = high if i == count - 1 else low + step * (i + 1)
        if whole:
            top = top.to_integral_value(rounding="ROUND_FLOOR")
            bottom = bounds[-1][1] + 1 if bounds else low
            if top < bottom:
                continue
        else:
            bottom = low + step * i
        bounds.append((bottom, top))
    last = len(bounds) - 1
    return [
        MapClass(i, bottom, top, round(i * (MAP_CLASSES - 1) / last) if last else MAP_CLASSES // 2)
        for i, (bottom, top) in enumerate(bounds)
    ]


def _shade(value: Decimal, classes: Sequence[MapClass]) -> int:
    for item in classes:
        if value <= item.high:
            return item.shade
    return classes[-1].shade


def choropleth(indicator: Indicator, filters: Filters, labels: Labels) -> Choropleth:
    """The indicator's value per district over the filters' period and category (the district
    filter does not apply: the map shows every district)."""
    everywhere = Filters(start=filters.start, end=filters.end, category=filters.category)
    by_district = chart(indicator, "district", everywhere, labels, prefix="map")
    rows = [row for row in by_district.rows if row.key in labels.districts]
    values = [Decimal(row.value) for row in rows if row.value is not None]
    classes = classes_for(values)
    class_of = {
        row.key: _shade(Decimal(row.value), classes) if row.value is not None else None
        for row in rows
    }
    item = Choropleth(indicator=indicator, rows=rows, classes=classes, class_of=class_of)
    item.summary = _(
        "Map of the districts coloured by %(name)s. The table below the map gives each district's value."
    ) % {"name": indicator.name}
    return item


# --- Downloads --------------------------------------------------------------------------------


def data_rows(
    indicator: Indicator, by: Sequence[Dimension], filters: Filters, labels: Labels
) -> list[Row]:
    categories = labels.categories(indicator)
    return indicators.rows(indicator, by=tuple(by), **filters.for_indicator(indicator, categories))


def csv_rows(
    indicator: Indicator,
    by: Sequence[Dimension],
    filters: Filters,
    labels: Labels,
    *,
    header: Sequence[str],
) -> Iterator[list[object]]:
    """The header, then one line per row: the dimensions asked for (key and name), the value,
    the unit."""
    yield list(header)
    unit = str(indicator.unit)
    for row in data_rows(indicator, by, filters, labels):
        line: list[object] = [indicator.code]
        for dimension in by:
            key = getattr(row, dimension)
            if dimension == "period":
                line.append(_key_text("period", key))
            else:
                line += [_key_text(dimension, key), labels.of(indicator, dimension, key)]
        line += [plain(row.value), unit]
        yield line


def json_rows(
    indicator: Indicator, by: Sequence[Dimension], filters: Filters, labels: Labels
) -> list[dict[str, Any]]:
    result = []
    for row in data_rows(indicator, by, filters, labels):
        item: dict[str, Any] = {}
        for dimension in by:
            key = getattr(row, dimension)
            item[dimension] = _key_text(dimension, key) or None
            if dimension != "period":
                item[f"{dimension}_name"] = labels.of(indicator, dimension, key)
        item["value"] = plain(row.value)
        result.append(item)
    return result
