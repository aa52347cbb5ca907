"""Expiry reminders, 90, 30 and 7 days before a designation's last valid day, and the reminder
of each annual activity report once its designation year has ended.

Each reminder is a unique (designation, offset) row inserted before anyone is notified, in the
same transaction as the notifications: a second run (or a second worker at the same moment)
fails to insert it and sends nothing. Only the nearest due offset is sent, so a designation
approved 20 days before its end gets the 30-day reminder, not three at once.
"""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from sharehub.core.locking import lock_rows

from .history import record
from .models import AnnualReport, Designation, DesignationStatus, Reminder, ReportStatus
from .notices import announce, announce_report
from .rules import RENEWAL_WINDOW_DAYS
from .services import ensure_reports, expire_if_past

REMINDER_OFFSETS = (RENEWAL_WINDOW_DAYS, 30, 7)


def due_offset(days_left: int) -> int | None:
    due = [offset for offset in REMINDER_OFFSETS if days_left <= offset]
    return min(due) if due else None


def _locked_active(designation_id: int) -> Designation | None:
    """The designation's row, locked, if it is still active (inside the caller's transaction)."""
    designation = lock_rows(Designation, [designation_id]).get(designation_id)
    if designation is None or designation.status != DesignationStatus.ACTIVE:
        return None
    return designation


def _remind(designation_id: int, offset: int, today: datetime.date) -> bool:
    """One reminder in its own transaction: the claim row, the audit entry and the members'
    notifications together. Locks the designation's row."""
    with transaction.atomic():
        designation = _locked_active(designation_id)
        if designation is None or designation.valid_until < today:
            return False
        try:
            with transaction.atomic():
                Reminder.objects.create(designation=designation, days_before=offset)
        except IntegrityError:
            return False
        days = (designation.valid_until - today).days
        record(actor=None, action="reminded", target=designation, data={"days_before": offset})
        announce(designation, "reminder", days=days)
        return True


def _expire_past(today: datetime.date) -> int:
    expired = 0
    ids = list(
        Designation.objects.filter(
            status=DesignationStatus.ACTIVE, valid_until__lt=today
        ).values_list("pk", flat=True)
    )
    for pk in ids:
        with transaction.atomic():
            designation = _locked_active(pk)
            if designation is not None and expire_if_past(designation, today=today) is None:
                expired += 1
    return expired


def send_reminders(*, today: datetime.date | None = None) -> int:
    """Send the due reminders and mark ended designations expired; return how many were sent."""
    today = today or timezone.localdate()
    _expire_past(today)
    horizon = today + datetime.timedelta(days=max(REMINDER_OFFSETS))
    candidates = Designation.objects.filter(
        status=DesignationStatus.ACTIVE, valid_until__gte=today, valid_until__lte=horizon
    ).values_list("pk", "valid_until")
    sent = 0
    for pk, valid_until in candidates:
        offset = due_offset((valid_until - today).days)
        if offset is not None and _remind(pk, offset, today):
            sent += 1
    return sent


# A report is asked of designations still in force or just ended (the last year's report is due
# after the end); not of revoked or suspended ones.
REPORTING_STATUSES = (
    DesignationStatus.ACTIVE,
    DesignationStatus.EXPIRED,
    DesignationStatus.RENEWED,
)


def _remind_report(report_id: int, now: datetime.datetime) -> bool:
    """One report's reminder, claimed by a conditional update of `reminded_at` in the same
    transaction as the members' notifications: whoever updates the row first sends it; a
    concurrent run waits on the row, then finds it claimed and sends nothing."""
    with transaction.atomic():
        claimed = AnnualReport.objects.filter(
            pk=report_id, reminded_at__isnull=True, status=ReportStatus.DUE
        ).update(reminded_at=now)
        if not claimed:
            return False
        report = AnnualReport.objects.select_related("designation__organization").get(pk=report_id)
        announce_report(report, "report_reminder")
        return True


def send_report_reminders(*, today: datetime.date | None = None) -> int:
    """Make sure every designation in force has its report rows, then remind each report whose
    year has ended and that is still due, once. Returns how many reminders were sent."""
    today = today or timezone.localdate()
    for designation in Designation.objects.filter(
        status=DesignationStatus.ACTIVE, valid_until__gte=today
    ).iterator():
        with transaction.atomic():
            ensure_reports(designation)
    due = AnnualReport.objects.filter(
        status=ReportStatus.DUE,
        reminded_at__isnull=True,
        period_end__lt=today,
        designation__status__in=REPORTING_STATUSES,
    ).values_list("pk", flat=True)
    now = timezone.now()
    return sum(1 for pk in list(due) if _remind_report(pk, now))
