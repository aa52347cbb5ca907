"""Permission matrix (pretix style): every write URL and API endpoint × role → status, and a
refused request changes nothing. Pages: 302 to the login for visitors, 404 when the application
is not visible to the person at all, 403 when visible but not theirs to do."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sharehub.accounts.tests.factories import UserFactory, give_totp
from sharehub.core.models import AuditEntry
from sharehub.core.tests.shared_data import built_once
from sharehub.designation import services
from sharehub.designation.models import (
    Application,
    ApplicationDocument,
    CommitteeDecision,
    Designation,
    ReviewStage,
    Score,
)
from sharehub.organizations.models import MemberRole
from sharehub.organizations.tests.factories import MembershipFactory, OrganizationFactory

from .factories import (
    attach_required,
    designate,
    draft_application,
    pdf,
    ready_to_decide,
    submitted_application,
    tick_all,
    world,
)

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "citizen", "editor", "owner", "other_org_owner", "moderator", "city_staff"]

# name → (url name, target, POST data)
PAGE_ACTIONS = {
    "apply": (
        "apply",
        "org",
        {"applicant_type": "cooperative", "kind": "enterprise", "activities": "a", "plan": "b"},
    ),
    "edit": (
        "application_edit",
        "draft",
        {"applicant_type": "cooperative", "kind": "enterprise", "activities": "a2", "plan": "b2"},
    ),
    "upload": ("document_upload", "draft", "file"),
    "remove_doc": ("document_remove", "document", {}),
    "submit": ("submit", "draft", {}),
    "comment": ("comment", "submitted", {"body": "질문 있어요"}),
    "start": ("review_start", "submitted", {}),
    "checklist": ("review_checklist", "submitted_review", {"items": ["sustainability"]}),
    "changes": ("review_request_changes", "submitted_review", {"reason": "고쳐 주세요"}),
    "reject": ("review_reject", "submitted_review", {"reason": "아니요"}),
    "approve": ("review_approve", "submitted_review", {}),
    "suspend": ("suspend", "designation", {"reason": "점검"}),
    "revoke": ("revoke", "designation", {"reason": "취소"}),
    "advance": ("review_advance", "reviewing", {"note": "서류 확인"}),
    "scores": ("review_scores", "reviewing", {"score_org_purpose": "10"}),
    "committee": (
        "review_committee",
        "submitted_review",
        {
            "meeting_on": "2026-01-15",
            "members_present": "9",
            "votes_for": "9",
            "votes_against": "0",
            "votes_abstain": "0",
        },
    ),
    "stage_new": ("stage_new", None, {"code": "interview", "name_ko": "면접", "order": "35"}),
}

# Applicants in the apply column: "apply" needs another organization (the draft world has one open).
# Then: advance scores committee stage_new (city staff's review and settings).
STAFF_ONLY = (403, 403, 403, 403)
EXPECTED = {
    #                  apply edit upload rmdoc submit comment start check changes reject approve suspend revoke
    "anonymous": (
        302,
        302,
        302,
        302,
        302,
        302,
        302,
        302,
        302,
        302,
        302,
        302,
        302,
        302,
        302,
        302,
        302,
    ),
    "citizen": (403, 404, 404, 404, 404, 404, 403, 403, 403, 403, 403, 403, 403, *STAFF_ONLY),
    "editor": (302, 302, 302, 302, 302, 302, 403, 403, 403, 403, 403, 403, 403, *STAFF_ONLY),
    "owner": (302, 302, 302, 302, 302, 302, 403, 403, 403, 403, 403, 403, 403, *STAFF_ONLY),
    "other_org_owner": (
        403,
        404,
        404,
        404,
        404,
        404,
        403,
        403,
        403,
        403,
        403,
        403,
        403,
        *STAFF_ONLY,
    ),
    "moderator": (403, 404, 404, 404, 404, 404, 403, 403, 403, 403, 403, 403, 403, *STAFF_ONLY),
    "city_staff": (
        403,
        403,
        403,
        403,
        403,
        302,
        302,
        302,
        302,
        302,
        302,
        302,
        302,
        302,
        302,
        302,
        302,
    ),
}


def _build_matrix() -> tuple[dict, dict]:
    organization, owner, editor, staff = world()
    spare = OrganizationFactory()  # where applicants may start a new application
    MembershipFactory(organization=spare, user=owner, role=MemberRole.OWNER)
    MembershipFactory(organization=spare, user=editor, role=MemberRole.EDITOR)
    draft_org = OrganizationFactory()
    MembershipFactory(organization=draft_org, user=owner, role=MemberRole.OWNER)
    MembershipFactory(organization=draft_org, user=editor, role=MemberRole.EDITOR)
    draft = draft_application(draft_org, owner)
    attach_required(draft, owner)
    document = draft.documents.first()
    submitted = submitted_application(organization, owner)
    designated_org = OrganizationFactory()
    MembershipFactory(organization=designated_org, user=owner, role=MemberRole.OWNER)
    designation = designate(designated_org, owner, staff)
    review_org = OrganizationFactory()
    MembershipFactory(organization=review_org, user=owner, role=MemberRole.OWNER)
    MembershipFactory(organization=review_org, user=editor, role=MemberRole.EDITOR)
    submitted_review = submitted_application(review_org, owner)
    ready_to_decide(services.start_review(actor=staff, application=submitted_review), staff)
    reviewing_org = OrganizationFactory()
    MembershipFactory(organization=reviewing_org, user=owner, role=MemberRole.OWNER)
    MembershipFactory(organization=reviewing_org, user=editor, role=MemberRole.EDITOR)
    reviewing = tick_all(
        services.start_review(
            actor=staff, application=submitted_application(reviewing_org, editor)
        ),
        staff,
    )
    other_owner = UserFactory()
    MembershipFactory(organization=OrganizationFactory(), user=other_owner, role=MemberRole.OWNER)
    people = {
        "anonymous": None,
        "citizen": UserFactory(),
        "editor": editor,
        "owner": owner,
        "other_org_owner": other_owner,
        "moderator": give_totp(UserFactory(is_moderator=True)),
        "city_staff": staff,
    }
    targets = {
        "org": spare,
        "draft": draft,
        "document": document,
        "submitted": submitted,
        "submitted_review": submitted_review,
        "designation": designation,
        "reviewing": reviewing,
    }
    return people, targets


@pytest.fixture(scope="module")
def matrix_world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The world every case of the matrix asks about, built once for the module (each case runs
    in its own savepoint, so a granted action never shows in the next case)."""
    media = tmp_path_factory.mktemp("designation-matrix")
    yield from built_once(django_db_blocker, media, lambda: (media, *_build_matrix(), snapshot()))


