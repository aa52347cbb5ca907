from __future__ import annotations

from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from sharehub.core.pagination import DEFAULT_PER_PAGE, paginate, querystring_without_page

from .geojson import district_geojson_response
from .selectors import districts_with_organization_counts, get_district, published_organizations_in

# How close the small map of one district starts before it fits the boundary.
DISTRICT_MAP_ZOOM = 13


def _map_config(
    *, center: tuple[float, float] | list[float], zoom: int, focus: str = ""
) -> dict[str, str]:
    """Values for the data- attributes of district-map.js, as plain strings (never localized)."""
    return {
        "center": f"{float(center[0])},{float(center[1])}",
        "zoom": str(zoom),
        "focus": focus,
        "tile_url": settings.SHAREHUB_TILE_URL,
        "tile_attribution": settings.SHAREHUB_TILE_ATTRIBUTION,
    }


@require_safe
def district_index(request: HttpRequest) -> HttpResponse:
    # Not paginated: a city has a few dozen districts and the map shows them all anyway.
    districts = list(districts_with_organization_counts())
    city = settings.SHAREHUB_CITY
    return render(
        request,
        "places/list.html",
        {
            "districts": districts,
            "map": _map_config(center=city["map_center"], zoom=city["map_zoom"]),
        },
    )


@require_safe
def district_detail(request: HttpRequest, slug: str) -> HttpResponse:
    from sharehub.directory.selectors import listings_in_district

    district = get_district(slug=slug)
    # Its own page parameter: the organizations above are paged by `page`.
    listings = Paginator(listings_in_district(district), DEFAULT_PER_PAGE).get_page(
        request.GET.get("listings_page")
    )
    return render(
        request,
        "places/detail.html",
        {
            "district": district,
            "listings_page": listings,
            "page": paginate(request, published_organizations_in(district=district)),
            "query": querystring_without_page(request),
            "map": _map_config(
                center=(district.latitude, district.longitude),
                zoom=DISTRICT_MAP_ZOOM,
                focus=district.slug,
            ),
        },
    )


@require_safe
def district_geojson(request: HttpRequest) -> HttpResponse:
    return district_geojson_response(request)
