"""The area of a district from its GeoJSON boundary (WGS84), for the scoreboard's "per km²".

A spherical polygon's area from its rings (Chamberlain & Duquette, "Some algorithms for polygons
on a sphere", JPL 2007, the formula of d3-geo and turf): exact on a sphere of the Earth's mean
radius, so within a few tenths of a percent of the ellipsoid for a city's districts. No GIS
library needed.
"""

from __future__ import annotations

import math
from typing import Any

# The IUGG mean radius of the Earth, in kilometres.
EARTH_RADIUS_KM = 6371.0088


def _ring_area_km2(ring: list[list[float]]) -> float:
    """The signed area of one closed ring (counter-clockwise positive)."""
    total = 0.0
    count = len(ring)
    if count < 4:
        return 0.0
    for i in range(count - 1):
        lon1, lat1 = ring[i][0], ring[i][1]
        lon2, lat2 = ring[i + 1][0], ring[i + 1][1]
        total += math.radians(lon2 - lon1) * (
            2 + math.sin(math.radians(lat1)) + math.sin(math.radians(lat2))
        )
    return total * EARTH_RADIUS_KM * EARTH_RADIUS_KM / 2


def _polygon_area_km2(rings: list[Any]) -> float:
    """The outer ring's area less its holes' (whatever way each ring turns)."""
    if not rings:
        return 0.0
    outer = abs(_ring_area_km2(rings[0]))
    holes = sum(abs(_ring_area_km2(ring)) for ring in rings[1:])
    return max(outer - holes, 0.0)


def area_km2(geometry: dict[str, Any] | None) -> float | None:
    """The area in km² of a GeoJSON Polygon or MultiPolygon; None when there is no geometry or
    it is not one of those."""
    if not isinstance(geometry, dict):
        return None
    kind, coordinates = geometry.get("type"), geometry.get("coordinates")
    if not isinstance(coordinates, list):
        return None
    if kind == "Polygon":
        return _polygon_area_km2(coordinates)
    if kind == "MultiPolygon":
        return sum(_polygon_area_km2(polygon) for polygon in coordinates)
    return None