@pytest.fixture
def matrix(matrix_world, settings):
    media, people, targets, as_built = matrix_world
    assert snapshot() == as_built  # nothing an earlier case did is left
    settings.MEDIA_ROOT = media  # where the world's documents were stored
    return people, targets


def snapshot() -> tuple:
    return (
        sorted(Application.objects.values_list("pk", "status", "activities", "checklist", "stage")),
        ApplicationDocument.objects.count(),
        sorted(Designation.objects.values_list("number", "status")),
        sorted(Score.objects.values_list("application", "criterion", "points")),
        CommitteeDecision.objects.count(),
        ReviewStage.objects.count(),
        AuditEntry.objects.count(),
    )


def _url(name, target):
    if target is None:
        return reverse(f"designation:{name}")
    if name == "apply":
        return reverse("designation:apply", kwargs={"slug": target.slug})
    if isinstance(target, Designation):
        return reverse(f"designation:{name}", kwargs={"number": target.number})
    return reverse(f"designation:{name}", kwargs={"pk": target.pk})


CASES = [
    (role, action, EXPECTED[role][i]) for role in ROLES for i, action in enumerate(PAGE_ACTIONS)
]


@pytest.mark.parametrize(("role", "action", "expected"), CASES)
def test_page_permission_matrix(client, matrix, role, action, expected):
    people, targets = matrix
    person = people[role]
    if person is not None:
        client.force_login(person)
    name, target_key, data = PAGE_ACTIONS[action]
    target = targets[target_key] if target_key else None
    if data == "file":
        data = {"file": pdf(), "document_type": "other"}
    before = snapshot()
    response = client.post(_url(name, target), data)
    assert response.status_code == expected, (role, action)
    if role == "anonymous":
        assert "/accounts/login/" in response["Location"]
    refused = expected != 302 or role == "anonymous"
    if refused:
        assert snapshot() == before
    else:
        assert snapshot() != before


VIEW_PAGES = ["application", "review", "queue", "document"]
VIEW_EXPECTED = {
    "anonymous": (302, 302, 302, 302),
    "citizen": (404, 403, 403, 404),
    "editor": (200, 403, 403, 200),
    "owner": (200, 403, 403, 200),
    "other_org_owner": (404, 403, 403, 404),
    "moderator": (404, 403, 403, 404),
    "city_staff": (200, 200, 200, 200),
}


@pytest.mark.parametrize("role", ROLES)
def test_reading_pages_and_downloading_documents(client, matrix, role):
    people, targets = matrix
    if people[role] is not None:
        client.force_login(people[role])
    draft = targets["draft"]
    urls = [
        reverse("designation:application", kwargs={"pk": draft.pk}),
        reverse("designation:review", kwargs={"pk": draft.pk}),
        reverse("designation:queue"),
        reverse("designation:document", kwargs={"pk": targets["document"].pk}),
    ]
    statuses = tuple(client.get(url).status_code for url in urls)
    assert statuses == VIEW_EXPECTED[role]


