"""Signed check-in codes: what the QR code holds. A forged or altered code fails the signature."""

from __future__ import annotations

from django.core import signing

from .models import Registration

SALT = "sharehub.events.checkin"


def checkin_code(registration: Registration) -> str:
    return signing.dumps(
        {"r": registration.pk, "e": registration.event_id}, salt=SALT, compress=True
    )


def read_checkin_code(code: str) -> tuple[int, int] | None:
    """(registration id, event id), or None when the code is not one the hub signed."""
    try:
        data = signing.loads((code or "").strip()[:500], salt=SALT)
        return int(data["r"]), int(data["e"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
