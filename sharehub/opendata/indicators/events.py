"""Events' indicators: public events, their confirmed registrations and attendance, by the month
the event starts, its district and its kind. Counts only: never a person."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext_lazy as _

from sharehub.events.models import Event, EventKind, Registration, RegistrationStatus
from sharehub.events.selectors import public_events
from sharehub.organizations.models import Organization

from .engine import Indicator, Point, as_month, register

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

SOURCES = (Event, Registration, Organization)


def _kind_labels() -> dict[str, StrOrPromise]:
    return dict(EventKind.choices)


def _events() -> Iterator[Point]:
    grouped = (
        public_events()
        .annotate(month=TruncMonth("starts_at"))
        .values("month", "district__code", "kind")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in grouped:
        yield Point(as_month(row["month"]), row["district__code"], row["kind"], row["n"])


def _registrations(condition: Q) -> Iterator[Point]:
    grouped = (
        Registration.objects.filter(condition, event__in=public_events().values("pk"))
        .annotate(month=TruncMonth("event__starts_at"))
        .values("month", "event__district__code", "event__kind")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in grouped:
        yield Point(
            as_month(row["month"]), row["event__district__code"], row["event__kind"], row["n"]
        )


CONFIRMED = Q(status=RegistrationStatus.CONFIRMED)

EVENTS = register(
    Indicator(
        code="events.events",
        group="events",
        name=_("Events"),
        unit=_("events"),
        definition=_(
            "Public events of the city and of published organizations, by the month they start."
        ),
        method=_(
            "Counts published events (cancelled and draft events left out) whose organizer is the city or a published organization, by the month of their start (Asia/Seoul), their district and their kind; an online event has no district."
        ),
        source=_("ShareHub events"),
        compute=_events,
        sources=(Event, Organization),
        dimensions=("period", "district", "category"),
        categories=_kind_labels,
        order=30,
    )
)

REGISTRATIONS = register(
    Indicator(
        code="events.registrations",
        group="events",
        name=_("Event registrations"),
        unit=_("registrations"),
        definition=_("Confirmed registrations for public events, by the month the event starts."),
        method=_(
            "Counts the registrations confirmed now (not those waiting, on the waitlist, cancelled or declined) for the public events, by the event's month, district and kind."
        ),
        source=_("ShareHub events"),
        compute=lambda: _registrations(CONFIRMED),
        sources=SOURCES,
        dimensions=("period", "district", "category"),
        categories=_kind_labels,
        order=31,
    )
)

ATTENDANCE = register(
    Indicator(
        code="events.attendance",
        group="events",
        name=_("Event attendance"),
        unit=_("people"),
        definition=_(
            "People who came to public events: confirmed registrations checked in at the door."
        ),
        method=_(
            "Counts the confirmed registrations for public events that were checked in, by the event's month, district and kind."
        ),
        source=_("ShareHub events"),
        compute=lambda: _registrations(CONFIRMED & Q(checked_in_at__isnull=False)),
        sources=SOURCES,
        dimensions=("period", "district", "category"),
        categories=_kind_labels,
        order=32,
    )
)
