from __future__ import annotations

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from sharehub.accounts.services import create_api_token
from sharehub.accounts.tests.factories import UserFactory
from sharehub.moderation.models import ModerationStatus
from sharehub.organizations import services
from sharehub.organizations.invitations import make_token
from sharehub.organizations.models import Invitation, MemberRole, Membership, Organization
from sharehub.places.tests.factories import DistrictFactory

from .factories import MembershipFactory, OrganizationFactory, image_bytes, organization_owned_by

pytestmark = pytest.mark.django_db

API = "/api/v1/organizations"


def bearer(user) -> dict:
    _token, secret = create_api_token(actor=user, name="test")
    return {"Authorization": f"Bearer {secret}"}


# --- public reads ----------------------------------------------------------------------------


def test_list_is_public_paginated_and_filtered(client):
    mapo = DistrictFactory(slug="mapo")
    OrganizationFactory(
        name_ko="공구 도서관", name_en="Tool Library", district=mapo, kind="cooperative"
    )
    OrganizationFactory(name_ko="마을 부엌", name_en="Village Kitchen", kind="community")
    OrganizationFactory(name_en="Hidden", moderation_status=ModerationStatus.PENDING)
    for n in range(20):
        OrganizationFactory(name_ko=f"가나다 {n:02d}", kind="nonprofit")
    body = client.get(API).json()
    assert body["count"] == 22 and len(body["results"]) == 20
    assert body["previous"] is None and body["next"].endswith("/api/v1/organizations?page=2")
    assert client.get(body["next"]).json()["previous"].endswith("page=1")
    assert [o["name_en"] for o in client.get(API, {"q": "도서관"}).json()["results"]] == [
        "Tool Library"
    ]
    assert [o["name_en"] for o in client.get(API, {"q": "kitchen"}).json()["results"]] == [
        "Village Kitchen"
    ]
    found = client.get(API, {"district": "mapo"}).json()["results"]
    assert [(o["name_en"], o["district"]["slug"]) for o in found] == [("Tool Library", "mapo")]
    assert client.get(API, {"kind": "community"}).json()["count"] == 1


def test_list_refuses_unknown_kind_and_bad_page(client):
    response = client.get(API, {"kind": "spaceship"})
    assert response.status_code == 422 and "kind" in response.json()["errors"]
    response = client.get(API, {"page": "0"})
    assert response.status_code == 422 and "page" in response.json()["errors"]


@pytest.mark.parametrize("rows", [3, 30])
def test_list_query_count_is_bounded(client, django_assert_max_num_queries, rows):
    district = DistrictFactory()
    for _ in range(rows):
        OrganizationFactory(district=district)
    client.get(API)  # the first request counts and keeps the total (core.counts)
    with django_assert_max_num_queries(2):
        assert client.get(API).status_code == 200


def test_detail_in_the_requested_language(client):
    organization = OrganizationFactory(
        name_ko="마을 부엌", name_en="Village Kitchen", kind="community"
    )
    english = client.get(f"{API}/{organization.slug}", headers={"Accept-Language": "en"}).json()
    korean = client.get(f"{API}/{organization.slug}", headers={"Accept-Language": "ko"}).json()
    assert (english["name"], english["kind_label"]) == ("Village Kitchen", "Community group")
    assert korean["name"] == "마을 부엌"
    assert english["url"].endswith(f"/en/organizations/{organization.slug}/")
    assert english["logo_url"] is None


def test_unpublished_detail_is_404_except_for_members_and_staff(
    client, user, other_user, city_staff
):
    organization = organization_owned_by(user, moderation_status=ModerationStatus.PENDING)
    path = f"{API}/{organization.slug}"
    response = client.get(path)
    assert (
        response.status_code == 404
        and response.json()["errors"] == {}
        and response.json()["detail"]
    )
    assert client.get(path, headers=bearer(other_user)).status_code == 404
    assert client.get(path, headers=bearer(user)).status_code == 200
    client.force_login(city_staff)
    assert client.get(path).status_code == 200
    assert client.get(f"{API}/no-such-thing").status_code == 404


