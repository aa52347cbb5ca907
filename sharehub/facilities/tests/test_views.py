"""The pages as a person uses them: find a free space, see its week, book, read and cancel the
booking; staff decide. Forbidden paths answer 404 or 403, bad input a 422 form with messages."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from sharehub.accounts.tests.factories import UserFactory
from sharehub.facilities import services
from sharehub.facilities.forms import opened_token
from sharehub.facilities.models import Booking, BookingStatus

from .factories import SpaceFactory

pytestmark = pytest.mark.django_db


def _day(days: int) -> date:
    return timezone.localdate() + timedelta(days=days)


def _at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _book(user, space, day, start=10, end=12):
    return services.book(
        actor=user,
        space=space,
        ask=services.BookingAsk(
            starts_at=_at(day, start),
            ends_at=_at(day, end),
            purpose="meeting",
            purpose_detail="모임",
            people=5,
        ),
    )


@pytest.fixture
def space():
    return SpaceFactory(name_ko="마포 다목적실", name_en="Mapo room")


def test_the_list_finds_spaces_free_at_a_time(client, space, user):
    busy = SpaceFactory(name_ko="바쁜 회의실", name_en="Busy room")
    _book(user, busy, _day(3), 13, 17)
    page = client.get(
        f"/ko/spaces/?day={_day(3).isoformat()}&start=14:00&end=16:00"
    ).content.decode()
    assert "마포 다목적실" in page and "바쁜 회의실" not in page
    page = client.get("/en/spaces/").content.decode()
    assert "Mapo room" in page and "Busy room" in page


def test_a_day_alone_finds_the_spaces_open_that_day_and_one_end_an_hour(client, space, user):
    """ "Free this Saturday" with no time lists the spaces open that day (not only those free all
    day long); with only a start (or an end) the period is an hour from (or up to) it."""
    from sharehub.facilities.models import Closure

    closed = SpaceFactory(name_ko="닫은 회의실", name_en="Closed room")
    Closure.objects.create(space=closed, starts_on=_day(3), ends_on=_day(3), reason_ko="공사")
    busy = SpaceFactory(name_ko="바쁜 회의실", name_en="Busy room")
    _book(user, busy, _day(3), 14, 15)
    page = client.get(f"/ko/spaces/?day={_day(3).isoformat()}").content.decode()
    assert "마포 다목적실" in page and "바쁜 회의실" in page and "닫은 회의실" not in page
    page = client.get(f"/ko/spaces/?day={_day(3).isoformat()}&start=14:00").content.decode()
    assert "마포 다목적실" in page and "바쁜 회의실" not in page
    page = client.get(f"/ko/spaces/?day={_day(3).isoformat()}&end=14:00").content.decode()
    assert "바쁜 회의실" in page  # 13–14 is free
    page = client.get(f"/ko/spaces/?day={_day(3).isoformat()}&start=15:00").content.decode()
    assert "바쁜 회의실" in page


def test_the_list_runs_a_bounded_number_of_queries(client, django_assert_max_num_queries):
    for _ in range(3):
        SpaceFactory()
    with django_assert_max_num_queries(12):
        client.get("/ko/spaces/")
    for _ in range(15):
        SpaceFactory()
    with django_assert_max_num_queries(12):
        client.get("/ko/spaces/")


def test_bad_filters_are_messages_not_errors(client, space):
    response = client.get("/en/spaces/?day=not-a-day&start=18:00&end=09:00&near=x")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Enter a valid date" in page and "latitude and a longitude" in page


def test_the_week_shows_free_and_taken_but_not_who(client, space, user):
    _book(user, space, _day(2), 10, 12)
    page = client.get(f"/ko/spaces/{space.slug}/?week={_day(2).isoformat()}").content.decode()
    assert "예약됨" in page or "taken" in page
    assert user.display_name not in page and "모임" not in page
    assert f"/ko/spaces/{space.slug}/book/?start=" in page


def test_booking_through_the_form(client, space, user):
    client.force_login(user)
    form = client.get(f"/ko/spaces/{space.slug}/book/")
    assert form.status_code == 200
    opened = opened_token(user, seconds_ago=60)
    data = {
        "day": _day(4).isoformat(),
        "start": "10:00",
        "end": "12:00",
        "purpose": "meeting",
        "purpose_detail": "공구도서관 자원활동가 모임",
        "people": "8",
        "weeks": "1",
        "accept_rules": "on",
        "opened": opened,
    }
    response = client.post(f"/ko/spaces/{space.slug}/book/", data)
    booking = Booking.objects.get()
    assert response.status_code == 302 and response["Location"] == booking.get_absolute_url()
    assert booking.status == BookingStatus.CONFIRMED and booking.form_seconds >= 59
    # The same time again: taken, on the form, in Korean, nothing written.
    response = client.post(f"/ko/spaces/{space.slug}/book/", data)
    assert response.status_code == 422 and "이미 예약된 시간입니다" in response.content.decode()
    assert Booking.objects.count() == 1


def test_the_form_refuses_with_field_messages(client, space, user):
    client.force_login(user)
    response = client.post(
        f"/en/spaces/{space.slug}/book/",
        {
            "day": _day(4).isoformat(),
            "start": "10:00",
            "end": "09:00",
            "purpose": "political",
            "purpose_detail": "",
            "people": "999",
        },
    )
    page = response.content.decode()
    assert response.status_code == 422
    assert "Please accept the space" in page and "Select a valid choice" in page
    assert not Booking.objects.exists()


def test_a_booking_is_seen_by_its_booker_and_the_spaces_staff_only(
    client, space, user, other_user, city_staff
):
    booking = _book(user, space, _day(3))
    url = booking.get_absolute_url()
    assert client.get(url).status_code == 302  # to the login
    client.force_login(other_user)
    assert client.get(url).status_code == 404
    assert client.get(f"{url}booking.ics").status_code == 404
    assert client.post(f"{url}cancel/").status_code == 404
    manager = UserFactory()
    space.staff.add(manager)
    for person in (user, manager, city_staff):
        client.force_login(person)
        assert client.get(url).status_code == 200
    client.force_login(user)
    ics = client.get(f"{url}booking.ics")
    assert ics["Content-Type"] == "text/calendar" and b"BEGIN:VEVENT" in ics.content


def test_cancel_by_the_booker(client, space, user):
    booking = _book(user, space, _day(3))
    client.force_login(user)
    response = client.post(f"{booking.get_absolute_url()}cancel/", {"reason": ""})
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED


def test_staff_decide_from_the_queue(client, space, user, other_user):
    space.confirmation = "approval"
    space.save()
    manager = UserFactory()
    space.staff.add(manager)
    booking = _book(user, space, _day(3))
    client.force_login(other_user)
    assert client.get("/ko/spaces/manage/").status_code == 403
    assert (
        client.post(f"/ko/spaces/manage/bookings/{booking.reference}/approve/").status_code == 403
    )
    client.force_login(manager)
    page = client.get("/ko/spaces/manage/").content.decode()
    assert booking.reference in page
    client.post(f"/ko/spaces/manage/bookings/{booking.reference}/reject/", {"reason": ""})
    booking.refresh_from_db()
    assert booking.status == BookingStatus.REQUESTED  # a reason is needed
    client.post(f"/ko/spaces/manage/bookings/{booking.reference}/approve/")
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED
    assert (
        client.get(f"/ko/spaces/manage/{space.slug}/?week={_day(3).isoformat()}").status_code == 200
    )
    client.force_login(other_user)
    assert client.get(f"/ko/spaces/manage/{space.slug}/").status_code == 403


def test_staff_close_a_space_from_its_calendar(client, space, user, other_user, city_staff):
    booking = _book(user, space, _day(4))
    url = f"/ko/spaces/manage/{space.slug}/close/"
    data = {"starts_on": _day(4).isoformat(), "ends_on": _day(4).isoformat(), "reason_ko": "소독"}
    client.force_login(other_user)
    assert client.post(url, data).status_code == 403
    client.force_login(city_staff)
    refused = client.post(url, {**data, "reason_ko": ""})
    assert refused.status_code == 422
    assert client.post(url, data).status_code == 302
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED


def test_a_free_slot_links_the_shortest_booking_that_fits(client, space, user):
    space.min_minutes = 120
    space.save()
    from sharehub.facilities import selectors

    day = _day(3)
    _book(user, space, day, 12, 14)
    slots = {s.starts_at.hour: s for s in selectors.week(space, day)[0].slots}
    assert slots[10].state == "free" and slots[10].book_until == _at(day, 12)
    assert slots[11].state == "short"  # 11–13 would run into the 12–14 booking
    assert slots[20].state == "free" and slots[21].state == "short"  # closes at 22
    page = client.get(f"/ko/spaces/{space.slug}/?week={day.isoformat()}").content.decode()
    assert "남은 시간 부족" in page
