"""Entries of other apps in a person's private calendar feed (the events app serves the feed).

An app below the feed's owner (facilities: the person's bookings of public spaces) registers, in
its manifest, a function `user → list[CalendarEntry]`; the private feed adds what every
registered function returns. Entries are the person's own: a source returns only what that
person may see.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class CalendarEntry:
    uid: str  # stable and globally unique (RFC 5545), e.g. "booking-ab12@facilities.sharehub"
    start: datetime  # aware
    end: datetime  # aware
    summary: str
    location: str
    url: str  # absolute
    status: str = "CONFIRMED"  # CONFIRMED, TENTATIVE or CANCELLED (RFC 5545 VEVENT status)


_sources: dict[str, Callable[[Any], list[CalendarEntry]]] = {}


def register_calendar_source(name: str, entries: Callable[[Any], list[CalendarEntry]]) -> None:
    """`entries(user)` returns that person's entries, a bounded number, from a bounded query."""
    _sources[name] = entries


def entries_for(user: Any) -> list[CalendarEntry]:
    found: list[CalendarEntry] = []
    for name in sorted(_sources):
        found.extend(_sources[name](user))
    return found
