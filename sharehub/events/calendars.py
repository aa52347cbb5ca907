"""iCalendar (RFC 5545) for events: one event, the public feed, an organizer's feed, a person's feed.

Every entry carries a stable UID, DTSTAMP, its times in the city's zone (with the VTIMEZONE the
zone needs) and the event page's address; a cancelled event stays in the feed as STATUS:CANCELLED
so calendars that already hold it drop it. The feed is built from one query (the caller's); a public feed of thousands reads plain values
(`feed_events`) rather than model instances, which cost more than writing the entry itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from functools import cache
from typing import NamedTuple
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from icalendar import Calendar, Timezone
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


_TRANSLATED = ("title", "summary", "venue", "district__name")
_PLAIN = (
    "pk",
    "address",
    "online_url",
    "latitude",
    "longitude",
    "status",
    "kind",
    "starts_at",
    "ends_at",
    "updated_at",
)


def feed_events(events: QuerySet[Event]) -> list[FeedEvent]:
    """The queryset's events as `FeedEvent`s from one query of the columns an entry shows (not
    the descriptions, not the model instances: a quarter of the build time of 5,000 entries)."""
    languages = resolution_order(translation.get_language() or settings.LANGUAGE_CODE)
    names = [f"{field}_{language}" for field in _TRANSLATED for language in languages]
    step = len(languages)
    rows = []
    for values in events.values_list(*_PLAIN, *names):
        plain, texts = values[: len(_PLAIN)], values[len(_PLAIN) :]
        # The first language with a value, per translated field (modeltranslation's fallback).
        title, summary, venue, district = (
            next((text for text in texts[i : i + step] if text), "")
            for i in range(0, len(texts), step)
        )
        pk, address, online_url, latitude, longitude, status, kind, starts, ends, updated = plain
        rows.append(
            FeedEvent(
                pk,
                title,
                summary,
                venue,
                address,
                district,
                online_url,
                latitude,
                longitude,
                status,
                kind,
                starts,
                ends,
                updated,
            )
        )
    return rows


def _location(event: FeedEvent, *, show_online: bool) -> str:
    parts = [event.venue, event.address]
    if event.district_name and not event.address:
        parts.append(event.district_name)
    if show_online and event.online_url:
        parts.append(event.online_url)
    return ", ".join(part for part in parts if part)


def _vevent(
    event: FeedEvent, *, stamp: datetime, show_online: bool, kinds: dict[str, str], url: str
) -> bytes:
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
    calendar.add_component(_vtimezone(settings.TIME_ZONE))
    stamp = timezone.now()
    kinds = {value: str(label) for value, label in EventKind.choices}  # once, not per entry
    # The entries are written by core.ical (icalendar's objects cost 300 µs an entry) into the
    # calendar's shell, before its END line.
    closing = b"END:VCALENDAR\r\n"
    shell = calendar.to_ical().removesuffix(closing)
    # Each event's page address from one reverse(), not one per entry.
    head, tail = event_url_of(_SENTINEL).split(str(_SENTINEL))
    entries = []
    for event in events:
        entry = event if isinstance(event, FeedEvent) else _feed_event(event)
        entries.append(
            _vevent(
                entry,
                stamp=stamp,
                show_online=entry.pk in show_online_for,
                kinds=kinds,
                url=f"{head}{entry.pk}{tail}",
            )
        )
    entries.extend(_other_vevent(entry, stamp=stamp) for entry in others)
    return shell + b"".join(entries) + closing


@cache
def _vtimezone(name: str) -> Timezone:
    return Timezone.from_tzid(name)
