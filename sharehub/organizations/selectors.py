"""Reads of organizations, members and invitations; each returns a bounded, prefetched query."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from sharehub.accounts.models import User
from sharehub.core.actors import Actor
from sharehub.core.audit import history_for
from sharehub.core.models import AuditEntry
from sharehub.moderation.models import ModerationStatus
from sharehub.places.models import District

from .models import Invitation, Membership, NameChangeRequest, NameChangeStatus, Organization
from .permissions import (
    can_manage_members,
    can_review_name_changes,
    can_view_members,
    can_view_organization,
)

HISTORY_LIMIT = 50


def published_organizations() -> QuerySet[Organization]:
    return (
        Organization.objects.filter(moderation_status=ModerationStatus.PUBLISHED)
        .select_related("district")
        .defer("district__boundary")
    )


def recent_published_organizations(*, limit: int = 6) -> list[Organization]:
    """The newest published organizations (the home page): only the columns its cards show."""
    return list(
        published_organizations()
        .only("slug", "name", "kind", "description", "district__slug", "district__name")
        .order_by("-created_at")[:limit]
    )


def memberships_of(*, user: User) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(user=user)
        .select_related("organization")
        .order_by("organization__name_ko")
    )


def search_organizations(
    *, q: str = "", district: District | None = None, kind: str = ""
) -> QuerySet[Organization]:
    """The public list: published only, filtered by the cleaned values of
    `forms.OrganizationFilterForm`, for the page and the API alike (DESIGN §5)."""
    queryset = published_organizations()
    if q := q.strip():
        queryset = queryset.filter(Q(name_ko__icontains=q) | Q(name_en__icontains=q))
    if district is not None:
        queryset = queryset.filter(district=district)
    if kind:
        queryset = queryset.filter(kind=kind)
    return queryset.order_by("name_ko", "pk")


def get_organization_for(actor: Actor, slug: str) -> Organization:
    """The organization if the actor may see it; 404 whether it is missing or hidden from them.

    Writes take the row lock themselves, in the service.
    """
    organization = Organization.objects.select_related("district").filter(slug=slug).first()
    if organization is None or not can_view_organization(actor, organization):
        raise Http404
    return organization


def district_for_slug(slug: str) -> District | None:
    return District.objects.filter(slug=slug).first()


def email_status(*, user: User, email: str) -> str:
    """'verified', 'unverified' or 'other': how the user's addresses relate to an invitation's."""
    verified = (
        EmailAddress.objects.filter(user=user, email__iexact=email)
        .values_list("verified", flat=True)
        .first()
    )
    if verified is None:
        return "other"
    return "verified" if verified else "unverified"


def members_of(*, organization: Organization) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(organization=organization)
        .select_related("user")
        .order_by("joined_at", "pk")
    )


def open_invitations(*, organization: Organization) -> QuerySet[Invitation]:
    return (
        Invitation.objects.filter(
            organization=organization, accepted_at__isnull=True, revoked_at__isnull=True
        )
        .select_related("invited_by")
        .order_by("-created_at", "-pk")
    )


def members_for(*, actor: Actor, organization: Organization) -> QuerySet[Membership]:
    """The member list, for members and city staff only."""
    if not can_view_members(actor, organization):
        raise PermissionDenied(_("Only the organization's members can see its members."))
    return members_of(organization=organization)


def invitations_for(*, actor: Actor, organization: Organization) -> QuerySet[Invitation]:
    """Pending invitations, for those who manage members only."""
    if not can_manage_members(actor, organization):
        raise PermissionDenied(_("Only the organization's owners can see its invitations."))
    return open_invitations(organization=organization)


def organization_history(
    *, organization: Organization, limit: int = HISTORY_LIMIT
) -> list[tuple[AuditEntry, User | None]]:
    """The latest audit entries, each with the user it is about (None if none, or erased).

    Entries keep user ids, not names, so an erased account shows as a former member.
    """
    entries = list(history_for(organization)[:limit])
    ids = {entry.data.get("member_id") for entry in entries if entry.data.get("member_id")}
    users = User.objects.in_bulk(ids) if ids else {}
    return [(entry, users.get(entry.data.get("member_id"))) for entry in entries]


def pending_name_changes() -> QuerySet[NameChangeRequest]:
    """The review queue of new names, oldest first, with the organization and who asked."""
    return (
        NameChangeRequest.objects.filter(status=NameChangeStatus.PENDING)
        .select_related("organization", "requested_by")
        .order_by("requested_at", "pk")
    )


def pending_name_change_of(organization: Organization) -> NameChangeRequest | None:
    return pending_name_changes().filter(organization=organization).first()


NAME_CHANGE_QUEUE_SIZE = 5


def name_change_queue() -> dict:
    """The moderation queue's section: how many new names wait, and the oldest few (two queries)."""
    queryset = pending_name_changes()
    return {"count": queryset.count(), "items": list(queryset[:NAME_CHANGE_QUEUE_SIZE])}


def name_changes_for(*, actor: Actor) -> QuerySet[NameChangeRequest]:
    """The pending new names, for city staff and moderators only."""
    if not can_review_name_changes(actor):
        raise PermissionDenied(_("Only city staff and moderators decide on new names."))
    return pending_name_changes()
