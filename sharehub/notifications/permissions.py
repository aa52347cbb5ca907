"""Who may see what in notifications."""

from __future__ import annotations


def can_read_outbox(user) -> bool:
    """The outbox lists everyone's mail by its metadata (never bodies): city staff only."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and (user.is_city_staff or user.is_superuser)
    )
