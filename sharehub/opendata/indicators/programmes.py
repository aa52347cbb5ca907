"""Support programmes' indicators: the public awards of published calls (their number and
amount) by the month awarded, the organization's district and the kind of call."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from typing import TYPE_CHECKING

from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sharehub.organizations.models import Organization
from sharehub.programmes.models import Application, Award, Call, CallKind
from sharehub.programmes.selectors.decisions import public_awards

from .engine import Indicator, Point, as_month, register

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

SOURCES = (Award, Call, Application, Organization)


def _next_publication() -> datetime | None:
    """A call's awards become public at its publication time, with no write: the next such
    time of a call with awards, for the engine's cache (`Indicator.changes_at`)."""
    return (
        Call.objects.filter(published_at__gt=timezone.now(), awards__isnull=False)
        .order_by("published_at")
        .values_list("published_at", flat=True)
        .first()
    )


def _kind_labels() -> dict[str, StrOrPromise]:
    return dict(CallKind.choices)


def _awards(aggregate: Count | Sum) -> Callable[[], Iterator[Point]]:
    def compute() -> Iterator[Point]:
        grouped = (
            public_awards()
            .annotate(month=TruncMonth("awarded_on"))
            .values("month", "application__organization__district__code", "call__kind")
            .annotate(value=aggregate)
            .order_by()
        )
        for row in grouped:
            yield Point(
                as_month(row["month"]),
                row["application__organization__district__code"],
                row["call__kind"],
                row["value"] or 0,
            )

    return compute


AWARDS = register(
    Indicator(
        code="programmes.awards",
        group="programmes",
        name=_("Grants awarded"),
        unit=_("awards"),
        definition=_("Awards of the city's support programmes, by the month awarded."),
        method=_(
            "Counts the awards of published calls by the month of the award date, the district of the awarded organization and the kind of call."
        ),
        source=_("ShareHub support programmes"),
        compute=_awards(Count("pk")),
        sources=SOURCES,
        dimensions=("period", "district", "category"),
        categories=_kind_labels,
        changes_at=_next_publication,
        order=60,
    )
)

AWARDED_AMOUNT = register(
    Indicator(
        code="programmes.awarded_amount",
        group="programmes",
        name=_("Amount awarded"),
        unit=_("won"),
        definition=_(
            "The amounts of the awards of the city's support programmes, by the month awarded."
        ),
        method=_(
            "Sums the amounts of the awards of published calls by the month of the award date, the district of the awarded organization and the kind of call."
        ),
        source=_("ShareHub support programmes"),
        compute=_awards(Sum("amount")),
        sources=SOURCES,
        dimensions=("period", "district", "category"),
        categories=_kind_labels,
        changes_at=_next_publication,
        order=61,
    )
)
