"""Scripted booking (issue 19): what a macro does and a person does not is held for staff or
refused, and the staff see it; a person at any speed a person has is not bothered."""

from __future__ import annotations

import contextlib
from datetime import date, datetime, time, timedelta

import pytest
from django.core import signing
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from sharehub.accounts.tests.factories import UserFactory
from sharehub.core.audit import AuditEntry
from sharehub.facilities import services
from sharehub.facilities.forms import opened_token
from sharehub.facilities.models import Booking, BookingAttempts, BookingStatus, HoldReason
from sharehub.facilities.services import booking as booking_module

from .factories import SpaceFactory

pytestmark = pytest.mark.django_db


def _day(days: int) -> date:
    return timezone.localdate() + timedelta(days=days)


def _at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _ask(day: date, start: int = 10, end: int = 11, **extra) -> services.BookingAsk:
    values = {"purpose": "meeting", "purpose_detail": "마을 모임", "people": 4, **extra}
    return services.BookingAsk(starts_at=_at(day, start), ends_at=_at(day, end), **values)


@pytest.fixture
def space():
    return SpaceFactory(max_bookings_per_month=31, max_hours_per_day=12)


def _form(day: date, opened: str | None, start: str = "10:00") -> dict:
    data = {
        "day": day.isoformat(),
        "start": start,
        "end": "11:00",
        "purpose": "meeting",
        "purpose_detail": "공구도서관 자원활동가 모임",
        "people": "4",
        "weeks": "1",
        "accept_rules": "on",
    }
    if opened is not None:
        data["opened"] = opened
    return data


def _opened(seconds_ago: float, user) -> str:
    return opened_token(user, seconds_ago=seconds_ago)


def test_the_form_without_its_signed_opening_time_is_held(client, space, user):
    client.force_login(user)
    url = f"/ko/spaces/{space.slug}/book/"
    client.post(url, _form(_day(3), None))
    client.post(url, _form(_day(4), "forged:token"))
    client.post(url, _form(_day(5), signing.dumps("x", salt="another-salt")))
    held = Booking.objects.order_by("starts_at")
    assert [(b.status, b.held_because) for b in held] == [
        (BookingStatus.HELD, HoldReason.UNSIGNED)
    ] * 3
    assert all(b.form_seconds is None for b in held)
    page = client.get(held[0].get_absolute_url()).content.decode()
    assert "예약 양식을 연 시각 없이" in page


def test_people_at_a_person_s_pace_are_confirmed(client, space, user):
    """A slow typist, a screen-reader user who took ten minutes, a tab left open for two days:
    all confirmed. Only a form faster than the space's human_seconds (5 s) is held."""
    client.force_login(user)
    url = f"/en/spaces/{space.slug}/book/"
    for days, seconds in ((3, 6), (4, 600), (5, 2 * 86400)):
        response = client.post(url, _form(_day(days), _opened(seconds, user)))
        assert response.status_code == 302
    assert set(Booking.objects.values_list("status", "held_because")) == {
        (BookingStatus.CONFIRMED, "")
    }
    client.post(url, _form(_day(6), _opened(1, user)))
    fast = Booking.objects.get(starts_at=_at(_day(6), 10))
    assert (fast.status, fast.held_because) == (BookingStatus.HELD, HoldReason.FAST)


def test_the_api_is_a_program_and_not_held_for_being_one(client, space, user):
    client.force_login(user)
    response = client.post(
        f"/api/v1/spaces/{space.slug}/bookings",
        {
            "starts_at": _at(_day(3), 10).isoformat(),
            "ends_at": _at(_day(3), 11).isoformat(),
            "purpose": "meeting",
            "purpose_detail": "모임",
            "people": 4,
        },
        content_type="application/json",
    )
    assert response.status_code == 201 and response.json()["status"] == BookingStatus.CONFIRMED


def test_a_burst_of_bookings_holds_the_next_one(space, user, other_user):
    other_space = SpaceFactory(max_bookings_per_month=31)
    for days in range(3, 3 + booking_module.BURST_BOOKINGS):
        # Across spaces: the burst is the person's, not one space's.
        target = space if days % 2 else other_space
        assert services.book(actor=user, space=target, ask=_ask(_day(days))).status == (
            BookingStatus.CONFIRMED
        )
    burst = services.book(actor=user, space=space, ask=_ask(_day(20)))
    assert (burst.status, burst.held_because) == (BookingStatus.HELD, HoldReason.BURST)
    entry = AuditEntry.objects.get(action="facilities.book", object_id=str(burst.pk))
    assert entry.data == {"status": "held", "held_because": "burst"}
    # Someone else is not held for this person's burst.
    assert services.book(actor=other_user, space=space, ask=_ask(_day(21))).status == (
        BookingStatus.CONFIRMED
    )
    # Once the bookings are older than the window, the person books as before.
    Booking.objects.filter(user=user).update(
        created_at=timezone.now() - booking_module.BURST_WINDOW - timedelta(seconds=1)
    )
    assert services.book(actor=user, space=space, ask=_ask(_day(22))).status == (
        BookingStatus.CONFIRMED
    )


def test_a_weekly_series_counts_once_in_a_burst(space, user):
    series = services.book_series(actor=user, space=space, ask=_ask(_day(2)), weeks=8)
    assert set(series.bookings.values_list("status", flat=True)) == {BookingStatus.CONFIRMED}
    assert services.book(actor=user, space=space, ask=_ask(_day(3))).status == (
        BookingStatus.CONFIRMED
    )


