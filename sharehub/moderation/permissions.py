"""Who may do what in moderation: one place, used by services, views and templates."""

from __future__ import annotations

from django.db import models

from .registry import authors_of


def can_moderate(user) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and (user.is_moderator or user.is_superuser)
    )


def can_report(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def is_author(user, obj: models.Model) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return any(author.pk == user.pk for author in authors_of(obj))
