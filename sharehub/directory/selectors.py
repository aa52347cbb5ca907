"""Reads of the directory; each returns a bounded, prefetched query (DESIGN §4)."""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple, TypedDict, Unpack, cast

from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    prefetch_related_objects,
)
from django.db.models.expressions import Combinable, NegatedExpression
from django.db.models.functions import Coalesce, NullIf
from django.http import Http404
from django.utils.translation import get_language
from modeltranslation import settings as mt_settings
from modeltranslation.utils import build_localized_fieldname, resolution_order

from sharehub.accounts.models import User
from sharehub.accounts.roles import is_city_staff, is_moderator
from sharehub.core import pagecache
from sharehub.core.actors import Actor, is_signed_in
from sharehub.core.i18n import current_language, localized_order
from sharehub.designation.selectors import current_designations, designated_q
from sharehub.moderation.models import ModerationStatus
from sharehub.organizations.models import Organization
from sharehub.organizations.selectors import get_organization_for
from sharehub.places.models import District
from sharehub.search.selectors import Hit, search

from . import counts
from .models import Category, Listing, ListingAddress, Service, Sort, Suggestion
from .permissions import can_view_listing

# Kilometres per degree of latitude (mean Earth radius 6371 km).
KM_PER_DEGREE = 6371.0 * math.pi / 180
# Addresses farther than this from `near` are not ranked by distance (they come last, by name):
# the box lets the database use the coordinates index and keeps the arithmetic local, where the
# equirectangular approximation is accurate to well under one per cent.
NEAR_RADIUS_KM = 100.0
GEOJSON_MAX_FEATURES = 5000


# The listing–district table of `Listing.districts_served` (django-stubs cannot type it).
_SERVED = cast(Any, Listing.districts_served.through)


class ListingQuery(TypedDict, total=False):
    """The browse filters as `filters.ListingFilterForm` cleans them (every key optional)."""

    q: str
    category: Category | None
    district: District | None
    designated: bool
    price: str
    sort: str
    near: tuple[float, float] | None


def public_listing_q(prefix: str = "") -> Q:
    """A listing is public when it and its organization are published; `prefix` reaches the
    listing from another model ("listing__")."""
    return Q(
        **{
            f"{prefix}moderation_status": ModerationStatus.PUBLISHED,
            f"{prefix}organization__moderation_status": ModerationStatus.PUBLISHED,
        }
    )


def public_listings() -> QuerySet[Listing]:
    """The public listings (every public read: pages, API, search index, sitemap, feeds,
    exports)."""
    return Listing.objects.filter(public_listing_q()).select_related("organization")


def listing_of(organization: Organization) -> Listing | None:
    """The organization's listing in any state (the organization's page decides what to show)."""
    listing = (
        Listing.objects.filter(organization=organization)
        .prefetch_related(
            _categories_prefetch(),
            Prefetch("services", queryset=Service.objects.select_related("category")),
        )
        .first()
    )
    if listing is not None:
        listing.organization = organization  # the page's own row: no query for it
    return listing


def active_categories() -> QuerySet[Category]:
    return Category.objects.filter(active=True).order_by("order", "slug")


def all_categories() -> QuerySet[Category]:
    return Category.objects.order_by("order", "slug")


def _by_name() -> Coalesce | F:
    """The reader's name order; callers break ties by `organization_id` (one listing per
    organization), so that in Korean the organizations' published-name index serves the order and
    a page reads 20 rows, not a sort of the whole directory (bench: 150 ms → 0.4 ms at 100,000)."""
    return localized_order("organization__name")


def nearest_distance(near: tuple[float, float]) -> Subquery:
    """Squared distance in degrees of latitude to the listing's nearest address inside the box.

    Equirectangular: x = Δlon·cos(lat₀), y = Δlat. Ordering by x²+y² is ordering by distance,
    with no trigonometry in SQL, so it runs the same on SQLite and PostgreSQL.
    """
    lat, lon = near
    scale = math.cos(math.radians(lat))
    dlat = NEAR_RADIUS_KM / KM_PER_DEGREE
    dlon = dlat / max(scale, 0.01)
    dy = F("latitude") - Value(lat)
    dx = (F("longitude") - Value(lon)) * Value(scale)
    nearest = (
        ListingAddress.objects.filter(
            listing=OuterRef("pk"),
            latitude__range=(lat - dlat, lat + dlat),
            longitude__range=(lon - dlon, lon + dlon),
        )
        .annotate(d2=ExpressionWrapper(dy * dy + dx * dx, output_field=FloatField()))
        .order_by("d2")
        .values("d2")[:1]
    )
    return Subquery(nearest, output_field=FloatField())


