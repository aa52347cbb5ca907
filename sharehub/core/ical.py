"""Writing VEVENT components of RFC 5545 quickly, for feeds of thousands of entries.

The icalendar library builds an object per property and folds each line character by character:
about 300 µs per entry, 1.5 s for a feed of 5,000. Feeds keep icalendar for the calendar's shell
and its VTIMEZONE (once per calendar) and every parse (the tests read our output back with it);
the entries, which are a handful of known properties, are written here as content lines: TEXT
escaped (RFC 5545 §3.3.11), times as local time with TZID or UTC, lines folded at 75 octets
without splitting a UTF-8 character (§3.1).

A `Writer` writes the entries of one calendar (one zone, one DTSTAMP): each entry is one format
string; only the lines that can be long (text, addresses) are measured and folded; times are
integer arithmetic on the moment's POSIX seconds, with the zone's offset looked up once per UTC
day (datetime.astimezone and strftime per time had been the largest costs of a feed).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from icalendar import Calendar, Timezone

FOLD_OCTETS = 75
_DAY = 86_400
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
# A line of at most this many characters is at most 72 octets whatever the characters (UTF-8
# writes a character in at most 4), so it needs no measuring.
_SHORT = FOLD_OCTETS // 4


def escape_text(value: str) -> str:
    """A TEXT value: backslash, semicolon, comma and line breaks escaped."""
    if "\\" in value or ";" in value or "," in value or "\n" in value or "\r" in value:
        return (
            value.replace("\\", "\\\\")
            .replace(";", "\\;")
            .replace(",", "\\,")
            .replace("\r\n", "\\n")
            .replace("\n", "\\n")
            .replace("\r", "\\n")
        )
    return value


def _fold_octets(data: bytes) -> list[bytes]:
    """The pieces of one content line of more than 75 octets: 75, then 74 (a continuation line
    starts with the space), never ending inside a UTF-8 character."""
    pieces = []
    start, limit = 0, FOLD_OCTETS
    while len(data) - start > limit:
        end = start + limit
        while data[end] & 0xC0 == 0x80:  # a continuation byte: back to its character's first
            end -= 1
        pieces.append(data[start:end])
        start, limit = end, FOLD_OCTETS - 1
    pieces.append(data[start:])
    return pieces


def fold(line: str) -> bytes:
    """One content line as bytes, folded into 75-octet pieces joined by CRLF and a space."""
    data = line.encode()
    if len(data) <= FOLD_OCTETS:
        return data + b"\r\n"
    return b"\r\n ".join(_fold_octets(data)) + b"\r\n"


def folded(line: str) -> str:
    """One content line (without its CRLF), folded as `fold` does, as text."""
    if len(line) <= _SHORT:
        return line
    data = line.encode()
    if len(data) <= FOLD_OCTETS:
        return line
    return b"\r\n ".join(_fold_octets(data)).decode()


def _basic(m: datetime) -> str:
    """`20261203T190000`, as strftime("%Y%m%dT%H%M%S") writes it."""
    return f"{m.year:04d}{m.month:02d}{m.day:02d}T{m.hour:02d}{m.minute:02d}{m.second:02d}"


def utc_stamp(moment: datetime) -> str:
    return _basic(moment.astimezone(UTC)) + "Z"


def local_time(name: str, moment: datetime, zone: ZoneInfo) -> str:
    """`DTSTART;TZID=Asia/Seoul:20261203T190000`: the calendar carries that zone's VTIMEZONE."""
    return f"{name};TZID={zone.key}:{_basic(moment.astimezone(zone))}"


