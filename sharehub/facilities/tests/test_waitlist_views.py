"""The waitlist's pages and API: join from the space page, my waitlist and offers, the note on a
booking made from an offer, the staff's view of a space's waitlist; the forbidden paths; the
person's data."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from sharehub.accounts.tests.factories import UserFactory
from sharehub.facilities import services
from sharehub.facilities.forms_waitlist import period_value
from sharehub.facilities.models import WaitlistEntry, WaitStatus
from sharehub.facilities.privacy_waitlist import erase_waitlist, export_waitlist
from sharehub.facilities.services import waitlist

from .factories import SpaceFactory

pytestmark = pytest.mark.django_db


def _day(days: int) -> date:
    return timezone.localdate() + timedelta(days=days)


def _at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _ask(day: date, start: int = 10, end: int = 12) -> services.BookingAsk:
    return services.BookingAsk(
        starts_at=_at(day, start),
        ends_at=_at(day, end),
        purpose="meeting",
        purpose_detail="마을 모임",
        people=5,
    )


@pytest.fixture
def space():
    return SpaceFactory(name_ko="마포 다목적실", name_en="Mapo room")


@pytest.fixture
def taken(space, user):
    return services.book(actor=user, space=space, ask=_ask(_day(3)))


def _join_url(space) -> str:
    return f"/ko/spaces/waitlist/{space.slug}/join/"


def test_the_space_page_offers_the_taken_times_of_its_week(client, space, taken, user, other_user):
    week = f"/en/spaces/{space.slug}/?week={_day(3).isoformat()}"
    page = client.get(week).content.decode()
    assert "Waitlist for taken times" in page and "Log in to join the waitlist" in page
    assert user.display_name not in page and "마을 모임" not in page
    client.force_login(user)  # their own booking is not offered to them
    assert "No taken time this week to wait for." in client.get(week).content.decode()
    client.force_login(other_user)
    page = client.get(week).content.decode()
    assert 'name="period"' in page and "Join the waitlist" in page


def test_join_and_leave_through_the_pages(client, space, taken, other_user):
    client.force_login(other_user)
    value = period_value(taken.starts_at, taken.ends_at)
    response = client.post(_join_url(space), {"period": value})
    assert response.status_code == 302 and "#waitlist-heading" in response["Location"]
    entry = WaitlistEntry.objects.get(user=other_user)
    assert entry.status == WaitStatus.WAITING
    page = client.get("/en/spaces/bookings/").content.decode()
    assert "My waitlist" in page and "Leave the waitlist" in page
    # Refusals come back as messages, nothing written.
    response = client.post(_join_url(space), {"period": value}, follow=True)
    assert "already on the waitlist" in response.content.decode() or "이미" in (
        response.content.decode()
    )
    response = client.post(_join_url(space), {"period": "nonsense"}, follow=True)
    assert response.status_code == 200
    assert WaitlistEntry.objects.count() == 1
    response = client.post(f"/ko/spaces/waitlist/entries/{entry.pk}/leave/")
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.status == WaitStatus.WITHDRAWN


def test_forbidden_paths(client, space, taken, other_user):
    entry = waitlist.join(
        actor=other_user, space=space, starts_at=taken.starts_at, ends_at=taken.ends_at
    )
    value = period_value(taken.starts_at, taken.ends_at)
    # Anonymous: to the login page, nothing written.
    response = client.post(_join_url(space), {"period": value})
    assert response.status_code == 302 and "login" in response["Location"]
    assert client.get(_join_url(space)).status_code in (302, 405)
    # Another person cannot leave someone's place (it does not exist for them).
    client.force_login(UserFactory())
    assert client.post(f"/ko/spaces/waitlist/entries/{entry.pk}/leave/").status_code == 404
    assert client.get(_join_url(space)).status_code == 405
    entry.refresh_from_db()
    assert entry.status == WaitStatus.WAITING
    # Non-staff do not see a space's calendar (and its waitlist).
    assert client.get(f"/ko/spaces/manage/{space.slug}/").status_code == 403


def test_offer_on_my_bookings_and_booking_note(client, space, taken, user, other_user):
    entry = waitlist.join(
        actor=other_user, space=space, starts_at=taken.starts_at, ends_at=taken.ends_at
    )
    services.cancel(actor=user, booking=taken)
    client.force_login(other_user)
    page = client.get("/en/spaces/bookings/").content.decode()
    assert "offered to you until" in page and "Book it" in page
    booking = services.book(actor=other_user, space=space, ask=_ask(_day(3)))
    page = client.get(booking.get_absolute_url().replace("/ko/", "/en/")).content.decode()
    assert "Booked from the waitlist" in page
    entry.refresh_from_db()
    assert entry.booking == booking


def test_staff_see_the_waitlist_of_a_space(
    client, space, taken, other_user, city_staff, django_assert_max_num_queries
):
    for _ in range(3):
        waitlist.join(
            actor=UserFactory(), space=space, starts_at=taken.starts_at, ends_at=taken.ends_at
        )
    client.force_login(city_staff)
    url = f"/en/spaces/manage/{space.slug}/?week={_day(3).isoformat()}"
    response = client.get(url)
    assert response.status_code == 200 and "Waitlist" in response.content.decode()
    with django_assert_max_num_queries(40):
        client.get(url)


def test_my_waitlist_runs_a_bounded_number_of_queries(
    client, space, user, other_user, django_assert_max_num_queries
):
    client.force_login(other_user)
    client.get("/en/spaces/bookings/")
    for days in range(3, 3 + waitlist.MAX_LIVE_ENTRIES):
        booking = services.book(actor=UserFactory(), space=space, ask=_ask(_day(days)))
        waitlist.join(
            actor=other_user, space=space, starts_at=booking.starts_at, ends_at=booking.ends_at
        )
    with django_assert_max_num_queries(30):
        page = client.get("/en/spaces/bookings/").content.decode()
    body = page.split("</title>", 1)[1]
    assert body.count("Leave the waitlist") == waitlist.MAX_LIVE_ENTRIES


# API ------------------------------------------------------------------------------------------


def test_api_join_list_offers_leave(client, space, taken, user, other_user):
    body = {
        "space": space.slug,
        "starts_at": taken.starts_at.isoformat(),
        "ends_at": taken.ends_at.isoformat(),
    }
    assert (
        client.post("/api/v1/spaces/waitlist/entries", body, content_type="application/json")
    ).status_code == 401
    client.force_login(other_user)
    created = client.post("/api/v1/spaces/waitlist/entries", body, content_type="application/json")
    assert created.status_code == 201, created.content
    entry_id = created.json()["id"]
    again = client.post("/api/v1/spaces/waitlist/entries", body, content_type="application/json")
    assert again.status_code == 422 and "starts_at" in again.json()["errors"]
    free = dict(body, starts_at=_at(_day(4), 10).isoformat(), ends_at=_at(_day(4), 12).isoformat())
    refused = client.post("/api/v1/spaces/waitlist/entries", free, content_type="application/json")
    assert refused.status_code == 422
    nowhere = dict(body, space="no-such-space")
    assert (
        client.post("/api/v1/spaces/waitlist/entries", nowhere, content_type="application/json")
    ).status_code == 404
    listed = client.get("/api/v1/spaces/waitlist/entries").json()
    assert listed["count"] == 1 and listed["results"][0]["status"] == "waiting"
    assert client.get("/api/v1/spaces/waitlist/offers").json() == []
    services.cancel(actor=user, booking=taken)
    [offer] = client.get("/api/v1/spaces/waitlist/offers").json()
    assert offer["id"] == entry_id and "/book/?start=" in offer["book_url"]
    # Another person cannot leave it.
    client.force_login(UserFactory())
    assert client.post(f"/api/v1/spaces/waitlist/entries/{entry_id}/leave").status_code == 404
    assert client.get("/api/v1/spaces/waitlist/entries").json()["count"] == 0
    client.force_login(other_user)
    left = client.post(f"/api/v1/spaces/waitlist/entries/{entry_id}/leave")
    assert left.status_code == 200 and left.json()["status"] == "withdrawn"
    assert client.post(f"/api/v1/spaces/waitlist/entries/{entry_id}/leave").status_code == 422
    assert client.post("/api/v1/spaces/waitlist/entries/0/leave").status_code == 422


# Privacy --------------------------------------------------------------------------------------


def test_export_and_erase(space, taken, user, other_user):
    third = UserFactory()
    mine = waitlist.join(
        actor=other_user, space=space, starts_at=taken.starts_at, ends_at=taken.ends_at
    )
    next_in_line = waitlist.join(
        actor=third, space=space, starts_at=taken.starts_at, ends_at=taken.ends_at
    )
    services.cancel(actor=user, booking=taken)
    [exported] = export_waitlist(other_user)
    assert exported["space"] == space.slug and exported["status"] == "offered"
    erase_waitlist(other_user)
    assert not WaitlistEntry.objects.filter(pk=mine.pk).exists()
    next_in_line.refresh_from_db()
    assert next_in_line.status == WaitStatus.OFFERED  # the offer they held went on
