"""Races on real PostgreSQL connections: two approvals at once get different numbers, and the
reminder task run twice at once sends each reminder once."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.db import connection, connections
from django.utils import timezone

from sharehub.designation import services
from sharehub.designation.models import Designation, Reminder
from sharehub.designation.reminders import send_reminders
from sharehub.notifications.models import Notification
from sharehub.organizations.models import MemberRole
from sharehub.organizations.tests.factories import MembershipFactory, OrganizationFactory

from .factories import designate, tick_all, under_review, world

pytestmark = pytest.mark.django_db(transaction=True)


def _parallel(*calls) -> list:
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=10)
            results[index] = call()
        except Exception as error:
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def test_two_approvals_at_once_get_different_numbers():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks and parallel connections")
    _organization, owner, _editor, staff = world()
    for _round in range(3):
        applications = []
        for _ in range(2):
            org = OrganizationFactory()
            MembershipFactory(organization=org, user=owner, role=MemberRole.OWNER)
            applications.append(tick_all(under_review(org, owner, staff), staff))
        results = _parallel(
            *[
                lambda a=a: services.approve_application(actor=staff, application=a)
                for a in applications
            ]
        )
        assert all(isinstance(r, Designation) for r in results), results
    numbers = list(Designation.objects.values_list("number", flat=True))
    assert len(numbers) == 6 and len(set(numbers)) == 6
    assert sorted(int(n.split("-")[1]) for n in numbers) == list(range(1, 7))


def test_reminders_sent_once_when_two_run_at_once():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks and parallel connections")
    organization, owner, _editor, staff = world()
    today = timezone.localdate()
    designate(
        organization,
        owner,
        staff,
        designated_on=today - datetime.timedelta(days=300),
        valid_until=today + datetime.timedelta(days=6),
    )
    results = _parallel(lambda: send_reminders(today=today), lambda: send_reminders(today=today))
    assert sorted(results) == [0, 1], results
    assert Reminder.objects.get().days_before == 7
    assert (
        Notification.objects.filter(kind="designation.reminder").count() == 2
    )  # owner and editor, once each
