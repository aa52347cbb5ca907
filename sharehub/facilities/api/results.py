"""/api/v1/spaces/results: the published monthly operating results (public, read-only).

Two path segments, so the spaces router's `/{slug}` does not take them: `/results/months`, and
`/results/{month}` (`YYYY-MM` or `latest`) with `/results/{month}/spaces` page by page. The
figures are counts and sums per space; nothing names a booker. Definitions:
selectors/results.py.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema

from sharehub.core.api_errors import ErrorOut
from sharehub.core.api_types import page_query
from sharehub.core.forms import field_error
from sharehub.core.pagination import ApiPage, api_page
from sharehub.facilities.models import MonthlyResult
from sharehub.facilities.selectors import results as selectors

router = Router(tags=["spaces"])

PER_PAGE = 100


class FiguresOut(Schema):
    uses: int
    people: int
    booked_hours: Decimal
    open_hours: Decimal
    evening_weekend_open_hours: Decimal
    utilisation: Decimal | None
    evening_weekend_share: Decimal | None
    no_shows: int
    cancellations: int
    fees: int


class TotalOut(FiguresOut):
    spaces: int


class DistrictResultOut(TotalOut):
    district: str
    name: str


class SpaceResultOut(FiguresOut):
    space: str
    name: str
    district: str


class MonthOut(Schema):
    month: str
    city: TotalOut
    districts: list[DistrictResultOut]


def _figures(figures: selectors.Figures) -> dict[str, object]:
    return {
        **{name: getattr(figures, name) for name in selectors.STORED},
        "utilisation": figures.utilisation,
        "evening_weekend_share": figures.evening_weekend_share,
    }


def _month(value: str) -> tuple[date, selectors.Figures]:
    """The published month a path names (`YYYY-MM` or `latest`) and its city total: 422 if
    malformed, 404 if not published (an unfinished month never is)."""
    value = value[:10]
    month = selectors.latest_month() if value == "latest" else selectors.parse_month(value)
    if value != "latest" and month is None:
        raise field_error("month", _("Give a month as YYYY-MM, or latest."), code="invalid")
    city = selectors.city_total(month) if month is not None else None
    if month is None or city is None:
        raise Http404
    return month, city


@router.get(
    "/results/months",
    response={200: list[str]},
    auth=None,
    summary="Months with published operating results",
    description="Newest first, as YYYY-MM.",
)
def result_months(request: HttpRequest):
    return [month.strftime("%Y-%m") for month in selectors.published_months()]


@router.get(
    "/results/{month}",
    response={200: MonthOut, 404: ErrorOut, 422: ErrorOut},
    auth=None,
    summary="A month's operating results: the city and each district",
    description="`month` is YYYY-MM or `latest`. Utilisation is hours booked / hours open and the "
    "evening and weekend share is evening (from 18:00) or weekend and holiday hours / hours open, "
    "both in per cent.",
)
def month_results(request: HttpRequest, month: str):
    chosen, city = _month(month)
    return {
        "month": chosen.strftime("%Y-%m"),
        "city": {**_figures(city), "spaces": city.spaces},
        "districts": [
            {
                **_figures(row.figures),
                "spaces": row.figures.spaces,
                "district": row.slug,
                "name": row.name,
            }
            for row in selectors.district_results(chosen)
        ],
    }


@router.get(
    "/results/{month}/spaces",
    response={200: ApiPage[SpaceResultOut], 404: ErrorOut, 422: ErrorOut},
    auth=None,
    summary="A month's operating results, space by space",
)
def month_space_results(request: HttpRequest, month: str, page: int = page_query()):
    chosen, _city = _month(month)

    def item(result: MonthlyResult) -> dict[str, object]:
        row = selectors.SpaceRow(result)
        return {
            **_figures(row.figures),
            "space": row.space.slug,
            "name": row.space.name,
            "district": row.space.district.slug,
        }

    return api_page(request, selectors.space_results(chosen), page, per_page=PER_PAGE, item=item)
