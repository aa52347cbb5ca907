"""Periodic jobs are enqueued once per period, however many schedulers check."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.tasks import task
from django.utils import timezone

from sharehub.core import periodic
from sharehub.core.models import PeriodicRun

calls: list[int] = []


@task()
def count_call() -> int:
    calls.append(1)
    return len(calls)


@pytest.fixture
def job(monkeypatch):
    monkeypatch.setattr(periodic, "_jobs", {})
    periodic.register_periodic("test.count", count_call, every=timedelta(minutes=10))
    calls.clear()
    return periodic.registered_jobs()[0]


@pytest.mark.django_db
def test_a_job_runs_at_first_check_then_once_per_period(job):
    now = timezone.now()
    assert periodic.enqueue_due_jobs(now) == ["test.count"]
    assert periodic.enqueue_due_jobs(now + timedelta(minutes=9)) == []
    assert periodic.enqueue_due_jobs(now + timedelta(minutes=10)) == ["test.count"]
    assert len(calls) == 2
    assert PeriodicRun.objects.get(name="test.count").last_enqueued_at == now + timedelta(
        minutes=10
    )


@pytest.mark.django_db
def test_the_apps_register_their_jobs():
    names = {job.name for job in periodic.registered_jobs()}
    assert {"notifications.resend_stale_emails", "designation.send_reminders"} <= names


@pytest.mark.django_db(transaction=True)
def test_parallel_schedulers_enqueue_once(job):
    if connection.vendor != "postgresql":
        pytest.skip("parallel connections are proven on PostgreSQL")
    now = timezone.now()
    PeriodicRun.objects.create(name="test.count", last_enqueued_at=now - timedelta(hours=1))
    barrier = threading.Barrier(8)
    results: list[list[str]] = []

    def check() -> None:
        from django.db import connections

        barrier.wait()
        try:
            results.append(periodic.enqueue_due_jobs(now))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=check) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(len(r) for r in results) == 1
    assert len(calls) == 1
