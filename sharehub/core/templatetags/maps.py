"""`{% load maps %}`: the hub's one map, `{% map_assets %}` in the head and `{% map %}` in the body.

Every page with a map uses these (core/partials/map.html and core/js/map.js), whatever it shows:
points from a GeoJSON address or inline, district boundaries as the content or as a background.
Numbers reach the data- attributes as plain strings (never localized), the tile layer comes from
the settings, and Leaflet's marker images from the hub's static files.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, TypedDict

from django import template
from django.conf import settings
from django.templatetags.static import static
from django.utils.translation import gettext as _

register = template.Library()


class MapPoint(TypedDict, total=False):
    """One inline point; `name` shows in its popup, which links to `url` when there is one."""

    lat: float
    lon: float
    name: str
    url: str


def _center(center: Any, points: list[MapPoint]) -> str:
    if isinstance(center, str) and center:
        return center
    if center is None:
        center = (points[0]["lat"], points[0]["lon"]) if points else None
    if center is None:
        center = settings.SHAREHUB_CITY["map_center"]
    return f"{float(center[0])},{float(center[1])}"


@register.inclusion_tag("core/partials/map.html#assets")
def map_assets(*, cluster: bool = False) -> dict[str, Any]:
    """Leaflet, its styles and the map script; `cluster=True` adds marker clustering."""
    return {"cluster": cluster}


@register.inclusion_tag("core/partials/map.html", name="map")
def hub_map(
    element_id: str,
    label: str,
    *,
    points_url: str = "",
    query: str = "",
    points: Sequence[MapPoint] | str | None = None,
    boundary_url: str = "",
    labels: bool = False,
    focus: str = "",
    cluster: bool = False,
    center: Sequence[float] | str | None = None,
    zoom: int | str | None = None,
    small: bool = False,
    error_message: str = "",
    truncated_message: str = "",
    skip_href: str = "",
    skip_label: str = "",
    no_script: str = "",
) -> dict[str, Any]:
    """A map region labelled `label` (see core/js/map.js for what each option draws).

    `query` (a list's filters as a query string) is passed on to `points_url`; `points` is a list
    of MapPoint (or its JSON); `center` defaults to the first point, else the
    city's; `skip_href`/`skip_label` add a link before the map to the same content as text (`#id`
    of a list on the page, or a page's address); `no_script` says where that content is when
    scripts do not run.
    """
    if isinstance(points, str):
        points = json.loads(points) if points else []
    point_list = list(points or [])
    return {
        "element_id": element_id,
        "label": label,
        "points_url": f"{points_url}?{query}" if points_url and query else points_url,
        "points": json.dumps(point_list, ensure_ascii=False) if point_list else "",
        "boundary_url": boundary_url,
        "labels": labels,
        "focus": focus,
        "cluster": cluster,
        "center": _center(center, point_list),
        "zoom": str(int(zoom if zoom is not None else settings.SHAREHUB_CITY["map_zoom"])),
        "tile_url": settings.SHAREHUB_TILE_URL,
        "tile_attribution": settings.SHAREHUB_TILE_ATTRIBUTION,
        "icon_url": static("vendor/leaflet/images/marker-icon.png"),
        "icon_retina_url": static("vendor/leaflet/images/marker-icon-2x.png"),
        "shadow_url": static("vendor/leaflet/images/marker-shadow.png"),
        "small": small,
        "error_message": error_message or _("The map could not be loaded."),
        "truncated_message": truncated_message,
        "skip_href": skip_href,
        "skip_label": skip_label,
        "no_script": no_script,
    }
