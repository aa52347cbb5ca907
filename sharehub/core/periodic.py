"""Periodic background jobs: reminders, scheduled publishing, scheduled campaigns, retries.

Apps register a task with how often it should run (in its manifest.py); `manage.py run_periodic`
(started by `make run` beside the worker, or one cron line running it with `--once`) enqueues each
job when it is due. The claim is a conditional UPDATE of the job's row, so any number of
schedulers on any number of machines enqueue a job once per period. The tasks themselves stay
idempotent (DESIGN §4): being enqueued once per period is a convenience, not the guarantee.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.tasks import Task
from django.utils import timezone

from .models import PeriodicRun


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    task: Task
    every: timedelta


_jobs: dict[str, PeriodicJob] = {}


def register_periodic(name: str, task: Task, *, every: timedelta) -> None:
    """`task` takes no arguments; `name` is stable (it keys the job's row)."""
    _jobs[name] = PeriodicJob(name=name, task=task, every=every)


def registered_jobs() -> list[PeriodicJob]:
    return list(_jobs.values())


def _claim(job: PeriodicJob, now: datetime) -> bool:
    """True for the one caller that moves the job's last run to `now` this period."""
    claimed = PeriodicRun.objects.filter(
        name=job.name, last_enqueued_at__lte=now - job.every
    ).update(last_enqueued_at=now)
    if claimed:
        return True
    try:
        with transaction.atomic():
            PeriodicRun.objects.create(name=job.name, last_enqueued_at=now)
    except IntegrityError:  # the row exists (not due) or another scheduler created it just now
        return False
    return True


def enqueue_due_jobs(now: datetime | None = None) -> list[str]:
    """Enqueue every job whose period has passed; returns the names enqueued."""
    now = now or timezone.now()
    enqueued = []
    for job in registered_jobs():
        if _claim(job, now):
            job.task.enqueue()
            enqueued.append(job.name)
    return enqueued
