"""Who may do what to which organization. Every view, API handler and service asks here.

`role` is the user's membership role in that organization (None when not a member); callers
that already know it pass it in, so a page does not ask the database twice. Hub roles (city
staff, moderators) are `sharehub.accounts.roles`.
"""

from __future__ import annotations

from typing import Any

from sharehub.accounts.roles import is_city_staff, is_moderator
from sharehub.core.actors import Actor, is_signed_in
from sharehub.moderation.models import ModerationStatus

from .models import MemberRole, Membership, NameChangeRequest, Organization

_UNKNOWN: Any = object()


def role_of(user: Actor, organization: Organization) -> str | None:
    if user is None or not user.is_authenticated or organization.pk is None:
        return None
    return (
        Membership.objects.filter(organization=organization, user_id=user.pk)
        .values_list("role", flat=True)
        .first()
    )


def _role(user: Actor, organization: Organization, role: str | None) -> str | None:
    return role_of(user, organization) if role is _UNKNOWN else role


def can_view_organization(
    user: Actor, organization: Organization, *, role: str | None = _UNKNOWN
) -> bool:
    """Published organizations are public; the others only to members, moderators and city staff."""
    if organization.moderation_status == ModerationStatus.PUBLISHED:
        return True
    if user is None or not user.is_authenticated:
        return False
    return is_city_staff(user) or is_moderator(user) or _role(user, organization, role) is not None


def can_edit_organization(
    user: Actor, organization: Organization, *, role: str | None = _UNKNOWN
) -> bool:
    """Owners and editors edit their organization; city staff may edit any."""
    if user is None or not user.is_authenticated:
        return False
    return is_city_staff(user) or _role(user, organization, role) in (
        MemberRole.OWNER,
        MemberRole.EDITOR,
    )


def can_view_members(
    user: Actor, organization: Organization, *, role: str | None = _UNKNOWN
) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return is_city_staff(user) or _role(user, organization, role) is not None


def can_manage_members(
    user: Actor, organization: Organization, *, role: str | None = _UNKNOWN
) -> bool:
    """Owners invite, remove and change roles. City staff may too, so that an organization
    left without members (its last member deleted their account) can be handed over."""
    if user is None or not user.is_authenticated:
        return False
    return is_city_staff(user) or _role(user, organization, role) == MemberRole.OWNER


def can_review_name_changes(user: Actor) -> bool:
    """City staff and moderators see the pending name changes and decide on them."""
    return is_signed_in(user) and (is_city_staff(user) or is_moderator(user))


def can_decide_name_change(user: Actor, change: NameChangeRequest) -> bool:
    """A reviewer, but never on their own request; a moderator who belongs to the organization
    does not judge its new name either (city staff rename directly anyway)."""
    if user is None or not can_review_name_changes(user):
        return False
    if change.requested_by_id == user.pk:
        return False
    return is_city_staff(user) or role_of(user, change.organization) is None