# --- create and update -----------------------------------------------------------------------


def test_create_needs_authentication(client):
    response = client.post(
        API, {"name_ko": "단체", "kind": "community"}, content_type="application/json"
    )
    assert response.status_code == 401
    assert set(response.json()) == {"detail", "errors"}
    assert not Organization.objects.exists()


def test_create_returns_201_and_makes_the_caller_owner(client, user):
    district = DistrictFactory(slug="jongno")
    payload = {
        "name_ko": "나눔 🚲 Share <b>",
        "name_en": "Bike Share",
        "kind": "community",
        "district": "jongno",
        "website": "https://bike.example.org",
        "description_ko": "<script>x</script>",
    }
    response = client.post(API, payload, content_type="application/json", headers=bearer(user))
    assert response.status_code == 201
    body = response.json()
    assert body["slug"] == "bike-share" and body["moderation_status"] == "pending"
    assert body["name_ko"] == "나눔 🚲 Share <b>" and body["description_ko"] == "<script>x</script>"
    assert body["district"] == {"slug": "jongno", "name": district.name}
    assert Membership.objects.get(organization__slug="bike-share").user == user


@pytest.mark.parametrize(
    ("payload", "fields"),
    [
        ({}, {"name_ko", "kind"}),
        ({"name_ko": "가" * 121, "kind": "community"}, {"name_ko"}),
        (
            {"name_ko": "단체", "kind": "community", "website": "nope", "email": "nope"},
            {"website", "email"},
        ),
        ({"name_ko": "단체", "kind": "community", "district": "atlantis"}, {"district"}),
        ({"name_ko": 12, "kind": ["x"]}, {"name_ko", "kind"}),
    ],
)
def test_create_validation_errors_are_422_by_field(client, user, payload, fields):
    response = client.post(API, payload, content_type="application/json", headers=bearer(user))
    assert response.status_code == 422
    body = response.json()
    assert fields <= set(body["errors"]) and body["detail"]
    assert not Organization.objects.exists()


def test_create_errors_follow_accept_language(client, user):
    headers = {**bearer(user), "Accept-Language": "ko"}
    response = client.post(
        API, {"kind": "community"}, content_type="application/json", headers=headers
    )
    assert response.json()["errors"]["name_ko"] == ["이 필드는 빈 값일 수 없습니다."]


def test_malformed_json_is_not_a_500(client, user):
    response = client.post(API, "{not json", content_type="application/json", headers=bearer(user))
    assert response.status_code in (400, 422)


def test_create_is_rate_limited(client, user):
    headers = bearer(user)
    statuses = [
        client.post(
            API,
            {"name_ko": f"단체 {n}", "kind": "community"},
            content_type="application/json",
            headers=headers,
        ).status_code
        for n in range(11)
    ]
    assert statuses[:10] == [201] * 10 and statuses[10] == 429


def test_patch_by_editor_and_staff_but_not_others(client, user, other_user, city_staff):
    organization = organization_owned_by(user)
    editor = MembershipFactory(organization=organization).user
    path = f"{API}/{organization.slug}"
    assert client.patch(path, {"address": "x"}, content_type="application/json").status_code == 401
    response = client.patch(
        path, {"address": "x"}, content_type="application/json", headers=bearer(other_user)
    )
    assert response.status_code == 403 and response.json()["errors"] == {}
    response = client.patch(
        path, {"address": "서울 종로"}, content_type="application/json", headers=bearer(editor)
    )
    assert response.status_code == 200 and response.json()["address"] == "서울 종로"
    response = client.patch(
        path, {"phone": "02-120"}, content_type="application/json", headers=bearer(city_staff)
    )
    assert response.status_code == 200
    organization.refresh_from_db()
    assert (organization.address, organization.phone) == ("서울 종로", "02-120")


