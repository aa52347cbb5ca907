from __future__ import annotations

import time

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.utils import timezone, translation
from PIL import Image

from sharehub.accounts.tests.factories import UserFactory
from sharehub.core.models import AuditEntry
from sharehub.moderation.models import ModerationStatus
from sharehub.notifications.models import Notification, OutboundEmail
from sharehub.organizations import services
from sharehub.organizations.invitations import make_token
from sharehub.organizations.logos import MAX_LOGO_BYTES
from sharehub.organizations.models import Invitation, MemberRole, Membership, Organization

from .factories import (
    MembershipFactory,
    OrganizationFactory,
    image_bytes,
    noisy_png,
    organization_owned_by,
)

pytestmark = pytest.mark.django_db

BASE = {"name_ko": "나눔 공구 도서관", "kind": "cooperative"}


def roles(organization: Organization) -> dict[int, str]:
    return dict(Membership.objects.filter(organization=organization).values_list("user_id", "role"))


def actions(organization: Organization) -> list[str]:
    return list(
        AuditEntry.objects.filter(
            object_id=str(organization.pk), action__startswith="organizations."
        )
        .order_by("id")
        .values_list("action", flat=True)
    )


# --- creation and slugs ------------------------------------------------------------------


def test_citizen_creates_pending_organization_and_becomes_owner(user):
    organization = services.create_organization(actor=user, name_en="Tool Library", **BASE)
    assert organization.moderation_status == ModerationStatus.PENDING
    assert organization.created_by == user
    assert roles(organization) == {user.pk: MemberRole.OWNER}
    assert actions(organization) == ["organizations.created"]


def test_city_staff_creates_published_organization(city_staff):
    organization = services.create_organization(actor=city_staff, **BASE)
    assert organization.moderation_status == ModerationStatus.PUBLISHED
    assert organization.moderated_by == city_staff


def test_anonymous_cannot_create():
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        services.create_organization(actor=AnonymousUser(), **BASE)
    assert not Organization.objects.exists()


def test_slug_from_english_name_then_korean_then_unique(user):
    first = services.create_organization(actor=user, name_en="Tool Library", **BASE)
    second = services.create_organization(actor=user, name_en="Tool  Library!", **BASE)
    korean = services.create_organization(actor=user, name_ko="마을 부엌", kind="community")
    assert first.slug == "tool-library"
    assert second.slug.startswith("tool-library-") and second.slug != first.slug
    assert korean.slug == "maeul-bueok"  # romanized (core.slugs): never percent-escaped


def test_slug_never_shadows_a_page(user):
    organization = services.create_organization(actor=user, name_en="New", **BASE)
    assert organization.slug not in services.RESERVED_SLUGS
    assert organization.slug.startswith("new-")


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"name_ko": "", "kind": "cooperative"}, "name_ko"),
        ({"name_ko": "   ", "kind": "cooperative"}, "name_ko"),
        ({"name_ko": "가" * 121, "kind": "cooperative"}, "name_ko"),
        ({"name_ko": "좋은 이름", "kind": "spaceship"}, "kind"),
        ({**BASE, "website": "not a url"}, "website"),
        ({**BASE, "website": "javascript:alert(1)"}, "website"),
        ({**BASE, "email": "not-an-email"}, "email"),
        ({**BASE, "phone": "call me maybe"}, "phone"),
        ({**BASE, "description_ko": "x" * 5001}, "description_ko"),
    ],
)
def test_bad_input_is_refused_per_field_and_nothing_is_written(user, fields, field):
    with pytest.raises(ValidationError) as caught:
        services.create_organization(actor=user, **fields)
    assert field in caught.value.message_dict
    assert not Organization.objects.exists()
    assert not Membership.objects.exists()


def test_errors_are_in_the_active_language(user):
    with translation.override("ko"), pytest.raises(ValidationError) as caught:
        services.create_organization(actor=user, name_ko="", kind="cooperative")
    assert caught.value.message_dict["name_ko"] == ["이 필드는 빈 값일 수 없습니다."]


def test_html_emoji_and_mixed_text_are_kept_exactly(user):
    html = '<script>alert("x")</script><b>굵게</b>'
    mixed = "나눔 Share 🚲🤝 카페 Café"
    organization = services.create_organization(
        actor=user, name_ko=mixed, name_en=html, kind="community", description_ko=f"{html}\n{mixed}"
    )
    organization.refresh_from_db()
    assert organization.name_ko == mixed
    assert organization.name_en == html
    assert organization.description_ko == f"{html}\n{mixed}"


# --- editing -------------------------------------------------------------------------------


