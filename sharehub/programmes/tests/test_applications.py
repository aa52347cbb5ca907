"""The applicant's services: start a draft (eligible, once per call), fill it in (invalid answers
refused by key, files checked), submit before the deadline by the server's clock with a receipt
number and a notice, edit after submission where allowed, withdraw; nothing half-written."""

from __future__ import annotations

import datetime
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from sharehub.accounts.tests.factories import UserFactory
from sharehub.core.audit import describe, history_for
from sharehub.notifications.models import Notification
from sharehub.organizations.models import MemberRole
from sharehub.organizations.tests.factories import MembershipFactory
from sharehub.programmes import privacy_data
from sharehub.programmes.forms_applications import clean_answers, parse_money
from sharehub.programmes.models import (
    Application,
    ApplicationFile,
    ApplicationStatus,
    FieldKind,
    FormField,
    ReceiptCounter,
)
from sharehub.programmes.services import applications as services

from .factories import MILLION, applicant, open_call

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name: str = "budget.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def start(call, organization, owner, **fields) -> Application:
    values = {"title": "공구 도서관", "requested_amount": 10 * MILLION}
    values.update(fields)
    return services.create_application(
        actor=owner,
        call=call,
        organization=organization,
        track=call.tracks.get(kind="free"),
        **values,
    )


def fill(application, owner, **answers) -> Application:
    values = {"plan": "동네 공구를 함께 씁니다.", "budget": "12,000,000"}
    values.update(answers)
    return services.save_application(
        actor=owner, application=application, changes=services.ApplicationChanges(answers=values)
    )


def errors_of(excinfo) -> dict:
    return excinfo.value.message_dict


@pytest.fixture
def call():
    return open_call()


@pytest.fixture
def org_owner():
    return applicant()


def test_a_member_starts_a_draft(call, org_owner):
    organization, _owner = org_owner
    editor = UserFactory()
    MembershipFactory(organization=organization, user=editor, role=MemberRole.EDITOR)
    application = start(call, organization, editor, requested_amount="1,000,000")
    assert application.status == ApplicationStatus.DRAFT
    assert application.requested_amount == 1_000_000
    assert application.created_by == editor
    assert application.receipt_number == ""


def test_one_live_application_per_organization_and_call(call, org_owner):
    organization, owner = org_owner
    start(call, organization, owner)
    with pytest.raises(ValidationError) as excinfo:
        start(call, organization, owner, title="두 번째")
    assert "organization" in errors_of(excinfo)
    assert excinfo.value.error_dict["organization"][0].code == "duplicate"
    assert Application.objects.count() == 1


def test_after_withdrawal_the_organization_may_apply_again(call, org_owner):
    organization, owner = org_owner
    first = start(call, organization, owner)
    services.withdraw_application(actor=owner, application=first)
    second = start(call, organization, owner, title="다시")
    assert second.status == ApplicationStatus.DRAFT


def test_an_ineligible_organization_is_told_why(call):
    organization, owner = applicant(designated=False)
    with pytest.raises(ValidationError) as excinfo:
        start(call, organization, owner)
    assert "지정한 공유기업·공유단체만" in " ".join(errors_of(excinfo)["organization"])
    assert not Application.objects.exists()


def test_a_stranger_cannot_apply_for_an_organization(call, org_owner, other_user):
    organization, _owner = org_owner
    with pytest.raises(PermissionDenied):
        start(call, organization, other_user)


def test_a_closed_call_takes_no_draft(org_owner):
    organization, owner = org_owner
    now = timezone.now()
    call = open_call(
        opens_at=now - datetime.timedelta(days=10), closes_at=now - datetime.timedelta(minutes=1)
    )
    with pytest.raises(ValidationError) as excinfo:
        start(call, organization, owner)
    assert excinfo.value.error_dict["__all__"][0].code == "deadline"


