"""Kept pages under a rush, on real PostgreSQL connections: while people register at once and
visitors read the event's page (kept pages in the threads' shared memory, as in one server
process), the page each visitor gets after the rush shows exactly the places left."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client

from sharehub.accounts.models import User
from sharehub.core.tests.rush import Rush, finishes_alone, holding_every_shard
from sharehub.events import notices, services
from sharehub.events.models import Registration, RegistrationStatus
from sharehub.events.tests.factories import EventFactory

pytestmark = pytest.mark.django_db(transaction=True)

REGISTERING = 12
READING = 12
ROUNDS = 5


@pytest.fixture(autouse=True)
def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs parallel connections")


def _places_left(page: str) -> int:
    match = re.search(r"(\d+) places? left", page)
    assert match, "the page shows no places left"
    return int(match.group(1))


def test_the_page_after_a_rush_shows_exactly_the_places_left(monkeypatch):
    monkeypatch.setattr(notices, "tell_registration", lambda registration: None)
    capacity = REGISTERING * ROUNDS + 5
    event = EventFactory(capacity=capacity)
    url = f"/en{event.get_absolute_url()[3:]}"
    people = User.objects.bulk_create(
        [
            User(email=f"page-rush{i}@example.org", display_name=f"참가자 {i}")
            for i in range(REGISTERING * ROUNDS)
        ]
    )
    assert _places_left(Client().get(url).content.decode()) == capacity

    def read() -> list[str]:
        visitor = Client()
        return [visitor.get(url)["X-Page-Cache"] for _ in range(5)]

    rush = Rush(REGISTERING + READING)
    try:
        seen: list[str] = []
        for round_ in range(ROUNDS):
            group = people[round_ * REGISTERING : (round_ + 1) * REGISTERING]
            jobs = [lambda p=p: services.register(actor=p, event=event) for p in group]
            jobs += [read] * READING
            results = rush.round(jobs)
            errors = [r for r in results if isinstance(r, Exception)]
            assert not errors, errors
            seen += [state for states in results[REGISTERING:] for state in states]
            taken = Registration.objects.filter(
                event=event, status=RegistrationStatus.CONFIRMED
            ).count()
            assert taken == REGISTERING * (round_ + 1)
            for _ in range(2):  # built afresh, then kept: both right
                response = Client().get(url)
                assert _places_left(response.content.decode()) == capacity - taken
        assert "hit" in seen  # the readers were served kept pages during the rushes
    finally:
        rush.close()


def test_two_transactions_writing_two_tables_in_opposite_orders_do_not_deadlock():
    """Each holds a row of its own in both tables; the versions are bumped at commit in one order,
    so neither waits for a version row the other holds (bumped at each write, they would)."""
    from threading import Barrier

    from django.db import transaction

    from sharehub.directory.tests.factories import ListingFactory
    from sharehub.organizations.models import Organization

    first, second = ListingFactory(), ListingFactory()
    listing_model = type(first)
    middle = Barrier(2, timeout=30)

    def write(mine, tables_in_order: tuple[str, str]) -> None:
        with transaction.atomic():
            for step, table in enumerate(tables_in_order):
                if table == "organization":
                    Organization.objects.filter(pk=mine.organization_id).update(name_en="x")
                else:
                    listing_model.objects.filter(pk=mine.pk).update(summary_en="x")
                if step == 0:
                    middle.wait()  # both hold their first table's rows (and nothing more)

    rush = Rush(2)
    try:
        results = rush.round(
            [
                lambda: write(first, ("organization", "listing")),
                lambda: write(second, ("listing", "organization")),
            ]
        )
    finally:
        rush.close()
    assert results == [None, None]


def _version(table: str) -> tuple[int, int]:
    """The table's version (the sum of its shards) and how many shards it has."""
    from django.db.models import Count, Sum

    from sharehub.core.models import PageVersion

    found = PageVersion.objects.filter(name=table).aggregate(n=Sum("n"), shards=Count("shard"))
    return found["n"] or 0, found["shards"]


def test_a_kept_page_is_stale_after_a_write_that_landed_on_another_shard():
    """While another transaction holds every shard of the events table's version, a write to an
    event commits at once (on a new shard: it does not wait for the holder's commit) and the
    kept page of that event is stale."""
    from sharehub.events.models import Event

    event = EventFactory(title_en="Before the write")
    url = f"/en{event.get_absolute_url()[3:]}"
    visitor = Client()
    for _ in range(3):
        response = visitor.get(url)
    assert response["X-Page-Cache"] == "hit"
    assert "Before the write" in response.content.decode()
    before, shards_before = _version("events_event")

    with holding_every_shard("events_event"):
        finishes_alone(lambda: Event.objects.filter(pk=event.pk).update(title_en="After the write"))
        after, shards_after = _version("events_event")
        assert after == before + 1
        assert shards_after == shards_before + 1  # a shard the holder did not hold
        response = visitor.get(url)
        assert response["X-Page-Cache"] == "miss"
        assert "After the write" in response.content.decode()


def test_each_commit_raises_its_tables_version_by_exactly_one_whatever_the_shard():
    """Simultaneous writers of one table, each in its own transaction: the version (the sum of
    the shards) grows by exactly their number, and a rolled-back write moves nothing."""
    from django.db import transaction

    from sharehub.events.models import Event

    writers = 16
    events = [EventFactory() for _ in range(writers)]
    before, _shards = _version("events_event")

    def write(mine, roll_back: bool) -> None:
        try:
            with transaction.atomic():
                Event.objects.filter(pk=mine.pk).update(title_en="written")
                if roll_back:
                    raise RuntimeError("rolled back")
        except RuntimeError:
            pass

    rush = Rush(writers)
    try:
        for round_ in range(3):
            results = rush.round(
                [lambda e=e, i=i: write(e, i % 4 == 3) for i, e in enumerate(events)]
            )
            assert results == [None] * writers
            after, _shards = _version("events_event")
            assert after == before + (round_ + 1) * (writers - writers // 4)
    finally:
        rush.close()
