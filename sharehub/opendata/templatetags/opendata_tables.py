"""The dashboard's charts, written in one pass.

The dashboard shows some forty charts, each with its canvas, its data (json_script), its table
(up to one row per district) and its downloads, in sections of indicators. Drawn by the template
engine (an include per chart, a `{% for %}` per table) they were most of the page's server time;
these functions write the same markup, byte for byte and escaped the same way (every value
through `conditional_escape`'s rules, as `{{ }}` does; translations looked up once per page), several
times faster. `test_dashboard.py` compares them with the template they replaced.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from django import template
from django.utils.functional import Promise
from django.utils.html import json_script
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from sharehub.opendata.selectors.dashboard import Chart, ChartRow

register = template.Library()
# A bar chart with more rows than this gets the taller canvas (opendata.css).
TALL_BARS = 8


def esc(value: Any) -> str:
    """Django's `conditional_escape` (what `{{ value }}` writes) without its lazy-argument
    wrapper, which cost more than the escaping itself over the page's thousands of values."""
    if type(value) is str:  # most values: plain text, never marked safe
        return html.escape(value)
    text = str(value) if isinstance(value, Promise) else value
    if hasattr(text, "__html__"):
        return text.__html__()
    return html.escape(str(text))


@register.filter
def table_rows(rows: Iterable[ChartRow]) -> SafeString:
    """`<tr><th scope="row">label</th><td class="od-number">value</td></tr>` per row."""
    return mark_safe(
        "".join(
            f'<tr><th scope="row">{esc(row.label)}</th><td class="od-number">{esc(row.shown)}</td></tr>'
            for row in rows
        )
    )


@register.filter
def map_rows(rows: Iterable[ChartRow], current: str | None) -> SafeString:
    """The choropleth's table: `table_rows`, the district filtered on marked `od-current`."""
    mark = ' class="od-current"'
    return mark_safe(
        "".join(
            f'<tr{mark if row.key == current else ""}><th scope="row">'
            f'{esc(row.label)}</th><td class="od-number">{esc(row.shown)}</td></tr>'
            for row in rows
        )
    )


class _Texts:
    """The charts' fixed texts in the active language, escaped, looked up once per page."""

    def __init__(self) -> None:
        self.data_table = esc(_("Data table"))
        self.value = esc(_("Value"))
        self.no_data = esc(_("No data for these filters."))
        self.download = esc(_("Download this data:"))
        self.cp949 = esc(_("CSV for older Excel (CP949)"))
        self._headings: dict[str, str] = {}

    def heading(self, chart: Chart) -> str:
        """The table's first column: the chart's dimension."""
        found = self._headings.get(chart.by)
        if found is None:
            found = self._headings[chart.by] = esc(chart.heading)
        return found


