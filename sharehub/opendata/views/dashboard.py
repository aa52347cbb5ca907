"""Open data's public pictures: the dashboard (/data/), the list of indicators, one indicator's
page and the download of its data.

- The dashboard draws every indicator by section (charts.js: lines over months, bars by
  category), each with its data table and downloads, and a choropleth of the districts
  (choropleth.js on the hub's own boundaries, places:geojson) for the indicator chosen.
- Filters (a GET form, no script needed): months from/to, district, category. Bad values are
  field errors on a 400 page (the valid filters still apply), a 400 JSON or text for downloads.
- `indicator_data`: the filtered rows as CSV (UTF-8 with a BOM, or `?encoding=cp949`) or JSON,
  grouped by `?by=period,district,category` (default: every dimension of the indicator).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from datetime import date
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, URLPattern, path, re_path, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_safe

from sharehub.core.csvexport import CP949, csv_response, encoding_from
from sharehub.core.filters import FilterForm
from sharehub.core.pagecache import when_shown
from sharehub.opendata import indicators
from sharehub.opendata.indicators import Indicator
from sharehub.opendata.selectors import dashboard as selectors
from sharehub.opendata.selectors.dashboard import DIMENSIONS, Filters, Labels, district_names

TEMPLATES = "opendata/"
MONTH = re.compile(r"^(\d{4})-(\d{2})$")
# The dashboard draws each indicator over the months and, when it has some, by category.
DASHBOARD_VIEWS: tuple[selectors.Dimension, ...] = ("period", "category")


class MonthInput(forms.TextInput):
    """<input type="month">; a value that is no month is not written back (the field's error
    says what was wrong), since the month input accepts only YYYY-MM."""

    input_type = "month"

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, date):
            return value.strftime("%Y-%m")
        text = str(value or "")
        match = MONTH.match(text)
        return text if match and 1 <= int(match[2]) <= 12 else None


class MonthField(forms.CharField):
    """A month as YYYY-MM (the value of <input type="month">); its first day."""

    widget = MonthInput
    default_error_messages = {
        "invalid": gettext_lazy("Enter a month as YYYY-MM, for example 2025-03."),
    }

    def to_python(self, value: Any) -> date | None:  # type: ignore[override]
        text = str(value or "").strip()
        if not text:
            return None
        match = MONTH.match(text)
        if not match or not 1 <= int(match[2]) <= 12 or int(match[1]) < 1900:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return date(int(match[1]), int(match[2]), 1)


class DataFilterForm(FilterForm):
    """The filters of the dashboard, of an indicator's page and of its downloads."""

    start = MonthField(label=gettext_lazy("From (month)"), required=False, help_text="YYYY-MM")
    end = MonthField(label=gettext_lazy("To (month)"), required=False, help_text="YYYY-MM")
    district = forms.ChoiceField(label=gettext_lazy("District"), required=False)
    category = forms.ChoiceField(
        label=pgettext_lazy("indicator dimension", "Category"), required=False
    )

    def __init__(
        self,
        *args: Any,
        labels: Labels,
        items: list[Indicator],
        map_choices: list[Indicator] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        everywhere = str(_("All districts"))
        district = cast(forms.ChoiceField, self.fields["district"])
        district.choices = [("", everywhere), *labels.districts.items()]
        categories = selectors.category_choices(labels, items)
        if categories:
            category = cast(forms.ChoiceField, self.fields["category"])
            category.choices = [("", _("All categories")), *categories]
            sections = {indicator.group for indicator in items}
            if len(sections) > 1:
                category.help_text = _("Filters the figures of its own section only.")
            self._unqualify_category(category, labels, items)
        else:
            del self.fields["category"]
        if map_choices:
            self.fields["indicator"] = forms.ChoiceField(
                label=_("Indicator on the map"),
                required=False,
                choices=[(i.code, str(i.name)) for i in map_choices],
            )

    def _unqualify_category(
        self, field: forms.ChoiceField, labels: Labels, items: list[Indicator]
    ) -> None:
        """The dashboard offers a key two sections share as "<section>:<key>". Such a value
        pasted onto one indicator's page, or a key only one section has so qualified, means
        the section's bare key where that is the choice (and is shown chosen in the form)."""
        value = self.data.get("category") if self.is_bound else None
        if not value or field.valid_value(value):
            return
        section, key = selectors.section_and_key(value)
        if not section:
            return
        members = [indicator for indicator in items if indicator.group == section]
        if any(key in labels.categories(indicator) for indicator in members):
            self.data = self.data.copy()
            self.data["category"] = key
        elif not members:
            # Another section's category (a dashboard address pasted onto this indicator's page):
            # say so, rather than that "programmes:space" is no choice.
            heading = str(selectors.GROUPS.get(section, section)).replace("%", "%%")
            field.error_messages = {
                **field.error_messages,
                "invalid_choice": _(
                    "This category belongs to another section (%(section)s): it does not filter"
                    " these figures."
                )
                % {"section": heading},
            }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            self.add_error("end", _("The last month must not be before the first."))
        return data

    def filters(self) -> Filters:
        applied = self.applied()
        return Filters(
            start=applied.get("start"),
            end=applied.get("end"),
            district=applied.get("district") or None,
            category=applied.get("category") or None,
        )


def _query(filters: Filters, **extra: str) -> str:
    """The filters as a query string, for the download links and the indicator pages."""
    params = {
        "start": filters.start.strftime("%Y-%m") if filters.start else "",
        "end": filters.end.strftime("%Y-%m") if filters.end else "",
        "district": filters.district or "",
        "category": filters.category or "",
        **extra,
    }
    return urlencode({key: value for key, value in params.items() if value})


def _related_links() -> list[tuple[str, str]]:
    """The other open-data pages, those that exist."""
    links = []
    for name, label in (
        ("opendata:datasets", _("Datasets catalogue")),
        ("opendata:scoreboard", _("District scoreboard")),
        ("opendata:statistics", _("Official statistics")),
        ("opendata:indicators", _("All indicators")),
    ):
        try:
            links.append((reverse(name), label))
        except NoReverseMatch:
            continue
    return links


# An indicator's code, as its routes accept it (a code is ASCII that a URL carries as it is).
CODE = re.compile(r"[a-z0-9_.-]+")
# Stands for the code in an address reversed once (matches CODE, appears nowhere else in it).
_MARK = "0-code-0"


def _addresses(name: str, *args: str) -> Callable[[str], str]:
    """The route's address for any indicator's code, reversed once: the dashboard links some
    25 indicators' pages and 80 downloads. A code its route would refuse is reversed, and fails,
    as before."""
    prefix, _mark, suffix = reverse(name, args=[_MARK, *args]).partition(_MARK)

    def address(code: str) -> str:
        if CODE.fullmatch(code) is None:
            return reverse(name, args=[code, *args])
        return prefix + code + suffix

    return address


class _Addresses:
    """The indicators' pages and downloads, each route reversed once per page."""

    def __init__(self) -> None:
        self.page = _addresses("opendata:indicator")
        self.csv = _addresses("opendata:indicator_data", "csv")
        self.json = _addresses("opendata:indicator_data", "json")


def _chart_links(
    charts: list[selectors.Chart], filters: Filters, addresses: _Addresses | None = None
) -> list[dict[str, Any]]:
    """Each chart with its downloads' query and addresses."""
    addresses = addresses or _Addresses()
    queries = {by: _query(filters, by=by) for by in {item.by for item in charts}}
    return [
        {
            "chart": item,
            "query": queries[item.by],
            "csv_url": addresses.csv(item.indicator.code),
            "json_url": addresses.json(item.indicator.code),
        }
        for item in charts
    ]


def _indicator_entry(
    indicator: Indicator, filters: Filters, labels: Labels, addresses: _Addresses
) -> dict[str, Any]:
    """One indicator of the dashboard: its charts, and its page and downloads with the filters
    as they apply to it (a category of another section is left out of its links)."""
    own = filters.own(indicator, labels.categories(indicator))
    return {
        "indicator": indicator,
        "url": addresses.page(indicator.code),
        "charts": _chart_links(
            selectors.charts_of(indicator, filters, labels, views=DASHBOARD_VIEWS), own, addresses
        ),
        "value": None
        if indicator.dimensions
        else selectors.single_value(indicator, filters, labels),
        "query": _query(own),
    }


# --- Pages ------------------------------------------------------------------------------------


@require_safe
def dashboard(request: HttpRequest) -> HttpResponse:
    items = indicators.all_indicators()
    with indicators.snapshot(items, labels=[district_names]):
        return _dashboard(request, items)


def _dashboard(request: HttpRequest, items: list[Indicator]) -> HttpResponse:
    labels = Labels()
    mappable = selectors.map_indicators()

    def new_form() -> DataFilterForm:
        return DataFilterForm(request.GET or None, labels=labels, items=items, map_choices=mappable)

    chosen: str | None = None
    if request.GET:
        form = new_form()
        filters = form.filters()
        invalid = not form.is_valid()
        chosen = form.applied().get("indicator")
    else:
        # Unfiltered: the form (its choices read from the database) is only shown, inside the
        # kept fragment, so it is built only when that is rendered.
        form, filters, invalid = when_shown(new_form), Filters(), False

    # The figures are shown only inside the page's kept fragment: computed only when it is
    # rendered (pagecache.when_shown), inside the indicators' snapshot (the render is too).
    def sections() -> list[dict]:
        addresses = _Addresses()
        return [
            {
                "code": code,
                "heading": heading,
                "indicators": [
                    _indicator_entry(indicator, filters, labels, addresses) for indicator in members
                ],
            }
            for code, heading, members in selectors.indicator_sections(items)
        ]

    on_map = indicators.get(chosen) if chosen else (mappable[0] if mappable else None)

    @functools.cache
    def map_filters() -> Filters:
        # The map's indicator page and downloads take the filters as they apply to it.
        return filters.own(on_map, labels.categories(on_map)) if on_map else filters

    context = {
        "form": form,
        "filters": filters,
        "query": when_shown(lambda: _query(map_filters())),
        "sections": when_shown(sections),
        "choropleth": when_shown(
            lambda: selectors.choropleth(on_map, filters, labels) if on_map else None
        ),
        "map_query": when_shown(lambda: _query(map_filters(), by="district")),
        "links": _related_links(),
    }
    return render(
        request, TEMPLATES + "dashboard/dashboard.html", context, status=400 if invalid else 200
    )


@require_safe
def indicator_list(request: HttpRequest) -> HttpResponse:
    with indicators.snapshot(indicators.all_indicators()):
        return _indicator_list(request)


def _indicator_list(request: HttpRequest) -> HttpResponse:
    sections = [
        {
            "heading": heading,
            "indicators": [
                {"indicator": i, "computed_at": selectors.computed_at(i)} for i in members
            ],
        }
        for _code, heading, members in selectors.indicator_sections()
    ]
    return render(
        request,
        TEMPLATES + "indicators/list.html",
        {"sections": sections, "links": _related_links()},
    )


def _indicator_or_404(code: str) -> Indicator:
    indicator = indicators.get(code)
    if indicator is None:
        raise Http404(_("There is no such indicator."))
    return indicator


@require_safe
def indicator_detail(request: HttpRequest, code: str) -> HttpResponse:
    indicator = _indicator_or_404(code)
    with indicators.snapshot([indicator], labels=[district_names]):
        return _indicator_detail(request, indicator)


def _indicator_detail(request: HttpRequest, indicator: Indicator) -> HttpResponse:
    labels = Labels()
    form = DataFilterForm(request.GET or None, labels=labels, items=[indicator])
    filters = form.filters()
    invalid = form.is_bound and not form.is_valid()
    charts = selectors.charts_of(indicator, filters, labels, prefix="indicator")
    context = {
        "indicator": indicator,
        "group": selectors.GROUPS.get(indicator.group, indicator.group),
        "computed_at": selectors.computed_at(indicator),
        "form": form,
        "filters": filters,
        "query": _query(filters),
        "charts": _chart_links(charts, filters),
        "value": None
        if indicator.dimensions
        else selectors.single_value(indicator, filters, labels),
        "dimensions": [selectors.DIMENSION_HEADINGS[d] for d in indicator.dimensions],
        "links": _related_links(),
    }
    return render(
        request, TEMPLATES + "indicators/detail.html", context, status=400 if invalid else 200
    )


# --- Downloads --------------------------------------------------------------------------------


def _bad_request(fmt: str, errors: dict[str, list[str]]) -> HttpResponse:
    detail = _("Some filters are not valid.")
    if fmt == "json":
        return JsonResponse({"detail": detail, "errors": errors}, status=400)
    lines = [detail] + [f"{field}: {' '.join(messages)}" for field, messages in errors.items()]
    return HttpResponse("\n".join(lines), status=400, content_type="text/plain; charset=utf-8")


def _dimensions_from(indicator: Indicator, text: str | None) -> tuple[selectors.Dimension, ...]:
    if not text:
        return tuple(indicator.dimensions)
    asked = [part.strip() for part in text.split(",") if part.strip()]
    unknown = [part for part in asked if part not in indicator.dimensions]
    if unknown or len(set(asked)) != len(asked):
        raise ValidationError(
            _("Group by any of: %(dimensions)s, separated by commas.")
            % {"dimensions": ", ".join(indicator.dimensions) or "–"}
        )
    return tuple(d for d in DIMENSIONS if d in asked)


def csv_header(by: tuple[selectors.Dimension, ...]) -> list[str]:
    header = [str(_("Indicator"))]
    names = {
        "district": (_("District code"), _("District")),
        "category": (_("Category code"), pgettext_lazy("indicator dimension", "Category")),
    }
    for dimension in by:
        if dimension == "period":
            header.append(str(_("Month")))
        else:
            header += [str(label) for label in names[dimension]]
    return [*header, str(_("Value")), str(_("Unit"))]


@require_safe
def indicator_data(
    request: HttpRequest, code: str, fmt: str
) -> HttpResponse | StreamingHttpResponse:
    indicator = _indicator_or_404(code)
    with indicators.snapshot([indicator], labels=[district_names]):
        return _indicator_data(request, indicator, fmt)


def _indicator_data(
    request: HttpRequest, indicator: Indicator, fmt: str
) -> HttpResponse | StreamingHttpResponse:
    labels = Labels()
    form = DataFilterForm(request.GET or None, labels=labels, items=[indicator])
    errors: dict[str, list[str]] = {}
    if form.is_bound and not form.is_valid():
        errors.update({name: [str(m) for m in messages] for name, messages in form.errors.items()})
    # Only the known parameters: a misspelt one would silently give the unfiltered table.
    unknown = set(request.GET) - {"start", "end", "district", "category", "by", "encoding"}
    if unknown:
        errors["__all__"] = [
            _("Unknown parameters: %(names)s.") % {"names": ", ".join(sorted(unknown))}
        ]
    try:
        by = _dimensions_from(indicator, request.GET.get("by"))
    except ValidationError as error:
        errors["by"] = error.messages
    encoding = "utf-8"
    if fmt == "csv":
        try:
            encoding = encoding_from(request.GET)
        except ValidationError as error:
            errors.update(error.message_dict)
    if errors:
        return _bad_request(fmt, errors)
    filters = form.filters()
    stem = indicator.code.replace(".", "-")
    if fmt == "json":
        body = {
            "indicator": {
                "code": indicator.code,
                "name": str(indicator.name),
                "unit": str(indicator.unit),
                "definition": str(indicator.definition),
                "method": str(indicator.method),
                "source": str(indicator.source),
                "computed_at": selectors.computed_at(indicator).isoformat(),
            },
            "filters": {
                "start": filters.start.strftime("%Y-%m") if filters.start else None,
                "end": filters.end.strftime("%Y-%m") if filters.end else None,
                "district": filters.district,
                "category": filters.category,
            },
            "by": list(by),
            "rows": selectors.json_rows(indicator, by, filters, labels),
        }
        response: HttpResponse | StreamingHttpResponse = JsonResponse(
            body, json_dumps_params={"ensure_ascii": False}
        )
        # The code is ASCII (the route's pattern): no encoding of the name is needed.
        response["Content-Disposition"] = f'inline; filename="{stem}.json"'
    else:
        # Read now, in the view: the rows come from the engine's cache, a short list.
        rows = list(selectors.csv_rows(indicator, by, filters, labels, header=csv_header(by)))
        suffix = "-cp949" if encoding == CP949 else ""
        response = csv_response(iter(rows), filename=f"{stem}{suffix}.csv", encoding=encoding)
    response["Cache-Control"] = "public, max-age=300"
    return response


urlpatterns: list[URLPattern] = [
    path("", dashboard, name="dashboard"),
    path("indicators/", indicator_list, name="indicators"),
    re_path(
        r"^indicators/(?P<code>[a-z0-9_.-]+)/data\.(?P<fmt>csv|json)$",
        indicator_data,
        name="indicator_data",
    ),
    re_path(r"^indicators/(?P<code>[a-z0-9_.-]+)/$", indicator_detail, name="indicator"),
]
