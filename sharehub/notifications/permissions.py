"""Who may see what in notifications."""

from __future__ import annotations


def can_read_outbox(user) -> bool:
    """The outbox holds everyone's mail (sign-up links included): city staff only."""
    return bool(
        user is not None and user.is_authenticated and user.is_active and (user.is_city_staff or user.is_superuser)
    )
