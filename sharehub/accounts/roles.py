"""The hub-wide roles, defined once: every app asks these, never the flags directly.

An administrator (superuser) holds every role. Roles inside an organization (owner, editor,
member) belong to `organizations.permissions`.
"""

from __future__ import annotations

from sharehub.core.actors import Actor, is_signed_in


def is_city_staff(actor: Actor) -> bool:
    """City officials: designation, the city's events and news, staff tools."""
    return is_signed_in(actor) and bool(actor.is_city_staff or actor.is_superuser)  # type: ignore[union-attr]


def is_moderator(actor: Actor) -> bool:
    """Moderators decide on reported and pending public content."""
    return is_signed_in(actor) and bool(actor.is_moderator or actor.is_superuser)  # type: ignore[union-attr]


def is_editor(actor: Actor) -> bool:
    """Editors write and publish the city's news and pages: city staff."""
    return is_city_staff(actor)


def is_privileged(actor: Actor) -> bool:
    """Any role beyond a citizen's: such accounts need two-factor authentication."""
    return is_city_staff(actor) or is_moderator(actor) or bool(getattr(actor, "is_staff", False))
