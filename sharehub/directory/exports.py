"""The public directory as CSV: what anyone may see, streamed (flat memory at any size).

Anyone may download it (views.export.listings_csv), as anyone may read the pages and the API: the
rows are `selectors.browse_listings` with the list page's filters, so an unpublished organization
is never in it. Categories, districts and the type are written in the reader's language; the
import (imports.py) reads those names back, in Korean or English, so an export can be edited and
imported again. The writing (BOM, CP949, formula guard, streaming) is core.csvexport's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from itertools import batched
from typing import Any, cast
from urllib.parse import quote

from django.urls import reverse
from django.utils import translation

from sharehub.organizations.models import OrganizationKind
from sharehub.places.selectors import district_list

from . import selectors
from .models import Listing, ListingAddress

# imports.py reads the same columns; `url` is for readers and ignored by the import.
COLUMNS = [
    "slug",
    "name_ko",
    "name_en",
    "kind",
    "summary_ko",
    "summary_en",
    "categories",
    "districts_served",
    "phone",
    "email",
    "website",
    "address",
    "latitude",
    "longitude",
    "url",
]
# Rows read per query (and per query of their categories, districts and addresses): memory is
# bounded by this, not by the directory's size.
CHUNK = 1000
SEPARATOR = ";"
# Listing–category and listing–district tables (django-stubs cannot type them).
_CATEGORIES = cast(Any, Listing.categories.through)
_SERVED = cast(Any, Listing.districts_served.through)
FIELDS = (
    "pk",
    "organization__slug",
    "organization__name_ko",
    "organization__name_en",
    "organization__kind",
    "summary_ko",
    "summary_en",
    "phone",
    "email",
    "organization__website",
)


def _names_by_listing(table: Any, column: str, ids: tuple[int, ...], names: dict[int, str]) -> dict:
    """{listing id: names joined}, in the order of `names` (the taxonomy's, the districts')."""
    rank = {pk: index for index, pk in enumerate(names)}
    found: dict[int, list[int]] = {}
    for listing_id, pk in table.objects.filter(listing_id__in=ids).values_list(
        "listing_id", column
    ):
        found.setdefault(listing_id, []).append(pk)
    return {
        # One created after `names` was read is left out: it was not there when the download began.
        listing_id: SEPARATOR.join(
            names[pk] for pk in sorted((pk for pk in pks if pk in rank), key=rank.__getitem__)
        )
        for listing_id, pks in found.items()
    }


def _first_addresses(ids: tuple[int, ...]) -> dict[int, tuple]:
    first: dict[int, tuple] = {}
    for listing_id, *address in (
        ListingAddress.objects.filter(listing_id__in=ids)
        .rewrite(False)  # plain tuples: no translated column is read (modeltranslation's dicts)
        .order_by("listing_id", "pk")
        .values_list("listing_id", "address", "latitude", "longitude")
    ):
        first.setdefault(listing_id, tuple(address))
    return first


def export_rows(
    *, language: str, absolute_url: Callable[[str], str], **filters: Any
) -> Iterator[Sequence[object]]:
    """The header, then one row per public listing matching the filters (ListingFilterForm's),
    in the list page's order.

    Runs while the response streams, after the view returned: the language is set here again.
    Plain values, no model instances (100,000 rows in seconds, not minutes): four queries per
    CHUNK rows (the listings, then their categories, districts served and first addresses), the
    names of categories, districts and types looked up in tables read once."""
    with translation.override(language):
        yield COLUMNS
        categories = {c.pk: c.name for c in selectors.all_categories()}
        districts = {d.pk: d.name for d in district_list()}
        kinds = {value: str(label) for value, label in OrganizationKind.choices}
        # reverse() once, not per row; slugs may be Korean, quoted as reverse() quotes them.
        before, after = absolute_url(reverse("directory:detail", args=["SLUG"])).rsplit("SLUG", 1)
        listings = (
            selectors.browse_listings(**filters)
            .queryset.prefetch_related(None)
            .values_list(*FIELDS)
            .iterator(chunk_size=CHUNK)
        )
        for chunk in batched(listings, CHUNK):
            ids = tuple(row[0] for row in chunk)
            categories_of = _names_by_listing(_CATEGORIES, "category_id", ids, categories)
            districts_of = _names_by_listing(_SERVED, "district_id", ids, districts)
            addresses = _first_addresses(ids)
            for pk, slug, name_ko, name_en, kind, summary_ko, summary_en, *contact in chunk:
                phone, email, website = contact
                address, latitude, longitude = addresses.get(pk, ("", None, None))
                yield [
                    slug,
                    name_ko,
                    name_en or "",
                    kinds.get(kind, kind),
                    summary_ko or "",
                    summary_en or "",
                    categories_of.get(pk, ""),
                    districts_of.get(pk, ""),
                    phone,
                    email,
                    website,
                    address,
                    latitude,
                    longitude,
                    before + quote(slug, safe="") + after,
                ]
