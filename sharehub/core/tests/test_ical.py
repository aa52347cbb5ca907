"""core.ical writes what icalendar reads back: every property of tricky entries (TEXT that needs
escaping, long Korean lines folded between characters, times in the city's zone) round-trips."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from sharehub.core import ical

SEOUL = ZoneInfo("Asia/Seoul")


def _parse(entry: bytes):
    body = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//\r\n" + entry + b"END:VCALENDAR\r\n"
    (component,) = Calendar.from_ical(body).walk("VEVENT")
    return component


def test_tricky_text_round_trips():
    summary = 'Tools, repairs; and \\ back-slashes: "공유"\n두 번째 줄'
    location = "서울특별시 중구 세종대로 110, 서울시청 " + "다목적실 " * 20
    entry = ical.vevent(
        uid="event-1@events.sharehub",
        stamp=datetime(2026, 12, 3, 9, 0, tzinfo=UTC),
        start=datetime(2026, 12, 24, 19, 0, tzinfo=SEOUL),
        end=datetime(2026, 12, 24, 21, 30, tzinfo=SEOUL),
        zone=SEOUL,
        summary=summary,
        description="설명\n\nhttps://hub.example/ko/events/1/",
        url="https://hub.example/ko/events/1/?a=1,2;b",
        location=location,
        geo=(37.5663, 126.9779),
        status="CANCELLED",
        last_modified=datetime(2026, 12, 1, 1, 2, 3, tzinfo=UTC),
        categories=["모임, 회의", "training"],
    )
    parsed = _parse(entry)
    assert str(parsed["summary"]) == summary
    assert str(parsed["location"]) == location
    assert str(parsed["description"]) == "설명\n\nhttps://hub.example/ko/events/1/"
    assert str(parsed["url"]) == "https://hub.example/ko/events/1/?a=1,2;b"
    assert parsed.decoded("dtstart") == datetime(2026, 12, 24, 19, 0, tzinfo=SEOUL)
    assert parsed["dtstart"].params["TZID"] == "Asia/Seoul"
    assert parsed.decoded("dtend") == datetime(2026, 12, 24, 21, 30, tzinfo=SEOUL)
    assert parsed.decoded("dtstamp") == datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
    assert parsed.decoded("last-modified") == datetime(2026, 12, 1, 1, 2, 3, tzinfo=UTC)
    assert str(parsed["status"]) == "CANCELLED"
    assert (parsed["geo"].latitude, parsed["geo"].longitude) == (37.5663, 126.9779)
    assert [str(c) for c in parsed["categories"].cats] == ["모임, 회의", "training"]


def test_lines_fold_at_75_octets_between_characters():
    entry = ical.vevent(
        uid="u",
        stamp=datetime(2026, 1, 1, tzinfo=UTC),
        start=datetime(2026, 1, 1, tzinfo=SEOUL),
        end=datetime(2026, 1, 2, tzinfo=SEOUL),
        zone=SEOUL,
        summary="가" * 100 + "a" * 7 + "나" * 50,
    )
    lines = entry.split(b"\r\n")
    assert max(len(line) for line in lines) <= 75
    for line in lines:
        line.decode()  # no line ends inside a character
    assert str(_parse(entry)["summary"]) == "가" * 100 + "a" * 7 + "나" * 50


# The writer as it was before it was made fast (per line folding, astimezone and strftime per
# time, one list of lines per entry): the fast one must write the same bytes.
def _reference_vevent(*, uid, stamp, start, end, zone, summary, description="", url="",
                      location="", geo=None, status="CONFIRMED", last_modified=None,
                      categories=()) -> bytes:  # fmt: skip
    def text(value):
        return (
            value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n")
        )  # fmt: skip

    def fold(line):  # character by character, as many as fit in 75 octets, then 74
        pieces, piece, size, limit = [], "", 0, 75
        for character in line:
            octets = len(character.encode())
            if size + octets > limit:
                pieces.append(piece)
                piece, size, limit = "", 0, 74
            piece, size = piece + character, size + octets
        return "\r\n ".join([*pieces, piece]).encode() + b"\r\n"

    def utc(moment):
        return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")

    def local(moment):
        return moment.astimezone(zone).strftime("%Y%m%dT%H%M%S")

    lines = [
        "BEGIN:VEVENT",
        f"SUMMARY:{text(summary)}",
        f"DTSTART;TZID={zone.key}:{local(start)}",
        f"DTEND;TZID={zone.key}:{local(end)}",
        f"DTSTAMP:{utc(stamp)}",
        f"UID:{text(uid)}",
    ]
    if categories:
        lines.append("CATEGORIES:" + ",".join(text(c) for c in categories))
    if description:
        lines.append(f"DESCRIPTION:{text(description)}")
    if geo is not None:
        lines.append(f"GEO:{geo[0]};{geo[1]}")
    if last_modified is not None:
        lines.append(f"LAST-MODIFIED:{utc(last_modified)}")
    if location:
        lines.append(f"LOCATION:{text(location)}")
    lines.append(f"STATUS:{status}")
    if url:
        lines.append(f"URL:{url}")
    lines.append("END:VEVENT")
    return b"".join(fold(line) for line in lines)


TRICKY_TEXTS = [
    "",
    "짧은 제목",
    "가" * 24,  # 72 octets: not folded
    "가" * 25,  # 75 octets with "SUMMARY:"? no: 83, folded
    "a" * 67,  # exactly 75 octets with "SUMMARY:"
    "a" * 68,  # 76: folded
    "a" * 66 + "가나다",  # a character across the 75th octet
    "Tools, repairs; and \\ back-slashes\r\n두 번째 줄\r세 번째\n네 번째",
    "서울특별시 중구 세종대로 110, 서울시청 " + "다목적실; " * 30,
    "🙂 emoji " * 20 + "é",  # 4- and 2-octet characters
    "🙂" * 17,  # 25 characters, 76 octets with "SUMMARY:"
    ",;\\\n" * 40,
]


@pytest.mark.parametrize("text", TRICKY_TEXTS)
def test_fast_writer_writes_what_the_reference_writes(text):
    properties = {
        "uid": f"event-{len(text)}@events.sharehub",
        "stamp": datetime(2026, 12, 3, 9, 0, 59, 999_999, tzinfo=UTC),
        "start": datetime(2026, 12, 24, 19, 0, tzinfo=SEOUL),
        "end": datetime(2026, 12, 24, 21, 30, 15, 500_000, tzinfo=UTC),
        "zone": SEOUL,
        "summary": text or "x",
        "description": text,
        "url": "https://hub.example/ko/events/1/?a=1,2;b" + "&q=가" * len(text[:20]),
        "location": text,
        "geo": (37.5663, 126.9779) if len(text) % 2 else None,
        "status": "CANCELLED",
        "last_modified": datetime(1969, 12, 31, 23, 59, 59, 500_000, tzinfo=UTC),
        "categories": [text, "모임, 회의"] if text else [],
    }
    written = ical.vevent(**properties)
    assert written == _reference_vevent(**properties)
    for line in written.split(b"\r\n"):
        assert len(line) <= 75
        line.decode()  # never ends inside a character
    parsed = _parse(written)
    assert str(parsed["summary"]) == (text or "x").replace("\r\n", "\n").replace("\r", "\n")
    assert str(parsed["uid"]) == properties["uid"]


@pytest.mark.parametrize(
    "zone_name", ["Asia/Seoul", "UTC", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata"]
)
def test_writer_times_are_those_of_astimezone(zone_name):
    """Times come from POSIX seconds and a per-day offset: every hour and a few odd seconds over
    two years, the days of daylight-saving changes included, read as astimezone and strftime
    read them; Seoul's 1987-88 daylight saving too."""
    zone = ZoneInfo(zone_name)
    writer = ical.Writer(zone, datetime(2026, 1, 1, tzinfo=UTC))
    moments = [datetime(2025, 1, 1, tzinfo=UTC) + timedelta(minutes=59 * n + n % 7, seconds=n % 61)
               for n in range(2 * 366 * 24)]  # fmt: skip
    moments += [datetime(1987, 5, 9, tzinfo=UTC) + timedelta(minutes=17 * n) for n in range(300)]
    moments.append(datetime(2026, 3, 8, 7, 0, tzinfo=UTC).astimezone(zone))  # aware, not UTC
    for moment in moments:
        assert writer.local(moment) == moment.astimezone(zone).strftime("%Y%m%dT%H%M%S")
        assert writer.utc(moment) == moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def test_a_calendar_of_entries_parses():
    """`assemble` puts the written entries into icalendar's shell, before its END line."""
    writer = ical.Writer(SEOUL, datetime(2026, 12, 3, tzinfo=UTC))
    calendar = Calendar()
    calendar.add("prodid", "-//t//t//")
    calendar.add("version", "2.0")
    calendar.add_component(ical.vtimezone("Asia/Seoul"))
    entries = [
        writer.vevent(
            uid=f"e{n}@t",
            start=datetime(2026, 12, 3, 10, tzinfo=UTC) + timedelta(days=n),
            end=datetime(2026, 12, 3, 12, tzinfo=UTC) + timedelta(days=n),
            summary=f"모임 {n}, 긴 제목 " * 5,
        )
        for n in range(3)
    ]
    parsed = Calendar.from_ical(ical.assemble(calendar, entries))
    assert [str(e["uid"]) for e in parsed.walk("VEVENT")] == ["e0@t", "e1@t", "e2@t"]
    assert [e.decoded("dtstart") for e in parsed.walk("VEVENT")] == [
        datetime(2026, 12, 3 + n, 19, tzinfo=SEOUL) for n in range(3)
    ]
    assert len(parsed.walk("VTIMEZONE")) == 1
