"""/api/v1/programmes: the applicant's endpoints, with the forbidden paths of each."""

from __future__ import annotations

import datetime
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from sharehub.programmes.models import Application, ApplicationStatus, Conflict, ReviewAssignment

from .factories import MILLION, applicant, open_call
from .test_applications import PDF, fill, start

pytestmark = pytest.mark.django_db

BASE = "/api/v1/programmes"


@pytest.fixture
def call():
    return open_call()


@pytest.fixture
def org_owner():
    return applicant()


def _create(client, call, organization, **extra):
    body = {
        "organization": getattr(organization, "slug", organization),
        "track": call.tracks.get(kind="free").pk,
        "title": "공구 도서관",
        "requested_amount": "2,000,000",
    }
    body.update(extra)
    return client.post(
        f"{BASE}/calls/{call.slug}/applications", body, content_type="application/json"
    )


def test_the_whole_path(client, call, org_owner):
    organization, owner = org_owner
    client.force_login(owner)
    created = _create(client, call, organization)
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == "draft" and body["requested_amount"] == 2 * MILLION
    pk = body["id"]
    patched = client.patch(
        f"{BASE}/applications/{pk}",
        {"answers": {"plan": "계획", "budget": "3,000,000"}, "title": "새 제목"},
        content_type="application/json",
    )
    assert patched.status_code == 200, patched.content
    assert patched.json()["answers"] == {"plan": "계획", "budget": 3 * MILLION}
    uploaded = client.post(
        f"{BASE}/applications/{pk}/files/budget_sheet",
        {"file": SimpleUploadedFile("b.pdf", PDF, content_type="application/pdf")},
    )
    assert uploaded.status_code == 200, uploaded.content
    assert uploaded.json()["files"][0]["name"] == "b.pdf"
    listed = client.get(f"{BASE}/applications").json()
    assert listed["count"] == 1 and listed["results"][0]["id"] == pk
    submitted = client.post(f"{BASE}/applications/{pk}/submit")
    assert submitted.status_code == 200, submitted.content
    assert submitted.json()["status"] == "submitted" and submitted.json()["receipt_number"]
    withdrawn = client.post(
        f"{BASE}/applications/{pk}/withdraw", {"reason": "사정"}, content_type="application/json"
    )
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"


def test_bad_input_is_422_by_key(client, call, org_owner):
    organization, owner = org_owner
    client.force_login(owner)
    assert _create(client, call, organization, requested_amount="많이").status_code == 422
    pk = _create(client, call, organization).json()["id"]
    duplicate = _create(client, call, organization)
    assert duplicate.status_code == 422 and "organization" in duplicate.json()["errors"]
    bad = client.patch(
        f"{BASE}/applications/{pk}",
        {"answers": {"budget": "많이", "nope": 1}},
        content_type="application/json",
    )
    assert bad.status_code == 422 and set(bad.json()["errors"]) == {"budget", "nope"}
    incomplete = client.post(f"{BASE}/applications/{pk}/submit")
    assert incomplete.status_code == 422
    assert {"plan", "budget"} <= set(incomplete.json()["errors"])
    fake = client.post(
        f"{BASE}/applications/{pk}/files/budget_sheet",
        {"file": SimpleUploadedFile("b.pdf", b"not a pdf")},
    )
    assert fake.status_code == 422 and "budget_sheet" in fake.json()["errors"]
    application = Application.objects.get(pk=pk)
    assert application.status == ApplicationStatus.DRAFT and application.receipt_number == ""


def test_a_late_submission_is_refused(client, call, org_owner):
    organization, owner = org_owner
    application = fill(start(call, organization, owner), owner)
    client.force_login(owner)
    with mock.patch(
        "django.utils.timezone.now", return_value=call.closes_at + datetime.timedelta(seconds=1)
    ):
        response = client.post(f"{BASE}/applications/{application.pk}/submit")
    assert response.status_code == 422 and "__all__" in response.json()["errors"]
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT


def test_an_ineligible_organization_is_told_why(client, call):
    organization, owner = applicant(designated=False)
    client.force_login(owner)
    response = _create(client, call, organization)
    assert response.status_code == 422 and response.json()["errors"]["organization"]


def test_forbidden_paths(client, call, org_owner, other_user, city_staff):
    organization, owner = org_owner
    application = fill(start(call, organization, owner), owner)
    pk = application.pk
    # Anonymous: 401 everywhere.
    assert client.get(f"{BASE}/applications").status_code == 401
    assert client.get(f"{BASE}/applications/{pk}").status_code == 401
    assert _create(client, call, organization).status_code == 401
    assert client.post(f"{BASE}/applications/{pk}/submit").status_code == 401
    # Another person, another organization's member, a conflicted reviewer: 404.
    _other_org, other_member = applicant()
    conflicted = other_user.__class__.objects.create_user(email="c@example.org", password="x")
    ReviewAssignment.objects.create(
        application=application, reviewer=conflicted, conflict=Conflict.DECLARED
    )
    for actor in (other_user, other_member, conflicted):
        client.force_login(actor)
        assert client.get(f"{BASE}/applications/{pk}").status_code == 404
        assert (
            client.patch(
                f"{BASE}/applications/{pk}", {"title": "x"}, content_type="application/json"
            ).status_code
            == 404
        )
        assert client.post(f"{BASE}/applications/{pk}/submit").status_code == 404
        assert (
            client.post(
                f"{BASE}/applications/{pk}/withdraw", {}, content_type="application/json"
            ).status_code
            == 404
        )
        assert client.get(f"{BASE}/applications").json()["count"] == 0
    client.force_login(other_user)
    assert _create(client, call, organization).status_code == 403  # not their organization
    assert _create(client, call, "nobody").status_code == 422
    client.force_login(owner)
    nul = _create(client, call, organization, title="a\x00b")
    assert nul.status_code == 422 and "title" in nul.json()["errors"]
    client.force_login(other_user)
    # Staff may read it, not change it.
    client.force_login(city_staff)
    assert client.get(f"{BASE}/applications/{pk}").status_code == 200
    assert client.post(f"{BASE}/applications/{pk}/submit").status_code == 403
    assert (
        client.post(
            f"{BASE}/applications/{pk}/withdraw", {}, content_type="application/json"
        ).status_code
        == 403
    )
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT and application.title == "공구 도서관"


def test_the_list_is_bounded(client, django_assert_max_num_queries):
    organization, owner = applicant()
    client.force_login(owner)
    for _ in range(3):
        start(open_call(), organization, owner)
    with django_assert_max_num_queries(15) as few:
        assert client.get(f"{BASE}/applications").json()["count"] == 3
    for _ in range(10):
        start(open_call(), organization, owner)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(f"{BASE}/applications").json()["count"] == 13
