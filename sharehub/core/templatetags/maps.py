"""`{% load maps %}`: the hub's one map, `{% map_assets %}` in the head and `{% map %}` in the body.

Every page with a map uses these (core/partials/map.html and core/js/map.js), whatever it shows:
points from a GeoJSON address or inline, district boundaries as the content, a picker that fills a
form's coordinates. Under all of it the base map the apps register (core/basemap.py: districts and
neighbourhoods with their names), so no map needs an outside server. Numbers reach the data-
attributes as plain strings (never localized), the tile layer comes from the settings, and
Leaflet's marker images from the hub's static files.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from html import escape
from typing import Any, TypedDict

from django import template
from django.conf import settings
from django.templatetags.static import static
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from sharehub.core.basemap import base_layers

register = template.Library()

# One point is shown close (a whole map of a single pin says nothing): where its streets can be
# read on a tile layer; without one, a little wider, so the hub's own base map names the
# neighbourhoods around it.
STREET_ZOOM = 16
NEIGHBOURHOOD_ZOOM = 15


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


@register.simple_tag(name="map")
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
    locate: bool = True,
    pick_lat: str = "",
    pick_lon: str = "",
    pick_point: str = "",
    error_message: str = "",
    truncated_message: str = "",
    skip_href: str = "",
    skip_label: str = "",
    no_script: str = "",
) -> SafeString:
    """A map region labelled `label` (see core/js/map.js for what each option draws).

    `query` (a list's filters as a query string) is passed on to `points_url`; `points` is a list
    of MapPoint (or its JSON); `center` defaults to the first point, else the
    city's, and `zoom` to the street's for inline points, else the city's; `focus` (a district's
    slug) outlines that district; `locate` adds a "my location" button; `pick_lat`/`pick_lon` (ids
    of two inputs) or `pick_point` (one "lat,lon" input) make the map a picker that fills them;
    `skip_href`/`skip_label` add a link before the map to the same content as text (`#id` of a
    list on the page, or a page's address); `no_script` says where that content is when scripts
    do not run.
    """
    if isinstance(points, str):
        points = json.loads(points) if points else []
    point_list = list(points or [])
    if zoom is None and point_list:
        zoom = STREET_ZOOM if settings.SHAREHUB_TILE_URL else NEIGHBOURHOOD_ZOOM
    elif zoom is None:
        zoom = settings.SHAREHUB_CITY["map_zoom"]
    if points_url and query:
        points_url = f"{points_url}?{query}"
    points_json = json.dumps(point_list, ensure_ascii=False) if point_list else ""
    center_text, zoom_text = _center(center, point_list), str(int(zoom))
    error_message = error_message or _("The map could not be loaded.")
    # The markup, written here rather than by a template: list and district pages draw one on
    # every request (a template of thirty conditions was a tenth of a small page, issue 18).
    # Every value is escaped as the template's autoescaping did: `html.escape`, and texts that
    # may come already escaped (a `blocktranslate … asvar`) only when they are not.
    e, text = escape, conditional_escape
    picker = bool((pick_lat and pick_lon) or pick_point)
    html = []
    if skip_href:
        html.append(f'<p class="map-skip"><a href="{e(skip_href)}">{text(skip_label)}</a></p>\n')
    if picker:
        help_text = _(
            "Click the map or drag the pin: the coordinates are filled in. You can also type them."
        )
        html.append(f'<p class="map-help" id="{e(element_id)}-help">{e(help_text)}</p>\n')
    css = "map" + (" map-small" if small else "") + (" map-picker" if picker else "")
    attrs = [
        f'id="{e(element_id)}" class="{css}" role="region" aria-label="{text(label)}"',
        f'aria-describedby="{e(element_id)}-help"' if picker else "",
        "data-map",
        f'data-center="{e(center_text)}" data-zoom="{e(zoom_text)}"',
        f'data-base-layers="{e(json.dumps(base_layers(), ensure_ascii=False))}"',
        f'data-tile-url="{e(settings.SHAREHUB_TILE_URL)}" '
        f'data-tile-attribution="{e(settings.SHAREHUB_TILE_ATTRIBUTION)}"',
        f'data-icon-url="{e(static("vendor/leaflet/images/marker-icon.png"))}" '
        f'data-icon-retina-url="{e(static("vendor/leaflet/images/marker-icon-2x.png"))}" '
        f'data-shadow-url="{e(static("vendor/leaflet/images/marker-shadow.png"))}"',
        f'data-boundary-url="{e(boundary_url)}"' if boundary_url else "",
        "data-labels" if labels else "",
        f'data-focus="{e(focus)}"' if focus else "",
        f'data-points-url="{e(points_url)}"' if points_url else "",
        f'data-points="{e(points_json)}"' if points_json else "",
        "data-cluster" if cluster else "",
    ]
    # The messages are read outside the f-strings: makemessages (xgettext 0.21) skips those.
    if locate:
        show, found = _("Show my location"), _("The map shows your location.")
        denied = _("Your browser did not share your location.")
        failed = _("Your location could not be found.")
        attrs.append(
            f'data-locate-label="{e(show)}" data-locate-found="{e(found)}" '
            f'data-locate-denied="{e(denied)}" data-locate-failed="{e(failed)}"'
        )
    if picker:
        chosen, placed = _("The chosen place"), _("The pin is at")
        cleared = _("The pin has been removed.")
        attrs.append(
            f'data-pick-lat="{e(pick_lat)}" data-pick-lon="{e(pick_lon)}" '
            f'data-pick-point="{e(pick_point)}" data-marker-label="{e(chosen)}" '
            f'data-pick-placed="{e(placed)}" data-pick-cleared="{e(cleared)}"'
        )
    zoom_in, zoom_out = _("Zoom in"), _("Zoom out")
    attrs.append(f'data-zoom-in-label="{e(zoom_in)}" data-zoom-out-label="{e(zoom_out)}"')
    if truncated_message:
        attrs.append(f'data-truncated-message="{text(truncated_message)}"')
    attrs.append(f'data-error-message="{text(error_message)}"')
    html.append(f"<div {' '.join(a for a in attrs if a)}></div>\n")
    if picker:
        centre = _("Put the pin at the centre of the map")
        remove = _("Remove the pin")
        html.append(
            f'<div class="map-actions" data-map-actions="{e(element_id)}" hidden>\n'
            f'  <button type="button" class="button secondary small" data-pick-centre>{e(centre)}</button>\n'
            f'  <button type="button" class="button secondary small" data-pick-clear>{e(remove)}</button>\n'
            "</div>\n"
        )
    html.append(f'<p class="map-status" id="{e(element_id)}-status" role="status"></p>')
    if no_script:
        html.append(f'\n<noscript><p class="meta">{text(no_script)}</p></noscript>')
    return mark_safe("".join(html))
