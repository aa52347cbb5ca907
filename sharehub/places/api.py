"""Read-only district API: the list, the boundaries as GeoJSON, the neighbourhoods as GeoJSON, and
one district by code."""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate

from sharehub.core.api_schema import media_type
from sharehub.core.pagination import BoundedPageNumberPagination

from .geojson import district_geojson_response, neighbourhood_geojson_response
from .selectors import district_list, get_district_by_code

router = Router(tags=["districts"])

# A city has a few dozen districts: one page holds them all, the pagination only bounds it.
DISTRICTS_PER_PAGE = 100


class DistrictOut(Schema):
    code: str
    slug: str
    name_ko: str
    name_en: str | None
    latitude: float
    longitude: float


class GeometryOut(Schema):
    type: Literal["Polygon", "MultiPolygon"]
    coordinates: list[Any]


class DistrictDetailOut(DistrictOut):
    boundary: GeometryOut | None


class DistrictFeatureProperties(Schema):
    code: str
    slug: str
    name: str
    name_ko: str
    name_en: str | None
    url: str


class DistrictFeature(Schema):
    type: Literal["Feature"]
    id: str
    geometry: GeometryOut
    properties: DistrictFeatureProperties


class DistrictFeatureCollection(Schema):
    type: Literal["FeatureCollection"]
    features: list[DistrictFeature]


class NeighbourhoodFeatureProperties(Schema):
    code: str
    name: str
    name_ko: str
    name_en: str | None
    district: str


class NeighbourhoodFeature(Schema):
    type: Literal["Feature"]
    id: str
    geometry: GeometryOut
    properties: NeighbourhoodFeatureProperties


class NeighbourhoodFeatureCollection(Schema):
    type: Literal["FeatureCollection"]
    features: list[NeighbourhoodFeature]


@router.get(
    "", response=list[DistrictOut], auth=None, summary="List districts (without boundaries)"
)
@paginate(BoundedPageNumberPagination, page_size=DISTRICTS_PER_PAGE)
def list_districts(request: HttpRequest):
    return district_list().order_by("code")


# Declared before /{code} so that "geojson" is never taken for a code.
@router.get(
    "/geojson",
    response={200: DistrictFeatureCollection, 304: None},
    auth=None,
    summary="All district boundaries as a GeoJSON FeatureCollection",
    description="`name` and `url` follow the request language (Accept-Language). "
    "Cached: send If-None-Match.",
    openapi_extra=media_type("application/geo+json"),
)
def districts_geojson(request: HttpRequest):
    # The cached, already serialized body goes out as is; the schema documents its shape.
    return district_geojson_response(request)


@router.get(
    "/neighbourhoods/geojson",
    response={200: NeighbourhoodFeatureCollection, 304: None},
    auth=None,
    summary="All neighbourhood boundaries as a GeoJSON FeatureCollection",
    description="The legal neighbourhoods (beopjeong-dong) of every district, the base map's finest "
    "layer; `district` is the district's code, `name` follows the request language "
    "(Accept-Language). Coordinates have five decimals. Cached: send If-None-Match.",
    openapi_extra=media_type("application/geo+json"),
)
def neighbourhoods_geojson(request: HttpRequest):
    return neighbourhood_geojson_response(request)


@router.get(
    "/{code}", response=DistrictDetailOut, auth=None, summary="One district with its boundary"
)
def district_detail(request: HttpRequest, code: str):
    return get_district_by_code(code=code)
