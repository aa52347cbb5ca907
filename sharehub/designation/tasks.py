from __future__ import annotations

from django.tasks import task

from .reminders import send_reminders, send_report_reminders


@task()
def send_designation_reminders() -> int:
    """Daily: expiry reminders to the organizations' members; safe to run twice."""
    return send_reminders()


@task()
def send_annual_report_reminders() -> int:
    """Daily: each annual activity report's reminder once its year has ended; sent once."""
    return send_report_reminders()