def test_patch_validation_and_district_clearing(client, user):
    organization = organization_owned_by(user, district=DistrictFactory())
    path = f"{API}/{organization.slug}"
    response = client.patch(
        path, {"name_ko": "", "website": "x"}, content_type="application/json", headers=bearer(user)
    )
    assert response.status_code == 422 and {"name_ko", "website"} <= set(response.json()["errors"])
    response = client.patch(
        path, {"district": None}, content_type="application/json", headers=bearer(user)
    )
    assert response.status_code == 200 and response.json()["district"] is None


def test_logo_upload(client, user, other_user):
    organization = organization_owned_by(user)
    path = f"{API}/{organization.slug}/logo"
    response = client.post(
        path,
        {"logo": SimpleUploadedFile("l.png", image_bytes(), "image/png")},
        headers=bearer(user),
    )
    assert response.status_code == 200 and response.json()["logo_url"].endswith(".png")
    response = client.post(
        path, {"logo": SimpleUploadedFile("l.png", b"text", "image/png")}, headers=bearer(user)
    )
    assert response.status_code == 422 and "logo" in response.json()["errors"]
    response = client.post(
        path,
        {"logo": SimpleUploadedFile("l.png", image_bytes(), "image/png")},
        headers=bearer(other_user),
    )
    assert response.status_code == 403


# --- members and invitations -------------------------------------------------------------------


def test_members_visible_to_members_only(client, user, other_user):
    organization = organization_owned_by(user)
    editor = MembershipFactory(organization=organization).user
    path = f"{API}/{organization.slug}/members"
    assert client.get(path).status_code == 401
    assert client.get(path, headers=bearer(other_user)).status_code == 403
    body = client.get(path, headers=bearer(editor)).json()
    assert body["count"] == 2
    assert [(m["user_id"], m["role"]) for m in body["results"]] == [
        (user.pk, "owner"),
        (editor.pk, "editor"),
    ]


@pytest.mark.parametrize("rows", [3, 30])
def test_members_query_count_is_bounded(client, user, django_assert_max_num_queries, rows):
    organization = organization_owned_by(user)
    for _ in range(rows):
        MembershipFactory(organization=organization)
    headers = bearer(user)
    with django_assert_max_num_queries(7):
        assert client.get(f"{API}/{organization.slug}/members", headers=headers).status_code == 200


def test_invitations_owner_flow(client, user, django_capture_on_commit_callbacks):
    organization = organization_owned_by(user)
    path = f"{API}/{organization.slug}/invitations"
    headers = bearer(user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            path,
            {"email": "friend@example.org", "role": "owner"},
            content_type="application/json",
            headers=headers,
        )
    assert response.status_code == 201
    invitation_id = response.json()["id"]
    assert response.json()["role"] == "owner" and len(mail.outbox) == 1
    listed = client.get(path, headers=headers).json()
    assert [i["email"] for i in listed["results"]] == ["friend@example.org"]
    response = client.post(
        path, {"email": "friend@example.org"}, content_type="application/json", headers=headers
    )
    assert response.status_code == 422 and "email" in response.json()["errors"]
    response = client.post(
        path, {"email": "bad", "role": "emperor"}, content_type="application/json", headers=headers
    )
    assert response.status_code == 422 and {"email", "role"} <= set(response.json()["errors"])
    assert client.delete(f"{path}/{invitation_id}", headers=headers).status_code == 204
    assert client.delete(f"{path}/{invitation_id}", headers=headers).status_code == 404
    assert client.get(path, headers=headers).json()["count"] == 0


