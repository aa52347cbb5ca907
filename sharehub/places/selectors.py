from __future__ import annotations

from typing import NamedTuple

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from sharehub.core.i18n import current_language, localized_order, pick

from .models import District, Neighbourhood


def district_list() -> QuerySet[District]:
    """Districts without their (large) boundaries, for lists and choices."""
    return District.objects.defer("boundary").order_by("name_ko")


class DistrictLink(NamedTuple):
    slug: str
    name: str  # in the reader's language, else the other one (as District.name falls back)


def district_links(*, limit: int) -> list[DistrictLink]:
    """The first districts by the name the reader sees, as links (the home page): three
    columns, no model instance per district."""
    language = current_language()
    rows = District.objects.order_by(localized_order("name"), "code").values_list(
        "slug", "name_ko", "name_en"
    )[:limit]
    return [
        DistrictLink(slug, pick({"name_ko": name_ko, "name_en": name_en}, "name", language))
        for slug, name_ko, name_en in rows
    ]


def get_district(*, slug: str) -> District:
    """A district for its page, without its boundary (the page's map fetches the GeoJSON)."""
    return get_object_or_404(District.objects.defer("boundary"), slug=slug)


def get_district_by_code(*, code: str) -> District:
    return get_object_or_404(District, code=code)


def district_boundaries() -> QuerySet[District]:
    """Districts that have a boundary, with only what a map layer needs."""
    return (
        District.objects.exclude(boundary__isnull=True)
        .only("code", "slug", "name_ko", "name_en", "boundary")
        .order_by("code")
    )


def neighbourhood_boundaries() -> QuerySet[Neighbourhood]:
    """Every neighbourhood with only what the base map needs."""
    return (
        Neighbourhood.objects.select_related("district")
        .only("code", "name_ko", "name_en", "boundary", "district__code")
        .order_by("code")
    )
