"""Pages render for the people who use them, and lists run a bounded number of queries."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from sharehub.accounts.tests.factories import UserFactory
from sharehub.designation import services
from sharehub.designation.models import ChecklistItem, ScoreCriterion
from sharehub.organizations.models import MemberRole
from sharehub.organizations.tests.factories import MembershipFactory, OrganizationFactory

from .factories import designate, pdf, submitted_application, world

pytestmark = pytest.mark.django_db


def _designated_world(count: int, staff) -> None:
    for _ in range(count):  # an owner each: one person's uploads are limited per hour
        owner = UserFactory()
        organization = OrganizationFactory()
        MembershipFactory(organization=organization, user=owner, role=MemberRole.OWNER)
        designate(organization, owner, staff)


@pytest.mark.parametrize("count", [3, 30])
def test_register_and_api_list_are_bounded(client, django_assert_max_num_queries, count):
    _organization, _owner, _editor, staff = world()
    _designated_world(count, staff)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("designation:register"))
    assert response.status_code == 200
    assert response.content.decode().count("/designation/20") >= min(count, 20)
    with django_assert_max_num_queries(4):
        response = client.get("/api/v1/designation/designations")
    assert response.json()["count"] == count


@pytest.mark.parametrize("count", [3, 30])
def test_review_queue_and_api_applications_are_bounded(
    client, django_assert_max_num_queries, count
):
    _organization, _owner, _editor, staff = world()
    for _ in range(count):
        owner = UserFactory()
        org = OrganizationFactory()
        MembershipFactory(organization=org, user=owner, role=MemberRole.OWNER)
        submitted_application(org, owner)
    client.force_login(staff)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("designation:queue"))
    assert response.status_code == 200
    with django_assert_max_num_queries(12):
        response = client.get("/api/v1/designation/applications?status=submitted")
    assert response.json()["count"] == count


def test_applicant_pages_and_organization_link(client):
    organization, _owner, editor, _staff = world()
    client.force_login(editor)
    detail = client.get(organization.get_absolute_url()).content.decode()
    assert reverse("designation:apply", kwargs={"slug": organization.slug}) in detail
    response = client.post(
        reverse("designation:apply", kwargs={"slug": organization.slug}),
        {
            "applicant_type": "cooperative",
            "kind": "enterprise",
            "activities": "<script>alert(1)</script> 나눔 🎁",
            "plan": "plan",
        },
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; 나눔 🎁" in page
    # an empty form answers with field errors, in Korean
    response = client.post(
        reverse(
            "designation:application_edit",
            kwargs={"pk": organization.designation_applications.get().pk},
        ),
        {"applicant_type": "cooperative", "kind": "enterprise", "activities": "", "plan": "p"},
    )
    assert response.status_code == 400
    assert "필수" in response.content.decode()


def test_upload_errors_are_shown_on_the_form(client):
    organization, owner, _editor, _staff = world()
    application = services.create_application(
        actor=owner, organization=organization, kind="enterprise", activities="a", plan="b"
    )
    client.force_login(owner)
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        reverse("designation:document_upload", kwargs={"pk": application.pk}),
        {"file": SimpleUploadedFile("fake.pdf", b"hello")},
    )
    assert response.status_code == 400
    assert not application.documents.exists()


def test_badge_on_organization_page_and_designation_page(client):
    organization, owner, _editor, staff = world()
    designation = designate(organization, owner, staff)
    with translation.override("ko"):
        page = client.get(organization.get_absolute_url()).content.decode()
    assert f"서울시 지정 공유기업 제{designation.number}호" in page
    response = client.get(designation.get_absolute_url())
    assert response.status_code == 200
    assert designation.number in response.content.decode()
    client.force_login(staff)
    response = client.get(reverse("designation:review", kwargs={"pk": designation.application_id}))
    assert response.status_code == 200
    assert (
        client.get(reverse("designation:detail", kwargs={"number": "9999-9999"})).status_code == 404
    )


def test_staff_review_through_pages(client):
    """Stages, checklist, score sheet, committee vote and decision, each through its form."""
    organization, owner, _editor, staff = world()
    application = submitted_application(organization, owner)
    client.force_login(staff)

    def post(name, data=None):
        return client.post(
            reverse(f"designation:{name}", kwargs={"pk": application.pk}), data or {}
        )

    post("review_start")
    post("review_checklist", {"items": list(ChecklistItem.values)})
    criteria = list(ScoreCriterion.objects.filter(active=True))
    too_many = {f"score_{c.code}": c.max_points + 1 for c in criteria}
    response = post("review_scores", too_many)
    assert response.status_code == 400 and not application.scores.exists()
    page = response.content.decode()
    assert "errorlist" in page
    response = post("review_scores", {f"score_{c.code}": c.max_points - 1 for c in criteria})
    assert response.status_code == 302
    total = sum(c.max_points - 1 for c in criteria)
    page = client.get(reverse("designation:review", kwargs={"pk": application.pk})).content.decode()
    assert f"<td>{total}</td>" in page
    for _ in range(3):
        assert post("review_advance", {"note": "현장 확인 완료"}).status_code == 302
    application.refresh_from_db()
    assert application.stage.is_committee
    # the staff's stage notes and the score sheet stay on the staff's page
    review_page = client.get(reverse("designation:review", kwargs={"pk": application.pk}))
    assert "현장 확인 완료" in review_page.content.decode()
    client.force_login(owner)
    applicant_page = client.get(application.get_absolute_url()).content.decode()
    assert "현장 확인 완료" not in applicant_page and "score-sheet" not in applicant_page
    assert application.stage.name in applicant_page
    client.force_login(staff)
    no_quorum = {
        "meeting_on": timezone.localdate().isoformat(),
        "members_present": 7,
        "votes_for": 7,
        "votes_against": 0,
        "votes_abstain": 0,
    }
    response = post("review_committee", no_quorum)
    assert response.status_code == 400 and not application.committee_decisions.exists()
    assert post("review_committee", {**no_quorum, "members_present": 8}).status_code == 302
    post("review_approve", {"conditions": "조건"})
    application.refresh_from_db()
    assert application.status == "approved"
    assert application.designation.conditions == "조건"


def test_internal_notes_are_hidden_from_applicants(client):
    organization, owner, _editor, staff = world()
    application = submitted_application(organization, owner)
    services.add_comment(
        actor=staff, application=application, body="비공개 메모 secret", internal=True
    )
    services.add_comment(actor=staff, application=application, body="공개 질문 visible")
    client.force_login(owner)
    page = client.get(application.get_absolute_url()).content.decode()
    assert "공개 질문 visible" in page and "secret" not in page
    response = client.get(f"/api/v1/designation/applications/{application.pk}")
    assert response.status_code == 200


def test_api_upload_checks_content(client):
    organization, owner, _editor, _staff = world()
    application = services.create_application(
        actor=owner, organization=organization, kind="enterprise", activities="a", plan="b"
    )
    client.force_login(owner)
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = client.post(
        f"/api/v1/designation/applications/{application.pk}/documents",
        {"file": SimpleUploadedFile("x.pdf", b"text")},
    )
    assert bad.status_code == 422 and "file" in bad.json()["errors"]
    good = client.post(
        f"/api/v1/designation/applications/{application.pk}/documents", {"file": pdf()}
    )
    assert good.status_code == 201
    empty = client.post(
        "/api/v1/designation/applications",
        {"organization": organization.slug},
        content_type="application/json",
    )
    assert empty.status_code == 422


def test_openapi_lists_designation_paths(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/designation/applications/{pk}/approve" in schema["paths"]
