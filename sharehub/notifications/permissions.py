"""Who may see what in notifications."""

from __future__ import annotations

from typing import Any


def can_read_outbox(user: Any) -> bool:
    """The outbox lists everyone's mail by its metadata (never bodies). The role behind it is
    defined in accounts (`accounts.backends.ROLE_PERMISSIONS`), asked through Django's
    permission API because notifications sits below accounts."""
    return user is not None and user.has_perm("notifications.read_outbox")