def test_editor_edits_and_the_change_is_audited(user, other_user):
    organization = organization_owned_by(user)
    MembershipFactory(organization=organization, user=other_user, role=MemberRole.EDITOR)
    services.update_organization(
        actor=other_user, organization=organization, address="서울 중구 세종대로 110"
    )
    organization.refresh_from_db()
    assert organization.address == "서울 중구 세종대로 110"
    entry = AuditEntry.objects.get(action="organizations.updated")
    assert entry.actor == other_user and entry.data["fields"] == ["address"]


def test_other_user_cannot_edit(user, other_user):
    organization = organization_owned_by(user)
    with pytest.raises(PermissionDenied):
        services.update_organization(actor=other_user, organization=organization, address="x")


def test_other_organizations_owner_cannot_edit(user, other_user):
    organization = organization_owned_by(user)
    organization_owned_by(other_user)
    with pytest.raises(PermissionDenied):
        services.update_organization(actor=other_user, organization=organization, name_ko="탈취")


def test_city_staff_edits_any_organization(user, city_staff):
    organization = organization_owned_by(user)
    services.update_organization(actor=city_staff, organization=organization, phone="02-120-1234")
    organization.refresh_from_db()
    assert organization.phone == "02-120-1234"


def test_editing_a_rejected_organization_sends_it_back_for_review(user):
    organization = organization_owned_by(
        user, moderation_status=ModerationStatus.REJECTED, moderation_reason="정보 부족"
    )
    services.update_organization(
        actor=user, organization=organization, description_ko="자세한 설명"
    )
    organization.refresh_from_db()
    assert organization.moderation_status == ModerationStatus.PENDING


def test_editing_a_published_organization_keeps_it_published(user):
    organization = organization_owned_by(user)
    services.update_organization(actor=user, organization=organization, description_ko="새 설명")
    organization.refresh_from_db()
    assert organization.moderation_status == ModerationStatus.PUBLISHED


def test_invalid_update_changes_nothing(user):
    organization = organization_owned_by(user)
    with pytest.raises(ValidationError) as caught:
        services.update_organization(
            actor=user, organization=organization, name_ko="", website="nope"
        )
    assert set(caught.value.message_dict) == {"name_ko", "website"}
    organization.refresh_from_db()
    assert organization.name_ko.startswith("나눔협동조합")


# --- logos ---------------------------------------------------------------------------------


def upload(
    content: bytes, name: str = "logo.png", content_type: str = "image/png"
) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def test_real_png_is_resized_to_512(user):
    organization = services.create_organization(
        actor=user, logo=upload(image_bytes("PNG", (1024, 800))), **BASE
    )
    with Image.open(organization.logo.path) as stored:
        assert stored.format == "PNG"
        assert stored.size == (512, 400)
    assert organization.logo.name.startswith("organizations/logos/")
    assert "logo" not in organization.logo.name.rsplit("/", 1)[-1]  # never the client's file name


def test_jpeg_and_small_images_keep_their_size(user):
    organization = services.create_organization(
        actor=user, logo=upload(image_bytes("JPEG", (200, 100)), "x.jpg", "image/jpeg"), **BASE
    )
    with Image.open(organization.logo.path) as stored:
        assert (stored.format, stored.size) == ("JPEG", (200, 100))


@pytest.mark.parametrize(
    "content",
    [
        b"this is only text pretending to be a picture",
        b"\x89PNG\r\n\x1a\n" + b"garbage" * 50,  # PNG signature, broken body
        b"GIF89a" + image_bytes("GIF", (10, 10))[6:],  # a real image of a format we do not take
    ],
    ids=["text", "truncated-png", "gif"],
)
def test_fake_or_unsupported_images_are_refused(user, content):
    with pytest.raises(ValidationError) as caught:
        services.create_organization(actor=user, logo=upload(content), **BASE)
    assert caught.value.error_dict["logo"][0].code == "not_an_image"
    assert not Organization.objects.exists()


def test_oversize_image_is_refused(user):
    content = noisy_png(MAX_LOGO_BYTES + 1)
    assert len(content) > MAX_LOGO_BYTES
    with pytest.raises(ValidationError) as caught:
        services.create_organization(actor=user, logo=upload(content), **BASE)
    assert caught.value.error_dict["logo"][0].code == "too_large"


@pytest.mark.parametrize("side", [9000, 20000])
def test_image_claiming_a_huge_canvas_is_refused(user, side):
    # A tiny PNG whose header claims side x side pixels is refused before decoding.
    import zlib

    content = image_bytes("PNG", (1, 1))
    header = side.to_bytes(4, "big") * 2 + content[24:29]
    crc = zlib.crc32(b"IHDR" + header).to_bytes(4, "big")
    content = content[:16] + header + crc + content[33:]
    with pytest.raises(ValidationError) as caught:
        services.create_organization(actor=user, logo=upload(content), **BASE)
    assert caught.value.error_dict["logo"][0].code == "too_many_pixels"


