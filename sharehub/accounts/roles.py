"""The hub-wide roles, defined once: every app asks these, never the flags directly.

An administrator (superuser) holds every role. Roles inside an organization (owner, editor,
member) belong to `organizations.permissions`.
"""

from __future__ import annotations

from typing import cast

from django.db.models import QuerySet

from sharehub.core.actors import Actor, is_signed_in, require_signed_in

from .models import User


def is_city_staff(actor: Actor) -> bool:
    """City officials: designation, the city's events and news, staff tools."""
    return is_signed_in(actor) and bool(actor.is_city_staff or actor.is_superuser)  # type: ignore[union-attr]


def is_moderator(actor: Actor) -> bool:
    """Moderators decide on reported and pending public content."""
    return is_signed_in(actor) and bool(actor.is_moderator or actor.is_superuser)  # type: ignore[union-attr]


def is_editor(actor: Actor) -> bool:
    """Editors write and publish the city's news and pages: city staff."""
    return is_city_staff(actor)


def is_administrator(actor: Actor) -> bool:
    """Administrators (superusers) hold every role and give or remove the others."""
    return is_signed_in(actor) and bool(actor.is_superuser)  # type: ignore[union-attr]


def is_privileged(actor: Actor) -> bool:
    """Any role beyond a citizen's: such accounts need two-factor authentication."""
    return is_city_staff(actor) or is_moderator(actor) or bool(getattr(actor, "is_staff", False))


def moderators() -> QuerySet[User]:
    """The active accounts named moderators, told of new reports (administrators hold the role
    but are not told of every report unless they are named moderators too)."""
    return User.objects.filter(is_active=True, is_moderator=True).order_by("pk")


def city_staff_members() -> QuerySet[User]:
    """The active accounts named city staff, told of stories to review (administrators hold the
    role but are not told unless they are named city staff too)."""
    return User.objects.filter(is_active=True, is_city_staff=True).order_by("pk")


def signed_in_user(actor: Actor) -> User:
    """The acting person, or PermissionDenied: services that need the account itself use this."""
    require_signed_in(actor)
    return cast("User", actor)
