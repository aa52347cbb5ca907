"""The dashboard's charts written in Python (templatetags/opendata_tables.py) against the
templates they replaced, kept here verbatim: the same markup byte for byte, escaped the same way,
in both languages, for every branch (a figure, notes, no rows, tall bars, the indicator's page's
level 2, no indicator at all, the map's current district)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation
from django.utils.functional import lazy

from sharehub.opendata.indicators import Indicator
from sharehub.opendata.selectors.dashboard import Chart, ChartRow
from sharehub.opendata.templatetags import opendata_tables

# opendata/dashboard/chart.html as it was (its comment left out), its table's rows the loop the
# `table_rows` filter replaced.
OLD_CHART = Template(
    """{% load i18n %}{% with chart=item.chart %}
<div class="od-chart" id="{{ chart.dom_id }}-box">
  {% if level == 2 %}<h2 class="od-chart-title">{{ chart.caption }}</h2>{% else %}<h4 class="od-chart-title">{{ chart.caption }}</h4>{% endif %}
  {% for note in chart.notes %}<p class="meta">{{ note }}</p>{% endfor %}
  {% if chart.rows %}
  <div class="od-canvas{% if chart.kind == 'bar' and chart.rows|length > 8 %} od-canvas-tall{% endif %}">
    <canvas id="{{ chart.dom_id }}" role="img" aria-label="{{ chart.summary }}" data-chart="{{ chart.dom_id }}-data" data-unit="{{ chart.unit }}">{{ chart.summary }}</canvas>
  </div>
  {% with data_id=chart.dom_id|add:"-data" %}{{ chart.data|json_script:data_id }}{% endwith %}
  <details class="od-table"{% if level == 2 %} open{% endif %}>
    <summary>{% translate "Data table" %}</summary>
    <div class="table-scroll">
      <table class="od-data">
        <caption>{{ chart.caption }} ({{ chart.unit }})</caption>
        <thead><tr><th scope="col">{{ chart.heading }}</th><th scope="col" class="od-number">{% translate "Value" %}</th></tr></thead>
        <tbody>
          {% for row in chart.rows %}<tr><th scope="row">{{ row.label }}</th><td class="od-number">{{ row.shown }}</td></tr>{% endfor %}
        </tbody>
      </table>
    </div>
  </details>
  {% else %}
  <p>{% translate "No data for these filters." %}</p>
  {% endif %}
  <p class="od-downloads meta">{% translate "Download this data:" %}
    <a href="{{ item.csv_url }}?{{ item.query }}" download>CSV<span class="visually-hidden"> – {{ chart.caption }}</span></a> ·
    <a href="{{ item.csv_url }}?{{ item.query }}&amp;encoding=cp949" download>{% translate "CSV for older Excel (CP949)" %}<span class="visually-hidden"> – {{ chart.caption }}</span></a> ·
    <a href="{{ item.json_url }}?{{ item.query }}">JSON<span class="visually-hidden"> – {{ chart.caption }}</span></a>
  </p>
</div>
{% endwith %}
"""
)
# The sections of opendata/dashboard/dashboard.html as they were, including the chart above.
OLD_SECTIONS = Template(
    """{% load i18n %}{% for section in sections %}
<section class="od-section" aria-labelledby="section-{{ section.code }}">
  <h2 id="section-{{ section.code }}">{{ section.heading }}</h2>
  {% for entry in section.indicators %}{% with indicator=entry.indicator %}
  <article class="od-indicator">
    <h3><a href="{% url 'opendata:indicator' indicator.code %}{% if entry.query %}?{{ entry.query }}{% endif %}">{{ indicator.name }}</a></h3>
    <p class="meta">{{ indicator.definition }} {% blocktranslate with unit=indicator.unit %}Unit: {{ unit }}.{% endblocktranslate %}</p>
    {% if entry.value is not None %}<p class="od-figure"><strong>{{ entry.value }}</strong> {{ indicator.unit }}</p>{% endif %}
    <div class="od-charts">
      {% for item in entry.charts %}{% include chart_template with level=3 %}{% endfor %}
    </div>
  </article>
  {% endwith %}{% endfor %}
