"""/api/v1/spaces: the same rules as the pages, as JSON; the public sees free or taken only."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from sharehub.accounts.tests.factories import UserFactory
from sharehub.facilities.models import Booking, BookingStatus

from .factories import SpaceFactory

pytestmark = pytest.mark.django_db


def _day(days: int) -> date:
    return timezone.localdate() + timedelta(days=days)


def _iso(day: date, hour: int) -> str:
    return timezone.make_aware(datetime.combine(day, time(hour))).isoformat()


def _body(day: date, start: int = 10, end: int = 12, **extra) -> dict:
    return {
        "starts_at": _iso(day, start),
        "ends_at": _iso(day, end),
        "purpose": "meeting",
        "purpose_detail": "모임",
        "people": 5,
        **extra,
    }


@pytest.fixture
def space():
    return SpaceFactory()


def test_spaces_are_public_and_filtered(client, space):
    response = client.get("/api/v1/spaces")
    assert response.status_code == 200 and response.json()["results"][0]["slug"] == space.slug
    response = client.get("/api/v1/spaces?people=abc")
    assert response.status_code == 422 and "people" in response.json()["errors"]


def test_availability_says_free_or_taken_but_never_who(client, space, user):
    client.force_login(user)
    assert (
        client.post(
            f"/api/v1/spaces/{space.slug}/bookings", _body(_day(2)), content_type="application/json"
        ).status_code
        == 201
    )
    client.logout()
    response = client.get(
        f"/api/v1/spaces/{space.slug}/availability?start={_day(2).isoformat()}&days=1"
    )
    assert response.status_code == 200
    (day,) = response.json()
    states = {slot["state"] for slot in day["slots"]}
    assert {"taken", "free"} <= states
    assert user.email not in response.content.decode()
    assert client.get(f"/api/v1/spaces/{space.slug}/availability?days=99").status_code == 422


def test_booking_needs_a_person_and_taken_is_a_422(client, space, user, other_user):
    url = f"/api/v1/spaces/{space.slug}/bookings"
    assert client.post(url, _body(_day(3)), content_type="application/json").status_code == 401
    client.force_login(user)
    created = client.post(url, _body(_day(3)), content_type="application/json")
    assert created.status_code == 201 and created.json()["status"] == BookingStatus.CONFIRMED
    client.force_login(other_user)
    taken = client.post(url, _body(_day(3), 11, 13), content_type="application/json")
    assert taken.status_code == 422
    message = taken.json()["errors"]["starts_at"][0]
    assert "이미 예약된 시간" in message or "already taken" in message
    bad = client.post(
        url,
        _body(_day(3), 15, 16, purpose="political", people=999),
        content_type="application/json",
    )
    assert bad.status_code == 422 and {"purpose", "people"} <= set(bad.json()["errors"])
    assert Booking.objects.count() == 1


def test_a_weekly_series_through_the_api(client, space, user):
    space.max_bookings_per_month = 10
    space.save()
    client.force_login(user)
    response = client.post(
        f"/api/v1/spaces/{space.slug}/bookings",
        _body(_day(3), weeks=3),
        content_type="application/json",
    )
    assert response.status_code == 201 and len(response.json()) == 3


def test_a_booking_is_its_bookers_and_staffs_only(client, space, user, other_user):
    client.force_login(user)
    reference = client.post(
        f"/api/v1/spaces/{space.slug}/bookings", _body(_day(3)), content_type="application/json"
    ).json()["reference"]
    client.force_login(other_user)
    assert client.get(f"/api/v1/spaces/bookings/{reference}").status_code == 404
    assert (
        client.post(
            f"/api/v1/spaces/bookings/{reference}/cancel", {}, content_type="application/json"
        ).status_code
        == 404
    )
    assert client.post(f"/api/v1/spaces/bookings/{reference}/approve").status_code == 404
    assert client.get("/api/v1/spaces/bookings/waiting").json()["results"] == []
    client.force_login(user)
    assert client.get("/api/v1/spaces/bookings").json()["results"][0]["reference"] == reference
    cancelled = client.post(
        f"/api/v1/spaces/bookings/{reference}/cancel", {}, content_type="application/json"
    )
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"


def test_staff_decide_through_the_api(client, space, user):
    space.confirmation = "approval"
    space.save()
    manager = UserFactory()
    space.staff.add(manager)
    client.force_login(user)
    reference = client.post(
        f"/api/v1/spaces/{space.slug}/bookings", _body(_day(3)), content_type="application/json"
    ).json()["reference"]
    assert client.post(f"/api/v1/spaces/bookings/{reference}/approve").status_code == 403
    client.force_login(manager)
    assert [
        b["reference"] for b in client.get("/api/v1/spaces/bookings/waiting").json()["results"]
    ] == [reference]
    refused = client.post(
        f"/api/v1/spaces/bookings/{reference}/reject",
        {"reason": " "},
        content_type="application/json",
    )
    assert refused.status_code == 422
    approved = client.post(f"/api/v1/spaces/bookings/{reference}/approve")
    assert approved.status_code == 200 and approved.json()["status"] == "confirmed"


def test_a_time_without_an_offset_is_the_citys(client, space, user):
    """A client that sends "2026-12-09T10:00:00" means ten in the morning in Seoul, as the booking
    form does; it was a 500 (a naive time compared with aware ones in the rules)."""
    client.force_login(user)
    body = _body(_day(3))
    body["starts_at"], body["ends_at"] = (
        datetime.combine(_day(3), time(hour)).isoformat() for hour in (10, 12)
    )
    response = client.post(
        f"/api/v1/spaces/{space.slug}/bookings", body, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    booking = Booking.objects.get()
    assert booking.starts_at == timezone.make_aware(datetime.combine(_day(3), time(10)))
    assert timezone.localtime(booking.starts_at).hour == 10
