"""Reads of events; each returns a bounded, prefetched query (DESIGN §4)."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, TypedDict, Unpack, cast

from django.core.exceptions import PermissionDenied
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from sharehub.accounts.models import User
from sharehub.accounts.roles import is_city_staff
from sharehub.core import pagecache
from sharehub.core.actors import Actor, is_signed_in
from sharehub.moderation.models import ModerationStatus
from sharehub.organizations.models import MemberRole, Organization
from sharehub.places.models import District
from sharehub.search.selectors import search

from .models import (
    ACTIVE_STATUSES,
    SEAT_STATUSES,
    Event,
    EventSession,
    EventStatus,
    Registration,
    RegistrationStatus,
    ReminderDelivery,
)
from .permissions import can_manage_event, can_view_event

CITY = "city"  # the organizer filter's value for events the city itself organizes
MAX_REMINDER_HOURS = 720
FEED_PAST_DAYS = 90
FEED_MAX_EVENTS = 5000


class EventFilters(TypedDict, total=False):
    """The list's filters, as `forms.EventFilterForm` cleans them."""

    q: str
    kind: str
    district: District | None
    organizer: Organization | str | None  # an organization, CITY, or None
    start: date | None
    end: date | None
    free: bool
    past: bool


def published_organization(slug: str) -> Organization | None:
    """A published organization by slug (a pending or hidden one is answered like a missing one)."""
    return Organization.objects.filter(
        slug=slug, moderation_status=ModerationStatus.PUBLISHED
    ).first()


def organizations_with_events() -> QuerySet[Organization]:
    """The organizer filter's choices: published organizations with published events (a pending
    or hidden one's name is not shown, nor are its events)."""
    return (
        Organization.objects.filter(
            events__status=EventStatus.PUBLISHED, moderation_status=ModerationStatus.PUBLISHED
        )
        .distinct()
        .order_by("name_ko")
    )


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def public_organizer_q() -> Q:
    """The city or a published organization: an event is public only while its organizer is
    (permissions.can_view_event says the same of one event)."""
    return Q(organization__isnull=True) | Q(
        organization__moderation_status=ModerationStatus.PUBLISHED
    )


def public_events() -> QuerySet[Event]:
    """What an anonymous visitor may find: the search index holds exactly these (apps.py)."""
    return (
        Event.objects.filter(public_organizer_q(), status=EventStatus.PUBLISHED)
        .select_related("organization", "district")
        .defer("district__boundary")
    )


# What an event's card shows (events.templatetags.event_cards: its dates, places and state) and
# its organizer's and district's names.
CARD_FIELDS = (
    "title",
    "summary",
    "kind",
    "status",
    "starts_at",
    "ends_at",
    "capacity",
    "seats_taken",
    "registration_opens_at",
    "registration_closes_at",
    "organization__name",
    "district__name",
)


def cards(queryset: QuerySet[Event]) -> QuerySet[Event]:
    """Events as the list's cards: only the columns a card shows (an event with its organizer
    and district is some seventy, descriptions among them)."""
    return queryset.only(*CARD_FIELDS)


def with_next_start(queryset: QuerySet[Event], *, now: datetime) -> QuerySet[Event]:
    """Annotate `next_starts_at`: when the event next takes place. A course of several sessions
    that has begun next meets at its first session not yet over, so a card under "coming up"
    never shows a date already past; an event without sessions keeps its own start."""
    next_session = (
        EventSession.objects.filter(event=OuterRef("pk"), ends_at__gte=now)
        .order_by("starts_at", "pk")
        .values("starts_at")[:1]
    )
    return queryset.annotate(next_starts_at=Coalesce(Subquery(next_session), F("starts_at")))


