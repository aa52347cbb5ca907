"""The directory as CSV, streamed row by row (bounded memory whatever the directory's size).

Not a public export: city staff only (views.export_csv), for editing and importing again, so it
holds unpublished organizations too, marked "no" in the `published` column."""

from __future__ import annotations

import csv
from collections.abc import Iterator

from django.http import StreamingHttpResponse

from .models import Listing

# imports.py reads the same columns, so an export can be edited and imported again.
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
    "published",
]
CHUNK = 500


class _Echo:
    def write(self, value: str) -> str:
        return value


def _rows() -> Iterator[list]:
    yield COLUMNS
    queryset = (
        Listing.objects.select_related("organization")
        .prefetch_related("categories", "districts_served", "addresses")
        .order_by("pk")
    )
    for listing in queryset.iterator(chunk_size=CHUNK):
        organization = listing.organization
        address = next(iter(listing.addresses.all()), None)
        yield [
            organization.slug,
            organization.name_ko,
            organization.name_en or "",
            organization.kind,
            listing.summary_ko or "",
            listing.summary_en or "",
            ";".join(c.slug for c in listing.categories.all()),
            ";".join(d.slug for d in listing.districts_served.all()),
            listing.phone,
            listing.email,
            organization.website,
            address.address if address else "",
            "" if address is None or address.latitude is None else address.latitude,
            "" if address is None or address.longitude is None else address.longitude,
            "yes" if organization.is_published else "no",
        ]


FORMULA_STARTS = ("=", "+", "-", "@")


def _safe(value: object) -> object:
    # A cell starting with =, +, - or @ would run as a formula in a spreadsheet.
    if isinstance(value, str) and value[:1] in FORMULA_STARTS:
        return "'" + value
    return value


def unescape(value: str) -> str:
    """The inverse of _safe, for the import."""
    if value[:1] == "'" and value[1:2] in FORMULA_STARTS:
        return value[1:]
    return value


def streaming_export() -> StreamingHttpResponse:
    writer = csv.writer(_Echo())
    response = StreamingHttpResponse(
        ("\ufeff" if index == 0 else "") + writer.writerow([_safe(v) for v in row])
        for index, row in enumerate(_rows())
    )
    response["Content-Type"] = "text/csv; charset=utf-8"
    response["Content-Disposition"] = 'attachment; filename="directory.csv"'
    return response
