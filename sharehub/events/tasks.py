"""Background jobs; each is idempotent and safe to run on two workers at once."""

from __future__ import annotations

from django.tasks import task

from .services import expire_offers, send_due_reminders


@task()
def send_event_reminders() -> int:
    return send_due_reminders()


@task()
def expire_waitlist_offers() -> int:
    return expire_offers()