def upcoming_events(*, limit: int) -> list[Event]:
    """The next public events not yet over, by when they next take place (the home page): only
    the columns its cards show (a whole event, organizer and district are some 70 columns)."""
    now = timezone.now()
    return list(
        with_next_start(public_events().filter(ends_at__gte=now), now=now)
        .select_related(None)
        .select_related("district")
        .only("title", "kind", "starts_at", "district__slug", "district__name")
        .order_by(F("next_starts_at").asc(), "pk")[:limit]
    )


def upcoming_events_of(organization: Organization, *, limit: int) -> list[Event]:
    """The organization's next public events not yet over (its page), in one query."""
    if not organization.is_published:
        return []
    now = timezone.now()
    return list(
        with_next_start(
            public_events().filter(organization=organization, ends_at__gte=now), now=now
        ).order_by(F("next_starts_at").asc(), "pk")[:limit]
    )


def filter_events(
    queryset: QuerySet[Event], *, now: datetime | None = None, **filters: Unpack[EventFilters]
) -> QuerySet[Event]:
    """Apply the filters (all but `q`); without dates, upcoming events (or past ones)."""
    now = now or timezone.now()
    start, end = filters.get("start"), filters.get("end")
    if kind := filters.get("kind"):
        queryset = queryset.filter(kind=kind)
    if district := filters.get("district"):
        queryset = queryset.filter(district=district)
    organizer = filters.get("organizer")
    if organizer == CITY:
        queryset = queryset.filter(organization__isnull=True)
    elif isinstance(organizer, Organization):
        queryset = queryset.filter(organization=organizer)
    if start:
        queryset = queryset.filter(ends_at__gte=_day_start(start))
    if end:
        queryset = queryset.filter(starts_at__lt=_day_start(end + timedelta(days=1)))
    if not start and not end:
        past = filters.get("past")
        queryset = queryset.filter(ends_at__lt=now) if past else queryset.filter(ends_at__gte=now)
    if filters.get("free"):
        queryset = queryset.filter(seats_taken__lt=F("capacity"), starts_at__gt=now)
    return queryset


@dataclass
class Browse:
    queryset: QuerySet[Event]
    highlights: dict[int, str]


def browse_events(**filters: Unpack[EventFilters]) -> Browse:
    """The list: upcoming first (past ones latest first); with `q`, search order."""
    q = filters.pop("q", "")
    now = timezone.now()
    queryset = with_next_start(filter_events(public_events(), now=now, **filters), now=now)
    highlights: dict[int, str] = {}
    if q:
        hits = search(q, model=Event, limit=500)
        ids = [hit.object_id for hit in hits]
        highlights = {hit.object_id: hit.highlight for hit in hits[:100]}
        queryset = queryset.filter(pk__in=ids)
        order = {pk: i for i, pk in enumerate(ids)}
        if ids:
            queryset = queryset.order_by(
                Case(
                    *[When(pk=pk, then=Value(i)) for pk, i in order.items()],
                    output_field=IntegerField(),
                )
            )
        return Browse(queryset, highlights)
    if filters.get("past") and not filters.get("start") and not filters.get("end"):
        queryset = queryset.order_by("-starts_at", "-pk")
    else:
        queryset = queryset.order_by(F("next_starts_at").asc(), "pk")
    return Browse(queryset, highlights)


@dataclass(frozen=True)
class DayEntry:
    """One event on one day of the calendar: its session that day, or its own time (a day of a
    multi-day event without sessions starts at midnight and is marked `continued`)."""

    event: Event
    starts_at: datetime
    ends_at: datetime
    session: EventSession | None = None
    continued: bool = False


@dataclass
class MonthDay:
    day: date
    in_month: bool
    entries: list[DayEntry]

    @property
    def is_today(self) -> bool:
        return self.day == timezone.localdate()


def _local_day(moment: datetime) -> date:
    return timezone.localtime(moment).date()


