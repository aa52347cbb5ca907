"""Support programmes: the reports part's services (lock order: services/__init__.py).

An award owes the reports its call asks for (interim and final, by the call's due dates). The
awarded organization's members send each report (due → submitted, again after changes were
asked for); the call's staff accept it or ask for changes with a reason. Reminders go to the
members 7 days before a report's due date and once it is overdue, each once."""

from __future__ import annotations

import datetime
from functools import partial
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sharehub.accounts.roles import signed_in_user
from sharehub.core.actors import Actor
from sharehub.core.audit import log_action
from sharehub.core.forms import field_error
from sharehub.core.locking import lock_pk
from sharehub.core.uploads import accept_attribute, check_document
from sharehub.notifications.services import notify
from sharehub.programmes import notices
from sharehub.programmes.models import (
    REASON_LIMIT,
    TEXT_LIMIT,
    Application,
    Award,
    Call,
    Report,
    ReportKind,
    ReportStatus,
)
from sharehub.programmes.permissions import is_member
from sharehub.programmes.services import require_call_staff

MAX_FILE_BYTES = 10 * 1024 * 1024
FILE_EXTENSIONS = ("pdf", "hwp", "hwpx", "docx", "png", "jpg", "jpeg", "zip")
FILE_ACCEPT = accept_attribute(FILE_EXTENSIONS)
# The first reminder, this many days before the due date; the second once the report is overdue.
REMIND_DAYS_BEFORE = 7
# Reports the organization still owes (sent back for changes: owed again).
OWED_STATUSES = (ReportStatus.DUE, ReportStatus.CHANGES_REQUESTED)

# Titles and bodies of the notices, lazily translated so each member reads their own language.
TEXTS = {
    "accepted": (
        gettext_lazy("The %(report)s of “%(title)s” was accepted"),
        gettext_lazy("Note from the call's staff: %(note)s"),
    ),
    "changes_requested": (
        gettext_lazy("Changes requested on the %(report)s of “%(title)s”"),
        gettext_lazy("The call's staff ask for changes: %(reason)s"),
    ),
    "submitted": (
        gettext_lazy("A %(report)s of “%(title)s” waits for your review"),
        gettext_lazy("%(organization)s sent it for the call “%(call)s”."),
    ),
    "due_soon": (
        gettext_lazy("The %(report)s of “%(title)s” is due on %(due)s"),
        gettext_lazy("Send it from the report's page before the due date."),
    ),
    "overdue": (
        gettext_lazy("The %(report)s of “%(title)s” is overdue"),
        gettext_lazy("It was due on %(due)s. Send it from the report's page as soon as you can."),
    ),
}


def create_reports_for(award: Award) -> list[Report]:
    """The reports an award owes, created inside the awarding transaction (the caller's): one per
    due date the call sets. Idempotent: an existing report of a kind is kept."""
    call = award.call
    wanted = [
        (ReportKind.INTERIM, call.interim_report_due),
        (ReportKind.FINAL, call.final_report_due),
    ]
    reports = []
    for kind, due in wanted:
        if due is None:
            continue
        report, _created = Report.objects.get_or_create(
            award=award, kind=kind, defaults={"due_on": due}
        )
        reports.append(report)
    return reports


def report_url(report: Report) -> str:
    return reverse("programmes:report", kwargs={"pk": report.pk})


def lock_report(report: Report) -> tuple[Call, Application, Report]:
    """The report's call, its application, then the report, locked and freshly read (the order of
    services/__init__.py)."""
    award = Award.objects.only("call_id", "application_id").get(pk=report.award_id)
    call = lock_pk(Call, award.call_id)
    application = lock_pk(Application, award.application_id)
    locked = lock_pk(Report, report.pk)
    locked.award = Award.objects.select_related("application__organization", "call").get(
        pk=award.pk
    )
    return call, application, locked


