"""Races on real PostgreSQL connections: two approvals at once get different numbers, submissions
at once get different receipt numbers, and the reminder tasks run at once send each reminder
once."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.db import connection, connections
from django.utils import timezone

from sharehub.accounts.tests.factories import UserFactory
from sharehub.designation import services
from sharehub.designation.models import Application, Designation, Reminder
from sharehub.designation.reminders import send_reminders, send_report_reminders
from sharehub.notifications.models import Notification
from sharehub.organizations.models import MemberRole
from sharehub.organizations.tests.factories import MembershipFactory, OrganizationFactory

from .factories import (
    attach_required,
    designate,
    draft_application,
    ready_to_decide,
    under_review,
    world,
)

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
            applications.append(ready_to_decide(under_review(org, owner, staff), staff))
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


def test_receipt_numbers_are_unique_when_many_submit_at_once():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks and parallel connections")
    drafts = []
    for _ in range(6):
        owner = UserFactory()  # one each: a person's uploads are limited per hour
        organization = OrganizationFactory()
        MembershipFactory(organization=organization, user=owner, role=MemberRole.OWNER)
        draft = draft_application(organization, owner)
        attach_required(draft, owner)
        drafts.append((draft, owner))
    results = _parallel(
        *[lambda d=d, o=o: services.submit_application(actor=o, application=d) for d, o in drafts]
    )
    assert all(not isinstance(r, Exception) for r in results), results
    year = timezone.localdate().year
    numbers = sorted(Application.objects.values_list("receipt_number", flat=True))
    assert numbers == [f"{year}-{n:04d}" for n in range(1, 7)]


def test_report_reminders_sent_once_when_two_run_at_once():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks and parallel connections")
    organization, owner, _editor, staff = world()
    designation = designate(organization, owner, staff)
    report = designation.reports.order_by("year").first()
    day_after = report.period_end + datetime.timedelta(days=1)
    results = _parallel(
        lambda: send_report_reminders(today=day_after),
        lambda: send_report_reminders(today=day_after),
        lambda: send_report_reminders(today=day_after),
    )
    assert sorted(results) == [0, 0, 1], results
    assert Notification.objects.filter(kind="designation.report").count() == 2  # owner, editor