def day_entries(event: Event, *, first: date, last: date) -> list[tuple[date, DayEntry]]:
    """The days from `first` to `last` on which the event takes place. A course with sessions
    meets on its session days only, not every day of its span; expects `sessions` prefetched."""
    sessions = list(event.sessions.all())
    if sessions:
        return [
            (day, DayEntry(event, session.starts_at, session.ends_at, session=session))
            for session in sessions
            if first <= (day := _local_day(session.starts_at)) <= last
        ]
    start_day = _local_day(event.starts_at)
    end_day = _local_day(event.ends_at - timedelta(seconds=1))
    entries = []
    day = max(start_day, first)
    while day <= min(end_day, last):
        continued = day != start_day
        starts_at = _day_start(day) if continued else event.starts_at
        entries.append((day, DayEntry(event, starts_at, event.ends_at, continued=continued)))
        day += timedelta(days=1)
    return entries


def month_grid(year: int, month: int, **filters: Unpack[EventFilters]) -> list[list[MonthDay]]:
    """Weeks (Sunday first, as Korean calendars print them) of the month with each day's events
    sorted by the time they take place that day: two queries (events, their sessions). The
    search words and dates of the list do not apply: the month is the range."""
    weeks = calendar.Calendar(firstweekday=6).monthdatescalendar(year, month)
    first, last = weeks[0][0], weeks[-1][-1]
    events = (
        filter_events(
            public_events(),
            kind=filters.get("kind", ""),
            district=filters.get("district"),
            organizer=filters.get("organizer"),
            free=filters.get("free", False),
            start=first,
            end=last,
        )
        .prefetch_related(
            Prefetch("sessions", queryset=EventSession.objects.order_by("starts_at", "pk"))
        )
        .order_by("starts_at", "pk")[:500]
    )
    by_day: dict[date, list[DayEntry]] = {}
    for event in events:
        for day, entry in day_entries(event, first=first, last=last):
            by_day.setdefault(day, []).append(entry)
    for entries in by_day.values():
        entries.sort(key=lambda entry: (entry.starts_at, entry.event.pk))
    return [
        [MonthDay(day, day.month == month, by_day.get(day, [])) for day in week] for week in weeks
    ]


def agenda(weeks: list[list[MonthDay]]) -> list[MonthDay]:
    """The month's days that have events, in order: the calendar as a list, for phones."""
    return [day for week in weeks for day in week if day.in_month and day.entries]


def _event_row(pk: int) -> Event | None:
    try:
        return (
            Event.objects.select_related("organization", "district")
            .defer("district__boundary")  # some kilobytes of outline no event page shows
            .get(pk=pk)
        )
    except Event.DoesNotExist:
        return None


def get_event_for(actor: Actor, pk: Any, *, kept: bool = False) -> Event:
    """The event or 404, whether it is missing or a draft the actor may not see.

    `kept`: the row as kept between requests until a write to what it was read from (the event,
    its organization, its district: pagecache.kept_value, shared, so the page and its fragments
    go with those tables): for the event page, which reads it on every request and whose
    building cost more than the rest of a signed-in person's page. The actor is checked on
    every request."""
    try:
        number = int(pk)
    except (ValueError, TypeError):
        raise Http404 from None
    event = pagecache.detail_row(f"event-row:{number}", lambda: _event_row(number), kept=kept)
    if event is None or not can_view_event(actor, event):
        raise Http404
    return event


def get_managed_event_for(actor: Actor, pk: Any) -> Event:
    """404 when the actor cannot see it, 403 when they see it but do not organize it."""
    event = get_event_for(actor, pk)
    if not can_manage_event(actor, event):
        raise PermissionDenied(_("Only the event's organizer may do this."))
    return event


def registration_of(user: Actor, event: Event) -> Registration | None:
    """The person's active registration for the event (or their latest one)."""
    if not is_signed_in(user):
        return None
    # One query (the event page asks this on every signed-in request): a person has a handful
    # of registrations for one event at most, newest first; an active one wins. Picked here
    # rather than by a CASE in the ORDER BY, whose building cost more than the query.
    registrations = list(
        Registration.objects.filter(event=event, user=cast(User, user)).order_by(
            "-created_at", "-pk"
        )
    )
    active = [r for r in registrations if r.status in ACTIVE_STATUSES]
    return next(iter(active or registrations), None)


