"""The browse filters, parsed once from query parameters for the list page, the map and the API.

Every bad value becomes a field error in the reader's language; the valid ones still apply, so a
page can show the errors next to results and the API can answer 422.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import Category, PriceType

Q_MAX_LENGTH = 100


class Sort:
    NAME = "name"
    NEWEST = "newest"
    DISTANCE = "distance"
    CHOICES = [
        (NAME, gettext_lazy("Name")),
        (NEWEST, gettext_lazy("Newest")),
        (DISTANCE, gettext_lazy("Distance")),
    ]
    VALUES = {NAME, NEWEST, DISTANCE}


@dataclass
class ListingFilters:
    q: str = ""
    category: str = ""
    district: str = ""
    designated: bool = False
    price: str = ""
    sort: str = Sort.NAME
    near: tuple[float, float] | None = None
    sort_given: bool = False  # with `q` and no sort asked, the search's ranking decides
    errors: dict[str, list[str]] = field(default_factory=dict)

    def error(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)


def parse_near(text: str) -> tuple[float, float] | None:
    """'lat,lon' in degrees, or None when it is not a point on Earth."""
    parts = text.split(",")
    if len(parts) != 2:
        return None
    try:
        lat, lon = float(parts[0]), float(parts[1])
    except ValueError:
        return None
    if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return lat, lon


def parse_filters(params: Mapping[str, str]) -> ListingFilters:
    """Read the filters; unknown category or district slugs are errors (one query each)."""
    from sharehub.places.models import District

    filters = ListingFilters()
    q = (params.get("q") or "").strip()
    if len(q) > Q_MAX_LENGTH:
        filters.error(
            "q", _("Keep the search under %(limit)d characters.") % {"limit": Q_MAX_LENGTH}
        )
        q = q[:Q_MAX_LENGTH]
    filters.q = q
    if category := (params.get("category") or "").strip():
        if Category.objects.filter(slug=category, active=True).exists():
            filters.category = category
        else:
            filters.error("category", _("There is no category with this address name."))
    if district := (params.get("district") or "").strip():
        if District.objects.filter(slug=district).exists():
            filters.district = district
        else:
            filters.error("district", _("There is no district with this address name."))
    designated = (params.get("designated") or "").strip().lower()
    if designated in ("1", "true", "on", "yes"):
        filters.designated = True
    elif designated not in ("", "0", "false", "off", "no"):
        filters.error("designated", _("Enter true or false."))
    if price := (params.get("price") or "").strip():
        if price in PriceType.values:
            filters.price = price
        else:
            filters.error("price", _("Select a valid choice."))
    if near := (params.get("near") or "").strip():
        filters.near = parse_near(near)
        if filters.near is None:
            filters.error(
                "near", _("Give a point as latitude,longitude, for example 37.5665,126.9780.")
            )
    sort = (params.get("sort") or "").strip()
    filters.sort_given = bool(sort)
    if not sort:
        filters.sort = Sort.DISTANCE if filters.near else Sort.NAME
    elif sort not in Sort.VALUES:
        filters.error("sort", _("Select a valid choice."))
    elif sort == Sort.DISTANCE and filters.near is None:
        if "near" not in filters.errors:
            filters.error("near", _("Give a point to sort by distance."))
    else:
        filters.sort = sort
    return filters