def test_invitations_forbidden_for_editors_and_outsiders(client, user, other_user):
    organization = organization_owned_by(user)
    editor = MembershipFactory(organization=organization).user
    invitation = services.invite_member(
        actor=user, organization=organization, email="x@example.org"
    )
    path = f"{API}/{organization.slug}/invitations"
    for person in (editor, other_user):
        headers = bearer(person)
        assert client.get(path, headers=headers).status_code == 403
        response = client.post(
            path, {"email": "y@example.org"}, content_type="application/json", headers=headers
        )
        assert response.status_code == 403
        assert client.delete(f"{path}/{invitation.pk}", headers=headers).status_code == 403
    assert (
        client.post(path, {"email": "y@example.org"}, content_type="application/json").status_code
        == 401
    )
    assert list(Invitation.objects.values_list("email", "revoked_at")) == [("x@example.org", None)]


def test_accept_by_api(client, user):
    organization = organization_owned_by(user)
    invitation = services.invite_member(
        actor=user, organization=organization, email="new@example.org"
    )
    invitee = UserFactory(email="new@example.org")
    stranger = UserFactory()
    path = f"{API}/invitations/accept"
    token = make_token(invitation)
    assert client.post(path, {"token": token}, content_type="application/json").status_code == 401
    response = client.post(
        path, {"token": token}, content_type="application/json", headers=bearer(stranger)
    )
    assert response.status_code == 403 and "new@example.org" in response.json()["detail"]
    response = client.post(
        path, {"token": token + "x"}, content_type="application/json", headers=bearer(invitee)
    )
    assert response.status_code == 422 and "token" in response.json()["errors"]
    response = client.post(
        path, {"token": token}, content_type="application/json", headers=bearer(invitee)
    )
    assert response.status_code == 200
    assert (
        response.json()["organization"] == organization.slug and response.json()["role"] == "editor"
    )
    response = client.post(
        path, {"token": token}, content_type="application/json", headers=bearer(invitee)
    )
    assert response.status_code == 422


def test_role_change_remove_transfer_and_leave(client, user, other_user):
    organization = organization_owned_by(user)
    editor = MembershipFactory(organization=organization, user=other_user).user
    third = MembershipFactory(organization=organization).user
    headers = bearer(user)
    members = f"{API}/{organization.slug}/members"
    english = {**headers, "Accept-Language": "en"}
    response = client.patch(
        f"{members}/{user.pk}", {"role": "editor"}, content_type="application/json", headers=english
    )
    assert (
        response.status_code == 422
        and "at least one owner" in response.json()["errors"]["__all__"][0]
    )
    response = client.patch(
        f"{members}/{editor.pk}",
        {"role": "owner"},
        content_type="application/json",
        headers=bearer(editor),
    )
    assert response.status_code == 403
    response = client.patch(
        f"{members}/{editor.pk}",
        {"role": "owner"},
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 200 and response.json()["role"] == "owner"
    assert client.delete(f"{members}/{third.pk}", headers=headers).status_code == 204
    assert client.delete(f"{members}/{third.pk}", headers=headers).status_code == 404
    response = client.post(f"{members}/{editor.pk}/transfer", headers=headers)
    assert response.status_code == 200
    assert client.delete(f"{members}/{user.pk}", headers=headers).status_code == 204  # leaving
    assert list(
        Membership.objects.filter(organization=organization).values_list("user_id", "role")
    ) == [(editor.pk, MemberRole.OWNER)]


def test_session_writes_need_csrf(user):
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(user)
    response = csrf_client.post(
        API, {"name_ko": "단체", "kind": "community"}, content_type="application/json"
    )
    assert response.status_code in (401, 403)
    assert not Organization.objects.exists()


def test_openapi_documents_the_routes(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/organizations/{slug}/invitations" in schema["paths"]
    assert schema["paths"]["/api/v1/organizations"]["post"]["summary"] == "Create an organization"


def test_list_filters_are_the_page_form_unknown_district_is_422(client):
    DistrictFactory(slug="mapo")
    response = client.get(API, {"district": "atlantis"})
    assert response.status_code == 422 and "district" in response.json()["errors"]
    parameters = {
        p["name"]
        for p in client.get("/api/v1/openapi.json").json()["paths"]["/api/v1/organizations"]["get"][
            "parameters"
        ]
    }
    assert {"q", "district", "kind", "page"} <= parameters
