"""Support programmes: the decisions part's reads.

The public side (the transparency list, its CSV, the 360Giving file, the API) reads awards only,
of published calls, through `public_awards`: never an application, a rejection, a vote or a
person. The staff side reads the applications before the committee of the calls a person runs.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import Count, OuterRef, QuerySet, Subquery, Sum
from django.utils import timezone

from sharehub.accounts.roles import is_city_staff
from sharehub.core.actors import Actor, is_signed_in
from sharehub.programmes.models import (
    Application,
    ApplicationStatus,
    Award,
    Call,
    CommitteeDecision,
)


def public_awards(*, call: str = "", year: int | None = None) -> QuerySet[Award]:
    """Awards of published calls, newest first, with what a row shows (one query per page).
    `call` is a call's slug, `year` the year of the award's date."""
    awards = Award.objects.filter(
        call__published_at__isnull=False, call__published_at__lte=timezone.now()
    )
    if call:
        awards = awards.filter(call__slug=call)
    if year:
        awards = awards.filter(awarded_on__year=year)
    return (
        awards.select_related("call", "application__track", "application__organization__district")
        .defer("application__organization__district__boundary")
        .order_by("-awarded_on", "-pk")
    )


def award_years() -> list[int]:
    """The years with public awards, newest first (the year filter's choices)."""
    return [day.year for day in public_awards().dates("awarded_on", "year", order="DESC")]


def calls_with_awards() -> QuerySet[Call]:
    """Published calls with at least one award (the call filter's choices), newest first."""
    return (
        Call.objects.filter(published_at__isnull=False, published_at__lte=timezone.now())
        .filter(awards__isnull=False)
        .distinct()
        .order_by("-opens_at", "-pk")
    )


def totals_by_call(awards: QuerySet[Award]) -> list[dict[str, Any]]:
    """Per call of `awards`: its number of awards and their sum, with the call's budget (one
    query)."""
    rows = (
        awards.order_by()
        .values("call")
        .annotate(count=Count("pk"), total=Sum("amount"))
        .values("call", "count", "total")
    )
    by_call = {row["call"]: row for row in rows}
    calls = Call.objects.filter(pk__in=Subquery(awards.order_by().values("call"))).order_by(
        "-opens_at", "-pk"
    )
    # The rows above are few (a city's calls); the calls' titles come with them in one more query.
    return [
        {"call": call, "count": by_call[call.pk]["count"], "total": by_call[call.pk]["total"]}
        for call in calls
        if call.pk in by_call
    ]


def call_awards(call: Call) -> QuerySet[Award]:
    """A call's awards for its public page (the call is published, or seen by its staff)."""
    return (
        Award.objects.filter(call=call)
        .select_related("application__track", "application__organization")
        .order_by("-awarded_on", "-pk")
    )


def votes_of(application: Application) -> list[CommitteeDecision]:
    """The committee's votes on an application, latest first (staff only: names and numbers
    stay with the city)."""
    return list(application.committee_decisions.order_by("-meeting_on", "-pk"))


def _before_committee(actor: Actor) -> QuerySet[Application]:
    applications = Application.objects.filter(status=ApplicationStatus.COMMITTEE)
    if not is_signed_in(actor):
        return applications.none()
    if not is_city_staff(actor):
        applications = applications.filter(call__staff=actor.pk)  # type: ignore[union-attr]
    return applications


def count_before_committee(actor: Actor) -> int:
    """How many wait for the committee or the decision (the workspace's count: one query)."""
    return _before_committee(actor).count()


def before_committee(actor: Actor) -> QuerySet[Application]:
    """The applications before the committee in the calls this person runs, oldest submission
    first, each with its latest vote's outcome and meeting date (`latest_outcome`,
    `latest_meeting_on`)."""
    applications = _before_committee(actor)
    latest = CommitteeDecision.objects.filter(application=OuterRef("pk")).order_by(
        "-meeting_on", "-pk"
    )
    return (
        applications.select_related("call", "track", "organization")
        .annotate(
            latest_outcome=Subquery(latest.values("outcome")[:1]),
            latest_meeting_on=Subquery(latest.values("meeting_on")[:1]),
        )
        .order_by("submitted_at", "pk")
    )


def awards_csv_rows(awards: QuerySet[Award], *, header: list[str], prefix: str) -> Iterator[list]:
    """The awards as CSV rows (public fields only), read in chunks."""
    yield header
    for award in awards.iterator(chunk_size=500):
        application = award.application
        organization = application.organization
        district = organization.district
        yield [
            award.call.title,
            application.track.name,
            organization.name,
            application.title,
            award.amount,
            award.awarded_on.isoformat(),
            district.name if district is not None else "",
            f"{prefix}-{award.identifier}",
        ]
