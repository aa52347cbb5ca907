"""The public directory: the list with its filters, the map, its GeoJSON, one listing."""

from __future__ import annotations

import functools
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_safe

from sharehub.core.api_errors import json_errors
from sharehub.core.filters import page_filters
from sharehub.core.pagecache import when_shown
from sharehub.core.pagination import paginate, querystring_without_page
from sharehub.core.slugs import redirect_former_slugs
from sharehub.directory import selectors
from sharehub.directory.filters import ListingFilterForm
from sharehub.directory.geojson import feature_collection
from sharehub.directory.models import Sort
from sharehub.directory.permissions import can_edit_listing
from sharehub.organizations.models import Organization


def _filters(request: HttpRequest) -> tuple[ListingFilterForm, dict[str, Any]]:
    """The bound filter form and the valid filters (a bad one is shown and left out)."""
    form = page_filters(ListingFilterForm, request.GET, near_picker=True)
    return form, (form.applied() if form.is_bound else {})


@require_safe
def listing_list(request: HttpRequest) -> HttpResponse:
    form, filters = _filters(request)

    # Read only where the results are shown, inside a kept fragment (pagecache.when_shown).
    @functools.cache
    def results() -> dict[str, Any]:
        browse = selectors.browse_listings(**filters)
        cards = browse.queryset.only(*selectors.CARD_FIELDS).prefetch_related(None)
        page = paginate(request, cards, count=browse.count())
        listings = selectors.with_category_names(list(page.object_list))
        for listing in listings:
            listing.highlight = browse.highlights.get(listing.pk, "")
            listing.distance_km = selectors.distance_km(getattr(listing, "distance_d2", None))
        page.object_list = listings
        return {
            "page": page,
            "designations": selectors.designations_for(listings) if listings else {},
        }

    context = {
        "page": when_shown(lambda: results()["page"]),
        "designations": when_shown(lambda: results()["designations"]),
        "query": querystring_without_page(request),
        "filter_form": form,
        # Never a silent fallback: a distance sort without a point says the order is by name.
        "distance_without_point": form.distance_without_point(),
        "sorted_by_distance": filters.get("near") is not None
        and filters.get("sort", "") in ("", Sort.DISTANCE),
    }
    template = "directory/list.html"
    if request.headers.get("HX-Request") and not request.headers.get("HX-History-Restore-Request"):
        template = "directory/list.html#results"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_safe
def listing_map(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "directory/map.html",
        {
            "filter_form": page_filters(ListingFilterForm, request.GET),
            "query": request.GET.urlencode(),
            "max_features": selectors.GEOJSON_MAX_FEATURES,
        },
    )


@require_safe
@json_errors
def listings_geojson(request: HttpRequest) -> HttpResponse:
    """The map's data; bad filters are a 422 in the API's error shape."""
    form = ListingFilterForm(request.GET)
    if not form.is_valid():
        raise ValidationError(form.errors.as_data())
    return HttpResponse(
        feature_collection(**form.cleaned_data), content_type="application/geo+json"
    )


@require_safe
@redirect_former_slugs(
    Organization, lambda organization: reverse("directory:detail", args=[organization.slug])
)
def listing_detail(request: HttpRequest, slug: str) -> HttpResponse:
    listing = selectors.get_listing_for(request.user, slug, kept=True)
    # What the page shows of the listing is the same for everybody and kept (its fragments);
    # read only when one is rendered: passed as functions, which the template calls where it
    # reads them (a model's template tags need the instance, not a lazy object).
    detail = functools.cache(lambda: selectors.listing_detail(listing))

    @functools.cache
    def located() -> list:
        return [a for a in detail().addresses.all() if a.has_coordinates]

    @functools.cache
    def map_points() -> list[dict]:
        return [
            {"lat": a.latitude, "lon": a.longitude, "name": a.label or a.address} for a in located()
        ]

    def map_focus() -> str:
        # One place is shown at street level, its district outlined around it.
        only = located()
        return only[0].district.slug if len(only) == 1 and only[0].district else ""

    return render(
        request,
        "directory/detail.html",
        {
            "listing": listing,
            "detail": detail,
            "organization": listing.organization,
            "can_edit": can_edit_listing(request.user, listing.organization),
            "map_points": map_points,
            "map_focus": map_focus,
        },
    )
