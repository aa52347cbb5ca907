"""The directory's section of an organization's page (core.org_sections): its listing and
services, or, for its owners and editors, the way to create or manage them."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from sharehub.organizations.models import Organization

from .permissions import can_edit_listing, can_view_listing
from .selectors import listing_of

SERVICES_SHOWN = 6


def listing_section(organization: Organization, request: HttpRequest) -> dict[str, Any] | None:
    """Three queries: the listing, its categories and services (with theirs), the visitor's role
    when they are signed in."""
    user = request.user
    listing = listing_of(organization)
    can_edit = can_edit_listing(user, organization)
    if listing is None:
        return {"listing": None, "can_edit": True} if can_edit else None
    if not can_view_listing(user, listing):
        return None
    services = list(listing.services.all())
    return {
        "listing": listing,
        "can_edit": can_edit,
        "public": listing.is_public,
        "services": services[:SERVICES_SHOWN],
        "more_services": max(len(services) - SERVICES_SHOWN, 0),
    }
