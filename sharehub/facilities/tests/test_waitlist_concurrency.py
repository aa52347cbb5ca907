"""On real PostgreSQL connections: the booker cancels while others rush to book the freed time;
the first person on the waitlist is offered it and only they can book it (round after round)."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from sharehub.accounts.models import User
from sharehub.core.tests.rush import Rush
from sharehub.facilities import services
from sharehub.facilities.models import ACTIVE_STATUSES, Booking, WaitlistEntry, WaitStatus
from sharehub.facilities.services import booking as booking_module
from sharehub.facilities.services import waitlist

from .factories import SpaceFactory

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 12
ROUNDS = 8


@pytest.fixture(autouse=True)
def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL and parallel connections")


@pytest.fixture(autouse=True)
def _no_attempt_limit(monkeypatch):
    """The same people rush round after round, faster than any person: the per-minute attempt
    limit against scripted booking would refuse them from their ninth attempt, and is not what
    these tests prove (test_scripted_booking.py does)."""
    monkeypatch.setattr(booking_module, "ATTEMPT_RATE", "100000/m")


def _ask(day, start: int = 10, end: int = 12) -> services.BookingAsk:
    return services.BookingAsk(
        starts_at=timezone.make_aware(datetime.combine(day, time(start))),
        ends_at=timezone.make_aware(datetime.combine(day, time(end))),
        purpose="meeting",
        purpose_detail="모임",
        people=3,
    )


def test_a_cancelled_time_goes_to_the_waitlist_not_to_the_fastest():
    space = SpaceFactory(max_bookings_per_month=31, max_hours_per_day=12)
    booker, waiter, *others = User.objects.bulk_create(
        [User(email=f"rush{i}@example.org", display_name=f"사람 {i}") for i in range(THREADS)]
    )
    pool = Rush(THREADS)
    try:
        for round_ in range(ROUNDS):
            day = timezone.localdate() + timedelta(days=3 + round_)
            booking = services.book(actor=booker, space=space, ask=_ask(day))
            entry = waitlist.join(
                actor=waiter, space=space, starts_at=booking.starts_at, ends_at=booking.ends_at
            )
            # Half the others ask for the same time, half for an overlapping one.
            jobs = [lambda b=booking: services.cancel(actor=booker, booking=b)]
            jobs += [
                lambda p=p, i=i, day=day: services.book(
                    actor=p, space=space, ask=_ask(day, 10 + i % 2, 12 + i % 2)
                )
                for i, p in enumerate(others)
            ]
            jobs.append(lambda day=day: services.book(actor=waiter, space=space, ask=_ask(day)))
            results = pool.round(jobs)
            cancelled, *tries, waiter_try = results
            assert isinstance(cancelled, Booking), cancelled
            unexpected = [r for r in tries if not isinstance(r, ValidationError)]
            assert unexpected == [], f"round {round_}: {unexpected}"
            assert {e.error_dict["starts_at"][0].code for e in tries} <= {"taken", "offered"}
            entry.refresh_from_db()
            if isinstance(waiter_try, Booking):
                assert entry.status == WaitStatus.BOOKED and entry.booking == waiter_try
            else:
                # It ran before the cancellation was committed: the offer waits for them.
                assert isinstance(waiter_try, ValidationError), waiter_try
                assert entry.status == WaitStatus.OFFERED
                again = services.book(actor=waiter, space=space, ask=_ask(day))
                entry.refresh_from_db()
                assert entry.status == WaitStatus.BOOKED and entry.booking == again
            active = Booking.objects.filter(
                space=space, status__in=ACTIVE_STATUSES, starts_at__date=day
            )
            assert [b.user_id for b in active] == [waiter.pk]
    finally:
        pool.close()
    assert WaitlistEntry.objects.filter(status=WaitStatus.BOOKED).count() == ROUNDS
