"""Every write to organizations, their members and invitations (DESIGN §3, §4).

Member changes take the organization's row lock first (`_lock`), then re-read every membership
they rely on, including the actor's own: two owners demoting each other at the same moment are
serialised, and the second finds it is no longer an owner. So an organization always keeps an
owner. On SQLite the IMMEDIATE write transactions give the same serialisation.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from sharehub.core.audit import log_action
from sharehub.moderation.models import ModerationStatus

from . import name_changes, notices
from .invitations import check_open, invitation_for_token
from .logos import prepare_logo
from .models import Invitation, MemberRole, Membership, Organization
from .permissions import can_edit_organization, can_manage_members
from .signals import public_facts_changed

EDITABLE_FIELDS = (
    "name_ko",
    "name_en",
    "kind",
    "district",
    "address",
    "website",
    "email",
    "phone",
    "description_ko",
    "description_en",
)
# Paths under /organizations/ that a slug must not shadow.
RESERVED_SLUGS = frozenset({"new", "invitations", "name-changes"})
SLUG_BASE_LENGTH = 60


def _last_owner_error() -> ValidationError:
    return ValidationError(
        _("An organization must keep at least one owner. Make another member an owner first."),
        code="last_owner",
    )


def _require_signed_in(actor: Any) -> None:
    if actor is None or not actor.is_authenticated:
        raise PermissionDenied(_("Please log in first."))


def _clean(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _lock(organization: Organization) -> Organization:
    """Take the organization's row lock; expects to run inside transaction.atomic()."""
    return Organization.objects.select_for_update(of=("self",)).get(pk=organization.pk)


def _membership(organization: Organization, user: Any) -> Membership | None:
    if user is None or not user.is_authenticated:
        return None
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


def _owners(organization: Organization, *, exclude: Any = None) -> list[Membership]:
    owners = Membership.objects.filter(
        organization=organization, role=MemberRole.OWNER
    ).select_related("user")
    if exclude is not None:
        owners = owners.exclude(user=exclude)
    return list(owners)


def _slug_base(*, name_en: str, name_ko: str) -> str:
    # An English name gives a plain ASCII address; a Korean-only name keeps its Hangul.
    base = slugify(name_en)[:SLUG_BASE_LENGTH].strip("-") or slugify(name_ko, allow_unicode=True)[
        :SLUG_BASE_LENGTH
    ].strip("-")
    return base or "organization"


def _slug_candidates(base: str):
    if base not in RESERVED_SLUGS:
        yield base
    while True:
        yield f"{base}-{secrets.token_hex(3)}"


def _save_with_unique_slug(organization: Organization) -> None:
    """Save a new organization, picking the first free slug. The unique index decides races."""
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


def save_with_unique_slug(organization: Organization) -> None:
    """Public for other apps that create organizations without an owner (directory suggestions
    and CSV import): the caller has validated it and checked permission."""
    _save_with_unique_slug(organization)


def _merge(errors: dict[str, list], error: ValidationError) -> None:
    for field, messages in error.update_error_dict({}).items():
        errors.setdefault(field, []).extend(messages)


