"""Who may do what in moderation: one place, used by services, views and templates.

Who is a moderator is `sharehub.accounts.roles.is_moderator`; who may report is anyone signed in
(`sharehub.core.actors.is_signed_in`). This module holds what only moderation knows: authorship.
"""

from __future__ import annotations

from django.db import models

from sharehub.core.actors import Actor, is_signed_in

from .registry import authors_of


def is_author(user: Actor, obj: models.Model) -> bool:
    if user is None or not is_signed_in(user):
        return False
    return any(author.pk == user.pk for author in authors_of(obj))
