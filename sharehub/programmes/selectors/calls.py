"""Support programmes: the calls part's reads (public lists, the staff's lists, follows,
reminders due). Lists are bounded: a fixed number of queries whatever their size."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Case, Count, F, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.db.models import DateTimeField as DT
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from sharehub.accounts.roles import is_city_staff
from sharehub.core.actors import Actor, is_signed_in
from sharehub.programmes.models import (
    Application,
    Call,
    CallFollow,
    CallPhase,
    Criterion,
    FormField,
    Track,
)
from sharehub.programmes.permissions import is_call_staff
from sharehub.programmes.selectors import public_calls

FEED_SIZE = 50


def phase_q(phase: str, now: datetime.datetime) -> Q:
    """Calls in this phase at `now` (CallPhase values)."""
    if phase == CallPhase.UPCOMING:
        return Q(opens_at__gt=now)
    if phase == CallPhase.OPEN:
        return Q(opens_at__lte=now, closes_at__gt=now)
    return Q(closes_at__lte=now)


def call_list(*, filters: dict[str, Any] | None = None) -> QuerySet[Call]:
    """Published calls: open ones first (closing soonest first), then upcoming (opening soonest),
    then closed (latest first); filtered by `phase` and `kind`."""
    filters = filters or {}
    now = timezone.now()
    calls = public_calls()
    if filters.get("phase"):
        calls = calls.filter(phase_q(filters["phase"], now))
    if filters.get("kind"):
        calls = calls.filter(kind=filters["kind"])
    rank = Case(
        When(phase_q(CallPhase.OPEN, now), then=Value(0)),
        When(phase_q(CallPhase.UPCOMING, now), then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    # Closed calls latest first: order by a negated timestamp is not portable, so two keys.
    return calls.annotate(phase_rank=rank).order_by(
        "phase_rank",
        Case(When(phase_rank=2, then=Value(None)), default=F("closes_at"), output_field=DT()),
        "-closes_at",
        "-pk",
    )


def with_parts(calls: QuerySet[Call]) -> QuerySet[Call]:
    """What a call's page (and its API) shows, read in a fixed number of queries."""
    return calls.select_related("committee").prefetch_related(
        Prefetch("tracks", queryset=Track.objects.order_by("order", "pk")),
        Prefetch("criteria", queryset=Criterion.objects.order_by("order", "pk")),
        Prefetch("fields", queryset=FormField.objects.order_by("order", "pk")),
        "documents",
        "districts",
    )


def call_page(actor: Actor, slug: str) -> Call:
    """A published call (or an unpublished one for its staff) with its parts; 404 otherwise."""
    call = with_parts(Call.objects.filter(slug=slug[:80])).first()
    if call is None:
        raise Http404
    unpublished = call.published_at is None or call.published_at > timezone.now()
    if unpublished and not is_call_staff(actor, call):
        raise Http404
    return call


def calls_to_manage(actor: Actor) -> QuerySet[Call]:
    """City staff: every call; a call's staff: theirs; anyone else: none."""
    if not is_signed_in(actor):
        return Call.objects.none()
    pk = int(getattr(actor, "pk", 0) or 0)
    calls = Call.objects.all() if is_city_staff(actor) else Call.objects.filter(staff__pk=pk)
    return calls.order_by("-created_at", "-pk")


def call_to_manage(actor: Actor, slug: str) -> Call:
    """A call its staff (or city staff) edit; 404 for anyone else, so nothing leaks."""
    call = Call.objects.filter(slug=slug[:80]).first()
    if call is None or not is_call_staff(actor, call):
        raise Http404
    return call


def status_counts(calls: list[Call]) -> dict[int, dict[str, int]]:
    """Applications of these calls by status, in one grouped query: {call id: {status: n}}."""
    counts: dict[int, dict[str, int]] = {call.pk: {} for call in calls}
    rows = (
        Application.objects.filter(call__in=[c.pk for c in calls])
        .values("call_id", "status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in rows:
        counts[row["call_id"]][row["status"]] = row["n"]
    return counts


def feed_calls() -> list[Call]:
    """The feed: the latest published calls."""
    return list(public_calls().order_by("-published_at", "-pk")[:FEED_SIZE])


def is_following(*, user: Actor, call: Call) -> bool:
    pk = int(getattr(user, "pk", 0) or 0)
    return is_signed_in(user) and CallFollow.objects.filter(call=call, user__pk=pk).exists()


def due_reminders(*, now: datetime.datetime, within: datetime.timedelta) -> QuerySet[CallFollow]:
    """Follows not yet reminded of a published call closing within `within` of `now`."""
    return CallFollow.objects.filter(
        reminded_at__isnull=True,
        call__published_at__isnull=False,
        call__published_at__lte=now,
        call__closes_at__gt=now,
        call__closes_at__lte=now + within,
    ).order_by("pk")


def export_follows(user: Any) -> list[dict]:
    """ "Download my data": the calls this person follows."""
    return [
        {
            "call": follow.call.slug,
            "followed_at": follow.created_at.isoformat(),
            "reminded_at": follow.reminded_at.isoformat() if follow.reminded_at else None,
        }
        for follow in CallFollow.objects.filter(user=user).select_related("call").order_by("pk")
    ]


def parse_options(text: str) -> list[tuple[str, str, str]]:
    """A choice question's options, one a line as "value|한국어|English" (English optional):
    [(value, Korean, English)]. ValueError with the reader's message for a bad line."""
    options: list[tuple[str, str, str]] = []
    seen: set[str] = set()
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        parts = [part.strip() for part in line.split("|")]
        if len(parts) not in (2, 3) or not parts[0] or not parts[1]:
            raise ValueError(_("Line %(number)s: write value|한국어|English.") % {"number": number})
        if parts[0] in seen:
            raise ValueError(
                _("Line %(number)s: the value “%(value)s” is used twice.")
                % {"number": number, "value": parts[0]}
            )
        seen.add(parts[0])
        options.append((parts[0], parts[1], parts[2] if len(parts) == 3 else ""))
    return options


def option_choices(field: FormField, language: str) -> list[tuple[str, str]]:
    """A choice question's options as (value, label in `language`, else Korean)."""
    try:
        options = parse_options(field.choices)
    except ValueError:
        return []
    return [(value, (en if language == "en" and en else ko)) for value, ko, en in options]
