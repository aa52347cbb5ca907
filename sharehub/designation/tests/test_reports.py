"""Annual activity reports: a due date per designation year, one reminder once the year has
ended, sent by the owners, reviewed by city staff, seen by the organization and staff only."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from sharehub.accounts.tests.factories import UserFactory
from sharehub.designation import services
from sharehub.designation.models import AnnualReport, Designation
from sharehub.designation.reminders import send_report_reminders
from sharehub.designation.rules import report_days
from sharehub.notifications.models import Notification

from .factories import designate, pdf, world

pytestmark = pytest.mark.django_db


@pytest.fixture
def designated():
    organization, owner, editor, staff = world()
    today = timezone.localdate()
    designation = designate(
        organization, owner, staff, designated_on=today - datetime.timedelta(days=370)
    )
    return designation, owner, editor, staff


def test_a_report_is_due_after_each_designation_year(designated):
    designation, *_ = designated
    # designated 370 days ago but recorded today: the first year ended before the hub knew it
    reports = list(designation.reports.order_by("year"))
    assert [r.year for r in reports] == [2, 3]
    second = reports[0]
    start = designation.designated_on
    assert second.period_start == services.add_years(start, 1)
    assert second.period_end == services.add_years(start, 2) - datetime.timedelta(days=1)
    assert second.due_on == second.period_end + datetime.timedelta(days=report_days())
    assert reports[-1].period_end == designation.valid_until


def test_a_designation_recorded_late_is_asked_only_for_years_ahead():
    organization, *_ = world()
    today = timezone.localdate()
    old = Designation.objects.create(
        organization=organization,
        number="2013-0027",
        kind="organization",
        designated_on=datetime.date(2013, 4, 1),
        valid_until=services.add_years(today, 1),
    )
    send_report_reminders(today=today)
    years = list(old.reports.values_list("period_end", flat=True))
    assert years and all(end >= today for end in years)


def test_one_reminder_per_report_once_its_year_has_ended(
    designated, django_capture_on_commit_callbacks
):
    designation, owner, editor, _staff = designated
    report = designation.reports.order_by("year").first()
    assert send_report_reminders(today=report.period_end) == 0  # the year is not over
    day_after = report.period_end + datetime.timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert send_report_reminders(today=day_after) == 1
        assert send_report_reminders(today=day_after) == 0
        assert send_report_reminders(today=day_after + datetime.timedelta(days=30)) == 0
    told = Notification.objects.filter(kind="designation.report")
    assert sorted(told.values_list("user", flat=True)) == sorted([owner.pk, editor.pk])
    # in each member's language: the path after /ko/ or /en/
    assert told.first().url.endswith(report.get_absolute_url()[3:])
    report.refresh_from_db()
    assert report.reminded_at is not None


def test_no_reminder_for_a_revoked_designation_or_a_report_already_sent(designated):
    designation, _owner, _editor, staff = designated
    first, second = designation.reports.order_by("year")
    AnnualReport.objects.filter(pk=first.pk).update(status="submitted")
    assert send_report_reminders(today=first.period_end + datetime.timedelta(days=1)) == 0
    services.revoke_designation(actor=staff, designation=designation, reason="중단")
    assert send_report_reminders(today=second.period_end + datetime.timedelta(days=1)) == 0


def _open_report(designation) -> AnnualReport:
    report = designation.reports.order_by("year").first()
    # move the year so that it has ended
    AnnualReport.objects.filter(pk=report.pk).update(
        period_end=timezone.localdate() - datetime.timedelta(days=1)
    )
    report.refresh_from_db()
    return report


def test_owners_send_staff_review(designated, django_capture_on_commit_callbacks):
    designation, owner, editor, staff = designated
    report = _open_report(designation)
    with pytest.raises(PermissionDenied):
        services.submit_report(actor=editor, report=report, summary="x")
    with pytest.raises(ValidationError) as refused:
        services.submit_report(actor=owner, report=report, summary="  ")
    assert "summary" in refused.value.error_dict
    with pytest.raises(ValidationError):
        services.accept_report(actor=staff, report=report)  # nothing sent yet
    report = services.submit_report(
        actor=owner, report=report, summary="공구 대여 1,200건", beneficiaries=850, upload=pdf()
    )
    assert report.status == "submitted" and report.document_name
    with pytest.raises(PermissionDenied):
        services.accept_report(actor=owner, report=report)
    with pytest.raises(ValidationError):
        services.request_report_changes(actor=staff, report=report, reason="")
    with django_capture_on_commit_callbacks(execute=True):
        report = services.request_report_changes(
            actor=staff, report=report, reason="참여 인원 근거를 붙여 주세요."
        )
    assert report.status == "changes_requested"
    assert Notification.objects.filter(kind="designation.report", user=owner).exists()
    report = services.submit_report(
        actor=owner, report=report, summary="공구 대여 1,200건, 명부 첨부", beneficiaries=850
    )
    report = services.accept_report(actor=staff, report=report, note="확인했습니다.")
    assert report.status == "accepted" and report.reviewed_by == staff
    with pytest.raises(ValidationError):
        services.submit_report(actor=owner, report=report, summary="again")


def test_a_report_opens_a_month_before_its_year_ends(designated):
    designation, owner, *_ = designated
    last = designation.reports.order_by("year").last()
    with pytest.raises(ValidationError) as refused:
        services.submit_report(actor=owner, report=last, summary="미리")
    assert "status" in refused.value.error_dict


@pytest.mark.parametrize(
    ("who", "status"), [("anonymous", 302), ("citizen", 404), ("editor", 200), ("staff", 200)]
)
def test_reports_are_seen_by_the_organization_and_staff(client, designated, who, status):
    designation, owner, editor, staff = designated
    report = _open_report(designation)
    services.submit_report(actor=owner, report=report, summary="비밀 아닌 보고 내용")
    people = {"anonymous": None, "citizen": UserFactory(), "editor": editor, "staff": staff}
    if people[who]:
        client.force_login(people[who])
    page = client.get(report.get_absolute_url())
    assert page.status_code == status
    detail = client.get(designation.get_absolute_url()).content.decode()
    assert (report.get_absolute_url() in detail) == (status == 200)
    api = client.get(f"/api/v1/designation/designations/{designation.number}/reports")
    assert api.status_code == {"anonymous": 401, "citizen": 404}.get(who, 200)
    if api.status_code == 200:
        assert [r["year"] for r in api.json()] == [2, 3]


def test_owner_sends_and_staff_accept_through_pages(client, designated):
    designation, owner, _editor, staff = designated
    report = _open_report(designation)
    client.force_login(owner)
    response = client.post(report.get_absolute_url(), {"summary": ""})
    assert response.status_code == 400
    response = client.post(
        report.get_absolute_url(), {"summary": "나눔 장터 12회", "beneficiaries": "300"}
    )
    assert response.status_code == 302
    client.force_login(staff)
    queue = client.get(reverse("designation:reports_queue")).content.decode()
    assert report.get_absolute_url() in queue
    client.post(reverse("designation:report_accept", args=[report.pk]), {"note": "확인"})
    report.refresh_from_db()
    assert report.status == "accepted"
