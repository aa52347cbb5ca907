"""Who may do what in the directory. A listing belongs to its organization: whoever may edit the
organization (its owners and editors, and city staff) edits the listing, its services, addresses
and photos. The taxonomy and the CSV tools are city staff's."""

from __future__ import annotations

from sharehub.accounts.roles import is_city_staff, is_moderator
from sharehub.core.actors import Actor
from sharehub.organizations.models import Organization
from sharehub.organizations.permissions import (
    can_edit_organization,
    can_view_organization,
    role_of,
)

from .models import Listing


def can_view_listing(user: Actor, listing: Listing) -> bool:
    """A published listing of a published organization is public; a pending, rejected or hidden
    one is seen by the organization's members, moderators and city staff only."""
    if not listing.is_published:
        if user is None or not user.is_authenticated:
            return False
        return (
            is_city_staff(user)
            or is_moderator(user)
            or role_of(user, listing.organization) is not None
        )
    return can_view_organization(user, listing.organization)


def can_edit_listing(user: Actor, organization: Organization) -> bool:
    return can_edit_organization(user, organization)


def can_manage_directory(user: Actor) -> bool:
    """Categories, CSV import and export."""
    return is_city_staff(user)