def distance_km(d2: float | None) -> float | None:
    return None if d2 is None else math.sqrt(d2) * KM_PER_DEGREE


@dataclass
class Browse:
    """The filtered listings and, when searching, the highlight of each (safe HTML from search)."""

    queryset: QuerySet[Listing]
    highlights: Mapping[int, str] = field(default_factory=dict)
    # What `count()` counts: the filtered listings before the order and the page's annotations.
    matching: QuerySet[Listing] | None = None
    count_key: str | None = None

    def count(self) -> int:
        """How many listings match, exactly; kept between writes unless searching (counts.py)."""
        return counts.count(
            self.matching if self.matching is not None else self.queryset, self.count_key
        )


def _search_hits(q: str) -> list[Hit]:
    return search(q, model=Listing)


def serves_whole_city() -> NegatedExpression[Combinable]:
    """True for a listing that names no district served: as its form says, it serves the whole
    city (the search index reads it the same way)."""
    return ~Exists(_SERVED.objects.filter(listing_id=OuterRef("pk")))


def in_district_q(district: District) -> Q:
    """Listings located in or serving the district, without the city-wide ones."""
    return (
        Q(organization__district=district)
        | Q(pk__in=_SERVED.objects.filter(district=district).values("listing_id"))
        | Q(pk__in=ListingAddress.objects.filter(district=district).values("listing_id"))
    )