def waitlist_position(registration: Registration) -> int | None:
    """1 for the first on the waitlist; None when not waitlisted."""
    if registration.status != RegistrationStatus.WAITLISTED:
        return None
    ahead = Registration.objects.filter(
        event_id=registration.event_id, status=RegistrationStatus.WAITLISTED
    ).filter(
        Q(waitlisted_at__lt=registration.waitlisted_at)
        | Q(waitlisted_at=registration.waitlisted_at, pk__lt=registration.pk)
    )
    return ahead.count() + 1


def attendees(event: Event, *, q: str = "", status: str = "") -> QuerySet[Registration]:
    queryset = (
        Registration.objects.filter(event=event)
        .select_related("user")
        .order_by("status", "created_at", "pk")
    )
    if status:
        queryset = queryset.filter(status=status)
    if q:
        queryset = queryset.filter(Q(user__display_name__icontains=q) | Q(user__email__icontains=q))
    return queryset


def counts(event: Event) -> dict[str, int]:
    """Live numbers for the check-in page: two queries whatever the size."""
    rows = dict(
        Registration.objects.filter(event=event)
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    checked_in = Registration.objects.filter(
        event=event, status=RegistrationStatus.CONFIRMED, checked_in_at__isnull=False
    ).count()
    return {
        "confirmed": rows.get(RegistrationStatus.CONFIRMED, 0),
        "checked_in": checked_in,
        "waitlisted": rows.get(RegistrationStatus.WAITLISTED, 0),
        "pending": rows.get(RegistrationStatus.PENDING, 0),
        "offered": rows.get(RegistrationStatus.OFFERED, 0),
        "capacity": event.capacity,
    }


def my_registrations(user: Any, *, past: bool = False) -> QuerySet[Registration]:
    """The person's active registrations: those coming up (by when the event next takes place)
    or, with `past`, those over (latest first)."""
    now = timezone.now()
    queryset = (
        Registration.objects.filter(user=user, status__in=ACTIVE_STATUSES)
        .select_related("event", "event__organization", "event__district")
        .defer("event__district__boundary")
    )
    if past:
        return queryset.filter(event__ends_at__lt=now).order_by("-event__starts_at", "-pk")
    next_session = (
        EventSession.objects.filter(event=OuterRef("event_id"), ends_at__gte=now)
        .order_by("starts_at", "pk")
        .values("starts_at")[:1]
    )
    return (
        queryset.filter(event__ends_at__gte=now)
        .annotate(next_starts_at=Coalesce(Subquery(next_session), F("event__starts_at")))
        .order_by("next_starts_at", "pk")
    )


def managed_events(user: Any) -> QuerySet[Event]:
    """Events the person organizes (city staff: the city's and all organizations')."""
    queryset = (
        Event.objects.select_related("organization", "district")
        .defer("district__boundary")
        .order_by("-starts_at", "-pk")
    )
    if is_city_staff(user):
        return queryset
    return queryset.filter(
        organization__memberships__user=user,
        organization__memberships__role__in=[MemberRole.OWNER, MemberRole.EDITOR],
    )


def organizers_for(user: Actor) -> list[Organization | None]:
    """Whom the person may create events for: None is the city."""
    if not is_signed_in(user):
        return []
    organizations = list(
        Organization.objects.filter(
            memberships__user=cast(User, user),
            memberships__role__in=[MemberRole.OWNER, MemberRole.EDITOR],
        ).order_by("name_ko")
    )
    return ([None] if is_city_staff(user) else []) + organizations


# Feeds ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Feed:
    """A public feed's events, and a fingerprint that changes whenever its content may have."""

    scope: QuerySet[Event]

    @property
    def events(self) -> QuerySet[Event]:
        """One query; the first FEED_MAX_EVENTS in time order."""
        return (
            self.scope.select_related("district")
            .defer("district__boundary")
            .order_by("starts_at", "pk")[:FEED_MAX_EVENTS]
        )

    def fingerprint(self) -> str:
        """One aggregate query: an edit moves the latest update, an event entering or leaving moves the count."""
        figures = self.scope.aggregate(latest=Max("updated_at"), count=Count("pk"))
        latest = figures["latest"].isoformat() if figures["latest"] else "-"
        return f"{figures['count']}:{latest}"


def _feed(queryset: QuerySet[Event]) -> Feed:
    """From 90 days ago on, cancelled ones included (so calendars drop them)."""
    since = timezone.now() - timedelta(days=FEED_PAST_DAYS)
    return Feed(
        queryset.filter(
            public_organizer_q(),
            status__in=[EventStatus.PUBLISHED, EventStatus.CANCELLED],
            ends_at__gte=since,
        )
    )


def public_feed() -> Feed:
    return _feed(Event.objects.all())


def organizer_feed(organization: Organization | None) -> Feed:
    if organization is None:
        return _feed(Event.objects.filter(organization__isnull=True))
    return _feed(Event.objects.filter(organization=organization))


def personal_feed(user: Any) -> tuple[list[Event], set[int]]:
    """The person's events (active registrations and those cancelled by the organizer), and the
    ids whose online link they may see (confirmed)."""
    since = timezone.now() - timedelta(days=FEED_PAST_DAYS)
    rows = list(
        Registration.objects.filter(user=user, event__ends_at__gte=since)
        .filter(Q(status__in=ACTIVE_STATUSES) | Q(event__status=EventStatus.CANCELLED))
        .select_related("event", "event__district")
        .defer("event__district__boundary")
        .order_by("event__starts_at", "pk")[:FEED_MAX_EVENTS]
    )
    events: dict[int, Event] = {}
    confirmed: set[int] = set()
    for registration in rows:
        events.setdefault(registration.event_id, registration.event)
        if registration.status in SEAT_STATUSES:
            confirmed.add(registration.event_id)
    return list(events.values()), confirmed


# Reminders ------------------------------------------------------------------------------------


def due_reminders(*, now: datetime) -> list[Registration]:
    """Confirmed registrations whose event starts within its reminder time and that were not yet
    reminded at that offset."""
    sent = ReminderDelivery.objects.filter(
        registration=OuterRef("pk"), hours_before=OuterRef("event__reminder_hours")
    )
    candidates = (
        Registration.objects.filter(
            status=RegistrationStatus.CONFIRMED,
            event__status=EventStatus.PUBLISHED,
            event__reminder_hours__gt=0,
            event__starts_at__gt=now,
            event__starts_at__lte=now + timedelta(hours=MAX_REMINDER_HOURS),
        )
        .exclude(Exists(sent))
        .select_related("event", "event__district", "user")
        .defer("event__district__boundary")
        .order_by("event__starts_at", "pk")
    )
    return [
        r for r in candidates if r.event.starts_at - timedelta(hours=r.event.reminder_hours) <= now
    ]


def certificate_eligible(registration: Registration) -> bool:
    event = registration.event
    if (
        event.certificate_min_sessions is None
        or registration.status != RegistrationStatus.CONFIRMED
    ):
        return False
    if event.ends_at > timezone.now():
        return False
    return registration.attendances.count() >= event.certificate_min_sessions


def registrations_awaiting_approval_count(user: Any) -> int:
    """Registrations waiting for the organizer's approval in the coming events this person
    manages."""
    return Registration.objects.filter(
        status=RegistrationStatus.PENDING,
        event__in=managed_events(user).filter(ends_at__gt=timezone.now()).values("pk"),
    ).count()
