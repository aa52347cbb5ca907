"""Reports of awarded projects: submission by the organization's members, review by the call's
staff, the reminders (each once), and who may do what."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from sharehub.accounts.tests.factories import UserFactory
from sharehub.core.models import AuditEntry
from sharehub.notifications.models import Notification
from sharehub.organizations.tests.factories import MembershipFactory
from sharehub.programmes.models import (
    Application,
    ApplicationStatus,
    Award,
    Conflict,
    Report,
    ReportKind,
    ReportStatus,
    ReviewAssignment,
)
from sharehub.programmes.notices import DEADLINE_KIND
from sharehub.programmes.services import reports as services

from .factories import MILLION, applicant, open_call

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%test\n"


def awarded(*, amount: int = 20 * MILLION, call=None, **call_fields):
    """An awarded application with its reports (written directly: the decisions part has its
    own tests). Returns (call, application, award, owner)."""
    call = call or open_call(**call_fields)
    organization, owner = applicant()
    now = timezone.now()
    application = Application.objects.create(
        call=call,
        track=call.tracks.get(kind="free"),
        organization=organization,
        title="동네 공구도서관",
        requested_amount=amount,
        status=ApplicationStatus.AWARDED,
        submitted_at=now,
        decided_at=now,
    )
    award = Award.objects.create(
        application=application,
        call=call,
        amount=amount,
        cap=call.award_cap,
        identifier=Award.new_identifier(),
    )
    services.create_reports_for(award)
    return call, application, award, owner


def interim(award) -> Report:
    return award.reports.get(kind=ReportKind.INTERIM)


def submit(owner, report, **kw):
    values = {"body": "준비를 마치고 운영을 시작했습니다.", "spent": 5 * MILLION}
    values.update(kw)
    return services.submit_report(actor=owner, report=report, **values)


def test_award_owes_an_interim_and_a_final_report():
    _call, _app, award, _owner = awarded()
    assert sorted(award.reports.values_list("kind", flat=True)) == ["final", "interim"]
    services.create_reports_for(award)  # idempotent
    assert award.reports.count() == 2


def test_member_submits_and_staff_accept(city_staff):
    _call, _application, award, owner = awarded()
    report = submit(owner, interim(award))
    assert report.status == ReportStatus.SUBMITTED and report.submitted_by == owner
    assert AuditEntry.objects.filter(action="programmes.report_submitted").exists()
    accepted = services.accept_report(actor=city_staff, report=report, note="확인했습니다.")
    assert accepted.status == ReportStatus.ACCEPTED and accepted.reviewed_by == city_staff
    notice = Notification.objects.filter(user=owner).latest("pk")
    assert "중간 보고서" in notice.title or "Interim" in notice.title


def test_call_staff_member_may_review():
    call, _application, award, owner = awarded()
    runner = UserFactory()
    call.staff.add(runner)
    report = submit(owner, interim(award))
    assert services.accept_report(actor=runner, report=report).status == ReportStatus.ACCEPTED


def test_changes_requested_then_resubmitted(city_staff):
    _call, _application, award, owner = awarded()
    report = submit(owner, interim(award))
    with pytest.raises(ValidationError) as error:
        services.request_report_changes(actor=city_staff, report=report, reason="  ")
    assert "reason" in error.value.message_dict
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED  # nothing half-written
    back = services.request_report_changes(
        actor=city_staff, report=report, reason="영수증을 붙여 주세요."
    )
    assert back.status == ReportStatus.CHANGES_REQUESTED and back.review_note
    again = submit(owner, back, body="영수증을 붙였습니다.")
    assert again.status == ReportStatus.SUBMITTED
    assert AuditEntry.objects.filter(action="programmes.report_resubmitted").exists()


def test_submit_refused_to_non_members(user, city_staff):
    _call, _application, award, _owner = awarded()
    _other_org, other_owner = applicant()
    for actor in (user, other_owner, city_staff):
        with pytest.raises(PermissionDenied):
            submit(actor, interim(award))
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        submit(AnonymousUser(), interim(award))
    assert interim(award).status == ReportStatus.DUE


def test_review_refused_to_non_staff(user):
    _call, application, award, owner = awarded()
    report = submit(owner, interim(award))
    reviewer = UserFactory()
    ReviewAssignment.objects.create(
        application=application, reviewer=reviewer, conflict=Conflict.NONE
    )
    other_call_staff = UserFactory()
    open_call().staff.add(other_call_staff)
    for actor in (user, owner, reviewer, other_call_staff):
        with pytest.raises(PermissionDenied):
            services.accept_report(actor=actor, report=report)
        with pytest.raises(PermissionDenied):
            services.request_report_changes(actor=actor, report=report, reason="x")
    assert interim(award).status == ReportStatus.SUBMITTED


def test_double_accept_and_review_before_submission_refused(city_staff):
    _call, _application, award, owner = awarded()
    report = interim(award)
    with pytest.raises(ValidationError) as error:
        services.accept_report(actor=city_staff, report=report)
    assert error.value.error_dict["status"][0].code == "invalid_transition:accepted"
    submit(owner, report)
    services.accept_report(actor=city_staff, report=report)
    with pytest.raises(ValidationError):
        services.accept_report(actor=city_staff, report=report)
    with pytest.raises(ValidationError):
        services.request_report_changes(actor=city_staff, report=report, reason="다시")
    with pytest.raises(ValidationError):
        submit(owner, report)  # accepted: nothing more to send


def test_fields_checked():
    _call, _application, award, owner = awarded(amount=10 * MILLION)
    report = interim(award)
    with pytest.raises(ValidationError) as error:
        submit(owner, report, body=" ", spent=None)
    assert set(error.value.message_dict) == {"body", "spent"}
    with pytest.raises(ValidationError) as error:
        submit(owner, report, spent=11 * MILLION)
    assert "spent" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        submit(owner, report, spent=-1)
    assert "spent" in error.value.message_dict
    assert interim(award).status == ReportStatus.DUE


def test_file_type_checked_by_content():
    _call, _application, award, owner = awarded()
    fake = SimpleUploadedFile("receipts.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")
    with pytest.raises(ValidationError) as error:
        submit(owner, interim(award), upload=fake)
    assert error.value.error_dict["file"][0].code == "content_mismatch"
    exe = SimpleUploadedFile("tool.exe", b"MZ\x90\x00", "application/octet-stream")
    with pytest.raises(ValidationError) as error:
        submit(owner, interim(award), upload=exe)
    assert error.value.error_dict["file"][0].code == "wrong_type"
    assert interim(award).status == ReportStatus.DUE
    good = SimpleUploadedFile("영수증.pdf", PDF, "application/pdf")
    report = submit(owner, interim(award), upload=good)
    assert report.original_name == "영수증.pdf" and report.file.name.endswith(".pdf")
    assert "영수증" not in report.file.name  # stored under a random name


def test_any_member_may_submit():
    _call, application, award, _owner = awarded()
    member = UserFactory()
    MembershipFactory(organization=application.organization, user=member)
    assert submit(member, interim(award)).submitted_by == member


# --- reminders -------------------------------------------------------------------------------


def _at(day: datetime.date, hour: int = 9) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _deadline_notices(owner) -> int:
    return Notification.objects.filter(user=owner, kind=DEADLINE_KIND).count()


def test_reminders_before_the_due_date_and_when_overdue_each_once():
    today = timezone.localdate()
    _call, _application, award, owner = awarded(
        interim_report_due=today + datetime.timedelta(days=5),
        final_report_due=today + datetime.timedelta(days=200),
    )
    report = interim(award)
    now = _at(today)
    assert services.send_report_reminders(now=now) == 1
    assert services.send_report_reminders(now=now) == 0  # run twice: sent once
    assert services.send_report_reminders(now=now + datetime.timedelta(days=2)) == 0
    assert _deadline_notices(owner) == 1
    overdue = _at(report.due_on + datetime.timedelta(days=1))
    assert services.send_report_reminders(now=overdue) == 1
    assert services.send_report_reminders(now=overdue) == 0
    assert services.send_report_reminders(now=overdue + datetime.timedelta(days=10)) == 0
    assert _deadline_notices(owner) == 2
    titles = list(
        Notification.objects.filter(user=owner, kind=DEADLINE_KIND).values_list("title", flat=True)
    )
    assert any("기한" in t or "overdue" in t for t in titles)


def test_no_reminder_for_a_sent_report_or_far_ahead():
    today = timezone.localdate()
    _call, _application, award, owner = awarded(
        interim_report_due=today + datetime.timedelta(days=3),
        final_report_due=today + datetime.timedelta(days=30),
    )
    submit(owner, interim(award))
    assert services.send_report_reminders(now=_at(today)) == 0
    assert services.send_report_reminders(now=_at(today + datetime.timedelta(days=10))) == 0
    assert _deadline_notices(owner) == 0


def test_report_already_overdue_gets_only_the_overdue_reminder():
    today = timezone.localdate()
    _call, _application, _award, owner = awarded(
        interim_report_due=today - datetime.timedelta(days=3),
        final_report_due=today + datetime.timedelta(days=100),
    )
    assert services.send_report_reminders(now=_at(today)) == 1
    assert services.send_report_reminders(now=_at(today)) == 0
    assert _deadline_notices(owner) == 1


def test_the_task_runs_twice_safely():
    from sharehub.programmes.tasks_reports import remind_reports

    today = timezone.localdate()
    awarded(interim_report_due=today + datetime.timedelta(days=7))
    assert remind_reports.call() == 1
    assert remind_reports.call() == 0
