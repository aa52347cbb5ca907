"""The reads of a booking attempt written out or kept for a rush's refusals (issue 18), against
what they stand for: each written-out read gives the ORM query's answer, and the kept calendar
is never older than a read of it."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sharehub.accounts.tests.factories import UserFactory
from sharehub.facilities import services
from sharehub.facilities.models import Booking, BookingStatus, Closure, OpeningHours, Penalty
from sharehub.facilities.selectors import get_space
from sharehub.facilities.selectors.penalties import suspension_of
from sharehub.facilities.services import booking as booking_module

from .factories import SpaceFactory

pytestmark = pytest.mark.django_db

S = BookingStatus


def _day(days: int) -> date:
    return timezone.localdate() + timedelta(days=days)


def _at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def test_period_taken_answers_as_the_orm_query():
    space, other_space = SpaceFactory(), SpaceFactory()
    user, day = UserFactory(), _day(3)
    rows = [
        (space, S.CONFIRMED, 10, 12),
        (space, S.HELD, 14, 15),
        (space, S.REQUESTED, 16, 17),
        (space, S.CANCELLED, 12, 14),
        (space, S.REJECTED, 8, 10),
        (other_space, S.CONFIRMED, 12, 14),
    ]
    for where, status, start, end in rows:
        Booking.objects.create(
            space=where,
            user=user,
            starts_at=_at(day, start),
            ends_at=_at(day, end),
            purpose="meeting",
            purpose_detail="모임",
            people=2,
            status=status,
        )
    answers = []
    for start in range(7, 19):
        for end in range(start + 1, 20):
            starts_at, ends_at = _at(day, start), _at(day, end)
            expected = booking_module._overlapping(space, starts_at, ends_at).exists()
            assert booking_module._period_taken(space, starts_at, ends_at) is expected, (
                start,
                end,
            )
            answers.append(expected)
    assert True in answers and False in answers  # both answers were asked for


def test_may_be_suspended_answers_as_suspension_of():
    space, other_space = SpaceFactory(), SpaceFactory()
    now = timezone.now()
    hour = timedelta(hours=1)
    cases = {  # name: (space, starts, ends, lifted)
        "this space, running": (space, -hour, hour, False),
        "every space, running": (None, -hour, hour, False),
        "other space, running": (other_space, -hour, hour, False),
        "this space, lifted": (space, -hour, hour, True),
        "this space, ended": (space, -2 * hour, -hour, False),
        "this space, ends now": (space, -hour, timedelta(0), False),
        "this space, starts now": (space, timedelta(0), hour, False),
        "this space, later": (space, hour, 2 * hour, False),
    }
    seen = []
    for name, (where, starts, ends, lifted) in cases.items():
        person = UserFactory()
        Penalty.objects.create(
            user=person,
            space=where,
            kind="no_show",
            reason="테스트",
            starts_at=now + starts,
            ends_at=now + ends,
            lifted_at=now if lifted else None,
        )
        expected = suspension_of(person, space, now=now) is not None
        assert booking_module._may_be_suspended(person, space, now=now) is expected, name
        seen.append(expected)
    nobody = UserFactory()
    assert booking_module._may_be_suspended(nobody, space, now=now) is False
    assert True in seen and False in seen


def _attempt(space, person, day: date) -> ValidationError:
    """A booking refused, for the space as the booking page and the API fetch it (its hours
    prefetched)."""
    return _refused(get_space(slug=space.slug), person, day)


def _ask(day: date) -> services.BookingAsk:
    return services.BookingAsk(
        starts_at=_at(day, 10),
        ends_at=_at(day, 12),
        purpose="meeting",
        purpose_detail="모임",
        people=2,
    )


def _refused(space, person, day: date) -> ValidationError:
    with pytest.raises(ValidationError) as refused:
        services.book(actor=person, space=space, ask=_ask(day))
    return refused.value


@pytest.mark.django_db(transaction=True)  # the kept pages' versions move at real commits
def test_a_refusal_reads_the_kept_calendar_and_sees_every_change_to_it():
    """A rush's refusals read the space's hours and closures once while neither table is
    written; a closure added, or the hours changed, shows in the very next refusal."""
    space, day = SpaceFactory(), _day(3)
    services.book(actor=UserFactory(), space=space, ask=_ask(day))
    assert _attempt(space, UserFactory(), day).error_dict["starts_at"][0].code == "taken"
    fetched, person = get_space(slug=space.slug), UserFactory()
    with CaptureQueriesContext(connection) as queries:
        assert _refused(fetched, person, day).error_dict["starts_at"][0].code == "taken"
    read = " ".join(q["sql"] for q in queries.captured_queries)
    assert 'FROM "facilities_openinghours"' not in read and 'FROM "facilities_closure"' not in read

    Closure.objects.create(
        space=space, starts_on=day, ends_on=day, reason_ko="선거", reason_en="Election"
    )
    closed = _attempt(space, UserFactory(), day).error_dict["starts_at"][0]
    assert closed.code != "taken" and "선거" in closed.message

    Closure.objects.filter(space=space).delete()
    assert _attempt(space, UserFactory(), day).error_dict["starts_at"][0].code == "taken"
    OpeningHours.objects.filter(space=space, weekday=day.weekday()).delete()
    shut = _attempt(space, UserFactory(), day).error_dict["starts_at"][0]
    assert shut.code != "taken"
