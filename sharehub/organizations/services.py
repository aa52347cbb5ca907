"""Every write to organizations, their members and invitations (DESIGN §3, §4).

Member changes lock the organization's row first (`core.locking.lock`), then re-read every
membership they rely on, including the actor's own: two owners demoting each other at the same
moment are serialised, and the second finds it is no longer an owner. So an organization always
keeps an owner. On SQLite the IMMEDIATE write transactions give the same serialisation.

Each decision writes its audit entry, its notices and the invitation mail's outbox row inside its
own transaction; only the mail's sending and the old logo's deletion wait for the commit.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any, TypedDict, Unpack

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from sharehub.accounts.models import User
from sharehub.accounts.roles import is_city_staff, signed_in_user
from sharehub.core.actors import Actor
from sharehub.core.audit import log_action
from sharehub.core.changes import apply_changes
from sharehub.core.locking import lock, lock_pk
from sharehub.core.slugs import short_slug
from sharehub.moderation.models import ModerationStatus
from sharehub.places.models import District

from . import name_changes, notices
from .invitations import check_open, invitation_for_token
from .logos import prepare_logo
from .models import Invitation, MemberRole, Membership, Organization
from .permissions import can_edit_organization, can_manage_members
from .signals import public_facts_changed


class OrganizationChanges(TypedDict, total=False):
    """The facts members edit (`EDITABLE_FIELDS`), as services take them."""

    name_ko: str
    name_en: str
    kind: str
    district: District | None
    address: str
    website: str
    email: str
    phone: str
    description_ko: str
    description_en: str


EDITABLE_FIELDS: tuple[str, ...] = tuple(OrganizationChanges.__annotations__)
PUBLIC_FIELDS = frozenset({"name_ko", "name_en", "description_ko", "description_en"})
# Paths under /organizations/ that a slug must not shadow.
RESERVED_SLUGS = frozenset({"new", "mine", "invitations", "name-changes"})
SLUG_BASE_LENGTH = 50


def _last_owner_error() -> ValidationError:
    return ValidationError(
        _("An organization must keep at least one owner. Make another member an owner first."),
        code="last_owner",
    )


def _clean(name: str, value: Any) -> Any:
    """Text is stripped; a missing text is empty (only the district may be None)."""
    if isinstance(value, str):
        return value.strip()
    if value is None and name != "district":
        return ""
    return value


def _membership(organization: Organization, user: User) -> Membership | None:
    return (
        Membership.objects.select_related("user")
        .filter(organization=organization, user=user)
        .first()
    )


def _other_owner_exists(organization: Organization, membership: Membership) -> bool:
    return (
        Membership.objects.filter(organization=organization, role=MemberRole.OWNER)
        .exclude(pk=membership.pk)
        .exists()
    )


def _owners(organization: Organization, *, exclude: User | None = None) -> list[User]:
    owners = Membership.objects.filter(
        organization=organization, role=MemberRole.OWNER
    ).select_related("user")
    if exclude is not None:
        owners = owners.exclude(user=exclude)
    return [owner.user for owner in owners]


def _slug_base(*, name_en: str, name_ko: str) -> str:
    # Always ASCII (core.slugs): the English name, else the Korean one romanized, so a shared
    # address is short and never a run of percent-escapes.
    return short_slug(name_en, name_ko, max_length=SLUG_BASE_LENGTH) or "organization"


def _slug_candidates(base: str) -> Iterator[str]:
    if base not in RESERVED_SLUGS:
        yield base
    while True:
        yield f"{base}-{secrets.token_hex(3)}"


def save_with_unique_slug(organization: Organization) -> None:
    """Save a new organization, picking the first free slug. The unique index decides races.

    Public for other apps that create organizations without an owner (directory suggestions
    and CSV import): the caller has validated it and checked permission.
    """
    base = _slug_base(name_en=organization.name_en or "", name_ko=organization.name_ko or "")
    for attempt, candidate in enumerate(_slug_candidates(base)):
        if Organization.objects.filter(slug=candidate).exists():
            continue
        organization.slug = candidate
        try:
            with transaction.atomic():
                organization.save()
            return
        except IntegrityError:
            if attempt > 10:
                raise
            organization.pk = None


def _merge(errors: dict[str, list], error: ValidationError) -> None:
    for field, messages in error.update_error_dict({}).items():
        errors.setdefault(field, []).extend(messages)


def _validated(
    organization: Organization,
    *,
    actor: User,
    logo: UploadedFile | None,
    exclude: list[str],
    also: Callable[[], None] | None = None,
) -> None:
    """Validate fields and logo together (and `also`, a callable that may raise ValidationError),
    so one answer lists every problem."""
    errors: dict[str, list] = {}
    if also is not None:
        try:
            also()
        except ValidationError as error:
            _merge(errors, error)
    if logo is not None:
        try:
            organization.logo = prepare_logo(logo, actor=actor)
        except ValidationError as error:
            _merge(errors, error)
    try:
        organization.full_clean(exclude=exclude)
    except ValidationError as error:
        _merge(errors, error)
    if errors:
        raise ValidationError(errors)


# Not durable: the demo loader creates organizations inside its own transaction.
@transaction.atomic
def create_organization(
    *,
    actor: Actor,
    logo: UploadedFile | None = None,
    **fields: Unpack[OrganizationChanges],
) -> Organization:
    """Any signed-in person may create an organization and becomes its owner.

    City staff publish directly; anyone else's organization waits for a moderator.
    """
    creator = signed_in_user(actor)
    organization = Organization(
        created_by=creator, name_en="", description_ko="", description_en=""
    )
    apply_changes(organization, fields=EDITABLE_FIELDS, data=fields, clean=_clean)
    if is_city_staff(creator):
        organization.moderation_status = ModerationStatus.PUBLISHED
        organization.moderated_by = creator
        organization.moderated_at = timezone.now()
    else:
        organization.moderation_status = ModerationStatus.PENDING
    _validated(organization, actor=creator, logo=logo, exclude=["slug", "name"])
    save_with_unique_slug(organization)
    Membership.objects.create(organization=organization, user=creator, role=MemberRole.OWNER)
    log_action(
        actor=creator,
        action="organizations.created",
        target=organization,
        data={"status": organization.moderation_status},
    )
    return organization


# Not durable: the directory's CSV import updates organizations inside its own transaction.
@transaction.atomic
def update_organization(
    *,
    actor: Actor,
    organization: Organization,
    logo: UploadedFile | None = None,
    remove_logo: bool = False,
    **changes: Unpack[OrganizationChanges],
) -> Organization:
    """Owners, editors and city staff edit the facts. A rejected organization, once edited,
    goes back to the moderators' queue. Locks the organization's row.

    Other facts publish at once, but a member's new name for a public organization waits for
    review (name_changes.py); the returned organization carries `pending_name_change`.
    """
    editor = signed_in_user(actor)
    organization = lock(organization)
    if not can_edit_organization(editor, organization):
        raise PermissionDenied(_("You may not edit this organization."))
    data: dict[str, Any] = dict(changes)
    proposal = (
        name_changes.take_proposal(organization, data)
        if name_changes.needs_review(editor, organization)
        else None
    )
    changed = apply_changes(organization, fields=EDITABLE_FIELDS, data=data, clean=_clean)
    old_logo = organization.logo.name if organization.logo else ""
    if logo is not None or (remove_logo and old_logo):
        changed.append("logo")
    if remove_logo and logo is None:
        organization.logo = ""
    _validated(
        organization,
        actor=editor,
        logo=logo,
        exclude=["slug", "name"],
        also=(lambda: name_changes.validate_proposal(proposal)) if proposal is not None else None,
    )
    if proposal is not None:
        organization.pending_name_change = name_changes.submit_proposal(
            actor=editor, organization=organization, proposal=proposal
        )
    else:
        organization.pending_name_change = name_changes.pending_for(organization)
    if not changed:
        return organization
    if organization.moderation_status == ModerationStatus.REJECTED:
        organization.moderation_status = ModerationStatus.PENDING
    organization.save()
    if old_logo and "logo" in changed:
        storage = organization.logo.storage
        transaction.on_commit(lambda: storage.delete(old_logo))
    log_action(
        actor=editor,
        action="organizations.updated",
        target=organization,
        data={"fields": sorted(changed), "status": organization.moderation_status},
    )
    public = PUBLIC_FIELDS.intersection(changed)
    if public:
        public_facts_changed.send(
            sender=Organization, organization=organization, fields=sorted(public)
        )
    return organization


def user_for_email(email: str) -> User | None:
    """The account an e-mail address belongs to: its login address or a verified extra one."""
    user = User.objects.filter(email__iexact=email, is_active=True).first()
    if user is None:
        address = (
            EmailAddress.objects.filter(email__iexact=email, verified=True, user__is_active=True)
            .select_related("user")
            .first()
        )
        user = address.user if address else None
    return user


@transaction.atomic(durable=True)
def invite_member(
    *,
    actor: Actor,
    organization: Organization,
    email: str,
    role: str = MemberRole.EDITOR,
    language: str | None = None,
) -> Invitation:
    """Owners (and city staff) invite by e-mail. The mail always goes to the address, in the
    invitee's language if they have an account (else `language`, by default the active one);
    an existing account is also notified in the hub. Locks the organization's row."""
    inviter = signed_in_user(actor)
    organization = lock(organization)
    if not can_manage_members(inviter, organization):
        raise PermissionDenied(_("Only the organization's owners may invite members."))
    email = (email or "").strip().lower()
    invitation = Invitation(
        organization=organization,
        email=email,
        role=role,
        invited_by=inviter,
        expires_at=timezone.now() + timedelta(days=settings.SHAREHUB_INVITATION_DAYS),
    )
    invitation.full_clean(exclude=["organization", "invited_by"], validate_constraints=False)
    invitee = user_for_email(email)
    if (
        invitee is not None
        and Membership.objects.filter(organization=organization, user=invitee).exists()
    ):
        raise ValidationError(
            {"email": [_("This person is already a member of the organization.")]}
        )
    waiting = Invitation.objects.filter(
        organization=organization, email=email, accepted_at__isnull=True, revoked_at__isnull=True
    ).first()
    if waiting is not None:
        if not waiting.is_expired:
            raise ValidationError(
                {
                    "email": [
                        _(
                            "An invitation to this address is already waiting. Withdraw it to send a new one."
                        )
                    ]
                }
            )
        waiting.revoked_at = timezone.now()
        waiting.save(update_fields=["revoked_at"])
    invitation.save()
    log_action(
        actor=inviter,
        action="organizations.invited",
        target=organization,
        data={"invitation_id": invitation.pk, "email": email, "role": role},
    )
    notices.send_invitation_email(
        invitation=invitation, invitee=invitee, language=language or translation.get_language()
    )
    if invitee is not None:
        notices.tell(
            "invited",
            users=[invitee],
            organization=organization,
            url=notices.invited_path(invitation, invitee),
            inviter=inviter.public_name,
            role=notices.role_label(role),
        )
    return invitation


