"""The base map under every `{% map %}`: layers of the hub's own geography, registered by the app
that owns it (places: the districts and the neighbourhoods), so a map reads without any outside
tile server and the kernel names no app (DESIGN.md, "App contract").

Each layer is a GeoJSON FeatureCollection of areas with a `name` property; core/js/map.js draws it
from `min_zoom` on and writes the names between `labels_from` and `labels_until`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal


@dataclass(frozen=True)
class BaseLayer:
    name: str
    # The layer's address in the active language (called while a page renders).
    url: Callable[[], str]
    # "major": the city's main divisions, always drawn; "minor": finer ones, drawn lightly.
    rank: Literal["major", "minor"]
    order: int
    min_zoom: float
    labels_from: float
    labels_until: float


_layers: dict[str, BaseLayer] = {}


def register_base_layer(
    name: str,
    *,
    url: Callable[[], str],
    rank: Literal["major", "minor"] = "major",
    order: int = 0,
    min_zoom: float = 0,
    labels_from: float = 0,
    labels_until: float = 99,
) -> None:
    """Draw the areas at `url()` under every map (by ascending `order`), named in a zoom range."""
    _layers[name] = BaseLayer(
        name=name,
        url=url,
        rank=rank,
        order=order,
        min_zoom=min_zoom,
        labels_from=labels_from,
        labels_until=labels_until,
    )


def base_layers() -> list[dict[str, Any]]:
    """The registered layers as map.js reads them (data-base-layers)."""
    return [
        {
            "name": layer.name,
            "url": layer.url(),
            "rank": layer.rank,
            "minZoom": layer.min_zoom,
            "labelsFrom": layer.labels_from,
            "labelsUntil": layer.labels_until,
        }
        for layer in sorted(_layers.values(), key=lambda layer: (layer.order, layer.name))
    ]
