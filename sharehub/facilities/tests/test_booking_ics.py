"""A booking's .ics is written by core.ical like the events' calendars: icalendar reads back the
entry, its times in the city's zone with that zone's VTIMEZONE, and the space's texts."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation
from icalendar import Calendar

from sharehub.facilities.calendars import booking_ics
from sharehub.facilities.models import Booking, BookingStatus

from .factories import SpaceFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("status", [BookingStatus.CONFIRMED, BookingStatus.REQUESTED])
def test_booking_ics_reads_back(status):
    space = SpaceFactory(
        name_ko="마포 다목적실, 2층; 큰 방", road_address="서울특별시 마포구 " + "월드컵로 " * 12
    )
    booking = Booking(
        space=space,
        reference="ab12cd34",
        starts_at=datetime(2026, 12, 24, 1, 0, tzinfo=UTC),
        ends_at=datetime(2026, 12, 24, 3, 30, tzinfo=UTC),
        status=status,
    )
    with translation.override("ko"):
        body = booking_ics(booking)
    assert max(len(line) for line in body.split(b"\r\n")) <= 75
    calendar = Calendar.from_ical(body)
    [zone] = calendar.walk("VTIMEZONE")
    assert str(zone["tzid"]) == "Asia/Seoul"
    [entry] = calendar.walk("VEVENT")
    assert str(entry["uid"]) == "booking-ab12cd34@facilities.sharehub"
    seoul = ZoneInfo("Asia/Seoul")
    assert entry.decoded("dtstart") == datetime(2026, 12, 24, 10, 0, tzinfo=seoul)
    assert entry["dtstart"].params["TZID"] == "Asia/Seoul"
    assert entry.decoded("dtend") == datetime(2026, 12, 24, 12, 30, tzinfo=seoul)
    assert str(entry["summary"]) == "마포 다목적실, 2층; 큰 방"
    assert str(entry["location"]) == space.road_address
    assert str(entry["url"]).endswith("/ab12cd34/")
    assert str(entry["status"]) == ("CONFIRMED" if status == "confirmed" else "TENTATIVE")
    assert "dtstamp" in entry
