"""iCalendar (RFC 5545) for events: one event, the public feed, an organizer's feed, a person's feed.

Every entry carries a stable UID, DTSTAMP, its times in the city's zone (with the VTIMEZONE the
zone needs) and the event page's address; a cancelled event stays in the feed as STATUS:CANCELLED
so calendars that already hold it drop it. The feed is built from one query (the caller's).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from functools import cache
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from icalendar import Calendar, Timezone

from sharehub.core import ical
from sharehub.core.calendar_feed import CalendarEntry
from sharehub.core.i18n import hub_name

from .models import Event, EventKind, EventStatus

UID_DOMAIN = "events.sharehub"


def _zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def event_uid(event: Event) -> str:
    return f"event-{event.pk}@{UID_DOMAIN}"


def event_url(event: Event) -> str:
    return settings.SHAREHUB_SITE_URL + reverse("events:detail", args=[event.pk])


def _location(event: Event, *, show_online: bool) -> str:
    parts = [event.venue, event.address]
    if event.district is not None and not event.address:
        parts.append(event.district.name)
    if show_online and event.online_url:
        parts.append(event.online_url)
    return ", ".join(part for part in parts if part)


def _vevent(event: Event, *, stamp: datetime, show_online: bool, kinds: dict[str, str]) -> bytes:
    url = event_url(event)
    geo = None
    if event.latitude is not None and event.longitude is not None:
        geo = (event.latitude, event.longitude)
    return ical.vevent(
        uid=event_uid(event),
        stamp=stamp,
        start=event.starts_at,
        end=event.ends_at,
        zone=_zone(),
        summary=event.title,
        description="\n\n".join(part for part in (event.summary, url) if part),
        url=url,
        location=_location(event, show_online=show_online),
        geo=geo,
        status="CANCELLED" if event.status == EventStatus.CANCELLED else "CONFIRMED",
        last_modified=event.updated_at,
        categories=[kinds.get(event.kind, event.kind)],
    )


def _other_vevent(entry: CalendarEntry, *, stamp: datetime) -> bytes:
    """Another app's entry (`core.calendar_feed`: a booking of a public space)."""
    return ical.vevent(
        uid=entry.uid,
        stamp=stamp,
        start=entry.start,
        end=entry.end,
        zone=_zone(),
        summary=entry.summary,
        description=entry.url,
        url=entry.url,
        location=entry.location,
        status=entry.status,
    )


def build_calendar(
    events: Iterable[Event],
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
    calendar.add_component(_vtimezone(settings.TIME_ZONE))
    stamp = timezone.now()
    kinds = {value: str(label) for value, label in EventKind.choices}  # once, not per entry
    # The entries are written by core.ical (icalendar's objects cost 300 µs an entry) into the
    # calendar's shell, before its END line.
    closing = b"END:VCALENDAR\r\n"
    shell = calendar.to_ical().removesuffix(closing)
    entries = [
        _vevent(event, stamp=stamp, show_online=event.pk in show_online_for, kinds=kinds)
        for event in events
    ]
    entries.extend(_other_vevent(entry, stamp=stamp) for entry in others)
    return shell + b"".join(entries) + closing


@cache
def _vtimezone(name: str) -> Timezone:
    return Timezone.from_tzid(name)
