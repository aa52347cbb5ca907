"""Never double-booked (issue 15), on real PostgreSQL connections: 30 people book overlapping
times of one space at once, 20 rounds; exactly one wins each round, the others read "taken"."""

from __future__ import annotations

import threading
import time as time_module
from datetime import datetime, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections, transaction
from django.utils import timezone

from sharehub.accounts.models import User
from sharehub.core.locking import lock_pk
from sharehub.core.tests.rush import Rush
from sharehub.facilities import services
from sharehub.facilities.models import Booking, BookingStatus, Space
from sharehub.facilities.services import booking as booking_module

from .factories import SpaceFactory

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 30
ROUNDS = 20


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


@pytest.fixture
def rush():
    pool = Rush(THREADS)
    yield pool
    pool.close()


def test_thirty_at_once_for_one_slot_twenty_times(rush):
    space = SpaceFactory(max_bookings_per_month=31, max_hours_per_day=12, opens_days_ahead=90)
    people = User.objects.bulk_create(
        [User(email=f"booker{i}@example.org", display_name=f"예약자 {i}") for i in range(THREADS)]
    )
    first_day = timezone.localdate() + timedelta(days=2)
    for round_ in range(ROUNDS):
        day = first_day + timedelta(days=round_)

        # Half ask for 9–11, half for 10–12: every two asks overlap.
        def job(i: int, day=day):
            start = 9 + i % 2
            ask = services.BookingAsk(
                starts_at=timezone.make_aware(datetime.combine(day, time(start))),
                ends_at=timezone.make_aware(datetime.combine(day, time(start + 2))),
                purpose="meeting",
                purpose_detail="모임",
                people=3,
            )
            return services.book(actor=people[i], space=space, ask=ask)

        results = rush.round([lambda i=i: job(i) for i in range(THREADS)])
        won = [r for r in results if isinstance(r, Booking)]
        lost = [r for r in results if isinstance(r, ValidationError)]
        others = [r for r in results if not isinstance(r, Booking | ValidationError)]
        assert others == [], others
        assert len(won) == 1, f"round {round_}: {len(won)} winners"
        assert all(e.error_dict["starts_at"][0].code == "taken" for e in lost)
        assert (
            Booking.objects.filter(
                space=space, status=BookingStatus.CONFIRMED, starts_at__date=day
            ).count()
            <= 1
        )
    assert Booking.objects.filter(space=space).count() == ROUNDS


WAITERS = 8


def test_those_who_find_a_booking_being_written_wait_for_its_commit_together():
    """A booking being written holds the space's row: the others asking for the same period
    wait for its commit holding the row shared, all at once (not taking it alone one after
    another, which in a rush of 1,000 queued the first 50 for seconds), and then all see the
    period taken."""
    space = SpaceFactory(max_bookings_per_month=31, max_hours_per_day=12, opens_days_ahead=90)
    people = User.objects.bulk_create(
        [User(email=f"waiter{i}@example.org", display_name=f"예약자 {i}") for i in range(WAITERS)]
    )
    day = timezone.localdate() + timedelta(days=3)
    ask = services.BookingAsk(
        starts_at=timezone.make_aware(datetime.combine(day, time(14))),
        ends_at=timezone.make_aware(datetime.combine(day, time(16))),
        purpose="meeting",
        purpose_detail="모임",
        people=3,
    )
    held, release = threading.Event(), threading.Event()
    results: dict[int, object] = {}

    def holder() -> None:
        try:
            with transaction.atomic():
                lock_pk(Space, space.pk)
                first = services.BookingAsk(**{**ask.__dict__, "purpose_detail": "먼저"})
                booking_module._new_booking(people[0], space, first, now=timezone.now())
                held.set()
                release.wait(30)
        finally:
            connections.close_all()

    def booker(i: int) -> None:
        held.wait(30)
        try:
            results[i] = services.book(actor=people[i], space=space, ask=ask)
        except Exception as error:
            results[i] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=holder)]
    threads += [threading.Thread(target=booker, args=(i,)) for i in range(1, WAITERS)]
    for thread in threads:
        thread.start()
    try:
        assert held.wait(30)
        waiting: list[str] = []
        for _ in range(400):  # until every booker waits for the row (at most 20 s)
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT query FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                    " AND datname = current_database()"
                )
                waiting = [row[0] for row in cursor.fetchall()]
            if len(waiting) == WAITERS - 1:
                break
            time_module.sleep(0.05)
        assert len(waiting) == WAITERS - 1, waiting
        assert all("FOR SHARE" in query for query in waiting), waiting
    finally:
        release.set()
        for thread in threads:
            thread.join(60)
    assert len(results) == WAITERS - 1
    assert all(
        isinstance(r, ValidationError) and r.error_dict["starts_at"][0].code == "taken"
        for r in results.values()
    ), results
    assert Booking.objects.filter(space=space).count() == 1
