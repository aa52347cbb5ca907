"""core.ical writes what icalendar reads back: every property of tricky entries (TEXT that needs
escaping, long Korean lines folded between characters, times in the city's zone) round-trips."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

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
