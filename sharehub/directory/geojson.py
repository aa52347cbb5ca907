"""The filtered listings' located addresses as a GeoJSON FeatureCollection (page map and API).

On PostgreSQL the database writes the features in the query that reads them
(`selectors.listing_features_json`, the same bytes); elsewhere they are written here as text,
feature by feature, from the selector's plain rows: 5,000 features as dicts through json.dumps
cost twice as much (bench: 25 → 14 ms of CPU), and model instances, one reverse() and one
quote() per feature had cost most of a second before that.
"""

from __future__ import annotations

import re
from json.encoder import encode_basestring  # a JSON string, non-ASCII kept (C)
from typing import Unpack
from urllib.parse import quote

from django.urls import reverse
from django.utils.http import RFC3986_SUBDELIMS

from .selectors import (
    FeatureRow,
    ListingQuery,
    WrittenFeatures,
    listing_features,
    listing_features_json,
)

# A slug no organization can have (slugs are letters, digits, - and _), replaced by each one's.
_SLUG_MARK = "__slug__"
_SAFE = RFC3986_SUBDELIMS + "/~:@"


def _quoted(slug: str) -> str:
    """The slug as reverse() puts it in a path: a Korean one percent-encoded. An ASCII slug is
    letters, digits, - and _, which need none (quote() was a third of the map data's time)."""
    return slug if slug.isascii() else quote(slug, safe=_SAFE)


def _feature(row: FeatureRow, prefix: str, suffix: str) -> str:
    # Coordinates are finite (the address's check constraint): repr() is what json writes.
    return (
        f'{{"type":"Feature","id":{encode_basestring(f"{row.slug}-{row.pk}")},'
        f'"geometry":{{"type":"Point","coordinates":[{row.longitude!r},{row.latitude!r}]}},'
        f'"properties":{{"name":{encode_basestring(row.name)},'
        f'"summary":{encode_basestring(row.summary)},'
        f'"address":{encode_basestring(row.address)},'
        f'"url":{encode_basestring(prefix + _quoted(row.slug) + suffix)}}}}}'
    )


def _quote_links(written: WrittenFeatures, prefix: str, suffix: str) -> str:
    """The database's features with each link to a slug that is not ASCII percent-encoded, in
    one pass. `,"url":"…"}}` with bare quotes is only ever a feature's link: inside a JSON
    string every quote is escaped."""
    if not written.unquoted:
        return written.text
    links = {
        f',"url":{encode_basestring(prefix + slug + suffix)}}}}}': (
            f',"url":{encode_basestring(prefix + _quoted(slug) + suffix)}}}}}'
        )
        for slug in written.unquoted
    }
    pattern = re.compile("|".join(re.escape(link) for link in links))
    return pattern.sub(lambda match: links[match.group(0)], written.text)


def feature_collection(**filters: Unpack[ListingQuery]) -> str:
    """The FeatureCollection as JSON text: `features` (properties name, summary, address, url in
    the reader's language) and `truncated` (more matched than the cap)."""
    # One reverse() for all: reversing 5,000 times was a large share of the map data's time.
    prefix, suffix = reverse("directory:detail", kwargs={"slug": _SLUG_MARK}).split(_SLUG_MARK)
    written = listing_features_json(prefix=prefix, suffix=suffix, **filters)
    if written is not None:
        features, truncated = _quote_links(written, prefix, suffix), written.truncated
    else:
        rows, truncated = listing_features(**filters)
        features = ",".join(_feature(row, prefix, suffix) for row in rows)
    return (
        f'{{"type":"FeatureCollection","features":[{features}],'
        f'"truncated":{"true" if truncated else "false"}}}'
    )
