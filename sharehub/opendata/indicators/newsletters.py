"""Newsletters' indicator: confirmed subscribers, a running total by the month they confirmed,
by the district they chose. Counts only: never an address."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Count
from django.db.models.functions import Coalesce, TruncMonth
from django.utils.translation import gettext_lazy as _

from sharehub.newsletters.models import Subscriber

from .engine import Indicator, Point, as_month, register


def _subscribers() -> Iterator[Point]:
    grouped = (
        Subscriber.objects.filter(status=Subscriber.Status.CONFIRMED)
        .annotate(month=TruncMonth(Coalesce("confirmed_at", "created_at")))
        .values("month", "district__code")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in grouped:
        yield Point(as_month(row["month"]), row["district__code"], None, row["n"])


SUBSCRIBERS = register(
    Indicator(
        code="newsletters.subscribers",
        group="newsletters",
        name=_("Newsletter subscribers"),
        unit=_("subscribers"),
        definition=_(
            "People subscribed to the city's sharing newsletter, by the end of each month."
        ),
        method=_(
            "Adds up, month by month, the subscribers confirmed today by the month of their confirmation (Asia/Seoul) and the district they chose; those waiting for confirmation, unsubscribed or bounced are not counted in any month."
        ),
        source=_("ShareHub newsletters"),
        compute=_subscribers,
        sources=(Subscriber,),
        dimensions=("period", "district"),
        cumulative=True,
        order=70,
    )
)
