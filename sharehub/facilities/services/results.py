"""facilities: utilisation and the monthly operating results (published; they feed the open-data
indicators).

`compute_month` writes a finished month's results, one row per space (the definitions are in
selectors/results.py). It is idempotent: the rows are upserted on their unique (space, month) in
one statement, so two workers computing the same month at once leave exactly one row per space,
and a later run (a no-show recorded late) brings them up to date.
"""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sharehub.core.forms import field_error
from sharehub.facilities import rules
from sharehub.facilities.models import MonthlyResult
from sharehub.facilities.selectors import results as selectors

# The periodic job recomputes the previous month during the first days of a month (late no-shows,
# payments and refunds recorded after the month's end are taken in); after that it stands.
RECOMPUTE_DAYS = 3


def compute_month(month: date, *, now: datetime | None = None) -> int:
    """Compute and publish every counted space's results for a finished month; the number of
    rows written. A month not yet over is refused (it is never published)."""
    now = now or timezone.now()
    if month.day != 1:
        raise field_error("month", _("Give the month's first day."), code="invalid")
    if not selectors.is_over(month, now=now):
        raise field_error(
            "month", _("This month is not over: its results are not published yet."), code="open"
        )
    with transaction.atomic(durable=True):
        return publish_month(month, now=now)


def publish_month(month: date, *, now: datetime) -> int:
    """Write a finished month's rows inside the caller's transaction (`compute_month`, the demo)."""
    figures = selectors.month_figures(selectors.counted_spaces(month), month, now=now)
    rows = [
        MonthlyResult(
            space_id=space_id,
            month=month,
            computed_at=now,
            **{name: getattr(row, name) for name in selectors.STORED},
        )
        for space_id, row in figures.items()
    ]
    MonthlyResult.objects.bulk_create(
        rows,
        batch_size=500,
        update_conflicts=True,
        unique_fields=["space", "month"],
        update_fields=[*selectors.STORED, "computed_at"],
    )
    return len(rows)


def publish_due(*, now: datetime | None = None) -> int:
    """The periodic job's body (safe every hour): the previous month, during the first
    RECOMPUTE_DAYS days of a month or whenever it has no results yet (the scheduler was down)."""
    now = now or timezone.now()
    today = rules.local(now).date()
    month = selectors.previous_month(today)
    if today.day > RECOMPUTE_DAYS and MonthlyResult.objects.filter(month=month).exists():
        return 0
    return compute_month(month, now=now)
