from __future__ import annotations

from django.tasks import task

from .reminders import send_reminders


@task()
def send_designation_reminders() -> int:
    """Daily: expiry reminders to the organizations' members; safe to run twice."""
    return send_reminders()
