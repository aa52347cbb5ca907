"""Who may do what with newsletters: subscribing is anyone's (by e-mail, with or without an
account); campaigns, topics and subscriber lists are city staff's."""

from __future__ import annotations

from sharehub.accounts.roles import is_city_staff
from sharehub.core.actors import Actor


def can_manage_newsletters(user: Actor) -> bool:
    return is_city_staff(user)
