"""Background jobs; each is idempotent and safe to run on two workers at once."""

from __future__ import annotations

from django.tasks import task


@task()
def send_event_reminders() -> int:
    from .services import send_due_reminders

    return send_due_reminders()


@task()
def expire_waitlist_offers() -> int:
    from .services import expire_offers

    return expire_offers()