def _validated(
    organization: Organization,
    *,
    actor: Any,
    logo: Any | None,
    exclude: list[str],
    also: Any = None,
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


@transaction.atomic
def create_organization(*, actor: Any, logo: Any | None = None, **fields: Any) -> Organization:
    """Any signed-in person may create an organization and becomes its owner.

    City staff publish directly; anyone else's organization waits for a moderator.
    """
    _require_signed_in(actor)
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    organization = Organization(
        created_by=actor, **{name: _clean(value) for name, value in fields.items()}
    )
    for name in ("name_en", "description_ko", "description_en"):
        if getattr(organization, name) is None:
            setattr(organization, name, "")
    if actor.is_city_staff:
        organization.moderation_status = ModerationStatus.PUBLISHED
        organization.moderated_by = actor
        organization.moderated_at = timezone.now()
    else:
        organization.moderation_status = ModerationStatus.PENDING
    _validated(organization, actor=actor, logo=logo, exclude=["slug", "name"])
    _save_with_unique_slug(organization)
    Membership.objects.create(organization=organization, user=actor, role=MemberRole.OWNER)
    log_action(
        actor=actor,
        action="organizations.created",
        target=organization,
        data={"status": organization.moderation_status},
    )
    return organization


@transaction.atomic
def update_organization(
    *,
    actor: Any,
    organization: Organization,
    logo: Any | None = None,
    remove_logo: bool = False,
    **changes: Any,
) -> Organization:
    """Owners, editors and city staff edit the facts. A rejected organization, once edited,
    goes back to the moderators' queue.

    Other facts publish at once, but a member's new name for a public organization waits for
    review (name_changes.py); the returned organization carries `pending_name_change`.
    """
    _require_signed_in(actor)
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    organization = _lock(organization)
    if not can_edit_organization(actor, organization):
        raise PermissionDenied(_("You may not edit this organization."))
    changes = dict(changes)
    proposal = (
        name_changes.take_proposal(organization, changes)
        if name_changes.needs_review(actor, organization)
        else None
    )
    changed = []
    for name, value in changes.items():
        value = _clean(value)
        if value is None and name != "district":
            value = ""
        if getattr(organization, name) != value:
            setattr(organization, name, value)
            changed.append(name)
    old_logo = organization.logo.name if organization.logo else ""
    if logo is not None or (remove_logo and old_logo):
        changed.append("logo")
    if remove_logo and logo is None:
        organization.logo = ""
    _validated(
        organization,
        actor=actor,
        logo=logo,
        exclude=["slug", "name"],
        also=(lambda: name_changes.validate_proposal(proposal)) if proposal is not None else None,
    )
    if proposal is not None:
        organization.pending_name_change = name_changes.submit_proposal(
            actor=actor, organization=organization, proposal=proposal
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
        actor=actor,
        action="organizations.updated",
        target=organization,
        data={"fields": sorted(changed), "status": organization.moderation_status},
    )
    public = {"name_ko", "name_en", "description_ko", "description_en"}.intersection(changed)
    if public:
        public_facts_changed.send(
            sender=Organization, organization=organization, fields=sorted(public)
        )
    return organization


def user_for_email(email: str) -> Any | None:
    """The account an e-mail address belongs to: its login address or a verified extra one."""
    User = get_user_model()
    user = User.objects.filter(email__iexact=email, is_active=True).first()
    if user is None:
        address = (
            EmailAddress.objects.filter(email__iexact=email, verified=True, user__is_active=True)
            .select_related("user")
            .first()
        )
        user = address.user if address else None
    return user


@transaction.atomic
def invite_member(
    *,
    actor: Any,
    organization: Organization,
    email: str,
    role: str = MemberRole.EDITOR,
    language: str | None = None,
) -> Invitation:
    """Owners (and city staff) invite by e-mail. The mail always goes to the address, in the
    invitee's language if they have an account (else `language`, by default the active one);
    an existing account is also notified in the hub."""
    _require_signed_in(actor)
    organization = _lock(organization)
    if not can_manage_members(actor, organization):
        raise PermissionDenied(_("Only the organization's owners may invite members."))
    email = _clean(email or "").lower()
    invitation = Invitation(
        organization=organization,
        email=email,
        role=role,
        invited_by=actor,
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
        actor=actor,
        action="organizations.invited",
        target=organization,
        data={"invitation_id": invitation.pk, "email": email, "role": role},
    )
    notices.send_invitation_email(
        invitation=invitation, invitee=invitee, language=language or translation.get_language()
    )
    if invitee is not None:
        notices.notify_invited(invitation=invitation, invitee=invitee)
    return invitation


@transaction.atomic
def revoke_invitation(*, actor: Any, organization: Organization, invitation_id: int) -> Invitation:
    _require_signed_in(actor)
    organization = _lock(organization)
    if not can_manage_members(actor, organization):
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
        actor=actor,
        action="organizations.invitation_revoked",
        target=organization,
        data={"invitation_id": invitation.pk, "email": invitation.email},
    )
    return invitation