@transaction.atomic(durable=True)
def revoke_invitation(
    *, actor: Actor, organization: Organization, invitation_id: int
) -> Invitation:
    """Withdraw a waiting invitation: its link stops working. Locks the organization's row."""
    manager = signed_in_user(actor)
    organization = lock(organization)
    if not can_manage_members(manager, organization):
        raise PermissionDenied(_("Only the organization's owners may withdraw invitations."))
    invitation = Invitation.objects.filter(
        organization=organization,
        pk=invitation_id,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
    ).first()
    if invitation is None:
        raise Http404
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    log_action(
        actor=manager,
        action="organizations.invitation_revoked",
        target=organization,
        data={"invitation_id": invitation.pk, "email": invitation.email},
    )
    return invitation


def has_verified_email(user: User, email: str) -> bool:
    return EmailAddress.objects.filter(user=user, email__iexact=email, verified=True).exists()


@transaction.atomic(durable=True)
def accept_invitation(*, actor: Actor, token: str) -> Membership:
    """The signed-in person whose *verified* e-mail address the invitation was sent to joins.

    Holding the link is not enough: a forwarded mail must not let someone else in. Locks the
    organization's row, then the invitation's.
    """
    person = signed_in_user(actor)
    invitation = invitation_for_token(token)
    organization = lock(invitation.organization)
    invitation = lock_pk(Invitation, invitation.pk)
    check_open(invitation)
    if not has_verified_email(person, invitation.email):
        raise PermissionDenied(
            _(
                "This invitation was sent to %(email)s. Log in with the account that uses this verified address."
            )
            % {"email": invitation.email}
        )
    membership = _membership(organization, person)
    if membership is None:
        membership = Membership.objects.create(
            organization=organization, user=person, role=invitation.role
        )
    elif invitation.role == MemberRole.OWNER and not membership.is_owner:
        membership.role = MemberRole.OWNER  # an invitation never lowers a role
        membership.save(update_fields=["role"])
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = person
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    log_action(
        actor=person,
        action="organizations.accepted",
        target=organization,
        data={"invitation_id": invitation.pk, "member_id": person.pk, "role": membership.role},
    )
    notices.tell(
        "joined",
        users=_owners(organization, exclude=person),
        organization=organization,
        member=person.public_name,
        role=notices.role_label(membership.role),
    )
    return membership


