"""/api/v1/directory: listings (the page's filters and search), detail, GeoJSON, services,
categories, suggestions, and the member update of their own listing.

Reads are public (auth=None). Errors follow sharehub/api.py: 401, 403, 404, 422 with field errors.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import ModelSchema, Query, Router, Schema, Status

from sharehub.accounts.auth import optional_user
from sharehub.core.api_errors import ERRORS, RATE_LIMITED, ErrorOut
from sharehub.core.api_schema import media_type
from sharehub.core.api_types import page_query
from sharehub.core.filters import api_filters, query_schema
from sharehub.core.pagination import ApiPage, api_page
from sharehub.core.ratelimit import check
from sharehub.places.models import District

from . import selectors, services
from .filters import ListingFilterForm
from .geojson import feature_collection
from .models import (
    Category,
    Listing,
    ListingAddress,
    ListingLink,
    PriceType,
    Service,
    Suggestion,
    SuggestionKind,
)
from .suggestions import submit_suggestion

router = Router(tags=["directory"])

PER_PAGE = 20
SUGGEST_RATE = "20/h"
FILTERS_DESCRIPTION = (
    "Filters: `q` (search, ranked best first unless `sort` is given), `category` (slug), `district` (slug), "
    "`designated` (true), `price` (free, paid, deposit, membership), `sort` (name, newest, distance), "
    "`near` (`lat,lon`; sorts by distance to the nearest address, listings without coordinates last)."
)
ListingFilterQuery = query_schema(ListingFilterForm)


class CategoryOut(ModelSchema):
    name_ko: str
    name_en: str | None

    class Meta:
        model = Category
        fields = ["slug", "name"]


class ListingItemOut(Schema):
    slug: str
    name: str
    name_ko: str
    name_en: str | None
    summary: str
    categories: list[CategoryOut]
    # It names no district served: it serves the whole city (and every district's filter).
    city_wide: bool
    distance_km: float | None
    highlight: str | None
    url: str


class ServiceOut(ModelSchema):
    name_ko: str
    name_en: str | None
    description: str
    category: str | None
    price_type: PriceType
    how_to_use: str

    class Meta:
        model = Service
        fields = ["id", "name", "link"]

    @staticmethod
    def resolve_description(obj: Service) -> str:
        return obj.description or ""

    @staticmethod
    def resolve_category(obj: Service) -> str | None:
        return obj.category.slug if obj.category_id else None

    @staticmethod
    def resolve_how_to_use(obj: Service) -> str:
        return obj.how_to_use or ""


class AddressOut(ModelSchema):
    # `label` stays as it was (the reader's language, else the other's) for clients written
    # before the place name had two languages; `label_ko` / `label_en` are each as written.
    label: str
    label_ko: str | None
    label_en: str | None
    district: str | None

    class Meta:
        model = ListingAddress
        fields = ["address", "latitude", "longitude"]

    @staticmethod
    def resolve_label(obj: ListingAddress) -> str:
        return obj.label or ""

    @staticmethod
    def resolve_district(obj: ListingAddress) -> str | None:
        return obj.district.slug if obj.district_id else None


class LinkOut(ModelSchema):
    class Meta:
        model = ListingLink
        fields = ["label", "url"]


class LinkIn(Schema):
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
    links: list[LinkIn] | None = None


class SuggestionIn(Schema):
    kind: SuggestionKind
    listing: str | None = None
    values: dict[str, Any] = {}
    message: str = ""


class DirectorySuggestionOut(ModelSchema):
    kind: SuggestionKind
    listing: str | None
    values: dict[str, Any]
    moderation_status: str

    class Meta:
        model = Suggestion
        fields = ["id", "message", "moderation_reason", "created_at"]

    @staticmethod
    def resolve_listing(obj: Suggestion) -> str | None:
        return obj.listing.organization.slug if obj.listing_id else None

    @staticmethod
    def resolve_values(obj: Suggestion) -> dict[str, Any]:
        return obj.payload


class GeoJSONOut(Schema):
    type: Literal["FeatureCollection"]
    features: list[dict[str, Any]]
    truncated: bool


def _item(listing: Listing, highlights: Any, request: HttpRequest) -> dict[str, Any]:
    organization = listing.organization
    return {
        "slug": organization.slug,
        "name": organization.name,
        "name_ko": organization.name_ko,
        "name_en": organization.name_en,
        "summary": listing.summary or "",
        "categories": list(listing.categories.all()),
        "city_wide": bool(getattr(listing, "city_wide", False)),
        "distance_km": selectors.distance_km(getattr(listing, "distance_d2", None)),
        "highlight": highlights.get(listing.pk),
        "url": request.build_absolute_uri(listing.get_absolute_url()),
    }


def _detail(listing: Listing, request: HttpRequest) -> dict[str, Any]:
    listing = selectors.listing_detail(listing)
    organization = listing.organization
    return {
        "slug": organization.slug,
        "name": organization.name,
        "name_ko": organization.name_ko,
        "name_en": organization.name_en,
        **{name: getattr(listing, name) for name in services.LISTING_FIELDS},
        "categories": list(listing.categories.all()),
        "districts_served": [d.slug for d in listing.districts_served.all()],
        "addresses": list(listing.addresses.all()),
        "links": list(listing.links.all()),
        "services": list(listing.services.all()),
        "updated_at": listing.updated_at,
        "url": request.build_absolute_uri(listing.get_absolute_url()),
    }


@router.get(
    "/listings",
    response={200: ApiPage[ListingItemOut], 422: ErrorOut},
    auth=None,
    summary="List public listings",
    description=FILTERS_DESCRIPTION + " 20 per page.",
)
def list_listings(request: HttpRequest, query: Query[ListingFilterQuery], page: int = page_query()):
    browse = selectors.browse_listings(**api_filters(ListingFilterForm, query).cleaned_data)
    return api_page(
        request,
        browse.queryset,
        page,
        per_page=PER_PAGE,
        count=browse.count(),
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
def listings_geojson(request: HttpRequest, query: Query[ListingFilterQuery]):
    filters = api_filters(ListingFilterForm, query).cleaned_data
    return HttpResponse(feature_collection(**filters), content_type="application/geo+json")


@router.get("/categories", response=list[CategoryOut], auth=None, summary="The active categories")
def list_categories(request: HttpRequest):
    return selectors.active_categories()[:200]


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
    return selectors.services_of(listing)[: services.MAX_SERVICES]


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


@router.post(
    "/suggestions",
    response={201: DirectorySuggestionOut, **ERRORS, **RATE_LIMITED},
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
    return Status(201, suggestion)


@router.get(
    "/suggestions",
    response={200: list[DirectorySuggestionOut], **ERRORS},
    summary="Your suggestions",
    description="The latest 100 suggestions of the signed-in user, with the moderators' decision and reason.",
)
def my_suggestions(request: HttpRequest):
    return selectors.suggestions_by(request.auth)[:100]
