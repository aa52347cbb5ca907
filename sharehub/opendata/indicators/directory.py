"""The directory's indicators: public listings by district, category and month of listing (new
each month, and the running total), and their services by category and by price type."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sharehub.directory.models import Category, Listing, PriceType, Service
from sharehub.directory.selectors import public_listings
from sharehub.organizations.models import Organization

from .engine import ALL, Indicator, Point, as_month, kept_labels, register, table_of

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def _listings() -> Iterator[Point]:
    """New public listings per month of listing, by the organization's district and category
    (a listing in two categories counts in each; one with none counts with no category), and
    per month and district with the categories totalled (ALL), each listing once."""
    listed = public_listings().annotate(month=TruncMonth("created_at"))
    grouped = (
        listed.values("month", "organization__district__code", "categories__slug")
        .annotate(n=Count("pk", distinct=True))
        .order_by()
    )
    for row in grouped:
        yield Point(
            as_month(row["month"]),
            row["organization__district__code"],
            row["categories__slug"],
            row["n"],
        )
    totals = (
        listed.values("month", "organization__district__code").annotate(n=Count("pk")).order_by()
    )
    for total in totals:
        yield Point(
            as_month(total["month"]), total["organization__district__code"], ALL, total["n"]
        )


@kept_labels(Category)
def _category_labels() -> dict[str, StrOrPromise]:
    # Two columns, the name in the reader's language with its fallback (modeltranslation), not
    # a model instance per category; kept with the dashboard's tables (engine.kept_labels).
    return dict(Category.objects.order_by("order", "pk").values_list("slug", "name"))


LISTINGS = register(
    Indicator(
        code="directory.listings",
        group="directory",
        name=_("Listings in the directory"),
        unit=pgettext_lazy("unit", "listings"),
        definition=_(
            "Sharing services listed in the public directory, by the month they were listed."
        ),
        method=_(
            "Counts public listings of public organizations by the month of their creation (Asia/Seoul), the organization's district and each category of the listing: a listing in two categories counts in each, and once when the categories are added up."
        ),
        source=_("ShareHub directory"),
        compute=_listings,
        sources=(Listing, Listing.categories.through, Organization, Category),
        dimensions=("period", "district", "category"),
        multi_valued=("category",),
        categories=_category_labels,
        order=10,
    )
)


LISTINGS_TOTAL = register(
    Indicator(
        code="directory.listings_total",
        group="directory",
        name=_("Listings in the directory, in all"),
        unit=pgettext_lazy("unit", "listings"),
        definition=_(
            "Sharing services in the public directory by the end of each month: the running total of the listings added each month."
        ),
        method=_(
            "Adds up, month by month, the public listings of public organizations by the month of their creation (Asia/Seoul), by the organization's district and each category of the listing. A listing in two categories counts in each, and once when the categories are added up; a listing hidden or removed since is not counted in any month."
        ),
        source=_("ShareHub directory"),
        # The same table as LISTINGS (same sources): computed once, read as a running total.
        compute=lambda: table_of(LISTINGS).points,
        sources=(Listing, Listing.categories.through, Organization, Category),
        dimensions=("period", "district", "category"),
        multi_valued=("category",),
        categories=_category_labels,
        cumulative=True,
        order=11,
    )
)


def _services_by(field: str) -> Iterator[Point]:
    """Services of public listings now, by the organization's district and `field`."""
    grouped = (
        Service.objects.filter(listing__in=public_listings())
        .values("listing__organization__district__code", field)
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in grouped:
        yield Point(None, row["listing__organization__district__code"], row[field], row["n"])


def _price_labels() -> dict[str, StrOrPromise]:
    return dict(PriceType.choices)


SERVICES = register(
    Indicator(
        code="directory.services",
        group="directory",
        name=_("Services offered"),
        unit=_("services"),
        definition=_("The services that public listings offer now, by category."),
        method=_(
            "Counts the services of public listings of public organizations by the service's category and the organization's district; a service with no category counts with none."
        ),
        source=_("ShareHub directory"),
        compute=lambda: _services_by("category__slug"),
        sources=(Service, Listing, Organization, Category),
        dimensions=("district", "category"),
        categories=_category_labels,
        order=12,
    )
)

SERVICES_BY_PRICE = register(
    Indicator(
        code="directory.services_by_price",
        group="directory",
        name=_("Price types of services"),
        # Its categories are the price types: the name says the grouping already.
        captions={"category": _("Price types of services")},
        unit=_("services"),
        definition=_(
            "The services that public listings offer now, by how they are paid for (free, paid, deposit, membership, price not listed)."
        ),
        method=_(
            "Counts the services of public listings of public organizations by their price type and the organization's district."
        ),
        source=_("ShareHub directory"),
        compute=lambda: _services_by("price_type"),
        sources=(Service, Listing, Organization),
        dimensions=("district", "category"),
        categories=_price_labels,
        order=13,
    )
)