def test_amount_over_the_track_cap_is_refused(call, org_owner):
    organization, owner = org_owner
    with pytest.raises(ValidationError) as excinfo:
        start(call, organization, owner, requested_amount=31 * MILLION)  # the call's cap: 30M
    assert "requested_amount" in errors_of(excinfo)


def test_a_draft_takes_incomplete_answers(call, org_owner):
    organization, owner = org_owner
    application = start(call, organization, owner)
    services.save_application(
        actor=owner,
        application=application,
        changes=services.ApplicationChanges(answers={"plan": "아직 쓰는 중"}),
    )
    application.refresh_from_db()
    assert application.answers == {"plan": "아직 쓰는 중"}


@pytest.mark.parametrize(
    ("kind", "extra", "value", "ok"),
    [
        (FieldKind.MONEY, {"min_value": 0, "max_value": 5 * MILLION}, "1,000,000", 1_000_000),
        (FieldKind.MONEY, {"min_value": 0, "max_value": 5 * MILLION}, "1 000 000원", 1_000_000),
        (FieldKind.MONEY, {"min_value": 0, "max_value": 5 * MILLION}, "백만", None),
        (FieldKind.MONEY, {"min_value": 0, "max_value": 5 * MILLION}, "6,000,000", None),
        (FieldKind.MONEY, {"min_value": 0}, "-5", None),
        (FieldKind.NUMBER, {"min_value": 1, "max_value": 100}, "12", 12),
        (FieldKind.NUMBER, {"min_value": 1, "max_value": 100}, "열둘", None),
        (FieldKind.NUMBER, {"min_value": 1, "max_value": 100}, 101, None),
        (FieldKind.CHOICE, {"choices": "small|소규모|Small\nlarge|대규모|Large"}, "small", "small"),
        (FieldKind.CHOICE, {"choices": "small|소규모|Small\nlarge|대규모|Large"}, "huge", None),
        (FieldKind.DATE, {}, "2026-05-01", "2026-05-01"),
        (FieldKind.DATE, {}, "어제", None),
        (FieldKind.TEXT, {"max_length": 5}, "다섯글자넘음", None),
    ],
)
def test_answers_are_checked_by_kind(call, kind, extra, value, ok):
    question = FormField.objects.create(
        call=call, key="q", label_ko="질문", kind=kind, required=True, **extra
    )
    if ok is None:
        with pytest.raises(ValidationError) as excinfo:
            clean_answers([question], {"q": value}, complete=False)
        assert list(errors_of(excinfo)) == ["q"]
    else:
        assert clean_answers([question], {"q": value}, complete=False) == {"q": ok}


def test_parse_money_reads_what_people_write():
    assert parse_money("₩1,234,567") == 1_234_567
    assert parse_money("") is None
    with pytest.raises(ValidationError):
        parse_money("1.5")


def test_a_bad_answer_saves_nothing(call, org_owner):
    organization, owner = org_owner
    application = start(call, organization, owner)
    with pytest.raises(ValidationError) as excinfo:
        services.save_application(
            actor=owner,
            application=application,
            changes=services.ApplicationChanges(
                title="새 제목", answers={"plan": "좋은 계획", "budget": "많이"}
            ),
        )
    assert list(errors_of(excinfo)) == ["budget"]
    application.refresh_from_db()
    assert application.title == "공구 도서관" and application.answers == {}


def test_an_unknown_key_is_refused(call, org_owner):
    organization, owner = org_owner
    application = start(call, organization, owner)
    with pytest.raises(ValidationError) as excinfo:
        fill(application, owner, nonsense="x")
    assert "nonsense" in errors_of(excinfo)


