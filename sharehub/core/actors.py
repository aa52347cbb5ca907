"""Who acts: the one type services take as `actor=`, and the one signed-in check.

Roles (city staff, moderator, editor) are defined once in `sharehub.accounts.roles`; `core` knows
only that an actor may be anonymous.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser

    Actor = AbstractBaseUser | AnonymousUser | None
else:
    Actor = Any


def is_signed_in(actor: Actor) -> bool:
    """A person with an active account (deactivated accounts act as nobody)."""
    return bool(actor is not None and actor.is_authenticated and getattr(actor, "is_active", False))


def require_signed_in(actor: Actor) -> None:
    """Raise PermissionDenied unless someone is signed in: every write by a person starts here."""
    if not is_signed_in(actor):
        raise PermissionDenied(_("Please log in first."))
