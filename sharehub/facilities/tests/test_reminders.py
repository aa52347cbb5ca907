"""Reminders about a day before a confirmed booking: once each, with the calendar entry and the
check-in note, a kind people can turn off; exactly once under two workers (PostgreSQL)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from sharehub.accounts.models import User
from sharehub.core.tests.rush import Rush
from sharehub.facilities.models import Booking, BookingStatus
from sharehub.facilities.services import waitlist
from sharehub.notifications.kinds import all_kinds
from sharehub.notifications.models import Notification, NotificationPreference, OutboundEmail

from .factories import SpaceFactory


def _booking(space, user, *, hours: float, status: str = BookingStatus.CONFIRMED) -> Booking:
    start = (timezone.now() + timedelta(hours=hours)).replace(second=0, microsecond=0)
    return Booking.objects.create(
        space=space,
        user=user,
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        purpose="meeting",
        purpose_detail="모임",
        people=3,
        status=status,
    )


@pytest.mark.django_db
def test_reminded_once_a_day_before(user, other_user, django_capture_on_commit_callbacks):
    space = SpaceFactory()
    due = _booking(space, user, hours=24)
    _booking(space, user, hours=40)  # too early
    _booking(space, user, hours=10)  # confirmed too late for a reminder a day before
    _booking(space, other_user, hours=27, status=BookingStatus.REQUESTED)  # not confirmed
    with django_capture_on_commit_callbacks(execute=True):
        assert waitlist.send_reminders() == 1
    assert waitlist.send_reminders() == 0  # once
    due.refresh_from_db()
    assert due.reminded_at is not None
    [told] = Notification.objects.filter(kind=waitlist.REMINDER_KIND)
    assert told.user == user and due.reference in told.url
    assert "check in" in told.body or "확인" in told.body or "체크인" in told.body
    mail = OutboundEmail.objects.get(user=user, kind=waitlist.REMINDER_KIND)
    assert [a["filename"] for a in mail.attachments] == [f"booking-{due.reference}.ics"]


@pytest.mark.django_db
def test_reminders_can_be_turned_off(user):
    assert waitlist.REMINDER_KIND in {kind.code for kind in all_kinds()}
    NotificationPreference.objects.create(user=user, kind=waitlist.REMINDER_KIND, email=False)
    _booking(SpaceFactory(), user, hours=24)
    assert waitlist.send_reminders() == 1
    assert not OutboundEmail.objects.filter(user=user).exists()


@pytest.mark.django_db
def test_a_cancelled_booking_is_not_reminded(user):
    booking = _booking(SpaceFactory(), user, hours=24)
    Booking.objects.filter(pk=booking.pk).update(status=BookingStatus.CANCELLED)
    assert waitlist.send_reminders() == 0


@pytest.mark.django_db(transaction=True)
def test_two_workers_remind_once():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL and parallel connections")
    people = User.objects.bulk_create(
        [User(email=f"reminded{i}@example.org", display_name=f"예약자 {i}") for i in range(10)]
    )
    for i, person in enumerate(people):
        _booking(SpaceFactory(), person, hours=21 + i / 2)
    pool = Rush(4)
    try:
        for _ in range(3):
            results = pool.round([waitlist.send_reminders for _ in range(4)])
            assert all(isinstance(r, int) for r in results), results
    finally:
        pool.close()
    assert Notification.objects.filter(kind=waitlist.REMINDER_KIND).count() == 10
    assert Booking.objects.filter(reminded_at__isnull=True).count() == 0
