"""Scripted booking (issue 19) under parallel requests, on real PostgreSQL connections: a macro
sending one person's bookings to many spaces at the same instant gets exactly the attempts a
minute allows, and exactly BURST_BOOKINGS of them go through unheld.

Each round a fresh person sends THREADS bookings at once, one per space (no space's lock orders
them): the attempt count's one upsert of the person's `BookingAttempts` row, and the person's
row locked for the burst count, are what make both counts exact. The attempt count is no longer
in the cache; the cache is still Django's DatabaseCache here (a hub without Redis), whose
increment is a read then a write, for the "too fast" entry written once a minute."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, time, timedelta

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from sharehub.accounts.tests.factories import UserFactory
from sharehub.core.ratelimit import parse_rate
from sharehub.core.tests.rush import Rush
from sharehub.facilities import services
from sharehub.facilities.models import Booking, BookingStatus, HoldReason
from sharehub.facilities.services import booking as booking_module

from .factories import SpaceFactory

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 12
ROUNDS = 6


@pytest.fixture(autouse=True)
def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL and parallel connections")


@pytest.fixture
def rush():
    pool = Rush(THREADS)
    yield pool
    pool.close()


@pytest.fixture
def spaces():
    return [
        SpaceFactory(max_bookings_per_month=31, max_hours_per_day=12, opens_days_ahead=90)
        for _ in range(THREADS)
    ]


def _ask(round_: int) -> services.BookingAsk:
    day = timezone.localdate() + timedelta(days=2 + round_)
    return services.BookingAsk(
        starts_at=timezone.make_aware(datetime.combine(day, time(10))),
        ends_at=timezone.make_aware(datetime.combine(day, time(11))),
        purpose="meeting",
        purpose_detail="모임",
        people=3,
    )


def _outcome(result: object) -> tuple[str, str]:
    if isinstance(result, Booking):
        return (result.status, result.held_because)
    if isinstance(result, ValidationError):
        return ("refused", result.error_dict["__all__"][0].code)
    raise AssertionError(f"unexpected {result!r}")


def _rounds(rush: Rush, spaces: list) -> list[Counter]:
    found = []
    for round_ in range(ROUNDS):
        person = UserFactory()
        ask = _ask(round_)
        results = rush.round(
            [
                lambda i=i, person=person, ask=ask: services.book(
                    actor=person, space=spaces[i], ask=ask
                )
                for i in range(THREADS)
            ]
        )
        found.append(Counter(_outcome(result) for result in results))
    return found


def test_a_burst_sent_to_many_spaces_at_once_is_counted_exactly(rush, spaces, monkeypatch):
    monkeypatch.setattr(booking_module, "ATTEMPT_RATE", "100000/m")  # not what this proves
    burst = booking_module.BURST_BOOKINGS
    for number, outcomes in enumerate(_rounds(rush, spaces)):
        assert outcomes == {
            (BookingStatus.CONFIRMED, ""): burst,
            (BookingStatus.HELD, HoldReason.BURST): THREADS - burst,
        }, f"round {number}: {outcomes}"


@pytest.fixture
def database_cache(settings):
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "sharehub_cache",
        },
    }
    cache.clear()
    yield
    cache.clear()


def test_attempts_sent_at_once_are_counted_exactly(database_cache, rush, spaces):
    limit, _seconds = parse_rate(booking_module.ATTEMPT_RATE)
    burst = booking_module.BURST_BOOKINGS
    assert burst < limit < THREADS
    for number, outcomes in enumerate(_rounds(rush, spaces)):
        assert outcomes == {
            (BookingStatus.CONFIRMED, ""): burst,
            (BookingStatus.HELD, HoldReason.BURST): limit - burst,
            ("refused", "rate_limited"): THREADS - limit,
        }, f"round {number}: {outcomes}"
