"""The private calendar feed carries the person's active bookings of public spaces (registered
by facilities through core.calendar_feed): their own only, with the space, its address and a link
to the booking; never another person's, never a cancelled one, never cached across people."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from sharehub.events import services as event_services
from sharehub.facilities import services as facility_services
from sharehub.facilities.tests.factories import SpaceFactory

pytestmark = pytest.mark.django_db


def _book(person, space, days: int, start: int = 10):
    day = timezone.localdate() + timedelta(days=days)
    return facility_services.book(
        actor=person,
        space=space,
        ask=facility_services.BookingAsk(
            starts_at=timezone.make_aware(datetime.combine(day, time(start))),
            ends_at=timezone.make_aware(datetime.combine(day, time(start + 2))),
            purpose="meeting",
            purpose_detail="비밀스러운 모임 내용",
            people=4,
        ),
    )


def _feed(client, person) -> tuple[bytes, list]:
    secret = event_services.calendar_feed_of(person).secret
    response = client.get(reverse("events:private_feed", args=[secret]))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    return response.content, Calendar.from_ical(response.content).walk("VEVENT")


def test_the_private_feed_carries_my_bookings_only(client, user, other_user):
    space = SpaceFactory(name_ko="망원 공유부엌", road_address="서울특별시 마포구 망원로 1")
    mine = _book(user, space, 3)
    cancelled = _book(user, space, 4)
    facility_services.cancel(actor=user, booking=cancelled)
    theirs = _book(other_user, space, 3, start=14)
    body, entries = _feed(client, user)
    uids = {str(entry["uid"]) for entry in entries}
    assert uids == {f"booking-{mine.reference}@facilities.sharehub"}
    [entry] = entries
    assert "망원 공유부엌" in str(entry["summary"])
    assert "망원로 1" in str(entry["location"])
    assert str(entry["url"]).endswith(f"/spaces/bookings/{mine.reference}/")
    assert str(entry["status"]) == "CONFIRMED"
    assert entry.decoded("dtstart") == mine.starts_at
    assert "비밀스러운".encode() not in body  # no purpose detail, even their own
    assert theirs.reference.encode() not in body
    # The other person's feed right after: their booking, not the first person's (no cache).
    _body, entries = _feed(client, other_user)
    assert {str(e["uid"]) for e in entries} == {f"booking-{theirs.reference}@facilities.sharehub"}