@transaction.atomic(durable=True)
def leave_organization(*, actor: Actor, organization: Organization) -> None:
    """A member leaves (never the last owner). Locks the organization's row."""
    member = signed_in_user(actor)
    organization = lock(organization)
    membership = _membership(organization, member)
    if membership is None:
        raise PermissionDenied(_("You are not a member of this organization."))
    if membership.is_owner and not _other_owner_exists(organization, membership):
        raise _last_owner_error()
    membership.delete()
    log_action(
        actor=member,
        action="organizations.left",
        target=organization,
        data={"member_id": member.pk},
    )


def _target_membership(organization: Organization, member_id: int) -> Membership:
    membership = (
        Membership.objects.select_related("user")
        .filter(organization=organization, user_id=member_id)
        .first()
    )
    if membership is None:
        raise Http404
    return membership


@transaction.atomic(durable=True)
def remove_member(*, actor: Actor, organization: Organization, member_id: int) -> None:
    """Owners and city staff remove a member (never the last owner). Locks the organization's row."""
    manager = signed_in_user(actor)
    organization = lock(organization)
    if not can_manage_members(manager, organization):
        raise PermissionDenied(_("Only the organization's owners may remove members."))
    membership = _target_membership(organization, member_id)
    if membership.is_owner and not _other_owner_exists(organization, membership):
        raise _last_owner_error()
    membership.delete()
    log_action(
        actor=manager,
        action="organizations.member_removed",
        target=organization,
        data={"member_id": member_id},
    )
    if member_id != manager.pk:
        notices.tell("removed", users=[membership.user], organization=organization)


