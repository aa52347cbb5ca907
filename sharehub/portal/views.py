"""The pages that compose the apps: the home page and the district pages."""

from __future__ import annotations

import functools

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from sharehub.core.pagecache import when_shown
from sharehub.core.pagination import DEFAULT_PER_PAGE, paginate, querystring_without_page
from sharehub.directory.selectors import (
    district_listing_counts,
    listings_in_district,
    with_category_names,
)
from sharehub.events.selectors import upcoming_events
from sharehub.news.selectors import latest_articles
from sharehub.newsletters.models import Subscriber
from sharehub.newsletters.selectors import subscriber_of
from sharehub.newsletters.tokens import manage_token
from sharehub.organizations import counts as organization_counts
from sharehub.organizations.selectors import recent_published_organizations
from sharehub.places.models import District
from sharehub.places.selectors import district_links, get_district

from .selectors import districts_with_organization_counts, published_organizations_in

# How close the small map of one district starts before it fits the boundary.
DISTRICT_MAP_ZOOM = 13


def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "portal/home.html",
        # All of it inside the kept fragment "home": read only when it is rendered.
        {
            "events": when_shown(lambda: upcoming_events(limit=3)),
            "articles": when_shown(lambda: latest_articles(limit=3)),
            "organizations": when_shown(lambda: recent_published_organizations(limit=6)),
            "districts": when_shown(lambda: district_links(limit=25)),
        },
    )


def _map_view(*, center: tuple[float, float] | list[float], zoom: int) -> dict[str, str]:
    """Where the district map opens, for `{% map %}` (plain strings, never localized)."""
    return {"center": f"{float(center[0])},{float(center[1])}", "zoom": str(zoom)}


@require_safe
def district_index(request: HttpRequest) -> HttpResponse:
    # Not paginated: a city has a few dozen districts and the map shows them all anyway.
    districts = list(districts_with_organization_counts())
    city = settings.SHAREHUB_CITY
    return render(
        request,
        "portal/district_list.html",
        {
            "districts": districts,
            "map": _map_view(center=city["map_center"], zoom=city["map_zoom"]),
        },
    )


@require_safe
def district_detail(request: HttpRequest, slug: str) -> HttpResponse:
    district = get_district(slug=slug)
    # Read only where they are shown, inside the page's kept fragment (pagecache.when_shown).
    counts = functools.cache(lambda: district_listing_counts(district))

    def listings() -> Page:
        # Its own page parameter: the organizations above are paged by `page`. The total is the
        # counts' sum, already read for the headings (no second COUNT).
        paginator = Paginator(listings_in_district(district), DEFAULT_PER_PAGE)
        paginator.count = counts()["local"] + counts()["city_wide"]  # a cached_property: set
        page = paginator.get_page(request.GET.get("listings_page"))
        page.object_list = with_category_names(list(page.object_list))
        return page

    return render(
        request,
        "portal/district_detail.html",
        {
            "district": district,
            "listings_page": when_shown(listings),
            "listing_counts": when_shown(counts),
            "page": when_shown(lambda: _organizations(request, district)),
            "query": querystring_without_page(request),
            "map": _map_view(
                center=(district.latitude, district.longitude), zoom=DISTRICT_MAP_ZOOM
            ),
        },
    )


def _organizations(request: HttpRequest, district: District) -> Page:
    """The district's published organizations, paged; their total is the organization list's
    kept count for the district filter (the same rows: organizations.counts), not a COUNT on
    every page."""
    organizations = published_organizations_in(district=district)
    total = organization_counts.count(organizations, district=district)
    return paginate(request, organizations, count=total)


@require_safe
@login_required
def my_subscriptions(request: HttpRequest) -> HttpResponse:
    """What the person receives, in one place: the newsletter tied to their account (with the
    link to its preferences once confirmed), their calendars and their notification e-mails."""
    subscriber = subscriber_of(request.user)
    confirmed = subscriber is not None and subscriber.status == Subscriber.Status.CONFIRMED
    return render(
        request,
        "portal/subscriptions.html",
        {
            "subscriber": subscriber,
            "topics": list(subscriber.topics.all()) if subscriber is not None else [],
            "manage_token": manage_token(subscriber.pk, subscriber.secret)
            if subscriber is not None and confirmed
            else "",
        },
    )
