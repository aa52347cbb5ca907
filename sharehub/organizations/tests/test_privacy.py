from __future__ import annotations

import pytest
from django.utils import timezone

from sharehub.accounts.services import delete_account, export_user_data
from sharehub.accounts.tests.factories import UserFactory
from sharehub.core.models import AuditEntry
from sharehub.notifications.models import Notification
from sharehub.organizations import services
from sharehub.organizations.models import Invitation, MemberRole, Membership, Organization

from .factories import MembershipFactory, OrganizationFactory, organization_owned_by

pytestmark = pytest.mark.django_db


def roles(organization: Organization) -> dict[int, str]:
    return dict(Membership.objects.filter(organization=organization).values_list("user_id", "role"))


def test_export_lists_memberships_and_invitations(user, other_user):
    organization = organization_owned_by(user, slug="kitchen")
    services.invite_member(actor=user, organization=organization, email="friend@example.org")
    other = organization_owned_by(other_user, slug="garden")
    services.invite_member(actor=other_user, organization=other, email=user.email.upper())
    data = export_user_data(user=user)["data"]["organizations"]
    assert [(m["organization"], m["role"]) for m in data["memberships"]] == [("kitchen", "owner")]
    assert [(i["organization"], i["email"], i["state"]) for i in data["invitations_sent"]] == [
        ("kitchen", "friend@example.org", "open")
    ]
    assert [i["organization"] for i in data["invitations_received"]] == ["garden"]


def test_erasing_a_sole_owner_promotes_the_longest_standing_member(user):
    organization = organization_owned_by(user)
    earlier = timezone.now() - timezone.timedelta(days=30)
    veteran = MembershipFactory(organization=organization, joined_at=earlier).user
    MembershipFactory(
        organization=organization, joined_at=timezone.now() - timezone.timedelta(days=1)
    )
    delete_account(actor=user, user=user)
    assert roles(organization)[veteran.pk] == MemberRole.OWNER
    assert user.pk not in roles(organization)
    assert list(roles(organization).values()).count(MemberRole.OWNER) == 1
    entry = AuditEntry.objects.get(action="organizations.owner_promoted")
    assert entry.data == {"member_id": veteran.pk} and entry.actor is None
    assert Notification.objects.filter(user=veteran, kind="organizations.membership").exists()


def test_erasing_a_co_owner_promotes_nobody(user, other_user):
    organization = organization_owned_by(user)
    MembershipFactory(organization=organization, user=other_user, role=MemberRole.OWNER)
    editor = MembershipFactory(organization=organization).user
    delete_account(actor=user, user=user)
    assert roles(organization) == {other_user.pk: MemberRole.OWNER, editor.pk: MemberRole.EDITOR}
    assert not AuditEntry.objects.filter(action="organizations.owner_promoted").exists()


def test_erasing_the_only_member_leaves_the_organization_without_members(user):
    organization = organization_owned_by(user)
    delete_account(actor=user, user=user)
    assert Organization.objects.filter(pk=organization.pk).exists()
    assert roles(organization) == {}


def test_erasing_clears_invitations_and_addresses(user, other_user):
    organization = organization_owned_by(user)
    sent = services.invite_member(actor=user, organization=organization, email="friend@example.org")
    other = OrganizationFactory(created_by=user)
    MembershipFactory(organization=other, user=other_user, role=MemberRole.OWNER)
    services.invite_member(actor=other_user, organization=other, email=user.email)
    delete_account(actor=user, user=user)
    sent.refresh_from_db()
    assert sent.invited_by is None
    assert not Invitation.objects.filter(organization=other).exists()
    other.refresh_from_db()
    assert other.created_by is None
    invited_entry = AuditEntry.objects.get(action="organizations.invited", object_id=str(other.pk))
    assert invited_entry.data["email"] == ""
    untouched = AuditEntry.objects.get(
        action="organizations.invited", object_id=str(organization.pk)
    )
    assert untouched.data["email"] == "friend@example.org"


def test_erasing_someone_with_no_organizations_is_harmless():
    person = UserFactory()
    delete_account(actor=person, user=person)
    assert not Membership.objects.exists()


def test_export_lists_the_name_changes_the_person_asked_for(user):
    organization = organization_owned_by(user, slug="kitchen")
    services.update_organization(actor=user, organization=organization, name_ko="새 부엌")
    data = export_user_data(user=user)["data"]["organizations"]
    assert [
        (r["organization"], r["name_ko"], r["status"]) for r in data["name_changes_requested"]
    ] == [("kitchen", "새 부엌", "pending")]
