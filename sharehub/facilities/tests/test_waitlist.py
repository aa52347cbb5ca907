"""The waitlist through its services: who may wait for what, offers when a time is released
(first come, only what fits), the hold an offer has on the time, taking it up, expiry, leaving."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from sharehub.accounts.tests.factories import UserFactory
from sharehub.facilities import rules, services
from sharehub.facilities.models import (
    BookingStatus,
    Penalty,
    PenaltyKind,
    WaitlistEntry,
    WaitStatus,
)
from sharehub.facilities.services import waitlist
from sharehub.notifications.models import Notification

from .factories import SpaceFactory

pytestmark = pytest.mark.django_db


def _day(days: int) -> date:
    return timezone.localdate() + timedelta(days=days)


def _at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def ask(day: date, start: int = 10, end: int = 12) -> services.BookingAsk:
    return services.BookingAsk(
        starts_at=_at(day, start),
        ends_at=_at(day, end),
        purpose="meeting",
        purpose_detail="마을 모임",
        people=5,
    )


def join(person, space, day: date, start: int = 10, end: int = 12) -> WaitlistEntry:
    return waitlist.join(
        actor=person, space=space, starts_at=_at(day, start), ends_at=_at(day, end)
    )


def code(error: ValidationError) -> str:
    return next(iter(error.error_dict.values()))[0].code


@pytest.fixture
def space():
    return SpaceFactory()


@pytest.fixture
def third(db):
    return UserFactory(email="third@example.org", display_name="셋째")


@pytest.fixture
def taken(space, user):
    return services.book(actor=user, space=space, ask=ask(_day(3)))


# Joining --------------------------------------------------------------------------------------


def test_join_a_taken_time(space, taken, other_user):
    entry = join(other_user, space, _day(3))
    assert entry.status == WaitStatus.WAITING
    # A part of the taken time, or a longer time overlapping it, may be waited for too.
    assert WaitlistEntry.objects.get(user=other_user) == entry


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [
        (7, 9, "starts_at"),  # before opening
        (10, 17, "ends_at"),  # longer than the longest booking
    ],
)
def test_join_only_what_the_rules_allow(space, taken, other_user, start, end, field):
    with pytest.raises(ValidationError) as refused:
        join(other_user, space, _day(3), start, end)
    assert field in refused.value.error_dict
    assert not WaitlistEntry.objects.exists()


def test_join_refusals(space, taken, user, other_user):
    with pytest.raises(ValidationError) as refused:
        join(other_user, space, _day(3), 14, 16)
    assert code(refused.value) == "free"
    with pytest.raises(ValidationError) as refused:
        join(user, space, _day(3))
    assert code(refused.value) == "yours"
    join(other_user, space, _day(3))
    with pytest.raises(ValidationError) as refused:
        join(other_user, space, _day(3), 11, 13)  # overlaps the time they already wait for
    assert code(refused.value) == "already"
    with pytest.raises(ValidationError) as refused:
        waitlist.join(
            actor=other_user,
            space=space,
            starts_at=_at(_day(3), 10) - timedelta(days=10),
            ends_at=_at(_day(3), 12) - timedelta(days=10),
        )
    assert "starts_at" in refused.value.error_dict  # in the past
    with pytest.raises(PermissionDenied):
        join(AnonymousUser(), space, _day(3))
    assert WaitlistEntry.objects.count() == 1


def test_join_is_capped_per_person(user, other_user):
    space = SpaceFactory(max_bookings_per_month=31)
    days = [_day(3 + i) for i in range(waitlist.MAX_LIVE_ENTRIES + 1)]
    for day in days:
        services.book(actor=user, space=space, ask=ask(day))
    for day in days[:-1]:
        join(other_user, space, day)
    with pytest.raises(ValidationError) as refused:
        join(other_user, space, days[-1])
    assert code(refused.value) == "limit"
    # An ended entry no longer counts.
    waitlist.leave(actor=other_user, entry=WaitlistEntry.objects.filter(user=other_user).first())
    join(other_user, space, days[-1])


def test_a_suspended_person_cannot_wait(space, taken, other_user):
    now = timezone.now()
    Penalty.objects.create(
        user=other_user,
        space=space,
        kind=PenaltyKind.NO_SHOW,
        reason="노쇼",
        starts_at=now - timedelta(days=1),
        ends_at=now + timedelta(days=10),
    )
    with pytest.raises(ValidationError) as refused:
        join(other_user, space, _day(3))
    assert code(refused.value) == "suspended"


# Offers ---------------------------------------------------------------------------------------


def test_cancel_offers_the_first_person_and_holds_the_time(space, taken, user, other_user, third):
    first = join(other_user, space, _day(3))
    second = join(third, space, _day(3))
    stranger = UserFactory()
    services.cancel(actor=user, booking=taken)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == WaitStatus.OFFERED and second.status == WaitStatus.WAITING
    assert first.offered_at is not None
    hours = (first.offer_expires_at - first.offered_at).total_seconds() / 3600
    assert hours == pytest.approx(waitlist.OFFER_HOURS)
    told = Notification.objects.get(user=other_user)
    assert "/book/?start=" in told.url and taken.space.slug in told.url
    assert not Notification.objects.filter(user=third).exists()
    # Nobody else may book the time while the offer lives: not the next in line, not a stranger.
    for person in (third, stranger, user):
        with pytest.raises(ValidationError) as refused:
            services.book(actor=person, space=space, ask=ask(_day(3), 11, 13))
        assert code(refused.value) == "offered"
    # The offered person books it: the entry is booked, with the booking.
    booking = services.book(actor=other_user, space=space, ask=ask(_day(3)))
    first.refresh_from_db()
    assert first.status == WaitStatus.BOOKED and first.booking == booking
    second.refresh_from_db()
    assert second.status == WaitStatus.WAITING  # the time is taken again


def test_an_offer_ends_at_the_booking_windows_close(user, other_user):
    space = SpaceFactory(closes_days_ahead=2)
    booking = services.book(actor=user, space=space, ask=ask(_day(3)))
    entry = join(other_user, space, _day(3))
    services.cancel(actor=user, booking=booking)
    entry.refresh_from_db()
    # Bookings of that day close at the end of the day two days before it.
    close = rules.at(_day(2), time(0))
    assert entry.offer_expires_at == min(close, entry.offered_at + timedelta(hours=12))


def test_reject_releases_to_the_waitlist(user, other_user, city_staff):
    space = SpaceFactory(confirmation="approval")
    request = services.book(actor=user, space=space, ask=ask(_day(3)))
    assert request.status == BookingStatus.REQUESTED
    entry = join(other_user, space, _day(3))
    services.reject(actor=city_staff, booking=request, reason="중복 신청")
    entry.refresh_from_db()
    assert entry.status == WaitStatus.OFFERED


def test_only_a_period_that_fits_in_what_is_free_is_offered(space, user, other_user, third):
    morning = services.book(actor=user, space=space, ask=ask(_day(3), 10, 12))
    noon = services.book(actor=third, space=space, ask=ask(_day(3), 12, 14))
    long_wait = join(other_user, space, _day(3), 10, 14)
    services.cancel(actor=user, booking=morning)
    long_wait.refresh_from_db()
    assert long_wait.status == WaitStatus.WAITING  # 12–14 is still taken
    # The freed 10–12 is free for anyone (nobody waits for just that).
    services.cancel(actor=third, booking=noon)
    long_wait.refresh_from_db()
    assert long_wait.status == WaitStatus.OFFERED


def test_two_waiters_for_two_halves_are_both_offered(space, user, other_user, third):
    booking = services.book(actor=user, space=space, ask=ask(_day(3), 10, 14))
    a = join(other_user, space, _day(3), 10, 12)
    b = join(third, space, _day(3), 12, 14)
    services.cancel(actor=user, booking=booking)
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.status == b.status == WaitStatus.OFFERED


def test_an_expired_offer_goes_to_the_next_person(space, taken, user, other_user, third):
    first = join(other_user, space, _day(3))
    second = join(third, space, _day(3))
    services.cancel(actor=user, booking=taken)
    assert waitlist.expire_offers() == 0  # nothing expired yet
    later = timezone.now() + timedelta(hours=waitlist.OFFER_HOURS, minutes=1)
    assert waitlist.expire_offers(now=later) == 1
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == WaitStatus.EXPIRED
    assert second.status == WaitStatus.OFFERED and second.offered_at == later
    assert Notification.objects.filter(user=third).count() == 1
    assert waitlist.expire_offers(now=later) == 0  # twice changes nothing


def test_waiting_entries_expire_when_their_time_begins(space, taken, other_user):
    entry = join(other_user, space, _day(3))
    assert waitlist.expire_offers(now=_at(_day(3), 10)) == 1
    entry.refresh_from_db()
    assert entry.status == WaitStatus.EXPIRED


def test_leave(space, taken, user, other_user, third):
    first = join(other_user, space, _day(3))
    second = join(third, space, _day(3))
    with pytest.raises(PermissionDenied):
        waitlist.leave(actor=third, entry=first)
    services.cancel(actor=user, booking=taken)
    # Giving up the offer passes it on at once.
    waitlist.leave(actor=other_user, entry=first)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == WaitStatus.WITHDRAWN and second.status == WaitStatus.OFFERED
    with pytest.raises(ValidationError) as refused:
        waitlist.leave(actor=other_user, entry=first)
    assert code(refused.value) == "state"


def test_unpaid_cancellation_releases(user, other_user):
    space = SpaceFactory(fee_mode="hour", fee_amount=10000)
    booking = services.book(actor=user, space=space, ask=ask(_day(3)))
    entry = join(other_user, space, _day(3))
    services.expire_waiting(now=booking.payment_due + timedelta(minutes=1))
    entry.refresh_from_db()
    assert entry.status == WaitStatus.OFFERED
