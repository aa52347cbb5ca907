"""One way to page every list: a count query and a page query, whatever the table's size."""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest

DEFAULT_PER_PAGE = 20


def paginate(request: HttpRequest, queryset: QuerySet, *, per_page: int = DEFAULT_PER_PAGE) -> Page:
    paginator = Paginator(queryset, per_page)
    # get_page turns junk ("abc", "-3", "99999") into a valid page instead of an error.
    return paginator.get_page(request.GET.get("page"))


def querystring_without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()
