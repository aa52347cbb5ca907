"""The organizations part of a person's data export and account deletion (core.privacy)."""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from django.db import transaction

from sharehub.core import privacy
from sharehub.core.audit import log_action
from sharehub.core.locking import lock_pk
from sharehub.core.models import AuditEntry

from . import notices
from .models import Invitation, MemberRole, Membership, NameChangeRequest, Organization

# Audit entries that carry an invited e-mail address in their data.
ACTIONS_WITH_EMAIL = ("organizations.invited", "organizations.invitation_revoked")


def _emails_of(user: Any) -> set[str]:
    emails = {user.email.lower()}
    emails.update(
        address.lower()
        for address in EmailAddress.objects.filter(user=user).values_list("email", flat=True)
    )
    return emails


def _invitation_state(invitation: Invitation) -> str:
    if invitation.accepted_at:
        return "accepted"
    if invitation.revoked_at:
        return "revoked"
    return "expired" if invitation.is_expired else "open"


def _invitation_data(invitation: Invitation) -> dict[str, Any]:
    return {
        "organization": invitation.organization.slug,
        "email": invitation.email,
        "role": invitation.role,
        "created_at": invitation.created_at.isoformat(),
        "expires_at": invitation.expires_at.isoformat(),
        "state": _invitation_state(invitation),
    }


def export_organizations(user: Any) -> dict[str, Any]:
    return {
        "memberships": [
            {
                "organization": m.organization.slug,
                "organization_name": m.organization.name,
                "role": m.role,
                "joined_at": m.joined_at.isoformat(),
            }
            for m in Membership.objects.filter(user=user)
            .select_related("organization")
            .order_by("joined_at")
        ],
        "organizations_created": list(
            Organization.objects.filter(created_by=user)
            .order_by("created_at")
            .values_list("slug", flat=True)
        ),
        "invitations_sent": [
            _invitation_data(i)
            for i in Invitation.objects.filter(invited_by=user).select_related("organization")
        ],
        "invitations_received": [
            _invitation_data(i)
            for i in Invitation.objects.filter(email__in=_emails_of(user)).select_related(
                "organization"
            )
        ],
        "name_changes_requested": [
            {
                "organization": r.organization.slug,
                "name_ko": r.name_ko,
                "name_en": r.name_en,
                "status": r.status,
                "reason": r.reason,
                "requested_at": r.requested_at.isoformat(),
                "decided_at": r.decided_at.isoformat() if r.decided_at else None,
            }
            for r in NameChangeRequest.objects.filter(requested_by=user).select_related(
                "organization"
            )
        ],
    }


@transaction.atomic
def erase_organizations(user: Any) -> None:
    """Leave every organization without ever leaving one ownerless while it has members.

    A sole owner's longest-standing fellow member becomes owner (audited, notified); an
    organization whose only member this was stays without members for city staff to manage.
    """
    memberships = list(Membership.objects.filter(user=user).order_by("organization_id"))
    for membership in memberships:
        organization = lock_pk(Organization, membership.organization_id)
        others = Membership.objects.filter(organization=organization).exclude(user=user)
        if (
            membership.role == MemberRole.OWNER
            and not others.filter(role=MemberRole.OWNER).exists()
        ):
            successor = others.select_related("user").order_by("joined_at", "pk").first()
            if successor is not None:
                successor.role = MemberRole.OWNER
                successor.save(update_fields=["role"])
                log_action(
                    actor=None,
                    action="organizations.owner_promoted",
                    target=organization,
                    reason="account deleted",
                    data={"member_id": successor.user_id},
                )
                notices.tell("promoted", users=[successor.user], organization=organization)
        membership.delete()
        log_action(
            actor=None,
            action="organizations.left",
            target=organization,
            reason="account deleted",
            data={"member_id": user.pk},
        )
    emails = _emails_of(user)
    Invitation.objects.filter(invited_by=user).update(invited_by=None)
    Invitation.objects.filter(accepted_by=user).update(accepted_by=None)
    Invitation.objects.filter(email__in=emails).delete()
    Organization.objects.filter(created_by=user).update(created_by=None)
    # A member often gives their own address as the organization's contact.
    Organization.objects.filter(privacy.equals_any("email", emails)).update(email="")
    for entry in AuditEntry.objects.filter(
        action__in=ACTIONS_WITH_EMAIL, data__email__in=list(emails)
    ):
        entry.data = {**entry.data, "email": ""}
        entry.save(update_fields=["data"])
