"""One way to page every list: a count query and a page query, whatever the table's size."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Schema
from ninja.pagination import PageNumberPagination

from .api_types import MAX_PAGE

DEFAULT_PER_PAGE = 20


def paginate(request: HttpRequest, queryset: QuerySet, *, per_page: int = DEFAULT_PER_PAGE) -> Page:
    paginator = Paginator(queryset, per_page)
    # get_page turns junk ("abc", "-3", "99999") into a valid page instead of an error.
    return paginator.get_page(request.GET.get("page"))


def querystring_without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def api_page(
    request: HttpRequest,
    queryset: QuerySet,
    page: int,
    *,
    per_page: int = DEFAULT_PER_PAGE,
    item: Callable[[Any], Any] | None = None,
) -> dict:
    """An API page: {"count", "next", "previous", "results"}, with absolute links keeping the filters.

    One count query and one page query; a page number past the end gives the last page.
    """
    current = Paginator(queryset, per_page).get_page(page)

    def link(number: int) -> str:
        params = request.GET.copy()
        params["page"] = str(number)
        return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")

    objects = list(current.object_list)
    return {
        "count": current.paginator.count,
        "next": link(current.next_page_number()) if current.has_next() else None,
        "previous": link(current.previous_page_number()) if current.has_previous() else None,
        "results": [item(obj) for obj in objects] if item else objects,
    }


class BoundedPageNumberPagination(PageNumberPagination):
    """ninja's page-number pagination with a bounded page: a huge `page` is a 422, not an offset
    too large for the database (a 500 on SQLite)."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int | None = Field(None, ge=1, le=1000)


class ApiPage[T](Schema):
    """The one shape of every API page (`api_page` builds it): `ApiPage[ListingOut]` in `response=`."""

    count: int
    next: str | None
    previous: str | None
    results: list[T]
