"""Background jobs; each is idempotent and safe to run on two workers at once."""

from __future__ import annotations

from django.tasks import task

from .services import expire_waiting


@task()
def expire_waiting_bookings() -> int:
    return expire_waiting()
