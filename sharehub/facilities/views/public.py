"""The public pages: the spaces with their filters and map, one space with its week of slots."""

from __future__ import annotations

import functools
from datetime import date, timedelta
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_safe

from sharehub.core.filters import page_filters
from sharehub.core.pagecache import when_shown
from sharehub.core.pagination import paginate, querystring_without_page
from sharehub.facilities import selectors
from sharehub.facilities.filters import SpaceFilterForm
from sharehub.facilities.models import RefundBand
from sharehub.facilities.views import parts


@require_safe
def space_list(request: HttpRequest) -> HttpResponse:
    form = page_filters(SpaceFilterForm, request.GET)
    filters = form.applied() if form.is_bound else {}

    # Read only where the results are shown, inside a kept fragment (pagecache.when_shown).
    @functools.cache
    def results() -> dict[str, Any]:
        page = paginate(request, selectors.space_list(filters=filters))
        spaces = list(page.object_list)
        points = [
            {"lat": s.latitude, "lon": s.longitude, "name": s.name, "url": s.get_absolute_url()}
            for s in spaces
            if s.latitude is not None and s.longitude is not None
        ]
        return {"page": page, "spaces": spaces, "points": points}

    context = {
        "page": when_shown(lambda: results()["page"]),
        "spaces": when_shown(lambda: results()["spaces"]),
        "points": when_shown(lambda: results()["points"]),
        "filter_form": form,
        "filters": filters,
        "query": querystring_without_page(request),
    }
    template = "facilities/list.html"
    if request.headers.get("HX-Request") and not request.headers.get("HX-History-Restore-Request"):
        template = "facilities/list.html#results"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _week_start(value: str | None) -> date:
    today = timezone.localdate()
    try:
        chosen = date.fromisoformat(value) if value else today
    except ValueError:
        chosen = today
    return max(chosen, today)


@require_safe
def space_detail(request: HttpRequest, slug: str) -> HttpResponse:
    space = selectors.get_space(slug=slug)
    first = _week_start(request.GET.get("week"))
    bands: list[RefundBand] = list(space.refund_bands.all())
    context = {
        "space": space,
        "week": selectors.week(space, first),
        "first": first,
        "previous": max(first - timedelta(days=7), timezone.localdate())
        if first > timezone.localdate()
        else None,
        "next": first + timedelta(days=7),
        "bands": bands,
        "points": [{"lat": space.latitude, "lon": space.longitude, "name": space.name}]
        if space.latitude is not None and space.longitude is not None
        else [],
    }
    context |= parts.extra("detail_extra", request, space)
    return render(request, "facilities/detail.html", context)