def test_logo_and_field_errors_come_together(user):
    with pytest.raises(ValidationError) as caught:
        services.create_organization(
            actor=user, logo=upload(b"nope"), name_ko="", kind="cooperative"
        )
    assert {"logo", "name_ko"} <= set(caught.value.message_dict)


def test_replacing_the_logo_deletes_the_old_file(user, django_capture_on_commit_callbacks):
    organization = services.create_organization(actor=user, logo=upload(image_bytes()), **BASE)
    old_name = organization.logo.name
    storage = organization.logo.storage
    with django_capture_on_commit_callbacks(execute=True):
        organization = services.update_organization(
            actor=user,
            organization=organization,
            logo=upload(image_bytes("WEBP", (600, 600)), "l.webp", "image/webp"),
        )
    assert organization.logo.name != old_name and organization.logo.name.endswith(".webp")
    assert not storage.exists(old_name)
    with django_capture_on_commit_callbacks(execute=True):
        organization = services.update_organization(
            actor=user, organization=organization, remove_logo=True
        )
    assert not organization.logo


# --- always an owner ---------------------------------------------------------------------


def test_last_owner_cannot_leave_be_removed_or_demoted(user, city_staff):
    organization = organization_owned_by(user)
    with pytest.raises(ValidationError) as caught:
        services.leave_organization(actor=user, organization=organization)
    assert caught.value.code == "last_owner"
    with pytest.raises(ValidationError):
        services.remove_member(actor=city_staff, organization=organization, member_id=user.pk)
    with pytest.raises(ValidationError):
        services.change_role(
            actor=user, organization=organization, member_id=user.pk, role=MemberRole.EDITOR
        )
    assert roles(organization) == {user.pk: MemberRole.OWNER}


def test_an_owner_may_go_when_another_owner_stays(user, other_user):
    organization = organization_owned_by(user)
    MembershipFactory(organization=organization, user=other_user, role=MemberRole.OWNER)
    services.change_role(
        actor=other_user, organization=organization, member_id=user.pk, role=MemberRole.EDITOR
    )
    assert roles(organization) == {user.pk: MemberRole.EDITOR, other_user.pk: MemberRole.OWNER}
    services.leave_organization(actor=user, organization=organization)
    assert roles(organization) == {other_user.pk: MemberRole.OWNER}
    assert actions(organization)[-2:] == ["organizations.role_changed", "organizations.left"]


def test_editor_cannot_manage_members(user, other_user):
    organization = organization_owned_by(user)
    MembershipFactory(organization=organization, user=other_user)
    with pytest.raises(PermissionDenied):
        services.remove_member(actor=other_user, organization=organization, member_id=user.pk)
    with pytest.raises(PermissionDenied):
        services.change_role(
            actor=other_user,
            organization=organization,
            member_id=other_user.pk,
            role=MemberRole.OWNER,
        )
    with pytest.raises(PermissionDenied):
        services.transfer_ownership(actor=other_user, organization=organization, member_id=user.pk)
    with pytest.raises(PermissionDenied):
        services.invite_member(actor=other_user, organization=organization, email="x@example.org")
    assert roles(organization) == {user.pk: MemberRole.OWNER, other_user.pk: MemberRole.EDITOR}


def test_owner_removes_a_member_who_is_notified(user, other_user):
    organization = organization_owned_by(user)
    MembershipFactory(organization=organization, user=other_user)
    services.remove_member(actor=user, organization=organization, member_id=other_user.pk)
    assert roles(organization) == {user.pk: MemberRole.OWNER}
    assert (
        Notification.objects.filter(user=other_user, kind="organizations.membership").count() == 1
    )
    assert actions(organization)[-1] == "organizations.member_removed"


def test_removing_someone_not_a_member_is_not_found(user, other_user):
    organization = organization_owned_by(user)
    with pytest.raises(Http404):
        services.remove_member(actor=user, organization=organization, member_id=other_user.pk)


def test_role_change_validates_role_and_notifies(user, other_user):
    organization = organization_owned_by(user)
    MembershipFactory(organization=organization, user=other_user)
    with pytest.raises(ValidationError):
        services.change_role(
            actor=user, organization=organization, member_id=other_user.pk, role="king"
        )
    services.change_role(
        actor=user, organization=organization, member_id=other_user.pk, role=MemberRole.OWNER
    )
    assert roles(organization)[other_user.pk] == MemberRole.OWNER
    assert Notification.objects.filter(user=other_user).count() == 1


