"""Who may change what the search reads."""

from __future__ import annotations

from sharehub.accounts.roles import is_city_staff
from sharehub.core.actors import Actor


def can_edit_synonyms(actor: Actor) -> bool:
    """The synonym dictionary is the city's: its staff edit it."""
    return is_city_staff(actor)