@transaction.atomic(durable=True)
def change_role(
    *, actor: Actor, organization: Organization, member_id: int, role: str
) -> Membership:
    """Owners and city staff make a member an owner or an editor (the last owner stays one).

    Locks the organization's row.
    """
    manager = signed_in_user(actor)
    organization = lock(organization)
    if not can_manage_members(manager, organization):
        raise PermissionDenied(_("Only the organization's owners may change roles."))
    if role not in MemberRole.values:
        raise ValidationError({"role": [_("Choose owner or editor.")]})
    membership = _target_membership(organization, member_id)
    if membership.role == role:
        return membership
    if membership.is_owner and not _other_owner_exists(organization, membership):
        raise _last_owner_error()
    previous = membership.role
    membership.role = role
    membership.save(update_fields=["role"])
    log_action(
        actor=manager,
        action="organizations.role_changed",
        target=organization,
        data={"member_id": member_id, "from": previous, "to": role},
    )
    if member_id != manager.pk:
        notices.tell(
            "role_changed",
            users=[membership.user],
            organization=organization,
            role=notices.role_label(role),
        )
    return membership


@transaction.atomic(durable=True)
def transfer_ownership(*, actor: Actor, organization: Organization, member_id: int) -> Membership:
    """An owner hands ownership to another member and becomes an editor.

    Locks the organization's row.
    """
    owner = signed_in_user(actor)
    organization = lock(organization)
    own = _membership(organization, owner)
    if own is None or not own.is_owner:
        raise PermissionDenied(_("Only an owner can hand over ownership."))
    target = _target_membership(organization, member_id)
    if target.pk == own.pk:
        raise ValidationError({"member": [_("Choose another member.")]})
    target.role = MemberRole.OWNER
    target.save(update_fields=["role"])
    own.role = MemberRole.EDITOR
    own.save(update_fields=["role"])
    log_action(
        actor=owner,
        action="organizations.ownership_transferred",
        target=organization,
        data={"member_id": target.user_id, "previous_owner_id": owner.pk},
    )
    notices.tell(
        "ownership_transferred",
        users=[target.user],
        organization=organization,
        previous=owner.public_name,
    )
    return target