def test_transfer_ownership_swaps_roles(user, other_user):
    organization = organization_owned_by(user)
    MembershipFactory(organization=organization, user=other_user)
    services.transfer_ownership(actor=user, organization=organization, member_id=other_user.pk)
    assert roles(organization) == {user.pk: MemberRole.EDITOR, other_user.pk: MemberRole.OWNER}
    assert Notification.objects.filter(user=other_user, kind="organizations.membership").exists()
    entry = AuditEntry.objects.get(action="organizations.ownership_transferred")
    assert entry.data == {"member_id": other_user.pk, "previous_owner_id": user.pk}


def test_transfer_to_oneself_or_a_stranger_fails(user, other_user):
    organization = organization_owned_by(user)
    with pytest.raises(ValidationError):
        services.transfer_ownership(actor=user, organization=organization, member_id=user.pk)
    with pytest.raises(Http404):
        services.transfer_ownership(actor=user, organization=organization, member_id=other_user.pk)


def test_city_staff_manage_an_organization_without_members(
    city_staff, django_capture_on_commit_callbacks
):
    organization = OrganizationFactory()
    newcomer = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invite_member(
            actor=city_staff, organization=organization, email=newcomer.email, role=MemberRole.OWNER
        )
    services.accept_invitation(actor=newcomer, token=make_token(invitation))
    assert roles(organization) == {newcomer.pk: MemberRole.OWNER}


# --- invitations ---------------------------------------------------------------------------


def test_invitation_mails_the_address_in_the_inviters_language_when_no_account(
    user, django_capture_on_commit_callbacks
):
    organization = organization_owned_by(user, name_ko="나눔 부엌", name_en="Sharing Kitchen")
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        invitation = services.invite_member(
            actor=user, organization=organization, email="  New.Person@Example.org "
        )
    assert invitation.email == "new.person@example.org"
    assert invitation.role == MemberRole.EDITOR
    assert [m.to for m in mail.outbox] == [["new.person@example.org"]]
    message = mail.outbox[0]
    assert "Sharing Kitchen" in message.subject
    assert message.from_email == "ShareHub <noreply@sharehub.localhost>"
    accept_url = next(line for line in message.body.splitlines() if "/invitations/" in line)
    assert accept_url.startswith("http://127.0.0.1:8000/en/organizations/invitations/")
    assert "new.person" not in accept_url  # no personal data in the link
    assert not Notification.objects.exists()
    assert actions(organization)[-1] == "organizations.invited"


def test_invitation_uses_the_invitees_language_and_notifies_them(
    user, django_capture_on_commit_callbacks
):
    invitee = UserFactory(preferred_language="ko")
    organization = organization_owned_by(user, name_ko="나눔 부엌", name_en="Sharing Kitchen")
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        services.invite_member(actor=user, organization=organization, email=invitee.email)
    invitation_mails = OutboundEmail.objects.filter(kind="organizations.invitation")
    assert invitation_mails.count() == 1  # the notification's own e-mail is off by default
    message = mail.outbox[0]
    assert "나눔 부엌" in message.subject
    assert "/ko/organizations/invitations/" in message.body
    assert message.from_email == "공유허브 <noreply@sharehub.localhost>"
    notification = Notification.objects.get(user=invitee)
    assert notification.kind == "organizations.invitation"
    assert notification.url.startswith("/ko/organizations/invitations/")


def test_invitation_refuses_bad_email_role_and_members(user, other_user):
    organization = organization_owned_by(user)
    MembershipFactory(organization=organization, user=other_user)
    for email, role, field in [
        ("", MemberRole.EDITOR, "email"),
        ("not-an-email", MemberRole.EDITOR, "email"),
        ("a@example.org", "admin", "role"),
        (other_user.email.upper(), MemberRole.EDITOR, "email"),
    ]:
        with pytest.raises(ValidationError) as caught:
            services.invite_member(actor=user, organization=organization, email=email, role=role)
        assert field in caught.value.message_dict
    assert not Invitation.objects.exists()


def test_second_invitation_to_a_waiting_address_is_refused_but_an_expired_one_is_replaced(user):
    organization = organization_owned_by(user)
    first = services.invite_member(actor=user, organization=organization, email="a@example.org")
    with pytest.raises(ValidationError):
        services.invite_member(actor=user, organization=organization, email="A@example.org")
    Invitation.objects.filter(pk=first.pk).update(
        expires_at=timezone.now() - timezone.timedelta(minutes=1)
    )
    second = services.invite_member(actor=user, organization=organization, email="a@example.org")
    first.refresh_from_db()
    assert first.revoked_at is not None and second.pk != first.pk