def _invalid_step(report: Report, action: str) -> ValidationError:
    return field_error(
        "status",
        _("Not possible while the report is “%(status)s”.")
        % {"status": report.get_status_display()},
        code=f"invalid_transition:{action}",
    )


def _clean_text(value: str | None) -> str:
    return (value or "").replace("\r\n", "\n").strip()


def _tell_staff(call: Call, report: Report) -> None:
    """The call's named staff hear of a report waiting for them (city staff see the queue)."""
    title, body = TEXTS["submitted"]
    application = report.award.application
    for person in call.staff.filter(is_active=True):
        notify(
            user=person,
            kind=notices.REVIEW_KIND,
            title=title,
            body=body,
            url=report_url(report),
            params={
                "report": report.get_kind_display(),
                "title": application.title,
                "organization": application.organization.name,
                "call": call.title,
            },
        )


@transaction.atomic(durable=True)
def submit_report(
    *,
    actor: Actor,
    report: Report,
    body: str,
    spent: int | None,
    upload: Any = None,
) -> Report:
    """The awarded organization's members send a report (again, after changes were asked for):
    what the project did and how much of the award it spent; a file is optional and replaces the
    one sent before. Locks the call, the application and the report."""
    user = signed_in_user(actor)
    call, application, report = lock_report(report)
    if not is_member(user, report.award.application.organization):
        raise PermissionDenied(_("Only members of the awarded organization send its reports."))
    if report.status not in OWED_STATUSES:
        raise _invalid_step(report, "submit")
    errors: dict[str, list[str]] = {}
    body = _clean_text(body)
    if not body:
        errors["body"] = [_("Describe what the project did and its results.")]
    elif len(body) > TEXT_LIMIT:
        errors["body"] = [
            _("Ensure this value has at most %(max)s characters.") % {"max": TEXT_LIMIT}
        ]
    if spent is None:
        errors["spent"] = [_("Enter the amount spent, in won (0 if nothing yet).")]
    elif spent < 0:
        errors["spent"] = [_("Enter 0 or more.")]
    elif spent > report.award.amount:
        errors["spent"] = [
            _("The amount spent cannot exceed the award (%(amount)s won).")
            % {"amount": f"{report.award.amount:,}"}
        ]
    if errors:
        raise ValidationError(errors)
    if upload is not None:
        checked = check_document(
            upload,
            actor=user,
            extensions=FILE_EXTENSIONS,
            max_bytes=MAX_FILE_BYTES,
            wrong_type=_("Upload a PDF, HWP, HWPX, DOCX, PNG, JPEG or ZIP file."),
        )
        old = report.file.name
        storage = report.file.storage
        report.file.save(str(checked.file.name), checked.file, save=False)
        report.original_name = checked.name
        if old:
            transaction.on_commit(partial(storage.delete, old))
    resubmitted = report.status == ReportStatus.CHANGES_REQUESTED
    report.body = body
    report.spent = spent
    report.status = ReportStatus.SUBMITTED
    report.submitted_by = user
    report.submitted_at = timezone.now()
    report.save()
    log_action(
        actor=user,
        action="programmes.report_resubmitted" if resubmitted else "programmes.report_submitted",
        target=report,
        data={"kind": report.kind, "application": application.pk, "spent": spent},
    )
    _tell_staff(call, report)
    return report


def _review(*, actor: Actor, report: Report, to: str, note: str, transition: str) -> Report:
    user = signed_in_user(actor)
    call, application, report = lock_report(report)
    require_call_staff(user, call)
    if report.status != ReportStatus.SUBMITTED:
        raise _invalid_step(report, transition)
    report.status = to
    report.review_note = note
    report.reviewed_by = user
    report.reviewed_at = timezone.now()
    report.save(update_fields=["status", "review_note", "reviewed_by", "reviewed_at"])
    log_action(
        actor=user,
        action=f"programmes.report_{transition}",
        target=report,
        reason=note,
        data={"kind": report.kind, "application": application.pk},
    )
    title, body = TEXTS[transition]
    notices.tell_members(
        application.organization,
        kind=notices.APPLICATION_KIND,
        title=title,
        body=body if note else "",
        url=report_url(report),
        params={
            "report": report.get_kind_display(),
            "title": application.title,
            "call": call.title,
            "note": note,
            "reason": note,
        },
    )
    return report


