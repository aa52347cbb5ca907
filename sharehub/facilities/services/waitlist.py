"""facilities: The waitlist for taken periods: offers when a period is released; reminders before a booking."""

from __future__ import annotations

from datetime import datetime

from sharehub.facilities.models import Booking


def released(booking: Booking, *, now: datetime) -> None:
    """A booking stopped holding its period (cancelled, rejected, expired, unpaid): offer the
    period to the first person waiting for it. Called inside the releasing transaction."""


def booked(booking: Booking, *, now: datetime) -> None:
    """A person booked a period: the offer they held for it (if any) is taken up. Called inside
    the booking's transaction."""
