"""Who may do what to which event. The organizer is the city (its staff) or an organization (its
owners and editors, and city staff); only they see the attendees, check people in and message them."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from sharehub.accounts.roles import is_city_staff
from sharehub.core.actors import Actor, is_signed_in
from sharehub.organizations.models import Organization
from sharehub.organizations.permissions import can_edit_organization

from .models import Event, EventStatus


def can_organize_for(user: Actor, organization: Organization | None) -> bool:
    """Create events for this organizer (None: the city)."""
    if not is_signed_in(user):
        return False
    if organization is None:
        return is_city_staff(user)
    return can_edit_organization(user, organization)


def can_manage_event(user: Actor, event: Event) -> bool:
    """Edit, cancel, see and export attendees, message them, check them in."""
    return can_organize_for(user, event.organization)


def can_view_event(user: Actor, event: Event) -> bool:
    """Published and cancelled events are public (a cancelled one says so) while their organizer is
    (the city or a published organization, as selectors.public_organizer_q); drafts and the events
    of a pending, rejected or hidden organization only to the organizer."""
    if event.status != EventStatus.DRAFT and (
        event.organization is None or event.organization.is_published
    ):
        return True
    return can_manage_event(user, event)


def materials_public(event: Event, now: datetime | None = None) -> bool:
    """The event page shows its materials to everyone who sees the page once the event has ended."""
    return event.ends_at <= (now or timezone.now())


def can_see_materials(user: Actor, event: Event, now: datetime | None = None) -> bool:
    """Download a material: when the page shows it (the page is visible and the event has ended),
    and always for the organizer."""
    if not can_view_event(user, event):
        return False
    return materials_public(event, now) or can_manage_event(user, event)
