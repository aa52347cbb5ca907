"""Designation's indicators: designations granted each month and organizations designated now,
by the organization's district and the kind of designation (the public register's facts)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext_lazy as _

from sharehub.designation.models import Designation, DesignationKind
from sharehub.designation.selectors import current_designation_filter, public_designations
from sharehub.organizations.models import Organization

from .engine import Indicator, Point, as_month, register

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def _kind_labels() -> dict[str, StrOrPromise]:
    return dict(DesignationKind.choices)


def _granted() -> Iterator[Point]:
    grouped = (
        public_designations()
        .filter(renews_designation__isnull=True)
        .annotate(month=TruncMonth("designated_on"))
        .values("month", "organization__district__code", "kind")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in grouped:
        yield Point(
            as_month(row["month"]), row["organization__district__code"], row["kind"], row["n"]
        )


def _current() -> Iterator[Point]:
    grouped = (
        public_designations()
        .filter(current_designation_filter())
        .values("organization__district__code", "kind")
        .annotate(n=Count("organization", distinct=True))
        .order_by()
    )
    for row in grouped:
        yield Point(None, row["organization__district__code"], row["kind"], row["n"])


GRANTED = register(
    Indicator(
        code="designation.granted",
        group="designation",
        name=_("Designations granted"),
        unit=_("designations"),
        definition=_(
            "Sharing organizations and enterprises the city designated, by the month of designation (renewals not counted)."
        ),
        method=_(
            "Counts the designations in the public register of published organizations by the month of their designation date, the organization's district and the kind of designation, leaving out designations that renew an earlier one. A designation since expired or revoked still counts in its month."
        ),
        source=_("ShareHub designation register"),
        compute=_granted,
        sources=(Designation, Organization),
        dimensions=("period", "district", "category"),
        categories=_kind_labels,
        order=20,
    )
)

CURRENT = register(
    Indicator(
        code="designation.current",
        group="designation",
        name=_("Designated organizations"),
        unit=_("organizations"),
        definition=_("Published organizations holding a valid designation today."),
        method=_(
            "Counts the published organizations with an active designation whose validity includes today, by the organization's district and the kind of designation."
        ),
        source=_("ShareHub designation register"),
        compute=_current,
        sources=(Designation, Organization),
        dimensions=("district", "category"),
        categories=_kind_labels,
        order=21,
    )
)