</section>
{% empty %}
<p>{% translate "No indicator is published yet." %}</p>
{% endfor %}"""
)
OLD_MAP_ROWS = Template(
    """{% for row in rows %}<tr{% if row.key == current %} class="od-current"{% endif %}><th scope="row">{{ row.label }}</th><td class="od-number">{{ row.shown }}</td></tr>{% endfor %}"""
)
TRICKY = """<b>"Tom's" & co</b>"""


def _indicator(code: str) -> Indicator:
    return Indicator(
        code=code,
        group="directory",
        name=lazy(lambda: f"{TRICKY} {code}", str)(),
        unit="명's <u>",
        definition=f"Counted & {TRICKY}",
        method="",
        source="",
        compute=list,
        sources=(),
    )


def _chart(indicator: Indicator, by: str, rows: list[ChartRow], **extra: object) -> Chart:
    item = Chart(
        indicator=indicator,
        by=by,  # type: ignore[arg-type]
        rows=rows,
        dom_id=f"chart-{indicator.code.replace('.', '-')}-{by}",
        name=str(indicator.name),
        unit=str(indicator.unit),
        caption=f"{TRICKY} by {by}",
        summary=f"Line & bar: {TRICKY}",
    )
    for name, value in extra.items():
        setattr(item, name, value)
    return item


def _rows(count: int) -> list[ChartRow]:
    values: list[Decimal | int | None] = [3, Decimal("12.5"), None, 1234567, 0]
    return [ChartRow(f"k{i}", f"{TRICKY} {i}", values[i % len(values)]) for i in range(count)]


def _item(chart: Chart, query: str) -> dict[str, object]:
    code = chart.indicator.code
    return {
        "chart": chart,
        "query": query,
        "csv_url": reverse("opendata:indicator_data", args=[code, "csv"]),
        "json_url": reverse("opendata:indicator_data", args=[code, "json"]),
    }


def _sections() -> list[dict[str, object]]:
    first, second = _indicator("t.first"), _indicator("t.second")
    charts = [
        _chart(first, "period", _rows(3)),
        _chart(first, "category", _rows(9), notes=[f"No such category: {TRICKY}"]),
        _chart(first, "district", _rows(8)),
    ]
    return [
        {
            "code": "directory",
            "heading": lazy(lambda: f"Section {TRICKY}", str)(),
            "indicators": [
                {
                    "indicator": first,
                    "url": reverse("opendata:indicator", args=[first.code]),
                    "query": "start=2025-01&district=11110",
                    "value": None,
                    "charts": [_item(chart, "start=2025-01&by=period") for chart in charts],
                },
                {
                    "indicator": second,
                    "url": reverse("opendata:indicator", args=[second.code]),
                    "query": "",
                    "value": "1,234",
                    "charts": [_item(_chart(second, "period", []), "by=period")],
                },
            ],
        },
        {"code": "events", "heading": "Events", "indicators": []},
    ]


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_the_sections_are_the_templates_markup(lang):
    with translation.override(lang):
        sections = _sections()
        old = OLD_SECTIONS.render(Context({"sections": sections, "chart_template": OLD_CHART}))
        assert opendata_tables.dashboard_sections(sections) == old
        assert "od-canvas-tall" in old and "od-figure" in old and '<p class="meta">No such' in old
        assert "&lt;b&gt;&quot;Tom&#x27;s&quot; &amp; co&lt;/b&gt;" in old
        empty = OLD_SECTIONS.render(Context({"sections": [], "chart_template": OLD_CHART}))
        assert opendata_tables.dashboard_sections([]) == empty


@pytest.mark.parametrize("lang", ["ko", "en"])
@pytest.mark.parametrize("level", [2, 3])
def test_a_chart_is_the_templates_markup(lang, level):
    with translation.override(lang):
        for item in _sections()[0]["indicators"][0]["charts"]:  # type: ignore[index]
            old = OLD_CHART.render(Context({"item": item, "level": level}))
            assert opendata_tables.chart_box(item, level) == old


def test_the_maps_rows_are_the_templates_markup():
    rows = _rows(6)
    for current in (None, "k2", "nowhere"):
        old = OLD_MAP_ROWS.render(Context({"rows": rows, "current": current}))
        assert opendata_tables.map_rows(rows, current) == old
