"""Scripted booking (issue 19), the form's opening time and the API: the signed opening time is
the account's it was shown to (another account's is no proof of a person's pace), and a held
booking's reason is read through the API by those who see it on the booking's page (its booker
and the space's staff), nobody else."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

import pytest
from django.core import signing
from django.utils import timezone

from sharehub.accounts.tests.factories import UserFactory
from sharehub.facilities import services
from sharehub.facilities.forms import OPENED_SALT, opened_token, seconds_since
from sharehub.facilities.models import Booking, BookingStatus, HoldReason

from .factories import SpaceFactory

pytestmark = pytest.mark.django_db


def _day(days: int) -> date:
    return timezone.localdate() + timedelta(days=days)


def _at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _form(day: date, opened: str) -> dict:
    return {
        "day": day.isoformat(),
        "start": "10:00",
        "end": "11:00",
        "purpose": "meeting",
        "purpose_detail": "공구도서관 자원활동가 모임",
        "people": "4",
        "weeks": "1",
        "accept_rules": "on",
        "opened": opened,
    }


@pytest.fixture
def space():
    return SpaceFactory(max_bookings_per_month=31, max_hours_per_day=12)


def test_the_token_times_only_the_account_it_was_shown_to(user, other_user):
    token = opened_token(user, seconds_ago=30)
    assert 29 < seconds_since(token, user) < 40
    assert seconds_since(token, other_user) is None
    # The old token, a bare signed time, is tied to nobody: no longer a proof.
    assert seconds_since(signing.dumps(timezone.now().timestamp(), salt=OPENED_SALT), user) is None
    # Edited to name another account, the signature no longer holds.
    forged = token.replace(str(user.pk), str(other_user.pk), 1)
    assert seconds_since(forged, other_user) is None


def test_a_form_shown_to_one_account_and_sent_by_another_is_held(client, space, user, other_user):
    """The page's own hidden token, replayed by another account: held as sent without the form's
    opening time, with the reason shown to its booker; the account it was shown to sends it and
    is confirmed."""
    space.human_seconds = 0  # any pace is a person's here: only the token's owner is tested
    space.save(update_fields=["human_seconds"])
    url = f"/ko/spaces/{space.slug}/book/"
    client.force_login(user)
    page = client.get(url).content.decode()
    token = re.search(r'name="opened" value="([^"]+)"', page).group(1)
    client.force_login(other_user)
    assert client.post(url, _form(_day(3), token)).status_code == 302
    replayed = Booking.objects.get(user=other_user)
    assert (replayed.status, replayed.held_because) == (BookingStatus.HELD, HoldReason.UNSIGNED)
    assert replayed.form_seconds is None
    assert "예약 양식을 연 시각 없이" in client.get(replayed.get_absolute_url()).content.decode()
    client.force_login(user)
    assert client.post(url, _form(_day(4), token)).status_code == 302
    own = Booking.objects.get(user=user)
    assert (own.status, own.held_because) == (BookingStatus.CONFIRMED, "")
    assert own.form_seconds is not None


def _api(client, path: str):
    return client.get(f"/api/v1/spaces{path}")


def test_the_api_says_why_a_booking_is_held_to_whom_the_page_says_it(
    client, space, user, other_user, city_staff
):
    ask = services.BookingAsk(
        starts_at=_at(_day(3), 10),
        ends_at=_at(_day(3), 11),
        purpose="meeting",
        purpose_detail="모임",
        people=4,
        form_seconds=0.4,
    )
    held = services.book(actor=user, space=space, ask=ask)
    assert held.held_because == HoldReason.FAST
    detail = f"/bookings/{held.reference}"
    # The booker: the booking and their list.
    client.force_login(user)
    assert _api(client, detail).json()["held_because"] == "fast"
    assert [b["held_because"] for b in _api(client, "/bookings").json()["results"]] == ["fast"]
    # The space's staff: the booking and the bookings to decide.
    client.force_login(city_staff)
    assert _api(client, detail).json()["held_because"] == "fast"
    waiting = _api(client, "/bookings/waiting").json()["results"]
    assert [(b["reference"], b["held_because"]) for b in waiting] == [(held.reference, "fast")]
    # The staff of another space and anyone else: not found, and nothing to decide.
    manager = UserFactory()
    SpaceFactory().staff.add(manager)
    for outsider in (other_user, manager):
        client.force_login(outsider)
        response = _api(client, detail)
        assert response.status_code == 404 and "fast" not in response.content.decode()
        assert _api(client, "/bookings/waiting").json()["results"] == []
        assert _api(client, "/bookings").json()["results"] == []
    client.logout()
    assert _api(client, detail).status_code == 401
    # Approved, it is no longer held: as on the page, no reason is given.
    services.approve(actor=city_staff, booking=held)
    client.force_login(user)
    assert _api(client, detail).json()["held_because"] == ""
    # A booking never held has none.
    confirmed = services.book(
        actor=user,
        space=space,
        ask=services.BookingAsk(
            starts_at=_at(_day(4), 10),
            ends_at=_at(_day(4), 11),
            purpose="meeting",
            purpose_detail="모임",
            people=4,
        ),
    )
    assert _api(client, f"/bookings/{confirmed.reference}").json()["held_because"] == ""
