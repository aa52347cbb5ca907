"""The draw is exactly once (issue 15, "Fairness"), on real PostgreSQL connections: two workers
draw the same round at the same moment, round after round; one draws it, the other finds it drawn,
and every entrant has one booking or none and one notice."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.db import connection
from django.utils import timezone

from sharehub.accounts.models import User
from sharehub.core.tests.rush import Rush
from sharehub.facilities import services
from sharehub.facilities.models import Booking, EntryStatus, LotteryEntry, LotteryRound
from sharehub.facilities.services import lottery
from sharehub.notifications.models import Notification

from .factories import SpaceFactory

pytestmark = pytest.mark.django_db(transaction=True)

WORKERS = 2
ROUNDS = 5
ENTRANTS = 6


@pytest.fixture(autouse=True)
def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL and parallel connections")


@pytest.fixture
def rush():
    pool = Rush(WORKERS)
    yield pool
    pool.close()


def test_two_workers_draw_a_round_once(rush):
    space = SpaceFactory(allocation="lottery", lottery_draw_days=3)
    people = User.objects.bulk_create(
        [User(email=f"entrant{i}@example.org", display_name=f"응모자 {i}") for i in range(ENTRANTS)]
    )
    lottery.open_rounds()
    rounds = list(LotteryRound.objects.filter(space=space).order_by("covers_from")[1 : 1 + ROUNDS])
    assert len(rounds) == ROUNDS
    for r in rounds:
        for i, person in enumerate(people):
            start = 10 + i % 2  # 10–12 and 11–13: every two entries overlap
            day = r.covers_from
            lottery.enter(
                actor=person,
                lottery=r,
                ask=services.BookingAsk(
                    starts_at=timezone.make_aware(datetime.combine(day, time(start))),
                    ends_at=timezone.make_aware(datetime.combine(day, time(start + 2))),
                    purpose="meeting",
                    purpose_detail="모임",
                    people=3,
                ),
            )
        at = r.draws_at + timedelta(minutes=1)
        results = rush.round(
            [lambda r=r, at=at: lottery.draw(lottery=r, now=at) for _ in range(WORKERS)]
        )
        assert sorted(results, key=str) == [False, True], results
        entries = LotteryEntry.objects.filter(round=r)
        assert entries.filter(status=EntryStatus.WON).count() == 1
        assert entries.filter(status=EntryStatus.LOST).count() == ENTRANTS - 1
        assert sorted(entries.values_list("position", flat=True)) == list(range(1, ENTRANTS + 1))
    assert Booking.objects.filter(space=space).count() == ROUNDS
    assert Notification.objects.filter(kind=lottery.LOTTERY_KIND).count() == ROUNDS * ENTRANTS
