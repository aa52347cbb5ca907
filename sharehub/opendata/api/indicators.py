"""/api/v1/data: the live indicators and the official statistics (public reads).

- `GET /indicators`: every live indicator with its definition, unit, source, method (in the
  request's language, and in Korean and English under `translations`), its dimensions and
  categories, and when its figures were computed.
- `GET /indicators/{code}?by=period,district,category&start=YYYY-MM&end=YYYY-MM&district=&category=`:
  the indicator's values grouped by the dimensions asked (default: period).
- `GET /statistics` and `GET /statistics/{code}?start=&end=&district=`: the official indicators and
  their imported values.

A bad filter is a 422 naming the parameter; an unknown code a 404.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import Http404, HttpRequest
from django.utils import translation
from ninja import Field, Query, Router, Schema

from sharehub.core.api_errors import ERRORS, ErrorOut
from sharehub.core.filters import api_filters, query_schema
from sharehub.opendata import indicators
from sharehub.opendata.forms_statistics import IndicatorQueryForm, StatisticsQueryForm
from sharehub.opendata.models import OfficialIndicator, Statistic
from sharehub.opendata.selectors import statistics as selectors

router = Router(tags=["open data"])

LANGUAGES = ("ko", "en")
TEXTS = ("name", "unit", "definition", "method", "source")


class TextsOut(Schema):
    name: str
    unit: str
    definition: str
    method: str
    source: str


class IndicatorOut(TextsOut):
    code: str
    group: str = Field(description="The app it comes from")
    dimensions: list[str] = Field(description="What its values may be grouped by")
    categories: dict[str, str] = Field(description="Category keys and their labels, in order")
    cumulative: bool = Field(description="A month's value is the running total up to it")
    ratio_of: list[str] | None = Field(description="Numerator and denominator indicators")
    updated_at: datetime = Field(description="When its figures were computed")
    translations: dict[str, TextsOut]


class RowOut(Schema):
    period: str | None = Field(description="YYYY-MM, or null when not grouped by period")
    district: str | None = Field(description="A district code, or null")
    category: str | None
    value: float | int | None


class IndicatorRowsOut(Schema):
    indicator: IndicatorOut
    rows: list[RowOut]


class OfficialIndicatorOut(TextsOut):
    code: str
    updated_at: datetime
    values: int = Field(description="How many values it holds")
    latest_period: date | None = Field(description="The first day of its latest period")
    translations: dict[str, TextsOut]


class StatisticOut(Schema):
    period: str = Field(description="2024, 2024-Q1 or 2024-03")
    period_kind: str = Field(description="year, quarter or month")
    starts: date
    district: str | None = Field(description="A district code; null for the whole city")
    value: float | int
    unit: str
    source: str


class StatisticsOut(Schema):
    indicator: OfficialIndicatorOut
    values: list[StatisticOut]


def _number(value: Decimal | int | None) -> float | int | None:
    if value is None or isinstance(value, int):
        return value
    return int(value) if value == value.to_integral_value() else float(value)


def _texts(obj: Any) -> dict[str, str]:
    return {name: str(getattr(obj, name) or "") for name in TEXTS}


def _indicator(indicator: indicators.Indicator) -> dict[str, Any]:
    translations = {}
    for language in LANGUAGES:
        with translation.override(language):
            translations[language] = _texts(indicator)
    labels = indicator.categories() if indicator.categories else {}
    return {
        **_texts(indicator),
        "code": indicator.code,
        "group": indicator.group,
        "dimensions": list(indicator.dimensions),
        "categories": {str(key): str(label) for key, label in labels.items()},
        "cumulative": indicator.cumulative,
        "ratio_of": list(indicator.ratio_of) if indicator.ratio_of else None,
        "updated_at": _computed_at(indicator),
        "translations": translations,
    }


def _computed_at(indicator: indicators.Indicator) -> datetime:
    """A ratio's figures are as recent as the older of its parts."""
    if indicator.ratio_of:
        parts = [indicators.get(code) for code in indicator.ratio_of]
        return min(_computed_at(part) for part in parts if part is not None)
    return indicators.table_of(indicator).computed_at