def _chart(item: dict[str, Any], level: int, texts: _Texts) -> str:
    """One chart with its text alternative (the table) and its downloads: `item` is
    {chart, query, csv_url, json_url}, `level` the heading's level (2 on an indicator's page, 4
    in the dashboard's indicators)."""
    chart = item["chart"]
    dom_id = esc(chart.dom_id)
    caption = esc(chart.caption)
    unit = esc(chart.unit)
    title = (
        f'<h2 class="od-chart-title">{caption}</h2>'
        if level == 2
        else f'<h4 class="od-chart-title">{caption}</h4>'
    )
    notes = "".join(f'<p class="meta">{esc(note)}</p>' for note in chart.notes)
    parts = [f'\n<div class="od-chart" id="{dom_id}-box">\n  {title}\n  {notes}\n  ']
    rows = chart.rows
    if rows:
        tall = " od-canvas-tall" if chart.kind == "bar" and len(rows) > TALL_BARS else ""
        summary = esc(chart.summary)
        parts.append(
            f'\n  <div class="od-canvas{tall}">\n'
            f'    <canvas id="{dom_id}" role="img" aria-label="{summary}"'
            f' data-chart="{dom_id}-data" data-unit="{unit}">{summary}</canvas>\n'
            "  </div>\n"
            f"  {json_script(chart.data(), chart.dom_id + '-data')}\n"
            f'  <details class="od-table"{" open" if level == 2 else ""}>\n'
            f"    <summary>{texts.data_table}</summary>\n"
            '    <div class="table-scroll">\n'
            '      <table class="od-data">\n'
            f"        <caption>{caption} ({unit})</caption>\n"
            f'        <thead><tr><th scope="col">{texts.heading(chart)}</th>'
            f'<th scope="col" class="od-number">{texts.value}</th></tr></thead>\n'
            "        <tbody>\n"
            f"          {table_rows(rows)}\n"
            "        </tbody>\n"
            "      </table>\n"
            "    </div>\n"
            "  </details>\n  "
        )
    else:
        parts.append(f"\n  <p>{texts.no_data}</p>\n  ")
    query = esc(item["query"])
    csv_url = esc(item["csv_url"])
    hidden = f'<span class="visually-hidden"> – {caption}</span>'
    parts.append(
        f'\n  <p class="od-downloads meta">{texts.download}\n'
        f'    <a href="{csv_url}?{query}" download>CSV{hidden}</a> ·\n'
        f'    <a href="{csv_url}?{query}&amp;encoding=cp949" download>{texts.cp949}{hidden}</a> ·\n'
        f'    <a href="{esc(item["json_url"])}?{query}">JSON{hidden}</a>\n'
        "  </p>\n</div>\n\n"
    )
    return "".join(parts)


@register.simple_tag
def chart_box(item: dict[str, Any], level: int) -> SafeString:
    """One chart (see `_chart`), as the indicator's page shows it."""
    return mark_safe(_chart(item, level, _Texts()))


def _indicator(entry: dict[str, Any], texts: _Texts) -> str:
    """One indicator of a dashboard's section: its name (a link to its page), definition and
    unit, its one figure (an indicator with no dimension) and its charts."""
    indicator = entry["indicator"]
    unit = esc(indicator.unit)
    query = entry["query"]
    href = esc(entry["url"]) + (f"?{esc(query)}" if query else "")
    value = entry["value"]
    figure = (
        f'<p class="od-figure"><strong>{esc(value)}</strong> {unit}</p>'
        if value is not None
        else ""
    )
    charts = "".join(_chart(item, 3, texts) for item in entry["charts"])
    unit_line = _("Unit: %(unit)s.") % {"unit": unit}  # outside the f-string: makemessages reads it
    return (
        '\n  <article class="od-indicator">\n'
        f'    <h3><a href="{href}">{esc(indicator.name)}</a></h3>\n'
        f'    <p class="meta">{esc(indicator.definition)} {unit_line}'
        "</p>\n"
        f"    {figure}\n"
        '    <div class="od-charts">\n'
        f"      {charts}\n"
        "    </div>\n"
        "  </article>\n  "
    )


@register.simple_tag
def dashboard_sections(sections: Sequence[dict[str, Any]]) -> SafeString:
    """The dashboard's sections of indicators, each with its charts: `sections` as the view
    builds them ({code, heading, indicators: [{indicator, url, query, value, charts}]})."""
    if not sections:
        nothing = _("No indicator is published yet.")  # outside the f-string: makemessages reads it
        return mark_safe(f"\n<p>{esc(nothing)}</p>\n")
    texts = _Texts()
    parts = []
    for section in sections:
        code = esc(section["code"])
        entries = "".join(_indicator(entry, texts) for entry in section["indicators"])
        parts.append(
            f'\n<section class="od-section" aria-labelledby="section-{code}">\n'
            f'  <h2 id="section-{code}">{esc(section["heading"])}</h2>\n'
            f"  {entries}\n"
            "</section>\n"
        )
    return mark_safe("".join(parts))
