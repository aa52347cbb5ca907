"""Who may do what to which event. The organizer is the city (its staff) or an organization (its
owners and editors, and city staff); only they see the attendees, check people in and message them."""

from __future__ import annotations

from typing import Any

from sharehub.organizations.models import Organization
from sharehub.organizations.permissions import can_edit_organization

from .models import Event, EventStatus


def _signed_in(user: Any) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def can_organize_for(user: Any, organization: Organization | None) -> bool:
    """Create events for this organizer (None: the city)."""
    if not _signed_in(user):
        return False
    if organization is None:
        return bool(user.is_city_staff)
    return can_edit_organization(user, organization)


def can_manage_event(user: Any, event: Event) -> bool:
    """Edit, cancel, see and export attendees, message them, check them in."""
    return can_organize_for(user, event.organization)


def can_view_event(user: Any, event: Event) -> bool:
    """Published and cancelled events are public (a cancelled one says so); drafts only to the organizer."""
    if event.status != EventStatus.DRAFT:
        return True
    return can_manage_event(user, event)


def can_register(user: Any) -> bool:
    return _signed_in(user)