def has_verified_email(user: Any, email: str) -> bool:
    return EmailAddress.objects.filter(user=user, email__iexact=email, verified=True).exists()


@transaction.atomic
def accept_invitation(*, actor: Any, token: str) -> Membership:
    """The signed-in person whose *verified* e-mail address the invitation was sent to joins.

    Holding the link is not enough: a forwarded mail must not let someone else in.
    """
    _require_signed_in(actor)
    invitation = invitation_for_token(token)
    organization = _lock(invitation.organization)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    check_open(invitation)
    if not has_verified_email(actor, invitation.email):
        raise PermissionDenied(
            _(
                "This invitation was sent to %(email)s. Log in with the account that uses this verified address."
            )
            % {"email": invitation.email}
        )
    membership = _membership(organization, actor)
    if membership is None:
        membership = Membership.objects.create(
            organization=organization, user=actor, role=invitation.role
        )
    elif invitation.role == MemberRole.OWNER and not membership.is_owner:
        membership.role = MemberRole.OWNER  # an invitation never lowers a role
        membership.save(update_fields=["role"])
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = actor
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    log_action(
        actor=actor,
        action="organizations.accepted",
        target=organization,
        data={"invitation_id": invitation.pk, "member_id": actor.pk, "role": membership.role},
    )
    notices.notify_joined(
        organization=organization,
        member=actor,
        role=membership.role,
        owners=_owners(organization, exclude=actor),
    )
    return membership


@transaction.atomic
def leave_organization(*, actor: Any, organization: Organization) -> None:
    _require_signed_in(actor)
    organization = _lock(organization)
    membership = _membership(organization, actor)
    if membership is None:
        raise PermissionDenied(_("You are not a member of this organization."))
    if membership.is_owner and not _other_owner_exists(organization, membership):
        raise _last_owner_error()
    membership.delete()
    log_action(
        actor=actor, action="organizations.left", target=organization, data={"member_id": actor.pk}
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


@transaction.atomic
def remove_member(*, actor: Any, organization: Organization, member_id: int) -> None:
    _require_signed_in(actor)
    organization = _lock(organization)
    if not can_manage_members(actor, organization):
        raise PermissionDenied(_("Only the organization's owners may remove members."))
    membership = _target_membership(organization, member_id)
    if membership.is_owner and not _other_owner_exists(organization, membership):
        raise _last_owner_error()
    membership.delete()
    log_action(
        actor=actor,
        action="organizations.member_removed",
        target=organization,
        data={"member_id": member_id},
    )
    if member_id != actor.pk:
        notices.notify_removed(organization=organization, member=membership.user)


@transaction.atomic
def change_role(*, actor: Any, organization: Organization, member_id: int, role: str) -> Membership:
    _require_signed_in(actor)
    organization = _lock(organization)
    if not can_manage_members(actor, organization):
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
        actor=actor,
        action="organizations.role_changed",
        target=organization,
        data={"member_id": member_id, "from": previous, "to": role},
    )
    if member_id != actor.pk:
        notices.notify_role_changed(organization=organization, member=membership.user, role=role)
    return membership


@transaction.atomic
def transfer_ownership(*, actor: Any, organization: Organization, member_id: int) -> Membership:
    """An owner hands ownership to another member and becomes an editor."""
    _require_signed_in(actor)
    organization = _lock(organization)
    own = _membership(organization, actor)
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
        actor=actor,
        action="organizations.ownership_transferred",
        target=organization,
        data={"member_id": target.user_id, "previous_owner_id": actor.pk},
    )
    notices.notify_ownership_transferred(
        organization=organization, member=target.user, previous_owner=actor
    )
    return target
