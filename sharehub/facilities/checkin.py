"""Signed check-in codes of bookings: what the booker's QR code holds (as the events app's).
A forged or altered code fails the signature; the salt keeps an event's code from passing here."""

from __future__ import annotations

from django.core import signing

from .models import Booking

SALT = "sharehub.facilities.checkin"


def checkin_code(booking: Booking) -> str:
    return signing.dumps({"b": booking.pk, "s": booking.space_id}, salt=SALT, compress=True)


def read_checkin_code(code: str) -> tuple[int, int] | None:
    """(booking id, space id), or None when the code is not one the hub signed for a booking."""
    try:
        data = signing.loads((code or "").strip()[:500], salt=SALT)
        return int(data["b"]), int(data["s"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
