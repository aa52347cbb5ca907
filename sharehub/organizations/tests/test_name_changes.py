"""Issue 10, point 7: a member's new public name waits for review; other edits publish at once."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from sharehub.accounts.services import create_api_token
from sharehub.accounts.tests.factories import UserFactory
from sharehub.core.models import AuditEntry
from sharehub.directory.search_index import reindex_listing
from sharehub.directory.tests.factories import ListingFactory
from sharehub.moderation.models import ModerationStatus
from sharehub.notifications.models import Notification
from sharehub.organizations import name_changes, services
from sharehub.organizations.models import (
    MemberRole,
    NameChangeRequest,
    NameChangeStatus,
    Organization,
)

from .factories import MembershipFactory, organization_owned_by

pytestmark = pytest.mark.django_db

OLD = "나눔 공구 도서관"
NEW = "서울특별시 공식 나눔센터"
API = "/api/v1/organizations"


@pytest.fixture
def owner():
    return UserFactory(preferred_language="ko")


@pytest.fixture
def org(owner):
    return organization_owned_by(owner, name_ko=OLD, name_en="Tool Library")


def fresh(organization: Organization) -> Organization:
    return Organization.objects.get(pk=organization.pk)


def rename(actor, organization, **changes) -> Organization:
    return services.update_organization(actor=actor, organization=organization, **changes)


def pending(organization: Organization) -> NameChangeRequest:
    return NameChangeRequest.objects.get(organization=organization, status=NameChangeStatus.PENDING)


def actions(organization: Organization) -> list[str]:
    return list(
        AuditEntry.objects.filter(
            object_id=str(organization.pk), action__startswith="organizations."
        )
        .order_by("id")
        .values_list("action", flat=True)
    )


def bearer(user) -> dict:
    _token, secret = create_api_token(actor=user, name="test")
    return {"Authorization": f"Bearer {secret}"}


# --- requesting -------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [MemberRole.OWNER, MemberRole.EDITOR])
def test_member_rename_waits_while_other_fields_publish(org, role):
    member = UserFactory()
    MembershipFactory(organization=org, user=member, role=role)
    result = rename(member, org, name_ko=NEW, name_en="Seoul", description_ko="새 소개")
    saved = fresh(org)
    assert (saved.name_ko, saved.name_en, saved.description_ko) == (OLD, "Tool Library", "새 소개")
    change = pending(org)
    assert (change.name_ko, change.name_en, change.previous_name_ko, change.requested_by) == (
        NEW,
        "Seoul",
        OLD,
        member,
    )
    assert result.pending_name_change == change
    assert actions(org) == ["organizations.name_change_requested", "organizations.updated"]


def test_one_pending_request_is_updated_then_withdrawn_by_going_back(org, owner):
    rename(owner, org, name_ko=NEW)
    rename(owner, org, name_en="Seoul City")  # the Korean name sent before stays proposed
    assert NameChangeRequest.objects.filter(organization=org).count() == 1
    assert (pending(org).name_ko, pending(org).name_en) == (NEW, "Seoul City")
    rename(owner, org, name_ko=OLD, name_en="Tool Library")
    assert not NameChangeRequest.objects.filter(
        organization=org, status=NameChangeStatus.PENDING
    ).exists()
    assert NameChangeRequest.objects.get(organization=org).status == NameChangeStatus.WITHDRAWN
    assert fresh(org).name_ko == OLD


def test_database_allows_one_pending_request_per_organization(org, owner):
    rename(owner, org, name_ko=NEW)
    with pytest.raises(IntegrityError), transaction.atomic():
        NameChangeRequest.objects.create(
            organization=org, name_ko="또 다른 이름", requested_by=owner
        )


def test_proposed_name_is_validated_with_the_other_fields(org, owner):
    with pytest.raises(ValidationError) as error:
        rename(owner, org, name_ko="", website="not a url")
    assert {"name_ko", "website"} <= set(error.value.message_dict)
    assert not NameChangeRequest.objects.exists()


def test_city_staff_rename_publishes_directly_and_refreshes_search(client, org, city_staff):
    reindex_listing(ListingFactory(organization=org))
    rename(city_staff, org, name_ko=NEW)
    assert fresh(org).name_ko == NEW
    assert not NameChangeRequest.objects.exists()
    suggestions = client.get(
        "/ko/search/suggest/", {"model": "directory.listing", "q": "서울특"}
    ).content.decode()
    assert NEW in suggestions


def test_organization_not_yet_published_is_renamed_directly(owner):
    org = organization_owned_by(owner, name_ko=OLD, moderation_status=ModerationStatus.PENDING)
    rename(owner, org, name_ko=NEW)
    assert fresh(org).name_ko == NEW
    assert not NameChangeRequest.objects.exists()


@pytest.mark.parametrize("who", ["anonymous", "other user", "other organization's owner"])
def test_only_members_request_a_new_name(org, who):
    actor = AnonymousUser() if who == "anonymous" else UserFactory()
    if who == "other organization's owner":
        organization_owned_by(actor)
    with pytest.raises(PermissionDenied):
        rename(actor, org, name_ko=NEW)
    assert not NameChangeRequest.objects.exists()


# --- deciding ---------------------------------------------------------------------------------


def test_moderator_approves_publishes_reindexes_audits_and_notifies_in_its_transaction(
    client, org, owner, moderator, django_capture_on_commit_callbacks
):
    listing = ListingFactory(organization=org)
    reindex_listing(listing)
    rename(owner, org, name_ko=NEW)
    suggest = {"model": "directory.listing"}
    assert NEW not in client.get("/ko/search/suggest/", {**suggest, "q": "서울특"}).content.decode()
    with django_capture_on_commit_callbacks() as callbacks:
        change = name_changes.approve_name_change(actor=moderator, change_id=pending(org).pk)
        # The notices are rows of the decision's own transaction: a rollback tells nobody.
        assert Notification.objects.filter(user=owner).exists()
    for callback in callbacks:
        callback()
    assert fresh(org).name_ko == NEW
    assert (change.status, change.decided_by) == (NameChangeStatus.APPROVED, moderator)
    entry = AuditEntry.objects.get(action="organizations.renamed")
    assert entry.actor == moderator and entry.data["previous"]["name_ko"] == OLD
    note = Notification.objects.get(user=owner)
    assert NEW in note.title and OLD in note.body
    assert NEW in client.get("/ko/search/suggest/", {**suggest, "q": "서울특"}).content.decode()


def test_city_staff_rejects_with_reason_and_the_old_name_stays(
    org, owner, city_staff, django_capture_on_commit_callbacks
):
    rename(owner, org, name_ko=NEW)
    change_id = pending(org).pk
    with pytest.raises(ValidationError) as error:
        name_changes.reject_name_change(actor=city_staff, change_id=change_id, reason="  ")
    assert "reason" in error.value.message_dict
    with django_capture_on_commit_callbacks(execute=True):
        change = name_changes.reject_name_change(
            actor=city_staff, change_id=change_id, reason="시청 이름과 혼동됩니다."
        )
    assert change.status == NameChangeStatus.REJECTED and fresh(org).name_ko == OLD
    assert "시청 이름과 혼동됩니다." in Notification.objects.get(user=owner).body
    assert actions(org)[-1] == "organizations.name_change_rejected"
    with pytest.raises(ValidationError):  # decided once
        name_changes.approve_name_change(actor=city_staff, change_id=change_id)


@pytest.mark.parametrize(
    "who",
    [
        "anonymous",
        "other user",
        "owner",
        "owner who moderates",
        "editor who moderates",
        "other organization's owner",
    ],
)
def test_forbidden_deciders(org, owner, who):
    rename(owner, org, name_ko=NEW)
    change_id = pending(org).pk
    if who == "anonymous":
        actor = AnonymousUser()
    elif who == "owner":
        actor = owner
    elif who == "owner who moderates":
        owner.is_moderator = True
        owner.save(update_fields=["is_moderator"])
        actor = owner
    else:
        actor = UserFactory(is_moderator=who == "editor who moderates")
        if who == "editor who moderates":
            MembershipFactory(organization=org, user=actor, role=MemberRole.EDITOR)
        elif who == "other organization's owner":
            organization_owned_by(actor)
    for decide in (
        lambda: name_changes.approve_name_change(actor=actor, change_id=change_id),
        lambda: name_changes.reject_name_change(actor=actor, change_id=change_id, reason="no"),
    ):
        with pytest.raises(PermissionDenied):
            decide()
    assert fresh(org).name_ko == OLD and pending(org).pk == change_id


# --- pages ------------------------------------------------------------------------------------


def test_owner_sees_pending_notice_and_public_keeps_old_name(client, org, owner):
    ListingFactory(organization=org)
    client.force_login(owner)
    form = {
        "name_ko": NEW,
        "name_en": "Tool Library",
        "kind": org.kind,
        "district": "",
        "address": "",
        "website": "",
        "email": "",
        "phone": "",
        "description_ko": "새 소개",
        "description_en": "",
    }
    response = client.post(f"/ko/organizations/{org.slug}/edit/", form, follow=True)
    page = response.content.decode()
    assert "검토" in page and 'data-testid="pending-name"' in page and NEW in page
    edit = client.get(f"/ko/organizations/{org.slug}/edit/").content.decode()
    assert f'value="{NEW}"' in edit and 'data-testid="pending-name"' in edit
    client.logout()
    public = client.get(f"/ko/organizations/{org.slug}/").content.decode()
    assert (
        OLD in public and NEW not in public and "새 소개" in public
    )  # the other edit is public at once
    listing = client.get(f"/ko/directory/{org.slug}/").content.decode()
    assert OLD in listing and NEW not in listing
    detail = client.get(f"{API}/{org.slug}").json()
    assert (detail["name_ko"], detail["pending_name"]) == (OLD, None)
    assert client.get(f"/api/v1/directory/listings/{org.slug}").json()["name_ko"] == OLD


def test_review_page_links_and_decisions(client, org, owner, moderator, city_staff, user):
    rename(owner, org, name_ko=NEW)
    change = pending(org)
    assert client.get("/ko/organizations/name-changes/").status_code == 302  # to the login page
    client.force_login(user)
    assert client.get("/ko/organizations/name-changes/").status_code == 403
    assert (
        client.post(
            f"/ko/organizations/name-changes/{change.pk}/decide/", {"action": "approve"}
        ).status_code
        == 403
    )
    client.force_login(moderator)
    queue = client.get("/ko/moderation/").content.decode()
    assert NEW in queue and "/ko/organizations/name-changes/" in queue
    assert NEW in client.get("/ko/organizations/name-changes/").content.decode()
    response = client.post(
        f"/ko/organizations/name-changes/{change.pk}/decide/", {"action": "reject"}, follow=True
    )
    assert (
        "사유를 입력해 주세요" in response.content.decode() and pending(org).pk == change.pk
    )  # a reason is required
    MembershipFactory(organization=org, user=moderator, role=MemberRole.EDITOR)
    response = client.post(
        f"/ko/organizations/name-changes/{change.pk}/decide/", {"action": "approve"}, follow=True
    )
    assert (
        "결정할 수 없습니다" in response.content.decode() and fresh(org).name_ko == OLD
    )  # a message, not a 403
    client.force_login(city_staff)
    assert "/ko/workspace/" in client.get("/ko/").content.decode()  # the header's workspace link
    assert (
        "/ko/organizations/name-changes/" in client.get("/ko/workspace/").content.decode()
    )  # a queue of the workspace
    client.post(f"/ko/organizations/name-changes/{change.pk}/decide/", {"action": "approve"})
    assert fresh(org).name_ko == NEW


# --- API --------------------------------------------------------------------------------------


def test_api_rename_waits_and_staff_decide(client, org, owner, moderator):
    response = client.patch(
        f"{API}/{org.slug}",
        {"name_ko": NEW, "phone": "02-123-4567"},
        content_type="application/json",
        headers=bearer(owner),
    )
    body = response.json()
    assert response.status_code == 200
    assert (body["name_ko"], body["phone"], body["pending_name"]["name_ko"]) == (
        OLD,
        "02-123-4567",
        NEW,
    )
    assert (
        client.get(f"{API}/{org.slug}", headers=bearer(owner)).json()["pending_name"]["name_ko"]
        == NEW
    )
    change_id = body["pending_name"]["id"]
    assert client.get(f"{API}/name-changes", headers=bearer(owner)).status_code == 403
    assert (
        client.post(f"{API}/name-changes/{change_id}/approve", headers=bearer(owner)).status_code
        == 403
    )
    staff = bearer(moderator)
    assert [
        c["id"] for c in client.get(f"{API}/name-changes", headers=staff).json()["results"]
    ] == [change_id]
    rejected = client.post(
        f"{API}/name-changes/{change_id}/reject", {}, content_type="application/json", headers=staff
    )
    assert rejected.status_code == 422 and "reason" in rejected.json()["errors"]
    approved = client.post(f"{API}/name-changes/{change_id}/approve", headers=staff)
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    assert client.get(f"{API}/{org.slug}").json()["name_ko"] == NEW


def test_a_rejected_english_only_rename_is_named_in_the_korean_notice(
    org, owner, city_staff, django_capture_on_commit_callbacks
):
    rename(owner, org, name_en="Open Tool Share")
    with django_capture_on_commit_callbacks(execute=True):
        name_changes.reject_name_change(
            actor=city_staff, change_id=pending(org).pk, reason="혼동됩니다."
        )
    body = Notification.objects.get(user=owner).body
    assert (
        "“Open Tool Share”" in body and "“Tool Library”" in body
    )  # the English name asked for, and kept