def test_a_file_is_checked_and_replaced(call, org_owner):
    organization, owner = org_owner
    application = start(call, organization, owner)
    services.save_application(
        actor=owner,
        application=application,
        changes=services.ApplicationChanges(uploads={"budget_sheet": pdf("예산서.pdf")}),
    )
    first = ApplicationFile.objects.get(application=application, key="budget_sheet")
    assert first.original_name == "예산서.pdf" and first.content_type == "application/pdf"
    with pytest.raises(ValidationError) as excinfo:
        services.save_application(
            actor=owner,
            application=application,
            changes=services.ApplicationChanges(
                uploads={"budget_sheet": pdf("fake.pdf", b"MZ not a pdf at all")}
            ),
        )
    assert excinfo.value.error_dict["budget_sheet"][0].code == "content_mismatch"
    with pytest.raises(ValidationError) as excinfo:
        services.save_application(
            actor=owner,
            application=application,
            changes=services.ApplicationChanges(
                uploads={"budget_sheet": SimpleUploadedFile("run.exe", b"MZ\x90\x00")}
            ),
        )
    assert excinfo.value.error_dict["budget_sheet"][0].code == "wrong_type"
    services.save_application(
        actor=owner,
        application=application,
        changes=services.ApplicationChanges(uploads={"budget_sheet": pdf("v2.pdf")}),
    )
    assert ApplicationFile.objects.filter(application=application).count() == 1
    assert ApplicationFile.objects.get(application=application).original_name == "v2.pdf"


def test_a_file_for_a_text_question_is_refused(call, org_owner):
    organization, owner = org_owner
    application = start(call, organization, owner)
    with pytest.raises(ValidationError) as excinfo:
        services.save_application(
            actor=owner,
            application=application,
            changes=services.ApplicationChanges(uploads={"plan": pdf()}),
        )
    assert "plan" in errors_of(excinfo)


def test_submission_gives_a_receipt_and_tells_the_members(call, org_owner):
    organization, owner = org_owner
    colleague = UserFactory()
    MembershipFactory(organization=organization, user=colleague, role=MemberRole.EDITOR)
    application = fill(start(call, organization, owner), owner)
    application = services.submit_application(actor=colleague, application=application)
    year = timezone.localdate().year
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.receipt_number == f"{year}-0001"
    assert application.submitted_by == colleague and application.submitted_at is not None
    assert application.answers["budget"] == 12_000_000
    told = Notification.objects.filter(kind="programmes.application")
    assert {n.user for n in told} == {owner, colleague}
    assert all(application.receipt_number in n.title for n in told)
    assert "programmes.application.submitted" in {e.action for e in history_for(application)}
    other_org, other_owner = applicant()
    second = fill(start(call, other_org, other_owner), other_owner)
    second = services.submit_application(actor=other_owner, application=second)
    assert second.receipt_number == f"{year}-0002"


def test_a_late_submission_is_refused_by_the_server_clock(call, org_owner):
    organization, owner = org_owner
    application = fill(start(call, organization, owner), owner)
    late = call.closes_at + datetime.timedelta(seconds=1)
    with (
        mock.patch("django.utils.timezone.now", return_value=late),
        pytest.raises(ValidationError) as excinfo,
    ):
        services.submit_application(actor=owner, application=application)
    assert excinfo.value.error_dict["__all__"][0].code == "deadline"
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT and application.receipt_number == ""
    assert not ReceiptCounter.objects.filter(last__gt=0).exists()


def test_an_incomplete_application_is_refused_by_key_and_nothing_is_written(call, org_owner):
    organization, owner = org_owner
    FormField.objects.create(
        call=call, key="report", label_ko="보고서", kind=FieldKind.FILE, required=True, order=9
    )
    application = start(call, organization, owner)
    services.save_application(
        actor=owner,
        application=application,
        changes=services.ApplicationChanges(answers={"plan": "계획"}),
    )
    with pytest.raises(ValidationError) as excinfo:
        services.submit_application(actor=owner, application=application)
    assert set(errors_of(excinfo)) == {"budget", "report"}
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT
    assert application.receipt_number == "" and application.submitted_at is None
    assert not Notification.objects.exists()


