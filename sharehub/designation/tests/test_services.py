"""Invalid transitions, permission refusals inside services, uploads and constraints."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from sharehub.accounts.tests.factories import UserFactory
from sharehub.core.tests.shared_data import built_once
from sharehub.designation import services
from sharehub.designation.documents import MAX_DOCUMENT_BYTES
from sharehub.designation.models import (
    Application,
    ApplicationStatus,
    Designation,
    DesignationStatus,
)
from sharehub.organizations.tests.factories import OrganizationFactory

from .factories import (
    designate,
    docx,
    pdf,
    png,
    ready_to_decide,
    score_all,
    submitted_application,
    tick_all,
    under_review,
    world,
)

pytestmark = pytest.mark.django_db


def draft(organization, applicant):
    return services.create_application(
        actor=applicant, organization=organization, kind="enterprise", activities="a", plan="b"
    )


def test_one_open_application_per_organization():
    organization, owner, editor, _staff = world()
    draft(organization, owner)
    with pytest.raises(ValidationError) as refused:
        draft(organization, editor)
    assert refused.value.error_dict["__all__"][0].code == "open_application"


@pytest.mark.parametrize("field", ["activities", "plan"])
def test_empty_and_over_long_text_are_field_errors(field):
    organization, owner, _editor, _staff = world()
    fields = {"activities": "a", "plan": "b", field: "x" * 10_001}
    with pytest.raises(ValidationError) as refused:
        services.create_application(
            actor=owner, organization=organization, kind="enterprise", **fields
        )
    assert field in refused.value.error_dict
    fields[field] = "   "
    with pytest.raises(ValidationError) as refused:
        services.create_application(
            actor=owner, organization=organization, kind="enterprise", **fields
        )
    assert field in refused.value.error_dict


def test_wrong_kind_is_a_field_error():
    organization, owner, _editor, _staff = world()
    with pytest.raises(ValidationError) as refused:
        services.create_application(
            actor=owner, organization=organization, kind="bank", activities="a", plan="b"
        )
    assert "kind" in refused.value.error_dict


def test_submit_needs_a_document():
    organization, owner, _editor, _staff = world()
    application = draft(organization, owner)
    with pytest.raises(ValidationError) as refused:
        services.submit_application(actor=owner, application=application)
    assert "file" in refused.value.error_dict


# (step, statuses from which it is refused)
def _steps(staff, owner):
    return {
        "submit": lambda a: services.submit_application(actor=owner, application=a),
        "resubmit": lambda a: services.resubmit_application(actor=owner, application=a),
        "start_review": lambda a: services.start_review(actor=staff, application=a),
        "request_changes": lambda a: services.request_changes(
            actor=staff, application=a, reason="r"
        ),
        "reject": lambda a: services.reject_application(actor=staff, application=a, reason="r"),
        "approve": lambda a: services.approve_application(actor=staff, application=a),
        "upload": lambda a: services.add_document(actor=owner, application=a, upload=pdf()),
        "checklist": lambda a: services.set_checklist(
            actor=staff, application=a, checked={"sustainability": True}
        ),
    }


ALLOWED = {
    "submit": {"draft", "changes_requested"},
    "resubmit": {"changes_requested"},
    "start_review": {"submitted", "resubmitted"},
    "request_changes": {"under_review"},
    "reject": {"under_review"},
    "approve": {"under_review"},
    "upload": {"draft", "changes_requested"},
    "checklist": {"under_review"},
}


def _application_in(status: str, organization, owner, staff):
    if status == "draft":
        application = draft(organization, owner)
        services.add_document(actor=owner, application=application, upload=pdf())
        return application
    application = submitted_application(organization, owner)
    if status == "submitted":
        return application
    application = services.start_review(actor=staff, application=application)
    if status == "under_review":
        return tick_all(application, staff)
    if status in ("changes_requested", "resubmitted"):
        application = services.request_changes(actor=staff, application=application, reason="more")
        if status == "resubmitted":
            application = services.resubmit_application(actor=owner, application=application)
        return application
    if status == "rejected":
        return services.reject_application(actor=staff, application=application, reason="no")
    application = ready_to_decide(application, staff)
    services.approve_application(actor=staff, application=application)
    application.refresh_from_db()
    return application


@pytest.fixture(scope="class")
def application_in(django_db_setup, django_db_blocker, tmp_path_factory):
    """status → (pk, owner, staff): one application in each status, each in a world of its own,
    built once for the class instead of once for each of its steps."""
    media = tmp_path_factory.mktemp("transitions")

    def build():
        built = {}
        for status in ApplicationStatus.values:
            organization, owner, _editor, staff = world()
            application = _application_in(status, organization, owner, staff)
            built[status] = (application.pk, owner, staff)
        return media, built

    yield from built_once(django_db_blocker, media, build)


class TestTransitions:
    @pytest.mark.parametrize("status", list(ApplicationStatus.values))
    @pytest.mark.parametrize("step", list(ALLOWED))
    def test_every_invalid_transition_is_refused(self, application_in, settings, status, step):
        media, built = application_in
        settings.MEDIA_ROOT = media
        pk, owner, staff = built[status]
        application = Application.objects.get(pk=pk)
        assert application.status == status
        if status in ALLOWED[step]:
            return
        with pytest.raises(ValidationError) as refused:
            _steps(staff, owner)[step](application)
        assert "status" in refused.value.error_dict
        application.refresh_from_db()
        assert application.status == status


def test_reasons_are_required():
    organization, owner, _editor, staff = world()
    application = ready_to_decide(under_review(organization, owner, staff), staff)
    for action in (services.request_changes, services.reject_application):
        with pytest.raises(ValidationError) as refused:
            action(actor=staff, application=application, reason="  ")
        assert "reason" in refused.value.error_dict
    designation = services.approve_application(actor=staff, application=application)
    for action in (services.suspend_designation, services.revoke_designation):
        with pytest.raises(ValidationError):
            action(actor=staff, designation=designation, reason="")
    designation.refresh_from_db()
    assert designation.status == DesignationStatus.ACTIVE


def test_the_committee_stage_needs_the_whole_checklist_and_every_score():
    organization, owner, _editor, staff = world()
    application = under_review(organization, owner, staff)
    services.set_checklist(actor=staff, application=application, checked={"sustainability": True})
    with pytest.raises(ValidationError) as refused:
        services.approve_application(actor=staff, application=application)
    assert "stage" in refused.value.error_dict  # not at the last stage
    services.advance_stage(actor=staff, application=application)  # site visit
    services.advance_stage(actor=staff, application=application)  # presentation
    with pytest.raises(ValidationError) as refused:
        services.advance_stage(actor=staff, application=application)  # the committee's
    assert {"checklist", "scores"} <= set(refused.value.error_dict)
    tick_all(application, staff)
    with pytest.raises(ValidationError) as refused:
        services.advance_stage(actor=staff, application=application)
    assert set(refused.value.error_dict) == {"scores"}
    score_all(application, staff)
    services.advance_stage(actor=staff, application=application)
    with pytest.raises(ValidationError):
        services.set_checklist(actor=staff, application=application, checked={"bribes": True})


def test_valid_until_must_follow_designated_on():
    organization, owner, _editor, staff = world()
    application = ready_to_decide(under_review(organization, owner, staff), staff)
    today = timezone.localdate()
    with pytest.raises(ValidationError) as refused:
        services.approve_application(
            actor=staff, application=application, designated_on=today, valid_until=today
        )
    assert "valid_until" in refused.value.error_dict
    assert not Designation.objects.exists()


def test_database_constraints_hold():
    organization, owner, _editor, staff = world()
    designation = designate(organization, owner, staff)
    with pytest.raises(IntegrityError), transaction.atomic():
        Designation.objects.create(
            organization=organization,
            number="x-1",
            kind="enterprise",
            designated_on=designation.designated_on,
            valid_until=designation.valid_until,
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Designation.objects.create(
            organization=OrganizationFactory(),
            number=designation.number,
            kind="enterprise",
            designated_on=designation.designated_on,
            valid_until=designation.valid_until,
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Designation.objects.create(
            organization=OrganizationFactory(),
            number="x-2",
            kind="enterprise",
            designated_on=designation.designated_on,
            valid_until=designation.designated_on,
        )


def test_designation_years_setting(settings):
    settings.SHAREHUB_DESIGNATION_YEARS = 5
    assert services.default_valid_until(datetime.date(2026, 3, 1)) == datetime.date(2031, 2, 28)
    settings.SHAREHUB_DESIGNATION_YEARS = 3
    assert services.default_valid_until(datetime.date(2028, 2, 29)) == datetime.date(2031, 2, 27)


def test_suspended_cannot_apply_and_reinstated_renews():
    organization, owner, _editor, staff = world()
    designation = designate(organization, owner, staff)
    services.suspend_designation(actor=staff, designation=designation, reason="점검")
    with pytest.raises(ValidationError):
        draft(organization, owner)
    with pytest.raises(ValidationError):
        services.suspend_designation(actor=staff, designation=designation, reason="again")
    services.revoke_designation(actor=staff, designation=designation, reason="끝")
    with pytest.raises(ValidationError):
        services.reinstate_designation(actor=staff, designation=designation, reason="back")


def test_renewal_of_a_revoked_designation_cannot_be_approved():
    organization, owner, _editor, staff = world()
    designation = designate(organization, owner, staff)
    renewal = ready_to_decide(under_review(organization, owner, staff), staff)
    assert renewal.renews == designation
    services.revoke_designation(actor=staff, designation=designation, reason="위반")
    with pytest.raises(ValidationError):
        services.approve_application(actor=staff, application=renewal)


def test_non_members_moderators_and_applicants_are_refused_by_services(moderator):
    organization, owner, editor, staff = world()
    stranger = UserFactory()
    with pytest.raises(PermissionDenied):
        draft(organization, stranger)
    with pytest.raises(PermissionDenied):
        draft(organization, staff)  # staff decide; they do not apply for an organization
    application = submitted_application(organization, owner)
    for actor in (owner, editor, moderator, stranger):
        with pytest.raises(PermissionDenied):
            services.start_review(actor=actor, application=application)
    services.start_review(actor=staff, application=application)
    application = ready_to_decide(application, staff)
    for actor in (owner, moderator):
        with pytest.raises(PermissionDenied):
            services.approve_application(actor=actor, application=application)
        with pytest.raises(PermissionDenied):
            services.add_comment(actor=owner, application=application, body="x", internal=True)
    with pytest.raises(PermissionDenied):
        services.add_comment(actor=stranger, application=application, body="x")


# --- uploads -------------------------------------------------------------------------------


def _upload_error(upload) -> str:
    organization, owner, _editor, _staff = world()
    application = draft(organization, owner)
    with pytest.raises(ValidationError) as refused:
        services.add_document(actor=owner, application=application, upload=upload)
    assert not application.documents.exists()
    return refused.value.error_dict["file"][0].code


def test_fake_pdf_is_refused():
    assert (
        _upload_error(SimpleUploadedFile("fake.pdf", b"just some text, not a PDF"))
        == "content_mismatch"
    )


def test_png_renamed_pdf_is_refused():
    upload = png()
    upload.name = "scan.pdf"
    assert _upload_error(upload) == "content_mismatch"


def test_zip_renamed_docx_is_refused():
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("evil.txt", "x")
    assert _upload_error(SimpleUploadedFile("plan.docx", buffer.getvalue())) == "content_mismatch"


def test_wrong_type_is_refused():
    assert _upload_error(SimpleUploadedFile("run.exe", b"MZ\x90\x00")) == "wrong_type"
    assert (
        _upload_error(SimpleUploadedFile("page.html", b"<script>alert(1)</script>")) == "wrong_type"
    )


def test_oversize_and_empty_are_refused():
    big = SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * MAX_DOCUMENT_BYTES)
    assert _upload_error(big) == "too_large"
    assert _upload_error(SimpleUploadedFile("empty.pdf", b"")) == "empty"


def test_accepted_types_are_stored_privately(settings):
    organization, owner, _editor, _staff = world()
    application = draft(organization, owner)
    for upload in (
        pdf("../../etc/passwd.pdf"),
        png(),
        docx(),
        SimpleUploadedFile("신청서.hwp", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100),
    ):
        document = services.add_document(actor=owner, application=application, upload=upload)
        assert "/" not in document.original_name
        path = document.file.path
        assert str(settings.MEDIA_ROOT) not in path
    assert application.documents.count() == 4