@pytest.fixture
def invited(user):
    """An organization owned by `user`, and an invitation for a new account's address."""
    organization = organization_owned_by(user)
    invitee = UserFactory()
    invitation = services.invite_member(actor=user, organization=organization, email=invitee.email)
    return organization, invitee, invitation


def test_invitee_accepts_and_owners_are_told(user, invited):
    organization, invitee, invitation = invited
    membership = services.accept_invitation(actor=invitee, token=make_token(invitation))
    assert (membership.organization, membership.user, membership.role) == (
        organization,
        invitee,
        MemberRole.EDITOR,
    )
    invitation.refresh_from_db()
    assert invitation.accepted_by == invitee and invitation.accepted_at is not None
    assert Notification.objects.filter(user=user, kind="organizations.membership").count() == 1
    assert actions(organization)[-1] == "organizations.accepted"


def test_reusing_an_invitation_fails(invited):
    _organization, invitee, invitation = invited
    token = make_token(invitation)
    services.accept_invitation(actor=invitee, token=token)
    with pytest.raises(ValidationError) as caught:
        services.accept_invitation(actor=invitee, token=token)
    assert caught.value.error_dict["token"][0].code == "used"


def test_tampered_token_fails(invited):
    organization, invitee, invitation = invited
    token = make_token(invitation)
    other = Invitation.objects.create(
        organization=organization, email=invitee.email + ".x", expires_at=invitation.expires_at
    )
    forged = str(other.pk) + token[len(str(invitation.pk)) :]
    for bad in (token + "x", token[:-2], forged, "", "garbage"):
        with pytest.raises(ValidationError) as caught:
            services.accept_invitation(actor=invitee, token=bad)
        assert caught.value.error_dict["token"][0].code == "invalid"
    assert not Membership.objects.filter(user=invitee).exists()


def test_link_older_than_the_setting_has_expired(invited, monkeypatch):
    _organization, invitee, invitation = invited
    real_time = time.time
    monkeypatch.setattr(time, "time", lambda: real_time() - 15 * 86400)
    old_token = make_token(invitation)
    monkeypatch.setattr(time, "time", real_time)
    with pytest.raises(ValidationError) as caught:
        services.accept_invitation(actor=invitee, token=old_token)
    assert caught.value.error_dict["token"][0].code == "expired"


def test_invitation_past_its_expiry_date_has_expired(invited):
    _organization, invitee, invitation = invited
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timezone.timedelta(seconds=1)
    )
    with pytest.raises(ValidationError) as caught:
        services.accept_invitation(actor=invitee, token=make_token(invitation))
    assert caught.value.error_dict["token"][0].code == "expired"


def test_revoked_invitation_fails(user, invited):
    organization, invitee, invitation = invited
    services.revoke_invitation(actor=user, organization=organization, invitation_id=invitation.pk)
    with pytest.raises(ValidationError) as caught:
        services.accept_invitation(actor=invitee, token=make_token(invitation))
    assert caught.value.error_dict["token"][0].code == "revoked"
    with pytest.raises(Http404):
        services.revoke_invitation(
            actor=user, organization=organization, invitation_id=invitation.pk
        )


def test_wrong_user_cannot_accept(other_user, invited):
    organization, _invitee, invitation = invited
    with pytest.raises(PermissionDenied):
        services.accept_invitation(actor=other_user, token=make_token(invitation))
    assert not Membership.objects.filter(user=other_user, organization=organization).exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_unverified_address_cannot_accept(invited):
    _organization, invitee, invitation = invited
    EmailAddress.objects.filter(user=invitee).update(verified=False)
    with pytest.raises(PermissionDenied):
        services.accept_invitation(actor=invitee, token=make_token(invitation))


def test_verified_secondary_address_can_accept(user):
    organization = organization_owned_by(user)
    invitee = UserFactory()
    EmailAddress.objects.create(
        user=invitee, email="work@example.org", verified=True, primary=False
    )
    invitation = services.invite_member(
        actor=user, organization=organization, email="work@example.org", role=MemberRole.OWNER
    )
    services.accept_invitation(actor=invitee, token=make_token(invitation))
    assert roles(organization)[invitee.pk] == MemberRole.OWNER


def test_other_organizations_owner_cannot_revoke(user, other_user, invited):
    organization, _invitee, invitation = invited
    organization_owned_by(other_user)
    with pytest.raises(PermissionDenied):
        services.revoke_invitation(
            actor=other_user, organization=organization, invitation_id=invitation.pk
        )
