"""The kernel's conventions in this app: notifications written inside the decision's transaction,
durable entry points, one filter declaration for the queue page and the API, and the API's JSON
(built from the models) unchanged."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.urls import reverse

from sharehub.designation import services
from sharehub.designation.models import ApplicationStatus
from sharehub.notifications.models import Notification

from .factories import designate, submitted_application, under_review, world

pytestmark = pytest.mark.django_db

APPLICATION_KEYS = {
    "id",
    "organization",
    "kind",
    "status",
    "activities",
    "plan",
    "is_renewal",
    "renews",
    "checklist",
    "decision_reason",
    "created_at",
    "submitted_at",
    "decided_at",
    "applicant_type",
    "receipt_number",
    "due_on",
    "stage",
    "representative",
    "registration_type",
    "registration_number",
    "founded_on",
    "sharing_since",
    "members_count",
    "staff_count",
    "budget_last_year",
}


def test_notifications_are_written_inside_the_decision_transaction(
    django_capture_on_commit_callbacks,
):
    organization, owner, editor, staff = world()
    application = under_review(organization, owner, staff)
    before = set(Notification.objects.values_list("pk", flat=True))
    with django_capture_on_commit_callbacks(execute=False):
        services.request_changes(actor=staff, application=application, reason="more detail")
        # written with the decision, before any on-commit callback ran: owner and editor
        told = Notification.objects.exclude(pk__in=before).values_list("user", "kind")
        assert sorted(told) == sorted(
            [(owner.pk, "designation.application"), (editor.pk, "designation.application")]
        )


def test_entry_points_are_durable_transactions():
    organization, owner, _editor, staff = world()
    application = under_review(organization, owner, staff)
    with pytest.raises(RuntimeError, match="durable"), transaction.atomic():
        services.reject_application(actor=staff, application=application, reason="no")
    application.refresh_from_db()
    assert application.status == ApplicationStatus.UNDER_REVIEW


def test_queue_filter_is_one_form_for_page_and_api(client):
    organization, owner, _editor, staff = world()
    submitted_application(organization, owner)
    client.force_login(staff)
    page = client.get(reverse("designation:queue"), {"status": "submitted"})
    assert page.status_code == 200
    options = [value for value, _label in page.context["filters"].fields["status"].choices]
    assert "draft" not in options and "submitted" in options  # drafts are not staff's queue
    bad = client.get("/api/v1/designation/applications", {"status": "bogus"})
    assert bad.status_code == 422 and "status" in bad.json()["errors"]
    good = client.get("/api/v1/designation/applications", {"status": "submitted"})
    assert good.status_code == 200 and good.json()["count"] == 1
    schema = client.get("/api/v1/openapi.json").json()
    parameters = schema["paths"]["/api/v1/designation/applications"]["get"]["parameters"]
    assert {"status", "page"} <= {parameter["name"] for parameter in parameters}


def test_members_filter_their_drafts_through_the_api(client):
    organization, owner, _editor, _staff = world()
    services.create_application(
        actor=owner, organization=organization, kind="enterprise", activities="a", plan="b"
    )
    client.force_login(owner)
    response = client.get("/api/v1/designation/applications", {"status": "draft"})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"} and body["count"] == 1
    assert set(body["results"][0]) == APPLICATION_KEYS
    assert body["results"][0]["status"] == "draft"


def test_api_json_shapes(client):
    organization, owner, editor, staff = world()
    designation = designate(organization, owner, staff)
    application = submitted_application(organization, editor)  # the renewal
    client.force_login(owner)
    comment = client.post(
        f"/api/v1/designation/applications/{application.pk}/comments",
        {"body": "질문 question"},
        content_type="application/json",
    )
    assert comment.status_code == 201
    created = application.comments.get()
    assert comment.json() == {"id": created.pk, "internal": False}
    detail = client.get(f"/api/v1/designation/applications/{application.pk}").json()
    assert set(detail) == APPLICATION_KEYS | {"documents"}
    assert detail["renews"] == designation.number and detail["organization"] == organization.slug
    assert set(detail["documents"][0]) == {
        "id",
        "document_type",
        "name",
        "content_type",
        "size",
        "url",
    }
    listed = client.get("/api/v1/designation/designations").json()
    assert listed["count"] == 1 and listed["next"] is None and listed["previous"] is None
    assert listed["results"][0] == {
        "number": designation.number,
        "organization": organization.slug,
        "organization_name": organization.name,
        "kind": designation.kind,
        "status": "active",
        "designated_on": designation.designated_on.isoformat(),
        "valid_until": designation.valid_until.isoformat(),
        "conditions": "",
        "status_reason": "",
        "renewed_by": None,
    }


def test_designations_filter_is_declared_once(client):
    organization, owner, _editor, staff = world()
    designate(organization, owner, staff)
    assert client.get("/api/v1/designation/designations", {"status": "active"}).json()["count"] == 1
    assert (
        client.get("/api/v1/designation/designations", {"status": "revoked"}).json()["count"] == 0
    )
    bad = client.get("/api/v1/designation/designations", {"status": "bogus"})
    assert bad.status_code == 422 and "status" in bad.json()["errors"]
    schema = client.get("/api/v1/openapi.json").json()
    parameters = schema["paths"]["/api/v1/designation/designations"]["get"]["parameters"]
    assert {"status", "page"} <= {parameter["name"] for parameter in parameters}
