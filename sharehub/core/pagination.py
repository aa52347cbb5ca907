"""One way to page every list: a count query and a page query, whatever the table's size."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.functional import cached_property
from ninja import Field, Schema
from ninja.pagination import PageNumberPagination

from .api_types import MAX_PAGE

DEFAULT_PER_PAGE = 20


class CappedPaginator(Paginator):
    """A paginator whose count stops at `cap` + 1 rows (`SELECT COUNT(*) FROM (… LIMIT cap + 1)`),
    for lists that grow to 100,000 rows, where an exact count reads them all on every page.

    Up to `cap` rows it is an ordinary paginator with an exact count. Past it, `capped` is true
    (show "more than `cap`"), the number of pages is unknown (None) and every page is read with
    one row more than it shows, which says whether a next page exists; pages go on past the cap.
    `get_page` of a page past the end (junk input, the rare path) counts exactly to give the last
    page, as Django's does.
    """

    def __init__(self, object_list: QuerySet, per_page: int, *, cap: int) -> None:
        super().__init__(object_list, per_page)
        self.cap = cap

    @cached_property
    def count(self) -> int:
        return self.object_list.order_by()[: self.cap + 1].count()

    @property
    def capped(self) -> bool:
        return self.count > self.cap

    @cached_property
    def num_pages(self) -> int | None:  # type: ignore[override]
        return None if self.capped else super().num_pages

    def validate_number(self, number: Any) -> int:
        if not self.capped:
            return super().validate_number(number)
        try:
            number = int(number)
        except (TypeError, ValueError) as error:
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from error
        if not 1 <= number <= MAX_PAGE:
            raise EmptyPage(self.error_messages["no_results"])
        return number

    def page(self, number: Any) -> Page:
        if not self.capped:
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list[bottom : bottom + self.per_page + 1])
        if not rows:
            raise EmptyPage(self.error_messages["no_results"])
        return CappedPage(rows[: self.per_page], number, self, more=len(rows) > self.per_page)

    def get_page(self, number: Any) -> Page:
        try:
            return self.page(number)
        except PageNotAnInteger:
            return self.page(1)
        except EmptyPage:
            if not self.capped:
                return self.page(self.num_pages)
            return Paginator(self.object_list, self.per_page).get_page(number)


class CappedPage(Page):
    """A page of a capped list: whether a next page exists comes from the extra row read."""

    def __init__(self, object_list: list, number: int, paginator: Paginator, *, more: bool):
        super().__init__(object_list, number, paginator)
        self.more = more

    def has_next(self) -> bool:
        return self.more

    def end_index(self) -> int:
        return (self.number - 1) * self.paginator.per_page + len(self.object_list)


def _paginator(
    queryset: QuerySet, per_page: int, *, count_cap: int | None, count: int | None
) -> Paginator:
    if count_cap is not None:
        return CappedPaginator(queryset, per_page, cap=count_cap)
    paginator = Paginator(queryset, per_page)
    if count is not None:
        paginator.count = count  # a cached_property: set, it is never counted
    return paginator


def paginate(
    request: HttpRequest,
    queryset: QuerySet,
    *,
    per_page: int = DEFAULT_PER_PAGE,
    count_cap: int | None = None,
    count: int | None = None,
) -> Page:
    """The page the request asks for; with `count_cap`, counted only up to it (CappedPaginator);
    with `count`, the exact total the caller keeps (no COUNT query)."""
    paginator = _paginator(queryset, per_page, count_cap=count_cap, count=count)
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
    count_cap: int | None = None,
    count: int | None = None,
) -> dict:
    """An API page: {"count", "next", "previous", "results"}, with absolute links keeping the filters.

    One count query and one page query; a page number past the end gives the last page. With
    `count_cap` (a `CappedApiPage`), the count stops there: past it, `count` is the cap and
    `count_capped` is true ("more than `count`"). With `count`, the exact total the caller keeps
    (directory.counts), no count query.
    """
    paginator = _paginator(queryset, per_page, count_cap=count_cap, count=count)
    current = paginator.get_page(page)

    def link(number: int) -> str:
        params = request.GET.copy()
        params["page"] = str(number)
        return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")

    objects = list(current.object_list)
    body = {
        "count": current.paginator.count,
        "next": link(current.next_page_number()) if current.has_next() else None,
        "previous": link(current.previous_page_number()) if current.has_previous() else None,
        "results": [item(obj) for obj in objects] if item else objects,
    }
    if count_cap is not None:
        capped = getattr(current.paginator, "capped", False)
        body["count"] = min(body["count"], count_cap)
        body["count_capped"] = capped
    return body


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


class CappedApiPage[T](ApiPage[T]):
    """An API page of a list counted up to a cap (`api_page(..., count_cap=)`)."""

    count_capped: bool = Field(
        description="True when more than `count` match: the count stops at a cap; follow `next`."
    )
