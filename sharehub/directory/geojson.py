"""The filtered listings' located addresses as a GeoJSON FeatureCollection (page map and API)."""

from __future__ import annotations

from typing import Any, Unpack
from urllib.parse import quote

from django.urls import reverse
from django.utils.http import RFC3986_SUBDELIMS

from sharehub.core.i18n import current_language

from .selectors import ListingQuery, listing_features

# A slug no organization can have (slugs are letters, digits, - and _), replaced by each one's.
_SLUG_MARK = "__slug__"
_SAFE = RFC3986_SUBDELIMS + "/~:@"


def _pick(language: str, ko: str | None, en: str | None) -> str:
    """The reader's language, else the other one (modeltranslation's fallback, without models)."""
    return (en or ko or "") if language == "en" else (ko or en or "")


def _quoted(slug: str) -> str:
    """The slug as reverse() puts it in a path: a Korean one percent-encoded. An ASCII slug is
    letters, digits, - and _, which need none (quote() was a third of the map data's time)."""
    return slug if slug.isascii() else quote(slug, safe=_SAFE)


def feature_collection(**filters: Unpack[ListingQuery]) -> dict[str, Any]:
    rows, truncated = listing_features(**filters)
    language = current_language()
    # One reverse() for all: reversing 5,000 times was a large share of the map data's time.
    prefix, suffix = reverse("directory:detail", kwargs={"slug": _SLUG_MARK}).split(_SLUG_MARK)
    features = [
        {
            "type": "Feature",
            "id": f"{row.slug}-{row.pk}",
            "geometry": {"type": "Point", "coordinates": [row.longitude, row.latitude]},
            "properties": {
                "name": _pick(language, row.name_ko, row.name_en),
                "summary": _pick(language, row.summary_ko, row.summary_en),
                "address": row.address,
                "url": prefix + _quoted(row.slug) + suffix,
            },
        }
        for row in rows
    ]
    return {"type": "FeatureCollection", "features": features, "truncated": truncated}