def _get(code: str) -> indicators.Indicator:
    indicator = indicators.get(code)
    if indicator is None:
        raise Http404
    return indicator


def _official(indicator: OfficialIndicator) -> dict[str, Any]:
    translations = {}
    for language in LANGUAGES:
        with translation.override(language):
            translations[language] = _texts(indicator)
    return {
        **_texts(indicator),
        "code": indicator.code,
        "updated_at": indicator.updated_at,
        "values": getattr(indicator, "value_count", 0),
        "latest_period": getattr(indicator, "latest_starts", None),
        "translations": translations,
    }


@router.get(
    "/indicators",
    response={200: list[IndicatorOut]},
    auth=None,
    summary="The live indicators, with their definitions",
)
def list_indicators(request: HttpRequest):
    items = indicators.all_indicators()
    with indicators.snapshot(items):
        return [_indicator(indicator) for indicator in items]


@router.get(
    "/indicators/{code}",
    response={200: IndicatorRowsOut, 404: ErrorOut, 422: ErrorOut},
    auth=None,
    summary="A live indicator's values, grouped and filtered",
    description="`by`: some of the indicator's dimensions, separated by commas (default "
    "`period`); `start` and `end`: months (YYYY-MM) included; `district`: a district code; "
    "`category`: one of the indicator's category keys.",
)
def indicator_rows(
    request: HttpRequest,
    code: str,
    query: Query[query_schema(IndicatorQueryForm)],  # type: ignore[valid-type]
):
    indicator = _get(code)
    filters = api_filters(IndicatorQueryForm, query, indicator=indicator).cleaned_data
    with indicators.snapshot([indicator]):
        rows = indicators.rows(
            indicator,
            by=filters["by"],
            start=filters.get("start"),
            end=filters.get("end"),
            district=filters.get("district"),
            category=filters.get("category"),
        )
        described = _indicator(indicator)
    return {
        "indicator": described,
        "rows": [
            {
                "period": row.period.strftime("%Y-%m") if row.period else None,
                "district": row.district,
                "category": row.category,
                "value": _number(row.value),
            }
            for row in rows
        ],
    }


@router.get(
    "/statistics",
    response={200: list[OfficialIndicatorOut]},
    auth=None,
    summary="The official indicators the city imports (population, area…)",
)
def list_statistics(request: HttpRequest):
    return [_official(indicator) for indicator in selectors.official_indicators()]


def _statistic(value: Statistic) -> dict[str, Any]:
    return {
        "period": value.period,
        "period_kind": value.period_kind,
        "starts": value.starts,
        "district": value.district.code if value.district else None,
        "value": _number(value.value),
        "unit": value.unit,
        "source": value.source,
    }


@router.get(
    "/statistics/{code}",
    response={200: StatisticsOut, **{k: v for k, v in ERRORS.items() if k in (404, 422)}},
    auth=None,
    summary="An official indicator's values",
    description="Values whose period starts within `start` and `end` (YYYY or YYYY-MM, "
    "included), of one `district` (a code) if given; newest period first.",
)
def statistics_of(
    request: HttpRequest,
    code: str,
    query: Query[query_schema(StatisticsQueryForm)],  # type: ignore[valid-type]
):
    indicator = selectors.official_indicators().filter(code=code).first()
    if indicator is None:
        raise Http404
    filters = api_filters(StatisticsQueryForm, query).cleaned_data
    values = selectors.values_of(
        indicator,
        start=filters.get("start"),
        end=filters.get("end"),
        district=filters.get("district"),
    )[: selectors.VALUES_LIMIT]
    return {"indicator": _official(indicator), "values": [_statistic(v) for v in values]}
