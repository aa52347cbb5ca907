from __future__ import annotations

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile

from sharehub.accounts.tests.factories import UserFactory
from sharehub.designation import services
from sharehub.designation.models import Application, ChecklistItem
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


def submitted_application(organization, applicant, **fields) -> Application:
    application = services.create_application(
        actor=applicant,
        organization=organization,
        kind=fields.get("kind", "enterprise"),
        activities=fields.get("activities", "공구 대여와 나눔 장터 Tool library"),
        plan=fields.get("plan", "3년 운영 계획 Three-year plan"),
    )
    services.add_document(actor=applicant, application=application, upload=pdf())
    return services.submit_application(actor=applicant, application=application)


def under_review(organization, applicant, staff, **fields) -> Application:
    application = submitted_application(organization, applicant, **fields)
    return services.start_review(actor=staff, application=application)


def tick_all(application, staff) -> Application:
    return services.set_checklist(
        actor=staff, application=application, checked=dict.fromkeys(ChecklistItem.values, True)
    )


def designate(organization, applicant, staff, **approve):
    application = tick_all(under_review(organization, applicant, staff), staff)
    return services.approve_application(actor=staff, application=application, **approve)