def test_documents_are_not_under_the_public_media_url(client, matrix):
    people, targets = matrix
    document = targets["document"]
    assert document.file.storage.base_url is None
    client.force_login(people["owner"])
    response = client.get(reverse("designation:document", kwargs={"pk": document.pk}))
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


# --- API ----------------------------------------------------------------------------------

API_ACTIONS = {
    "create": (
        "post",
        "/api/v1/designation/applications",
        "org",
        {"kind": "enterprise", "activities": "a", "plan": "b"},
    ),
    "submit": ("post", "/api/v1/designation/applications/{pk}/submit", "draft", {}),
    "review": ("post", "/api/v1/designation/applications/{pk}/review", "submitted", {}),
    "changes": (
        "post",
        "/api/v1/designation/applications/{pk}/request-changes",
        "submitted_review",
        {"reason": "r"},
    ),
    "reject": (
        "post",
        "/api/v1/designation/applications/{pk}/reject",
        "submitted_review",
        {"reason": "r"},
    ),
    "approve": ("post", "/api/v1/designation/applications/{pk}/approve", "submitted_review", {}),
    "suspend": (
        "post",
        "/api/v1/designation/designations/{number}/suspend",
        "designation",
        {"reason": "r"},
    ),
    "revoke": (
        "post",
        "/api/v1/designation/designations/{number}/revoke",
        "designation",
        {"reason": "r"},
    ),
    "advance": ("post", "/api/v1/designation/applications/{pk}/advance", "reviewing", {}),
    "scores": (
        "put",
        "/api/v1/designation/applications/{pk}/scores",
        "reviewing",
        {"scores": {"org_purpose": 10}},
    ),
    "committee": (
        "post",
        "/api/v1/designation/applications/{pk}/committee-decisions",
        "submitted_review",
        {
            "meeting_on": "2026-01-15",
            "members_present": 9,
            "votes_for": 9,
            "votes_against": 0,
            "votes_abstain": 0,
        },
    ),
}
API_EXPECTED = {
    #                  create submit review changes reject approve suspend revoke advance scores committee
    "anonymous": (401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401),
    "citizen": (403, 404, 404, 404, 404, 404, 403, 403, 404, 404, 404),
    "editor": (201, 200, 403, 403, 403, 403, 403, 403, 403, 403, 403),
    "owner": (201, 200, 403, 403, 403, 403, 403, 403, 403, 403, 403),
    "other_org_owner": (403, 404, 404, 404, 404, 404, 403, 403, 404, 404, 404),
    "moderator": (403, 404, 404, 404, 404, 404, 403, 403, 404, 404, 404),
    "city_staff": (403, 403, 200, 200, 200, 201, 200, 200, 200, 200, 201),
}
API_CASES = [
    (role, action, API_EXPECTED[role][i]) for role in ROLES for i, action in enumerate(API_ACTIONS)
]


@pytest.mark.parametrize(("role", "action", "expected"), API_CASES)
def test_api_permission_matrix(client, matrix, role, action, expected):
    people, targets = matrix
    if people[role] is not None:
        client.force_login(people[role])
    method, path, target_key, data = API_ACTIONS[action]
    target = targets[target_key]
    if target_key == "org":
        data = {**data, "organization": target.slug}
    path = path.format(pk=getattr(target, "pk", ""), number=getattr(target, "number", ""))
    before = snapshot()
    response = getattr(client, method)(path, data, content_type="application/json")
    assert response.status_code == expected, (role, action, response.content)
    body = response.json()
    if expected >= 400:
        assert set(body) == {"detail", "errors"}
        assert snapshot() == before


@pytest.mark.parametrize("role", ROLES)
def test_scores_and_committee_votes_are_staff_only(client, matrix, role):
    people, targets = matrix
    application = targets["submitted_review"]  # scored, with the committee's vote
    if people[role] is not None:
        client.force_login(people[role])
    base = f"/api/v1/designation/applications/{application.pk}"
    statuses = (
        client.get(f"{base}/scores").status_code,
        client.get(f"{base}/committee-decisions").status_code,
        client.get(reverse("designation:review", kwargs={"pk": application.pk})).status_code,
    )
    expected = {
        "anonymous": (401, 401, 302),
        "editor": (403, 403, 403),
        "owner": (403, 403, 403),
        "city_staff": (200, 200, 200),
    }.get(role, (404, 404, 403))
    assert statuses == expected
    if role in ("editor", "owner"):
        page = client.get(application.get_absolute_url()).content.decode()
        detail = client.get(base).json()
        for internal in ("위원장 외 10명", "score_org_purpose", "votes_for"):
            assert internal not in page and internal not in str(detail)
        assert "stage" in detail and detail["stage"]["code"] == "committee"
