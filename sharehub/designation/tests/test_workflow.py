"""The designation workflow end to end, through the services (the pages and API call the same)."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.template import Context, Template
from django.utils import timezone, translation

from sharehub.core.audit import history_for
from sharehub.designation import services
from sharehub.designation.models import ApplicationStatus, Designation, DesignationStatus, Reminder
from sharehub.designation.reminders import send_reminders
from sharehub.designation.selectors import current_designations, designated_q
from sharehub.notifications.models import Notification
from sharehub.organizations.models import Organization

from .factories import (
    attach_required,
    details,
    pdf,
    png,
    ready_to_decide,
    submitted_application,
    world,
)

pytestmark = pytest.mark.django_db


def actions(target) -> list[str]:
    return list(reversed(history_for(target).values_list("action", flat=True)))


def test_designation_workflow_end_to_end(django_capture_on_commit_callbacks):
    organization, owner, editor, staff = world()

    # apply: a draft with mixed Korean/English, emoji and HTML kept as text
    application = services.create_application(
        actor=editor,
        organization=organization,
        kind="enterprise",
        activities="  <b>공구</b> 도서관 🛠 Tool library  ",
        plan="계획 plan",
        **details(registration_number="1234567891"),
    )
    assert application.status == ApplicationStatus.DRAFT and not application.is_renewal
    assert application.activities == "<b>공구</b> 도서관 🛠 Tool library"
    assert application.registration_number == "123-45-67891"  # written as it is printed
    assert application.applicant_type == "cooperative"  # the organization's kind's first
    services.add_document(actor=editor, application=application, upload=pdf())
    services.add_document(actor=owner, application=application, upload=png())
    assert application.documents.count() == 2
    attach_required(application, owner)
    stored = application.documents.first().file.name
    assert stored.startswith(f"designation/{application.pk}/") and "articles" not in stored

    with django_capture_on_commit_callbacks(execute=True):
        services.submit_application(actor=editor, application=application)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED and application.submitted_by == editor
    # every member is told
    assert set(
        Notification.objects.filter(kind="designation.application").values_list("user", flat=True)
    ) == {owner.pk, editor.pk}

    services.start_review(actor=staff, application=application)
    services.add_comment(actor=staff, application=application, body="내부 메모", internal=True)
    services.request_changes(
        actor=staff, application=application, reason="예산표를 첨부해 주세요. Add the budget."
    )
    application.refresh_from_db()
    assert application.status == ApplicationStatus.CHANGES_REQUESTED
    services.add_comment(actor=owner, application=application, body="네, 첨부하겠습니다.")
    services.add_document(actor=owner, application=application, upload=pdf("budget.pdf"))
    services.resubmit_application(actor=owner, application=application)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.RESUBMITTED

    services.start_review(actor=staff, application=application)
    application = ready_to_decide(application, staff)
    today = timezone.localdate()
    designation = services.approve_application(
        actor=staff, application=application, conditions="연 1회 보고"
    )
    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPROVED
    assert designation.number == f"{today.year}-0001"
    assert designation.designated_on == today
    assert designation.valid_until == services.default_valid_until(today)
    assert (designation.valid_until - today).days in (1094, 1095)  # three years, leap day or not

    # designated: the contract selectors and the badge
    assert Organization.objects.filter(designated_q()).get() == organization
    assert current_designations([organization.pk]) == {organization.pk: designation}
    with translation.override("ko"):
        badge = Template("{% load designation %}{% designation_badge org %}").render(
            Context({"org": organization})
        )
    assert f"서울시 지정 공유기업 제{designation.number}호" in badge
    with translation.override("en"):
        badge = Template("{% load designation %}{% designation_badge_for org d %}").render(
            Context({"org": organization, "d": current_designations([organization.pk])})
        )
    assert f"Designated sharing enterprise No. {designation.number}" in badge

    # reminders 90/30/7 days before the end, once each even when run twice
    end = designation.valid_until
    for days, offset in ((95, None), (90, 90), (40, 90), (30, 30), (7, 7), (3, 7)):
        run_day = end - datetime.timedelta(days=days)
        with django_capture_on_commit_callbacks(execute=True):
            first = send_reminders(today=run_day)
            second = send_reminders(today=run_day)
        assert second == 0
        assert Reminder.objects.filter(designation=designation).count() == len(
            {
                o
                for d, o in ((95, None), (90, 90), (40, 90), (30, 30), (7, 7), (3, 7))
                if d >= days and o
            }
        )
        if offset and first:
            assert Notification.objects.filter(kind="designation.reminder", user=owner).count() >= 1
    assert Notification.objects.filter(kind="designation.reminder", user=owner).count() == 3
    assert Notification.objects.filter(kind="designation.reminder", user=editor).count() == 3

    # renew before expiry: the new application is a renewal and approval continues without gap
    renewal = submitted_application(organization, owner)
    assert renewal.is_renewal and renewal.renews == designation
    services.start_review(actor=staff, application=renewal)
    renewal = ready_to_decide(renewal, staff)
    renewed = services.approve_application(actor=staff, application=renewal)
    designation.refresh_from_db()
    assert designation.status == DesignationStatus.RENEWED and designation.renewed_by == renewed
    assert renewed.number == f"{today.year}-0002"
    assert renewed.valid_until == services.add_years(designation.valid_until, 3)
    assert Organization.objects.filter(designated_q()).count() == 1

    with django_capture_on_commit_callbacks(execute=True):
        services.suspend_designation(actor=staff, designation=renewed, reason="점검 중")
    assert not Organization.objects.filter(designated_q()).exists()
    services.reinstate_designation(actor=staff, designation=renewed, reason="점검 완료")
    assert Organization.objects.filter(designated_q()).exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.revoke_designation(actor=staff, designation=renewed, reason="활동 중단")
    renewed.refresh_from_db()
    assert renewed.status == DesignationStatus.REVOKED and renewed.status_reason == "활동 중단"
    assert not Organization.objects.filter(designated_q()).exists()

    # every step is in the organization's history, with reasons
    org_actions = actions(organization)
    for step in (
        "designation.application_created",
        "designation.submitted",
        "designation.review_started",
        "designation.changes_requested",
        "designation.resubmitted",
        "designation.approved",
        "designation.designated",
        "designation.reminded",
        "designation.renewed",
        "designation.suspended",
        "designation.reinstated",
        "designation.revoked",
    ):
        assert step in org_actions, step
    assert (
        history_for(organization).filter(action="designation.revoked").get().reason == "활동 중단"
    )
    assert actions(renewed)[-1] == "designation.revoked"
    # members were told each decision, and mails queued in their language
    titles = list(
        Notification.objects.filter(user=editor, kind="designation.designation").values_list(
            "title", flat=True
        )
    )
    assert any("취소되었습니다" in title for title in titles)
    assert any("정지되었습니다" in title for title in titles)
    assert any("정지" in message.subject for message in mail.outbox)


def test_reminder_command_runs_and_is_idempotent(django_capture_on_commit_callbacks):
    organization, owner, _editor, staff = world()
    today = timezone.localdate()
    from .factories import designate

    designate(
        organization,
        owner,
        staff,
        designated_on=today - datetime.timedelta(days=400),
        valid_until=today + datetime.timedelta(days=20),
    )
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_designation_reminders")
        call_command("send_designation_reminders")
    assert Reminder.objects.get().days_before == 30
    assert (
        Notification.objects.filter(kind="designation.reminder").count() == 2
    )  # owner and editor, once


def test_expired_designation_is_not_designated_and_is_marked_by_the_task():
    organization, owner, _editor, staff = world()
    from .factories import designate

    today = timezone.localdate()
    designation = designate(
        organization,
        owner,
        staff,
        designated_on=today - datetime.timedelta(days=100),
        valid_until=today + datetime.timedelta(days=10),
    )
    later = today + datetime.timedelta(days=11)
    assert designation.effective_status(later) == DesignationStatus.EXPIRED
    send_reminders(today=later)
    designation.refresh_from_db()
    assert designation.status == DesignationStatus.EXPIRED
    # the organization may then apply again, as a new (not renewal) application
    application = services.create_application(
        actor=owner, organization=organization, kind="organization", activities="a", plan="b"
    )
    assert not application.is_renewal and application.kind == "organization"


def test_the_badge_of_each_kind_in_both_languages():
    from sharehub.designation.templatetags.designation import badge_html

    designation = Designation(
        number="2026-07", kind="organization", valid_until=datetime.date(2028, 3, 31)
    )
    with translation.override("en"):
        assert badge_html(designation) == (
            '<a class="tag designation-badge" href="/en/designation/2026-07/">'
            "Designated sharing organization No. 2026-07"
            '<span class="meta"> · valid until March 31, 2028</span></a>'
        )
    designation.kind = "enterprise"
    with translation.override("ko"):
        html = badge_html(designation)
    assert "서울시 지정 공유기업 제2026-07호" in html
    assert badge_html(None) == ""
