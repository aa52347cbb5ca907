"""iCalendar (RFC 5545) for events: one event, the public feed, an organizer's feed, a person's feed.

Every entry carries a stable UID, DTSTAMP, its times in the city's zone (with the VTIMEZONE the
zone needs) and the event page's address; a cancelled event stays in the feed as STATUS:CANCELLED
so calendars that already hold it drop it. The feed is built from one query (the caller's); a public feed of thousands reads plain values
(`feed_events`) rather than model instances, which cost more than writing the entry itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import CharField, F, QuerySet, Value
from django.db.models.functions import Coalesce, NullIf
from django.urls import reverse
from django.utils import timezone, translation
from icalendar import Calendar
from modeltranslation.manager import MultilingualQuerySet
from modeltranslation.utils import resolution_order

from sharehub.core import ical
from sharehub.core.calendar_feed import CalendarEntry
from sharehub.core.i18n import hub_name

from .models import Event, EventKind, EventStatus

UID_DOMAIN = "events.sharehub"
_SENTINEL = 987654321  # an event key no real event has, to split its page's address around


def _zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def event_uid(event: Event | FeedEvent) -> str:
    return f"event-{event.pk}@{UID_DOMAIN}"


def event_url(event: Event) -> str:
    return event_url_of(event.pk)


def event_url_of(pk: int) -> str:
    return settings.SHAREHUB_SITE_URL + reverse("events:detail", args=[pk])


class FeedEvent(NamedTuple):
    """What an entry shows of an event, in the page's language (a translated field falls back to
    the other language as the model's does)."""

    pk: int
    title: str
    summary: str
    venue: str
    address: str
    district_name: str
    online_url: str
    latitude: float | None
    longitude: float | None
    status: str
    kind: str
    starts_at: datetime
    ends_at: datetime
    updated_at: datetime


def _feed_event(event: Event) -> FeedEvent:
    return FeedEvent(
        event.pk,
        event.title,
        event.summary,
        event.venue,
        event.address,
        event.district.name if event.district is not None else "",
        event.online_url,
        event.latitude,
        event.longitude,
        event.status,
        event.kind,
        event.starts_at,
        event.ends_at,
        event.updated_at,
    )


def _translated(field: str, languages: Iterable[str]) -> Coalesce:
    """The first language with a value (modeltranslation's fallback), chosen by the database."""
    return Coalesce(
        *[NullIf(F(f"{field}_{language}"), Value("")) for language in languages],
        Value(""),
        output_field=CharField(),
    )


def feed_events(events: QuerySet[Event]) -> list[FeedEvent]:
    """The queryset's events as `FeedEvent`s from one query of the columns an entry shows (not
    the descriptions, not the model instances: a quarter of the build time of 5,000 entries),
    each translated field already in the reader's language or its fallback."""
    languages = resolution_order(translation.get_language() or settings.LANGUAGE_CODE)
    # Plain tuples: modeltranslation's rewriting (a dict per row) has nothing to do here, as
    # every translated column is named with its language.
    if isinstance(events, MultilingualQuerySet):
        events = events.rewrite(False)
    rows: Iterable[tuple[Any, ...]] = events.annotate(  # type: ignore[assignment]
        feed_title=_translated("title", languages),
        feed_summary=_translated("summary", languages),
        feed_venue=_translated("venue", languages),
        feed_district=_translated("district__name", languages),
    ).values_list(
        "pk",
        "feed_title",
        "feed_summary",
        "feed_venue",
        "address",
        "feed_district",
        "online_url",
        "latitude",
        "longitude",
        "status",
        "kind",
        "starts_at",
        "ends_at",
        "updated_at",
    )
    return [FeedEvent._make(row) for row in rows]


def _location(event: FeedEvent, *, show_online: bool) -> str:
    parts = [event.venue, event.address]
    if event.district_name and not event.address:
        parts.append(event.district_name)
    if show_online and event.online_url:
        parts.append(event.online_url)
    return ", ".join(part for part in parts if part)


def _vevent(
    writer: ical.Writer, event: FeedEvent, *, show_online: bool, kinds: dict[str, str], url: str
) -> str:
    geo = None
    if event.latitude is not None and event.longitude is not None:
        geo = (event.latitude, event.longitude)
    return writer.vevent(
        uid=f"event-{event.pk}@{UID_DOMAIN}",
        start=event.starts_at,
        end=event.ends_at,
        summary=event.title,
        description=f"{event.summary}\n\n{url}" if event.summary else url,
        url=url,
        location=_location(event, show_online=show_online),
        geo=geo,
        status="CANCELLED" if event.status == EventStatus.CANCELLED else "CONFIRMED",
        last_modified=event.updated_at,
        categories=[kinds.get(event.kind, event.kind)],
    )


def _other_vevent(writer: ical.Writer, entry: CalendarEntry) -> str:
    """Another app's entry (`core.calendar_feed`: a booking of a public space)."""
    return writer.vevent(
        uid=entry.uid,
        start=entry.start,
        end=entry.end,
        summary=entry.summary,
        description=entry.url,
        url=entry.url,
        location=entry.location,
        status=entry.status,
    )


def build_calendar(
    events: Iterable[Event | FeedEvent],
    *,
    name: str,
    show_online_for: set[int] | frozenset[int] = frozenset(),
    others: Iterable[CalendarEntry] = (),
) -> bytes:
    """The calendar as bytes. `show_online_for`: ids of events whose online link the reader may see;
    `others`: other apps' entries of the person's private feed."""
    calendar = Calendar()
    calendar.add(
        "prodid",
        f"-//{settings.SHAREHUB_CITY['hub_name_en']}//Events//{translation.get_language() or 'ko'}",
    )
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", f"{hub_name()} · {name}")
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    # Every time is in the city's zone: its VTIMEZONE is built once per process and put first,
    # rather than found by scanning every entry (a second per 5,000 entries).
    calendar.add_component(ical.vtimezone(settings.TIME_ZONE))
    # The entries are written by core.ical (icalendar's objects cost 300 µs an entry), one zone
    # and one DTSTAMP for all, into the calendar's shell.
    writer = ical.Writer(_zone(), timezone.now())
    kinds = {value: str(label) for value, label in EventKind.choices}  # once, not per entry
    # Each event's page address from one reverse(), not one per entry.
    head, tail = event_url_of(_SENTINEL).split(str(_SENTINEL))
    entries = []
    for event in events:
        entry = event if isinstance(event, FeedEvent) else _feed_event(event)
        entries.append(
            _vevent(
                writer,
                entry,
                show_online=entry.pk in show_online_for,
                kinds=kinds,
                url=f"{head}{entry.pk}{tail}",
            )
        )
    entries.extend(_other_vevent(writer, entry) for entry in others)
    return ical.assemble(calendar, entries)
