"""The directory's kept counts (core.counts): how many public listings match the browse filters,
each kept until a write to a table its query reads (listings and their organizations,
categories and districts served, addresses, services, designations) commits.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from sharehub.core.counts import KeptCounts

from .models import Listing, ListingCount

kept = KeptCounts(ListingCount)


def filter_key(filters: dict[str, Any]) -> str | None:
    """What a count depends on among the browse filters (never the order or the point), or None
    when it is not kept: a search counts its bounded hits. Whether a designation is current
    changes by the date alone, so the designated filter's key holds the city's date."""
    if filters.get("q"):
        return None
    category, district = filters.get("category"), filters.get("district")
    designated = timezone.localdate().isoformat() if filters.get("designated") else ""
    return "|".join(
        [
            f"c={category.slug if category else ''}",
            f"d={district.slug if district else ''}",
            f"g={designated}",
            f"p={filters.get('price') or ''}",
        ]
    )


def local_key(district: Any) -> str:
    """The district page's count of the listings located in or serving the district (without
    the city-wide ones the district filter adds): apart from every `filter_key`."""
    return f"local|d={district.slug}"


def count(queryset: QuerySet, key: str | None) -> int:
    return kept.count(queryset, key)


def count_of(build: Callable[[], QuerySet], key: str | None) -> int:
    """The count of the listings `build()` returns, the query built only when it is run."""
    return kept.count_of(Listing, build, key)


def counts_of(*wanted: tuple[Callable[[], QuerySet], str | None]) -> list[int]:
    """`count_of` of several, their versions and kept counts read in one query."""
    return kept.counts_of(Listing, wanted)
