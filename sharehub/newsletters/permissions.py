"""Who may do what with newsletters: subscribing is anyone's (by e-mail, with or without an
account); campaigns, topics and subscriber lists are city staff's."""

from __future__ import annotations

from typing import Any


def can_manage_newsletters(user: Any) -> bool:
    return bool(
        user is not None and user.is_authenticated and user.is_active and user.is_city_staff
    )
