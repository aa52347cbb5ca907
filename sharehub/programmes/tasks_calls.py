"""The calls part's background tasks: reminders before the deadlines of followed calls
(idempotent: each follow is reminded once, `reminded_at`)."""

from __future__ import annotations

from django.tasks import task

from .services.calls import send_deadline_reminders


@task()
def send_call_reminders() -> int:
    return send_deadline_reminders()