class Writer:
    """The entries of one calendar: its zone (times written with its TZID) and its DTSTAMP."""

    def __init__(self, zone: ZoneInfo, stamp: datetime) -> None:
        self.zone = zone
        self.tzid = f";TZID={zone.key}:"
        self._offsets: dict[int, int | None] = {}  # UTC day → the zone's offset all that day
        self._dates: dict[int, str] = {}  # day number → "20261203"
        self._times: dict[int, str] = {}  # second of the day → "T190000"
        self.stamp = self.utc(stamp)

    def _offset(self, day: int) -> int | None:
        """The zone's offset in seconds throughout one UTC day, or None when it changes in it
        (a day with a transition is converted moment by moment)."""
        if day not in self._offsets:
            first = datetime.fromtimestamp(day * _DAY, self.zone).utcoffset()
            last = datetime.fromtimestamp(day * _DAY + _DAY - 1, self.zone).utcoffset()
            # Real zones change their offset at most once a day, so equal ends mean no change.
            same = first is not None and first == last
            self._offsets[day] = int(first.total_seconds()) if same and first is not None else None
        return self._offsets[day]

    def _text(self, seconds: int) -> str:
        """`20261203T190000` of POSIX seconds shifted into the wanted zone."""
        day, second = divmod(seconds, _DAY)
        dates, times = self._dates, self._times
        if day not in dates:
            d = date.fromordinal(day + _EPOCH_ORDINAL)
            dates[day] = f"{d.year:04d}{d.month:02d}{d.day:02d}"
        if second not in times:
            hours, rest = divmod(second, 3600)
            times[second] = f"T{hours:02d}{rest // 60:02d}{rest % 60:02d}"
        return dates[day] + times[second]

    @staticmethod
    def _seconds(moment: datetime) -> int:
        stamp = moment.timestamp()  # aware: the instant; naive: local time, as astimezone reads it
        seconds = int(stamp)
        return seconds - 1 if seconds > stamp else seconds  # floor: microseconds are dropped

    def local(self, moment: datetime) -> str:
        """The moment as local time in the writer's zone, `20261203T190000`."""
        seconds = self._seconds(moment)
        offset = self._offset(seconds // _DAY)
        if offset is None:
            return _basic(moment.astimezone(self.zone))
        return self._text(seconds + offset)

    def utc(self, moment: datetime) -> str:
        """The moment in UTC, `20261203T100000Z`."""
        return self._text(self._seconds(moment)) + "Z"

    def vevent(
        self,
        *,
        uid: str,
        start: datetime,
        end: datetime,
        summary: str,
        description: str = "",
        url: str = "",
        location: str = "",
        geo: tuple[float, float] | None = None,
        status: str = "CONFIRMED",
        last_modified: datetime | None = None,
        categories: Iterable[str] = (),
    ) -> str:
        """One VEVENT as text, its lines folded and ended by CRLF (encode once, for them all)."""
        tzid = self.tzid
        return (
            f"BEGIN:VEVENT\r\n{folded('SUMMARY:' + escape_text(summary))}\r\n"
            f"DTSTART{tzid}{self.local(start)}\r\nDTEND{tzid}{self.local(end)}\r\n"
            f"DTSTAMP:{self.stamp}\r\n{folded('UID:' + escape_text(uid))}\r\n"
            + (
                folded("CATEGORIES:" + ",".join([escape_text(c) for c in categories])) + "\r\n"
                if categories
                else ""
            )
            + (f"{folded('DESCRIPTION:' + escape_text(description))}\r\n" if description else "")
            + (f"GEO:{geo[0]};{geo[1]}\r\n" if geo is not None else "")
            + (f"LAST-MODIFIED:{self.utc(last_modified)}\r\n" if last_modified is not None else "")
            + (f"{folded('LOCATION:' + escape_text(location))}\r\n" if location else "")
            + f"STATUS:{status}\r\n"
            + (f"{folded('URL:' + url)}\r\n" if url else "")
            + "END:VEVENT\r\n"
        )


def vevent(*, stamp: datetime, zone: ZoneInfo, **properties: Any) -> bytes:
    """One VEVENT, as bytes ready to join into a VCALENDAR (see `Writer.vevent`)."""
    return Writer(zone, stamp).vevent(**properties).encode()


@cache
def vtimezone(name: str) -> Timezone:
    """The zone's VTIMEZONE, built once per process (icalendar builds it from the tz database)."""
    return Timezone.from_tzid(name)


def assemble(calendar: Calendar, entries: Iterable[str]) -> bytes:
    """The calendar (icalendar's, with its properties and VTIMEZONE) with the written entries
    before its END line."""
    closing = b"END:VCALENDAR\r\n"
    return calendar.to_ical().removesuffix(closing) + "".join(entries).encode() + closing
