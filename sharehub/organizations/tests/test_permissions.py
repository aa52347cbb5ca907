"""Permission matrix (pretix style): every write URL × role → expected status, and a refused
request changes nothing. Pages answer 302 to the login for visitors, 403 for signed-in people
without the right, 404 when the organization is not visible to them at all."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sharehub.accounts.tests.factories import UserFactory
from sharehub.moderation.models import ModerationStatus
from sharehub.organizations import services
from sharehub.organizations.models import Invitation, MemberRole, Membership, Organization

from .factories import MembershipFactory, organization_owned_by

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "other_user", "editor", "owner", "other_org_owner", "city_staff"]

# name → (method, url name, needs target user, needs invitation, POST data)
ACTIONS = {
    "edit_form": ("get", "edit", False, False, None),
    "edit": ("post", "edit", False, False, {"name_ko": "새 이름", "kind": "community"}),
    "members": ("get", "members", False, False, None),
    "invite": ("post", "invite", False, False, {"email": "new@example.org", "role": "editor"}),
    "revoke": ("post", "revoke_invitation", False, True, {}),
    "change_role": ("post", "change_role", True, False, {"role": "owner"}),
    "remove": ("post", "remove_member", True, False, {}),
    "transfer": ("post", "transfer_ownership", True, False, {}),
    "leave": ("post", "leave", False, False, {}),
}

EXPECTED = {
    #                 edit_form edit members invite revoke change_role remove transfer leave
    "anonymous": (302, 302, 302, 302, 302, 302, 302, 302, 302),
    "other_user": (403, 403, 403, 403, 403, 403, 403, 403, 403),
    "editor": (200, 302, 200, 403, 403, 403, 403, 403, 302),
    "owner": (200, 302, 200, 302, 302, 302, 302, 302, 302),
    "other_org_owner": (403, 403, 403, 403, 403, 403, 403, 403, 403),
    "city_staff": (200, 302, 200, 302, 302, 302, 302, 403, 403),
}

CASES = [
    (role, action, EXPECTED[role][index]) for role in ROLES for index, action in enumerate(ACTIONS)
]


@pytest.fixture
def world(city_staff):
    owner, editor, target = UserFactory(), UserFactory(), UserFactory()
    organization = organization_owned_by(owner)
    MembershipFactory(organization=organization, user=editor, role=MemberRole.EDITOR)
    MembershipFactory(organization=organization, user=target, role=MemberRole.EDITOR)
    invitation = services.invite_member(
        actor=owner, organization=organization, email="waiting@example.org"
    )
    other_org_owner = UserFactory()
    organization_owned_by(other_org_owner)
    people = {
        "anonymous": None,
        "other_user": UserFactory(),
        "editor": editor,
        "owner": owner,
        "other_org_owner": other_org_owner,
        "city_staff": city_staff,
    }
    return {
        "organization": organization,
        "target": target,
        "invitation": invitation,
        "people": people,
    }


def snapshot(organization: Organization) -> tuple:
    organization.refresh_from_db()
    return (
        organization.name_ko,
        sorted(Membership.objects.filter(organization=organization).values_list("user_id", "role")),
        sorted(
            Invitation.objects.filter(organization=organization).values_list("email", "revoked_at")
        ),
    )


def request(client, world, action: str):
    method, name, needs_target, needs_invitation, data = ACTIONS[action]
    kwargs = {"slug": world["organization"].slug}
    if needs_target:
        kwargs["user_id"] = world["target"].pk
    if needs_invitation:
        kwargs["invitation_id"] = world["invitation"].pk
    path = reverse(f"organizations:{name}", kwargs=kwargs)
    return client.get(path) if method == "get" else client.post(path, data)


@pytest.mark.parametrize(("role", "action", "expected"), CASES)
def test_matrix(client, world, role, action, expected):
    person = world["people"][role]
    if person is not None:
        client.force_login(person)
    before = snapshot(world["organization"])
    response = request(client, world, action)
    assert response.status_code == expected
    if expected == 302 and role == "anonymous":
        assert "/accounts/login/" in response["Location"]
    if expected in (302, 403, 404) and (role == "anonymous" or expected != 302):
        assert snapshot(world["organization"]) == before


@pytest.mark.parametrize("action", list(ACTIONS))
@pytest.mark.parametrize("role", ["other_user", "other_org_owner"])
def test_unpublished_organization_is_not_found_for_outsiders(client, world, role, action):
    Organization.objects.filter(pk=world["organization"].pk).update(
        moderation_status=ModerationStatus.PENDING
    )
    client.force_login(world["people"][role])
    before = snapshot(world["organization"])
    assert request(client, world, action).status_code == 404
    assert snapshot(world["organization"]) == before


@pytest.mark.parametrize(("method", "expected"), [("get", 200), ("post", 302)])
def test_anyone_signed_in_may_create(client, user, method, expected):
    client.force_login(user)
    path = reverse("organizations:create")
    response = (
        client.get(path)
        if method == "get"
        else client.post(path, {"name_ko": "새 단체", "kind": "community"})
    )
    assert response.status_code == expected


def test_visitor_may_not_create(client):
    response = client.post(
        reverse("organizations:create"), {"name_ko": "새 단체", "kind": "community"}
    )
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not Organization.objects.filter(name_ko="새 단체").exists()