def filter_listings(
    queryset: QuerySet[Listing],
    *,
    category: Category | None = None,
    district: District | None = None,
    designated: bool = False,
    price: str = "",
) -> QuerySet[Listing]:
    """The browse filters. A district keeps the listings located in or serving it (annotated
    `local`) and those that serve the whole city (`city_wide`), as a resident can use both."""
    if category is not None:
        queryset = queryset.filter(categories=category)
    if district is not None:
        queryset = queryset.annotate(
            city_wide=serves_whole_city(),
            # CASE, not the bare condition: a listing with no district is NULL there, not false.
            local=Case(
                When(in_district_q(district), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
        ).filter(in_district_q(district) | Q(city_wide=True))
    if designated:
        queryset = queryset.filter(designated_q("organization__"))
    if price:
        queryset = queryset.filter(
            pk__in=Service.objects.filter(price_type=price).values("listing_id")
        )
    return queryset


def _filtered(filters: ListingQuery) -> QuerySet[Listing]:
    return filter_listings(
        public_listings(),
        category=filters.get("category"),
        district=filters.get("district"),
        designated=filters.get("designated", False),
        price=filters.get("price", ""),
    )


class HighlightsByListing(Mapping[int, str]):
    """Search highlights by listing id, built only for the listings a page actually shows.

    A hit's highlight is marked up when first read, so a page of 20 costs 20, not the 1,000 hits.
    """

    def __init__(self, hits: list[Hit]) -> None:
        self._hits = {hit.object_id: hit for hit in hits}

    def __getitem__(self, listing_id: int) -> str:
        return self._hits[listing_id].highlight

    def __iter__(self) -> Iterator[int]:
        return iter(self._hits)

    def __len__(self) -> int:
        return len(self._hits)


def browse_listings(**filters: Unpack[ListingQuery]) -> Browse:
    """Public listings by the filters; with `q`, in the search's ranking unless another sort is
    asked. Without a sort: by distance when `near` is given, else by name."""
    queryset = _filtered(filters)
    highlights: Mapping[int, str] = {}
    ids: list[int] = []
    ranking = None
    if q := filters.get("q"):
        hits = _search_hits(q)
        highlights = HighlightsByListing(hits)
        ids = [hit.object_id for hit in hits]
        queryset = queryset.filter(pk__in=ids)
        ranking = Case(
            *[When(pk=pk, then=Value(rank)) for rank, pk in enumerate(ids)],
            output_field=IntegerField(),
        )
    matching = queryset
    near = filters.get("near")
    sort = filters.get("sort") or ""
    if near is not None:
        queryset = queryset.annotate(distance_d2=nearest_distance(near))
    if near is not None and sort in ("", Sort.DISTANCE):
        queryset = queryset.order_by(
            F("distance_d2").asc(nulls_last=True), _by_name(), "organization_id"
        )
    elif sort == Sort.NEWEST:
        queryset = queryset.order_by("-created_at", "-pk")
    elif ranking is not None and not sort:
        queryset = queryset.order_by(ranking, "pk") if ids else queryset.order_by("pk")
    elif filters.get("district") is not None and not sort:
        # In a district, its own listings before the city-wide ones.
        queryset = queryset.order_by(F("local").desc(), _by_name(), "organization_id")
    else:
        queryset = queryset.order_by(_by_name(), "organization_id")
    if filters.get("district") is None:
        queryset = queryset.annotate(city_wide=serves_whole_city())
    return Browse(
        queryset=queryset.prefetch_related(_categories_prefetch()),
        highlights=highlights,
        matching=matching,
        count_key=counts.filter_key(dict(filters)),
    )


# What a list page's card shows of a listing and its organization (directory/list.html): a row
# of the listing joined to its organization is about 60 columns, most never shown on a card.
CARD_FIELDS = (
    "organization_id",
    "summary_ko",
    "summary_en",
    "organization__slug",
    "organization__name_ko",
    "organization__name_en",
)


def with_category_names(listings: list[Listing]) -> list[Listing]:
    """Each listing's `category_names`, its categories' names in the page's language (the other
    language's when a name has none, as the model's fields fall back), in the categories' order:
    a card's chips, in one query of values (a prefetch built a category per chip, a third of a
    list's reading)."""
    order = resolution_order(get_language(), mt_settings.FALLBACK_LANGUAGES)
    columns = [f"category__{build_localized_fieldname('name', code)}" for code in order]
    names: dict[int, list[str]] = {listing.pk: [] for listing in listings}
    rows = (
        Listing.categories.through.objects.filter(listing_id__in=list(names))
        .order_by("category__order", "category__slug")
        .values_list("listing_id", *columns)
    )
    for listing_id, *translations in rows:
        names[listing_id].append(next((name for name in translations if name), ""))
    for listing in listings:
        listing.category_names = names[listing.pk]  # type: ignore[attr-defined]
    return listings


def _categories_prefetch() -> Prefetch:
    return Prefetch("categories", queryset=Category.objects.order_by("order", "slug"))


def designations_for(listings: list[Listing]) -> dict[int, Any]:
    """Current designations of the listings' organizations, in one query (for the badges)."""
    return current_designations([listing.organization_id for listing in listings])


class FeatureRow(NamedTuple):
    """One located address of the map data, as read (no model instances: 5,000 of them each
    built three objects, a listing, its organization and the address, most of the cost); the
    name and summary already in the reader's language."""

    pk: int
    latitude: float
    longitude: float
    address: str
    slug: str
    name: str
    summary: str


def _in_language(field: str, language: str) -> Coalesce:
    """The field in the language, else in the other one, else "" (modeltranslation's fallback)."""
    order = [language] + [code for code in ("ko", "en") if code != language]
    return Coalesce(
        *[NullIf(F(f"{field}_{code}"), Value("")) for code in order],
        Value(""),
        output_field=CharField(),
    )


# The filters that narrow the map data beyond "public" (`sort` and `near` only order the list).
_NARROWING = ("q", "category", "district", "designated", "price")


def _feature_rows(filters: ListingQuery, limit: int) -> QuerySet[ListingAddress, tuple]:
    """The map data's rows (`FeatureRow`'s columns, then the listing), at most `limit` + 1.

    Only the columns a feature shows, the name and summary in the reader's language (chosen by
    the database: two columns sent, not four), in listing order, each address's listing checked
    by a correlated EXISTS: the database walks the addresses' listing index and stops at the cap.
    (`listing__in` made SQLite build the set of every matching listing first: 120 ms against 30
    at 100,000.) On PostgreSQL the whole public map (no filter) checks "public" on the listing
    and organization rows the query joins anyway, rather than reading both again in the EXISTS
    (45,000 buffer reads → 15,000 at 100,000); SQLite, given that, starts from the published
    organizations and sorts every address (35 → 100 ms of CPU), so it keeps the EXISTS.
    """
    narrowed = any(filters.get(name) for name in _NARROWING)
    if narrowed or connection.vendor != "postgresql":
        listings = _filtered(filters)
        if q := filters.get("q"):
            listings = listings.filter(pk__in=[hit.object_id for hit in _search_hits(q)])
        shown: Q | Exists = Exists(listings.filter(pk=OuterRef("listing_id")))
    else:
        shown = public_listing_q("listing__")
    language = current_language()
    return (
        ListingAddress.objects.filter(shown, latitude__isnull=False, longitude__isnull=False)
        .annotate(
            feature_name=_in_language("listing__organization__name", language),
            feature_summary=_in_language("listing__summary", language),
        )
        # Django's own values_list: modeltranslation's (the address's place name is translated)
        # selects the columns in a set's order, and listing_features_json reads them by position.
        .rewrite(False)
        .order_by("listing_id", "pk")
        .values_list(
            "pk",
            "latitude",
            "longitude",
            "address",
            "listing__organization__slug",
            "feature_name",
            "feature_summary",
            "listing_id",
        )[: limit + 1]
    )


def listing_features(
    *, limit: int = GEOJSON_MAX_FEATURES, **filters: Unpack[ListingQuery]
) -> tuple[list[FeatureRow], bool]:
    """The located addresses of the filtered listings (one query), and whether the cap cut them."""
    features = [FeatureRow._make(row[:-1]) for row in _feature_rows(filters, limit)]
    return features[:limit], len(features) > limit


# A coordinate as Python's repr() writes the float it reads from the same text (|x| <= 180, the
# address's check constraint): float8's text is the shortest round trip (or, with
# extra_float_digits below 1, at most 15 digits, which repr() of that float gives back), without
# Python's ".0" on a whole number.
_COORDINATE = "CASE WHEN {x} = trunc({x}) THEN {x}::text || '.0' ELSE {x}::text END"
# One feature as `geojson._feature` writes it, byte for byte, but for the link of a slug that is
# not ASCII (parameters: the link's prefix and suffix). to_json() escapes a text as Python's
# encode_basestring does: '"', '\\', \b \f \n \r \t, the other controls as \u00xx, the rest kept.
_FEATURE = (
    """'{"type":"Feature","id":' || to_json(slug || '-' || pk)::text"""
    """ || ',"geometry":{"type":"Point","coordinates":['"""
    f" || ({_COORDINATE.format(x='lon')}) || ',' || ({_COORDINATE.format(x='lat')})"
    """ || ']},"properties":{"name":' || to_json(name)::text"""
    """ || ',"summary":' || to_json(summary)::text"""
    """ || ',"address":' || to_json(address)::text"""
    """ || ',"url":' || to_json(%s || slug || %s)::text || '}}'"""
)


class WrittenFeatures(NamedTuple):
    """The map data's features as JSON text, joined by commas (`listing_features_json`)."""

    text: str
    truncated: bool
    # Slugs that are not ASCII, whose links hold them as they are: the caller percent-encodes
    # them as reverse() does (the database cannot do it cheaply: a subquery per row doubled the
    # query's time even where it never ran).
    unquoted: list[str]


def listing_features_json(
    *, prefix: str, suffix: str, limit: int = GEOJSON_MAX_FEATURES, **filters: Unpack[ListingQuery]
) -> WrittenFeatures | None:
    """On PostgreSQL, the features of `listing_features` written as JSON by the database (each
    link `prefix` + slug + `suffix`), in one query; None elsewhere.

    The same rows and, once the unquoted slugs are encoded, the same bytes as `geojson._feature`
    writes from `listing_features` (tested): Python no longer receives 5,000 rows and writes
    5,000 features (issue 18).
    """
    if connection.vendor != "postgresql":
        return None
    sql, params = _feature_rows(filters, limit).query.sql_with_params()
    # Ordered in the aggregate, not by a window over the rows (a third of the query's time).
    query = (
        "SELECT COUNT(*), "
        f"string_agg({_FEATURE}, ',' ORDER BY listing_id, pk), "
        "array_agg(DISTINCT slug) FILTER (WHERE octet_length(slug) > char_length(slug)) "
        f"FROM ({sql}) AS rows (pk, lat, lon, address, slug, name, summary, listing_id)"
    )
    with connection.cursor() as cursor:
        cursor.execute(query, [prefix, suffix, *params])
        matched, text, unquoted = cursor.fetchone()
    text = text or ""
    if matched > limit:
        # The row past the cap told that more matched: its feature, the last, goes. Its opening
        # has bare quotes, which inside a JSON string would be escaped.
        text = text[: max(text.rfind(',{"type":"Feature","id":'), 0)]
    return WrittenFeatures(text, matched > limit, unquoted or [])


def _listing_row(slug: str) -> Listing | None:
    return (
        Listing.objects.select_related("organization", "organization__district")
        .defer("organization__district__boundary")  # kilobytes of outline the page never shows
        .filter(organization__slug=slug)
        .first()
    )


def get_listing_for(actor: Actor, slug: str, *, kept: bool = False) -> Listing:
    """The listing of the organization with this slug, if the actor may see it; 404 otherwise.

    `kept`: the row as kept between requests until a write to what it was read from (as the
    event page's, events.selectors.get_event_for): for the listing's page. The actor is checked
    on every request."""
    slug = str(slug)
    listing = pagecache.detail_row(f"listing-row:{slug}", lambda: _listing_row(slug), kept=kept)
    if listing is None or not can_view_listing(actor, listing):
        raise Http404
    return listing


def get_organization_for_listing(actor: Actor, slug: str) -> Organization:
    return get_organization_for(actor, slug)


def listing_detail(listing: Listing) -> Listing:
    """Everything the detail page shows, in a fixed number of queries: read onto the listing
    `get_listing_for` found (with its organization and district), not read again."""
    prefetch_related_objects(
        [listing],
        _categories_prefetch(),
        Prefetch("districts_served", queryset=District.objects.defer("boundary")),
        "links",
        "photos",
        Prefetch(
            "addresses",
            queryset=ListingAddress.objects.select_related("district").defer("district__boundary"),
        ),
        Prefetch("services", queryset=Service.objects.select_related("category")),
    )
    return listing


def services_of(listing: Listing) -> QuerySet[Service]:
    return (
        Service.objects.filter(listing=listing).select_related("category").order_by("order", "pk")
    )


def suggestions_by(user: User) -> QuerySet[Suggestion]:
    return (
        Suggestion.objects.filter(created_by=user)
        .select_related("listing__organization")
        .order_by("-created_at", "-pk")
    )


def get_suggestion_for(actor: Actor, pk: int) -> Suggestion:
    """Its submitter, moderators and city staff see a suggestion; anyone else gets 404."""
    suggestion = (
        Suggestion.objects.select_related("listing__organization", "created_by")
        .filter(pk=pk)
        .first()
    )
    if suggestion is None or not is_signed_in(actor):
        raise Http404
    if not (
        is_moderator(actor)
        or is_city_staff(actor)
        or suggestion.created_by_id == getattr(actor, "pk", None)
    ):
        raise Http404
    return suggestion


def listings_in_district(district: District) -> QuerySet[Listing]:
    """For the district page: public listings located in or serving the district (`local`), then
    those serving the whole city (`city_wide`)."""
    return (
        filter_listings(public_listings(), district=district)
        .order_by(F("local").desc(), _by_name(), "organization_id")
        .only(*CARD_FIELDS)
    )


def district_listing_counts(district: District) -> dict[str, int]:
    """How many public listings the district has of its own (`local`, whatever else they serve)
    and, besides them, serving the whole city (`city_wide`). Both kept between writes
    (counts.py): the listings a resident can use are the directory's count for the district
    filter (the same key); their queries are built only when counted, both read in one query
    (`counts.counts_of`)."""
    usable, local = counts.counts_of(
        (
            lambda: filter_listings(public_listings(), district=district),
            counts.filter_key({"district": district}),
        ),
        (lambda: public_listings().filter(in_district_q(district)), counts.local_key(district)),
    )
    return {"local": local, "city_wide": usable - local}
