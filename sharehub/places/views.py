from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from .geojson import district_geojson_response, neighbourhood_geojson_response


@require_safe
def district_geojson(request: HttpRequest) -> HttpResponse:
    return district_geojson_response(request, compress=True)


@require_safe
def neighbourhood_geojson(request: HttpRequest) -> HttpResponse:
    return neighbourhood_geojson_response(request, compress=True)