def test_submission_checks_eligibility_again(call, org_owner):
    organization, owner = org_owner
    application = fill(start(call, organization, owner), owner)
    organization.designations.all().delete()
    with pytest.raises(ValidationError) as excinfo:
        services.submit_application(actor=owner, application=application)
    assert "organization" in errors_of(excinfo)


def test_only_members_submit_and_withdraw(call, org_owner, other_user, city_staff):
    organization, owner = org_owner
    application = fill(start(call, organization, owner), owner)
    _stranger_org, stranger = applicant()
    for actor in (other_user, stranger, city_staff):
        with pytest.raises(PermissionDenied):
            services.submit_application(actor=actor, application=application)
        with pytest.raises(PermissionDenied):
            services.withdraw_application(actor=actor, application=application)
        with pytest.raises(PermissionDenied):
            fill(application, actor)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT


def test_a_submitted_application_is_edited_until_the_deadline_and_audited(call, org_owner):
    organization, owner = org_owner
    application = services.submit_application(
        actor=owner, application=fill(start(call, organization, owner), owner)
    )
    fill(application, owner, plan="고친 계획")
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.answers["plan"] == "고친 계획"
    assert "programmes.application.edited" in {e.action for e in history_for(application)}
    with pytest.raises(ValidationError):  # a submitted application stays complete
        fill(application, owner, plan="")
    late = call.closes_at + datetime.timedelta(minutes=1)
    with (
        mock.patch("django.utils.timezone.now", return_value=late),
        pytest.raises(ValidationError) as excinfo,
    ):
        fill(application, owner, plan="마감 뒤")
    assert excinfo.value.error_dict["__all__"][0].code == "deadline"


def test_no_edit_after_submission_when_the_call_says_so(org_owner):
    organization, owner = org_owner
    call = open_call(editable_after_submission=False)
    application = services.submit_application(
        actor=owner, application=fill(start(call, organization, owner), owner)
    )
    with pytest.raises(ValidationError) as excinfo:
        fill(application, owner, plan="고침")
    assert excinfo.value.error_dict["status"][0].code == "invalid_transition:edit"


@pytest.mark.parametrize("status", ["awarded", "ineligible", "rejected"])
def test_a_decided_application_cannot_be_withdrawn(call, org_owner, status):
    organization, owner = org_owner
    application = services.submit_application(
        actor=owner, application=fill(start(call, organization, owner), owner)
    )
    Application.objects.filter(pk=application.pk).update(status=status)
    with pytest.raises(ValidationError):
        services.withdraw_application(actor=owner, application=application)


@pytest.mark.parametrize("status", ["submitted", "in_review", "committee", "waitlisted"])
def test_withdrawal_until_decided(call, org_owner, status):
    organization, owner = org_owner
    application = services.submit_application(
        actor=owner, application=fill(start(call, organization, owner), owner)
    )
    Application.objects.filter(pk=application.pk).update(status=status)
    application = services.withdraw_application(actor=owner, application=application, reason="사정")
    assert application.status == ApplicationStatus.WITHDRAWN and application.withdrawn_at


def test_privacy_export_and_erase(call, org_owner):
    organization, owner = org_owner
    application = services.submit_application(
        actor=owner, application=fill(start(call, organization, owner), owner)
    )
    exported = privacy_data.export_applications(owner)
    assert exported[0]["receipt_number"] == application.receipt_number
    assert exported[0]["submitted_by_you"] is True
    privacy_data.erase_applications(owner)
    application.refresh_from_db()
    assert application.created_by is None and application.submitted_by is None
    assert application.status == ApplicationStatus.SUBMITTED


def test_the_history_says_it_in_words(call, org_owner):
    organization, owner = org_owner
    application = services.submit_application(
        actor=owner, application=fill(start(call, organization, owner), owner)
    )
    texts = [describe(entry) for entry in history_for(application)]
    assert any(application.receipt_number in text for text in texts)
    assert not any(text.startswith("programmes.application.") for text in texts)
