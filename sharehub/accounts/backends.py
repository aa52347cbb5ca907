"""The hub's roles as Django permissions, for the apps below accounts.

An app that sits under accounts in the layers (notifications) cannot import `accounts.roles`;
it asks `user.has_perm("<app>.<permission>")` and this backend answers from the one definition
of each role. No permission rows in the database: the roles are the source of truth.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

from sharehub.core.actors import Actor

from .roles import is_city_staff

ROLE_PERMISSIONS: dict[str, Callable[[Actor], bool]] = {
    # Everyone's mail by its metadata (never bodies): city staff only.
    "notifications.read_outbox": is_city_staff,
}


class RolePermissionBackend(ModelBackend):
    """Django's model backend (e-mail and password, `get_user`); a role permission is answered
    from the role itself, before (and without) the permission tables."""

    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        holds = ROLE_PERMISSIONS.get(perm)
        if holds is None:
            return super().has_perm(user_obj, perm, obj)
        if getattr(user_obj, "is_active", False) and holds(user_obj):
            return True
        # The role is the whole answer: stop Django from asking the next backends (allauth's
        # subclasses the model backend and would read the permission tables).
        raise PermissionDenied
