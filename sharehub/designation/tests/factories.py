from __future__ import annotations

import datetime
import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from sharehub.accounts.tests.factories import UserFactory
from sharehub.core.validators import business_number_check_digit
from sharehub.designation import services
from sharehub.designation.models import Application, ChecklistItem, ReviewStage, ScoreCriterion
from sharehub.organizations.models import MemberRole
from sharehub.organizations.tests.factories import (
    MembershipFactory,
    OrganizationFactory,
    image_bytes,
)

PDF_BYTES = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name: str = "정관 articles.pdf", content: bytes = PDF_BYTES) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def png(name: str = "photo.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, image_bytes("PNG", (20, 20)), content_type="image/png")


def docx(name: str = "plan.docx") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return SimpleUploadedFile(name, buffer.getvalue())


def world():
    """An organization with an owner and an editor, and city staff (TOTP activated)."""
    from sharehub.accounts.tests.factories import give_totp

    owner, editor = UserFactory(), UserFactory()
    organization = OrganizationFactory()
    MembershipFactory(organization=organization, user=owner, role=MemberRole.OWNER)
    MembershipFactory(organization=organization, user=editor, role=MemberRole.EDITOR)
    staff = give_totp(UserFactory(is_city_staff=True))
    return organization, owner, editor, staff


def registration_number(prefix: str = "123456789") -> str:
    """A valid business registration number (its check digit computed) from nine digits."""
    digits = prefix + str(business_number_check_digit(prefix))
    return f"{digits[:3]}-{digits[3:5]}-{digits[5:]}"


def details(**overrides) -> dict:
    """What the city asks of an applicant, filled in validly."""
    today = timezone.localdate()
    return {
        "representative": "김나눔",
        "registration_type": "business",
        "registration_number": registration_number(),
        "founded_on": today - datetime.timedelta(days=3 * 365),
        "sharing_since": today - datetime.timedelta(days=2 * 365),
        "members_count": 25,
        "staff_count": 4,
        "budget_last_year": 120_000_000,
        **overrides,
    }


def attach_required(application, applicant) -> None:
    for document_type in application.required_documents():
        services.add_document(
            actor=applicant,
            application=application,
            upload=pdf(f"{document_type}.pdf"),
            document_type=document_type,
        )


def draft_application(organization, applicant, **fields) -> Application:
    return services.create_application(
        actor=applicant,
        organization=organization,
        kind=fields.pop("kind", "enterprise"),
        activities=fields.pop("activities", "공구 대여와 나눔 장터 Tool library"),
        plan=fields.pop("plan", "3년 운영 계획 Three-year plan"),
        **details(**fields),
    )


def submitted_application(organization, applicant, **fields) -> Application:
    application = draft_application(organization, applicant, **fields)
    attach_required(application, applicant)
    return services.submit_application(actor=applicant, application=application)


def under_review(organization, applicant, staff, **fields) -> Application:
    application = submitted_application(organization, applicant, **fields)
    return services.start_review(actor=staff, application=application)


def tick_all(application, staff) -> Application:
    return services.set_checklist(
        actor=staff, application=application, checked=dict.fromkeys(ChecklistItem.values, True)
    )


def score_all(application, staff, share: float = 0.8) -> Application:
    """Every criterion in use scored at `share` of its maximum."""
    points = {c.code: int(c.max_points * share) for c in ScoreCriterion.objects.filter(active=True)}
    return services.set_scores(actor=staff, application=application, points=points)


def to_last_stage(application, staff) -> Application:
    application.refresh_from_db()
    last = ReviewStage.objects.filter(active=True).order_by("order", "pk").last()
    while application.stage_id != last.pk:
        application = services.advance_stage(actor=staff, application=application)
    return application


def committee_votes(application, staff, *, votes_for: int = 9, present: int = 11):
    return services.record_committee_decision(
        actor=staff,
        application=application,
        meeting_on=timezone.localdate(),
        members_present=present,
        votes_for=votes_for,
        votes_against=present - votes_for - 1,
        votes_abstain=1,
        attendees="위원장 외 10명",
    )


def ready_to_decide(application, staff) -> Application:
    """Checklist ticked, every criterion scored, at the last stage with the committee's yes."""
    tick_all(application, staff)
    score_all(application, staff)
    application = to_last_stage(application, staff)
    committee_votes(application, staff)
    application.refresh_from_db()
    return application


def designate(organization, applicant, staff, **approve):
    application = ready_to_decide(under_review(organization, applicant, staff), staff)
    return services.approve_application(actor=staff, application=application, **approve)
