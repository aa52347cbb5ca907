"""The districts as one GeoJSON FeatureCollection, shared by the map pages and the API.

The file is large (every boundary) and changes only when districts are loaded or edited, so
the serialized body is kept in the shared cache per language and sent with an ETag and a
public Cache-Control; saving or deleting a district drops the cached bodies.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_cache_control

from sharehub.core.i18n import current_language, pick

from .selectors import district_boundaries

CONTENT_TYPE = "application/geo+json"
MAX_AGE = 3600


def _cache_key(language: str) -> str:
    return f"places:districts-geojson:{language}"


def district_feature_collection() -> dict[str, Any]:
    """The FeatureCollection in the active language (property `name` and `url`)."""
    language = current_language()
    features = []
    for district in district_boundaries():
        names = {"name_ko": district.name_ko, "name_en": district.name_en}
        features.append(
            {
                "type": "Feature",
                "id": district.code,
                "geometry": district.boundary,
                "properties": {
                    "code": district.code,
                    "slug": district.slug,
                    "name": pick(names, "name", language),
                    "name_ko": district.name_ko,
                    "name_en": district.name_en,
                    "url": reverse("places:detail", kwargs={"slug": district.slug}),
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def _cached_body() -> tuple[str, bytes]:
    """(etag, body) of the active language, built once per change of the districts."""
    key = _cache_key(current_language())
    cached = cache.get(key)
    if cached is None:
        body = json.dumps(
            district_feature_collection(), ensure_ascii=False, separators=(",", ":")
        ).encode()
        cached = (f'"{hashlib.sha256(body).hexdigest()[:32]}"', body)
        cache.set(key, cached, MAX_AGE)
    return cached


def district_geojson_response(request: HttpRequest) -> HttpResponse:
    etag, body = _cached_body()
    response = HttpResponse(body, content_type=CONTENT_TYPE)
    response["ETag"] = etag
    # Under /api/ the language comes from Accept-Language, and LocaleMiddleware adds the Vary.
    patch_cache_control(response, public=True, max_age=MAX_AGE)
    return get_conditional_response(request, etag=etag, response=response)


def forget_district_geojson(**kwargs: Any) -> None:
    """Signal receiver: drop the cached bodies once the change is committed.

    Bulk queryset updates send no signal; the cached body then lives at most MAX_AGE seconds.
    """
    keys = [_cache_key(code) for code, _name in settings.LANGUAGES]
    transaction.on_commit(lambda: cache.delete_many(keys))
