"""Plain-Python checks and sums on GeoJSON polygons (WGS84 lon/lat), so no GIS library is needed."""

from __future__ import annotations

import itertools
from numbers import Real
from typing import Any

from django.utils.translation import gettext as _

POLYGON_TYPES = ("Polygon", "MultiPolygon")
Ring = list[list[float]]


class GeometryError(ValueError):
    """The geometry is not a valid GeoJSON Polygon or MultiPolygon; the message says why."""


def _is_number(value: Any) -> bool:
    # bool is an int in Python but never a coordinate.
    return isinstance(value, Real) and not isinstance(value, bool)


def _check_ring(ring: Any) -> None:
    if not isinstance(ring, list) or len(ring) < 4:
        raise GeometryError(_("A polygon ring needs at least 4 positions."))
    for position in ring:
        if (
            not isinstance(position, list)
            or len(position) < 2
            or not all(_is_number(v) for v in position[:2])
        ):
            raise GeometryError(
                _("A position must be a list of two numbers [longitude, latitude].")
            )
        lon, lat = position[0], position[1]
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            raise GeometryError(_("A position is outside longitude -180..180 or latitude -90..90."))
    if ring[0][:2] != ring[-1][:2]:
        raise GeometryError(_("A polygon ring must end where it starts."))


def _check_polygon(rings: Any) -> None:
    if not isinstance(rings, list) or not rings:
        raise GeometryError(_("A polygon needs at least one ring."))
    for ring in rings:
        _check_ring(ring)


def clean_geometry(geometry: Any) -> dict:
    """Return {"type", "coordinates"} of a valid Polygon or MultiPolygon, or raise GeometryError."""
    if not isinstance(geometry, dict):
        raise GeometryError(_("The feature has no geometry."))
    kind = geometry.get("type")
    if kind not in POLYGON_TYPES:
        raise GeometryError(
            _("The geometry type is %(type)s; only Polygon and MultiPolygon are accepted.")
            % {"type": kind}
        )
    coordinates = geometry.get("coordinates")
    if kind == "Polygon":
        _check_polygon(coordinates)
    else:
        if not isinstance(coordinates, list) or not coordinates:
            raise GeometryError(_("A MultiPolygon needs at least one polygon."))
        for polygon in coordinates:
            _check_polygon(polygon)
    # Drop foreign members (crs, bbox, …): the boundary is only the shape.
    return {"type": kind, "coordinates": coordinates}


def _signed_area_and_centroid(ring: Ring) -> tuple[float, float, float]:
    """Shoelace formula on the planar lon/lat ring: (signed area, centroid lon, centroid lat)."""
    area2 = cx = cy = 0.0
    for (x0, y0, *_rest), (x1, y1, *_rest2) in itertools.pairwise(ring):
        cross = x0 * y1 - x1 * y0
        area2 += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if area2 == 0:
        return 0.0, 0.0, 0.0
    return area2 / 2, cx / (3 * area2), cy / (3 * area2)


def centroid(geometry: dict) -> tuple[float, float]:
    """(latitude, longitude) of the area-weighted centroid of the largest polygon's outer ring.

    The largest part stands for the district (islands and exclaves would pull the point into
    the sea); holes are ignored because a pin only needs to fall near the middle. Planar maths on
    degrees is fine at a city's scale.
    """
    polygons = (
        [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    )
    best = max(
        (_signed_area_and_centroid(polygon[0]) for polygon in polygons), key=lambda r: abs(r[0])
    )
    area, lon, lat = best
    if area == 0:
        raise GeometryError(_("The polygon has no area."))
    return lat, lon
