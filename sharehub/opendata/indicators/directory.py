"""The directory's indicators: public listings by district, category and month of listing."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext_lazy as _

from sharehub.directory.models import Category, Listing
from sharehub.directory.selectors import public_listings
from sharehub.organizations.models import Organization

from .engine import Indicator, Point, register


def _listings() -> Iterator[Point]:
    """New public listings per month of listing, by the organization's district and category
    (a listing in two categories counts in each; one with none counts with no category)."""
    grouped = (
        public_listings()
        .annotate(month=TruncMonth("created_at"))
        .values("month", "organization__district__code", "categories__slug")
        .annotate(n=Count("pk", distinct=True))
        .order_by()
    )
    for row in grouped:
        yield Point(
            row["month"].date() if hasattr(row["month"], "date") else row["month"],
            row["organization__district__code"],
            row["categories__slug"],
            row["n"],
        )


def _category_labels() -> dict[str, str]:
    return {c.slug: c.name for c in Category.objects.order_by("order", "pk")}


LISTINGS = register(
    Indicator(
        code="directory.listings",
        group="directory",
        name=_("Listings in the directory"),
        unit=_("listings"),
        definition=_(
            "Sharing services listed in the public directory, by the month they were listed."
        ),
        method=_(
            "Counts public listings of public organizations by the month of their creation (Asia/Seoul), the organization's district and each category of the listing."
        ),
        source=_("ShareHub directory"),
        compute=_listings,
        sources=(Listing, Listing.categories.through, Organization, Category),
        dimensions=("period", "district", "category"),
        categories=_category_labels,
        order=10,
    )
)
