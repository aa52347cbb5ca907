"""The reports part's background task (registered as a periodic job in manifest_reports.py)."""

from __future__ import annotations

from django.tasks import task

from .services.reports import send_report_reminders


@task()
def remind_reports() -> int:
    """Daily: remind awarded organizations of reports due within 7 days and of overdue ones,
    each once; safe to run twice."""
    return send_report_reminders()
