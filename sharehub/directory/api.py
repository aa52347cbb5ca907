"""/api/v1/directory: listings (the page's filters and search), detail, GeoJSON, services,
categories, suggestions, and the member update of their own listing.

Reads are public (auth=None). Errors follow sharehub/api.py: 401, 403, 404, 422 with field errors.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from sharehub.accounts.auth import optional_user
from sharehub.core.api_errors import ERRORS, RATE_LIMITED, ErrorOut
from sharehub.core.api_schema import media_type
from sharehub.core.api_types import page_query
from sharehub.core.pagination import api_page
from sharehub.core.ratelimit import check
from sharehub.places.models import District

from . import selectors, services
from .filters import ListingFilters, parse_filters
from .geojson import feature_collection
from .models import Category, Listing, PriceType, Service, Suggestion, SuggestionKind
from .suggestions import submit_suggestion

router = Router(tags=["directory"])

PER_PAGE = 20
SUGGEST_RATE = "20/h"
FILTERS_DESCRIPTION = (
    "Filters: `q` (search, ranked best first unless `sort` is given), `category` (slug), `district` (slug), "
    "`designated` (true), `price` (free, paid, deposit, membership), `sort` (name, newest, distance), "
    "`near` (`lat,lon`; sorts by distance to the nearest address, listings without coordinates last)."
)


class CategoryOut(Schema):
    slug: str
    name: str
    name_ko: str
    name_en: str | None


class ListingItemOut(Schema):
    slug: str
    name: str
    name_ko: str
    name_en: str | None
    summary: str
    categories: list[CategoryOut]
    distance_km: float | None
    highlight: str | None
    url: str


class ListingPage(Schema):
    count: int
    next: str | None
    previous: str | None
    results: list[ListingItemOut]


class ServiceOut(Schema):
    id: int
    name: str
    name_ko: str
    name_en: str | None
    description: str
    category: str | None
    price_type: PriceType
    how_to_use: str
    link: str


class AddressOut(Schema):
    label: str
    address: str
    latitude: float | None
    longitude: float | None
    district: str | None


class LinkOut(Schema):
    label: str
    url: str


class ListingDetailOut(Schema):
    slug: str
    name: str
    name_ko: str
    name_en: str | None
    summary_ko: str | None
    summary_en: str | None
    description_ko: str | None
    description_en: str | None
    opening_hours_ko: str | None
    opening_hours_en: str | None
    phone: str
    email: str
    categories: list[CategoryOut]
    districts_served: list[str]
    addresses: list[AddressOut]
    links: list[LinkOut]
    services: list[ServiceOut]
    updated_at: datetime
    url: str


class ListingPatch(Schema):
    summary_ko: str | None = None
    summary_en: str | None = None
    description_ko: str | None = None
    description_en: str | None = None
    opening_hours_ko: str | None = None
    opening_hours_en: str | None = None
    phone: str | None = None
    email: str | None = None
    categories: list[str] | None = None
    districts_served: list[str] | None = None
    links: list[LinkOut] | None = None


class SuggestionIn(Schema):
    kind: SuggestionKind
    listing: str | None = None
    values: dict[str, Any] = {}
    message: str = ""


class SuggestionOut(Schema):
    id: int
    kind: SuggestionKind
    listing: str | None
    values: dict[str, Any]
    message: str
    moderation_status: str
    moderation_reason: str
    created_at: datetime


class GeoJSONOut(Schema):
    type: Literal["FeatureCollection"]
    features: list[dict[str, Any]]
    truncated: bool


def _category_out(category: Category) -> dict:
    return {
        "slug": category.slug,
        "name": category.name,
        "name_ko": category.name_ko,
        "name_en": category.name_en,
    }


def _item(listing: Listing, highlights: dict[int, str], request: HttpRequest) -> dict:
    organization = listing.organization
    return {
        "slug": organization.slug,
        "name": organization.name,
        "name_ko": organization.name_ko,
        "name_en": organization.name_en,
        "summary": listing.summary or "",
        "categories": [_category_out(c) for c in listing.categories.all()],
        "distance_km": selectors.distance_km(getattr(listing, "distance_d2", None)),
        "highlight": highlights.get(listing.pk),
        "url": request.build_absolute_uri(listing.get_absolute_url()),
    }


def _filters(request: HttpRequest) -> ListingFilters:
    filters = parse_filters(request.GET)
    if filters.errors:
        raise ValidationError(filters.errors)
    return filters


def _service_out(service: Service) -> dict:
    return {
        "id": service.pk,
        "name": service.name,
        "name_ko": service.name_ko,
        "name_en": service.name_en,
        "description": service.description or "",
        "category": service.category.slug if service.category_id else None,
        "price_type": service.price_type,
        "how_to_use": service.how_to_use or "",
        "link": service.link,
    }


def _detail(listing: Listing, request: HttpRequest) -> dict:
    listing = selectors.listing_detail(listing)
    organization = listing.organization
    return {
        "slug": organization.slug,
        "name": organization.name,
        "name_ko": organization.name_ko,
        "name_en": organization.name_en,
        **{name: getattr(listing, name) for name in services.LISTING_FIELDS},
        "categories": [_category_out(c) for c in listing.categories.all()],
        "districts_served": [d.slug for d in listing.districts_served.all()],
        "addresses": [
            {
                "label": a.label,
                "address": a.address,
                "latitude": a.latitude,
                "longitude": a.longitude,
                "district": a.district.slug if a.district_id else None,
            }
            for a in listing.addresses.all()
        ],
        "links": [{"label": link.label, "url": link.url} for link in listing.links.all()],
        "services": [_service_out(s) for s in listing.services.all()],
        "updated_at": listing.updated_at,
        "url": request.build_absolute_uri(listing.get_absolute_url()),
    }


@router.get(
    "/listings",
    response={200: ListingPage, 422: ErrorOut},
    auth=None,
    summary="List public listings",
    description=FILTERS_DESCRIPTION + " 20 per page.",
)
def list_listings(request: HttpRequest, page: int = page_query()):
    browse = selectors.browse_listings(_filters(request))
    return api_page(
        request,
        browse.queryset,
        page,
        per_page=PER_PAGE,
        item=lambda listing: _item(listing, browse.highlights, request),
    )


@router.get(
    "/listings.geojson",
    response={200: GeoJSONOut, 422: ErrorOut},
    auth=None,
    summary="Located addresses of the filtered listings as GeoJSON",
    description=FILTERS_DESCRIPTION
    + f" At most {selectors.GEOJSON_MAX_FEATURES} features; `truncated` says whether more matched.",
    openapi_extra=media_type("application/geo+json"),
)
def listings_geojson(request: HttpRequest):
    return JsonResponse(feature_collection(_filters(request)), content_type="application/geo+json")


@router.get("/categories", response=list[CategoryOut], auth=None, summary="The active categories")
def list_categories(request: HttpRequest):
    return [_category_out(c) for c in selectors.active_categories()[:200]]


@router.get(
    "/listings/{slug}",
    response={200: ListingDetailOut, 404: ErrorOut},
    auth=None,
    summary="One listing",
    description="By the organization's slug. Unpublished ones only for their members, moderators and city staff.",
)
def get_listing(request: HttpRequest, slug: str):
    return _detail(selectors.get_listing_for(optional_user(request), slug), request)


@router.get(
    "/listings/{slug}/services",
    response={200: list[ServiceOut], 404: ErrorOut},
    auth=None,
    summary="The services of a listing",
)
def list_services(request: HttpRequest, slug: str):
    listing = selectors.get_listing_for(optional_user(request), slug)
    return [_service_out(s) for s in selectors.services_of(listing)[: services.MAX_SERVICES]]


def _slugs_to(model: type, slugs: list[str], field: str) -> list:
    found = {obj.slug: obj for obj in model.objects.filter(slug__in=slugs)}
    missing = [slug for slug in slugs if slug not in found]
    if missing:
        raise ValidationError({field: [_("Unknown: %(slugs)s") % {"slugs": ", ".join(missing)}]})
    return [found[slug] for slug in slugs]


@router.patch(
    "/listings/{slug}",
    response={200: ListingDetailOut, **ERRORS},
    summary="Update your organization's listing",
    description="Owners and editors of the organization, and city staff. Only the fields sent change.",
)
def update_listing(request: HttpRequest, slug: str, payload: ListingPatch):
    organization = selectors.get_organization_for_listing(request.auth, slug)
    changes = payload.dict(exclude_unset=True)
    if "categories" in changes:
        changes["categories"] = _slugs_to(Category, changes["categories"] or [], "categories")
    if "districts_served" in changes:
        changes["districts_served"] = _slugs_to(
            District, changes["districts_served"] or [], "districts_served"
        )
    listing = services.update_listing(actor=request.auth, organization=organization, **changes)
    return _detail(listing, request)


def _suggestion_out(suggestion: Suggestion) -> dict:
    return {
        "id": suggestion.pk,
        "kind": suggestion.kind,
        "listing": suggestion.listing.organization.slug if suggestion.listing_id else None,
        "values": suggestion.payload,
        "message": suggestion.message,
        "moderation_status": suggestion.moderation_status,
        "moderation_reason": suggestion.moderation_reason,
        "created_at": suggestion.created_at,
    }


@router.post(
    "/suggestions",
    response={201: SuggestionOut, **ERRORS, **RATE_LIMITED},
    summary="Suggest a missing listing or service, or a correction",
    description="Signed-in users; it waits for a moderator. `values` by kind: new_listing (name_ko, name_en, website, "
    "summary_ko, summary_en, category, district, address), new_service (name_ko, name_en, description_ko, description_en, "
    "category, price_type, how_to_use_ko, how_to_use_en, link), correction (summary_*, description_*, opening_hours_*, phone, email).",
)
def create_suggestion(request: HttpRequest, payload: SuggestionIn):
    check(request, "directory-suggest", SUGGEST_RATE)
    listing = selectors.get_listing_for(request.auth, payload.listing) if payload.listing else None
    suggestion = submit_suggestion(
        actor=request.auth,
        kind=payload.kind,
        listing=listing,
        values=payload.values,
        message=payload.message,
    )
    return Status(201, _suggestion_out(suggestion))


@router.get(
    "/suggestions",
    response={200: list[SuggestionOut], **ERRORS},
    summary="Your suggestions",
    description="The latest 100 suggestions of the signed-in user, with the moderators' decision and reason.",
)
def my_suggestions(request: HttpRequest):
    return [_suggestion_out(s) for s in selectors.suggestions_by(request.auth)[:100]]
