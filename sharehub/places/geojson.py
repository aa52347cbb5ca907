"""The hub's own base map as GeoJSON: the districts and the neighbourhoods, each one
FeatureCollection shared by the map pages and the API.

The collections are large (every boundary) and change only when places are loaded or edited, so
each serialized body is kept in the shared cache per language, once plain and once gzipped (no
middleware compresses what a view answers; the map pages' routes send the neighbourhoods in
62 kB instead of 343 kB), and sent with an ETag and a public Cache-Control; saving or deleting a
place drops the cached bodies.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers

from sharehub.core.i18n import current_language, pick

from .selectors import district_boundaries, neighbourhood_boundaries

CONTENT_TYPE = "application/geo+json"
# Districts are also the content of the district pages (their names and links): an hour.
MAX_AGE = 3600
# The neighbourhoods are only the base map's drawing: a day, then revalidated by the ETag.
BASE_MAP_MAX_AGE = 24 * 3600
# Five decimals of a degree are about a metre: enough to draw an outline, a third smaller.
NEIGHBOURHOOD_DECIMALS = 5


def district_feature_collection() -> dict[str, Any]:
    """The districts in the active language (property `name` and `url`)."""
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


def _rounded(coordinates: Any, digits: int) -> Any:
    if coordinates and isinstance(coordinates[0], (int, float)):
        return [round(value, digits) for value in coordinates]
    return [_rounded(part, digits) for part in coordinates]


def neighbourhood_feature_collection() -> dict[str, Any]:
    """The neighbourhoods in the active language (property `name`, `district` is its code)."""
    language = current_language()
    features = []
    for neighbourhood in neighbourhood_boundaries():
        names = {"name_ko": neighbourhood.name_ko, "name_en": neighbourhood.name_en}
        boundary = neighbourhood.boundary
        features.append(
            {
                "type": "Feature",
                "id": neighbourhood.code,
                "geometry": {
                    "type": boundary["type"],
                    "coordinates": _rounded(boundary["coordinates"], NEIGHBOURHOOD_DECIMALS),
                },
                "properties": {
                    "code": neighbourhood.code,
                    "name": pick(names, "name", language),
                    "name_ko": neighbourhood.name_ko,
                    "name_en": neighbourhood.name_en or None,
                    "district": neighbourhood.district.code,
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


@dataclass(frozen=True)
class _Body:
    etag: str
    plain: bytes
    gzipped: bytes


@dataclass(frozen=True)
class CachedCollection:
    """One FeatureCollection served from the shared cache, built once per change and language."""

    name: str
    build: Callable[[], dict[str, Any]]
    max_age: int

    def _key(self, language: str) -> str:
        # Versioned: a cache shared with an older release holds bodies of another shape.
        return f"places:geojson:v2:{self.name}:{language}"

    def body(self) -> _Body:
        key = self._key(current_language())
        cached = cache.get(key)
        if not isinstance(cached, _Body):
            plain = json.dumps(self.build(), ensure_ascii=False, separators=(",", ":")).encode()
            cached = _Body(
                etag=hashlib.sha256(plain).hexdigest()[:32],
                plain=plain,
                # mtime=0: the same bytes from every process, so every process sends one ETag.
                gzipped=gzip.compress(plain, compresslevel=6, mtime=0),
            )
            cache.set(key, cached, self.max_age)
        return cached

    def response(self, request: HttpRequest, *, compress: bool = False) -> HttpResponse:
        """The body, gzipped when `compress` and the client accepts it (the map pages' own route
        does; the API leaves encodings to the proxy in front of it, as for its other answers)."""
        body = self.body()
        if compress and _accepts_gzip(request):
            # Each encoding is its own representation, so each has its own strong ETag.
            etag = f'"{body.etag}-gzip"'
            response = HttpResponse(body.gzipped, content_type=CONTENT_TYPE)
            response["Content-Encoding"] = "gzip"
        else:
            etag = f'"{body.etag}"'
            response = HttpResponse(body.plain, content_type=CONTENT_TYPE)
        response["ETag"] = etag
        patch_vary_headers(response, ["Accept-Encoding"])
        # Under /api/ the language comes from Accept-Language, and LocaleMiddleware adds the Vary.
        patch_cache_control(response, public=True, max_age=self.max_age)
        return get_conditional_response(request, etag=etag, response=response)

    def forget(self, **kwargs: Any) -> None:
        """Signal receiver: drop the cached bodies once the change is committed.

        Bulk queryset updates send no signal; a cached body then lives at most `max_age` seconds.
        """
        keys = [self._key(code) for code, _name in settings.LANGUAGES]
        transaction.on_commit(lambda: cache.delete_many(keys))


def _accepts_gzip(request: HttpRequest) -> bool:
    for item in request.headers.get("Accept-Encoding", "").split(","):
        coding, _semicolon, parameters = item.strip().partition(";")
        if coding.strip().lower() not in ("gzip", "*"):
            continue
        quality = parameters.strip().removeprefix("q=")
        try:
            return not parameters or float(quality) > 0
        except ValueError:
            return False
    return False


DISTRICTS = CachedCollection("districts", district_feature_collection, MAX_AGE)
NEIGHBOURHOODS = CachedCollection(
    "neighbourhoods", neighbourhood_feature_collection, BASE_MAP_MAX_AGE
)


def district_geojson_response(request: HttpRequest, *, compress: bool = False) -> HttpResponse:
    return DISTRICTS.response(request, compress=compress)


def neighbourhood_geojson_response(request: HttpRequest, *, compress: bool = False) -> HttpResponse:
    return NEIGHBOURHOODS.response(request, compress=compress)


def forget_district_geojson(**kwargs: Any) -> None:
    DISTRICTS.forget()


def forget_neighbourhood_geojson(**kwargs: Any) -> None:
    NEIGHBOURHOODS.forget()