def _check_note(note: str, *, field: str, required: bool) -> str:
    note = _clean_text(note)
    if required and not note:
        raise field_error(field, _("Say what should change."), code="required")
    if len(note) > REASON_LIMIT:
        raise field_error(
            field,
            _("Ensure this value has at most %(max)s characters.") % {"max": REASON_LIMIT},
            code="max_length",
        )
    return note


@transaction.atomic(durable=True)
def accept_report(*, actor: Actor, report: Report, note: str = "") -> Report:
    """The call's staff accept a submitted report (an optional note to the organization)."""
    note = _check_note(note, field="note", required=False)
    return _review(
        actor=actor, report=report, to=ReportStatus.ACCEPTED, note=note, transition="accepted"
    )


@transaction.atomic(durable=True)
def request_report_changes(*, actor: Actor, report: Report, reason: str) -> Report:
    """The call's staff send a submitted report back, saying what to change."""
    reason = _check_note(reason, field="reason", required=True)
    return _review(
        actor=actor,
        report=report,
        to=ReportStatus.CHANGES_REQUESTED,
        note=reason,
        transition="changes_requested",
    )


# --- reminders ---------------------------------------------------------------------------------


def _remind(report_id: int, which: str, claim: Q, now: datetime.datetime) -> bool:
    """One reminder, claimed by a conditional UPDATE of `reminded_at` in the same transaction as
    the members' notifications: whoever updates the row first sends it; a concurrent run waits
    on the row, then finds it claimed and sends nothing."""
    with transaction.atomic():
        claimed = (
            Report.objects.filter(claim, pk=report_id, status__in=OWED_STATUSES)
            .filter(award__application__status="awarded")
            .update(reminded_at=now)
        )
        if not claimed:
            return False
        report = Report.objects.select_related(
            "award__application__organization", "award__call"
        ).get(pk=report_id)
        application = report.award.application
        title, body = TEXTS[which]
        notices.tell_members(
            application.organization,
            kind=notices.DEADLINE_KIND,
            title=title,
            body=body,
            url=report_url(report),
            params={
                "report": report.get_kind_display(),
                "title": application.title,
                "call": report.award.call.title,
                "due": report.due_on.isoformat(),
            },
        )
        log_action(
            actor=None,
            action=f"programmes.report_reminded_{which}",
            target=report,
            data={"due_on": report.due_on.isoformat()},
        )
        return True


def send_report_reminders(*, now: datetime.datetime | None = None) -> int:
    """Remind the members of each owed report 7 days before its due date and again once it is
    overdue, each once. One column, `reminded_at`, holds both claims: the first reminder claims
    it while empty; the overdue one while empty or set on or before the due date, so neither is
    ever sent twice. Returns how many were sent."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    sent = 0
    soon = Q(
        reminded_at__isnull=True,
        due_on__gte=today,
        due_on__lte=today + datetime.timedelta(days=REMIND_DAYS_BEFORE),
    )
    for pk in list(
        Report.objects.filter(soon, status__in=OWED_STATUSES).values_list("pk", flat=True)
    ):
        sent += _remind(pk, "due_soon", soon, now)
    # Not reminded since before it fell overdue (the reminder's day in the city's zone).
    not_since = Q(reminded_at__isnull=True) | Q(reminded_at__date__lte=F("due_on"))
    overdue = Report.objects.filter(
        not_since, status__in=OWED_STATUSES, due_on__lt=today
    ).values_list("pk", flat=True)
    for pk in list(overdue):
        sent += _remind(pk, "overdue", not_since & Q(due_on__lt=today), now)
    return sent