def _refusal(user, space, day: date) -> ValidationError:
    with pytest.raises(ValidationError) as refused:
        services.book(actor=user, space=space, ask=_ask(day))
    return refused.value


def test_the_attempt_count_slides_from_one_minute_into_the_next(user, monkeypatch):
    """One upsert keeps the current minute's count and the one before's: the minute before
    weighs by how much of it is still within the last 60 seconds; a gap forgets it."""
    limit, seconds = 8, 60
    assert f"{limit}/{'m'}" == booking_module.ATTEMPT_RATE
    clock = {"now": 1_000 * seconds + 50.0}  # 50 s into a minute
    monkeypatch.setattr(booking_module, "epoch_seconds", lambda: clock["now"])
    count = booking_module._count_attempt
    assert all(count(user) for _ in range(limit))
    assert not count(user)  # the ninth in the minute
    clock["now"] += 30  # 20 s into the next: 9 x 2/3 = 6 still weigh, so two more fit
    assert count(user) and count(user)
    assert not count(user)  # 6 + 3 > 8
    clock["now"] += 40  # 0 s into the one after: the minute before (3) weighs whole
    assert all(count(user) for _ in range(limit - 3))
    assert not count(user)
    clock["now"] += 2 * seconds  # a minute with no attempt between: nothing weighs
    assert all(count(user) for _ in range(limit))
    assert not count(user)
    row = BookingAttempts.objects.get(user=user)
    assert (row.count, row.previous) == (limit + 1, 0)


def test_too_many_attempts_a_minute_are_refused_and_flagged(space, user, other_user):
    limit = 8
    assert f"{limit}/m" == booking_module.ATTEMPT_RATE
    services.book(actor=user, space=space, ask=_ask(_day(3)))
    # Refused attempts count too: a macro polling a taken slot is still a macro.
    for _ in range(limit - 1):
        assert _refusal(user, space, _day(3)).error_dict["starts_at"][0].code == "taken"
    with translation.override("ko"):
        error = _refusal(user, space, _day(9))
    assert error.error_dict["__all__"][0].code == "rate_limited"
    assert "사람보다 빠르게" in error.messages[0]
    with translation.override("en"):
        error = _refusal(user, space, _day(9))
    assert "faster than a person could" in error.messages[0]
    # A weekly series is an attempt too.
    with pytest.raises(ValidationError) as refused:
        services.book_series(actor=user, space=space, ask=_ask(_day(10)), weeks=2)
    assert refused.value.error_dict["__all__"][0].code == "rate_limited"
    assert Booking.objects.filter(user=user).count() == 1  # nothing written past the limit
    # One audit entry, under the space, however many refusals in the minute.
    flagged = AuditEntry.objects.filter(action="facilities.too_fast")
    assert flagged.count() == 1 and flagged.get().actor == user
    assert flagged.get().object_id == str(space.pk)
    # Counted per account: another person books at once.
    assert services.book(actor=other_user, space=space, ask=_ask(_day(9))).status == (
        BookingStatus.CONFIRMED
    )


def test_the_api_answers_429_with_the_json_error_shape(client, space, user):
    client.force_login(user)
    url = f"/api/v1/spaces/{space.slug}/bookings"
    body = {
        "starts_at": _at(_day(3), 10).isoformat(),
        "ends_at": _at(_day(3), 11).isoformat(),
        "purpose": "meeting",
        "purpose_detail": "모임",
        "people": 4,
    }
    statuses = [
        client.post(url, body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
        for _ in range(9)
    ]
    assert [r.status_code for r in statuses] == [201] + [422] * 7 + [429]
    answer = statuses[-1].json()
    assert answer["detail"] == "Too many requests. Please wait a moment."
    assert "faster than a person could" in answer["errors"]["__all__"][0]


def test_the_form_shows_the_refusal_in_korean(client, space, user):
    client.force_login(user)
    url = f"/ko/spaces/{space.slug}/book/"
    for hour in range(9, 9 + 8):
        client.post(url, _form(_day(3), _opened(30, user), start=f"{hour:02d}:00"))
    response = client.post(url, _form(_day(4), _opened(30, user)))
    assert response.status_code == 422
    assert "사람보다 빠르게 예약을 보내고 있습니다" in response.content.decode()
    assert not Booking.objects.filter(starts_at=_at(_day(4), 10)).exists()


def test_staff_see_why_a_booking_is_held_and_who_was_refused(client, space, user, city_staff):
    other_space = SpaceFactory()
    manager = UserFactory(display_name="다른 공간 담당")
    other_space.staff.add(manager)
    services.book(actor=user, space=space, ask=_ask(_day(3), form_seconds=0.4))
    for _ in range(9):
        with contextlib.suppress(ValidationError):
            services.book(actor=user, space=space, ask=_ask(_day(3)))
    client.force_login(city_staff)
    page = client.get("/ko/spaces/manage/").content.decode()
    assert "사람이 할 수 없을 만큼 빨리 완료됨" in page and "(0.4초)" in page
    assert "너무 빠른 예약으로 거절됨" in page and user.display_name in page
    # The staff of another space see neither.
    client.force_login(manager)
    page = client.get("/ko/spaces/manage/").content.decode()
    assert "너무 빠른 예약으로 거절됨" not in page and user.display_name not in page
    # A person who is no space's staff has no queue.
    client.force_login(user)
    assert client.get("/ko/spaces/manage/").status_code == 403
