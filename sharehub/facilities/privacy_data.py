"""A person's bookings in "download my data", and what deleting the account does to them: future
bookings are cancelled (their time is freed), past ones stay counted in the space's use without
the person or what they wrote."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from sharehub.core.locking import lock
from sharehub.facilities.services import waitlist

from .models import ACTIVE_STATUSES, Booking, BookingStatus, Space


def export_bookings(user: Any) -> list[dict]:
    return [
        {
            "reference": booking.reference,
            "space": booking.space.slug,
            "starts_at": booking.starts_at.isoformat(),
            "ends_at": booking.ends_at.isoformat(),
            "purpose": booking.purpose,
            "purpose_detail": booking.purpose_detail,
            "people": booking.people,
            "status": booking.status,
            "fee": booking.fee,
            "paid_at": booking.paid_at.isoformat() if booking.paid_at else None,
            "booked_at": booking.created_at.isoformat(),
        }
        for booking in Booking.objects.filter(user=user).select_related("space").order_by("pk")
    ]


def erase_bookings(user: Any) -> None:
    """Future bookings are cancelled one by one, each under its space's lock as a cancellation
    is, so the first person waiting for the time is offered it."""
    now = timezone.now()
    with transaction.atomic():
        future = Booking.objects.filter(user=user, status__in=ACTIVE_STATUSES, starts_at__gt=now)
        for pk in future.values_list("pk", flat=True):
            lock(Space.objects.get(bookings=pk))
            booking = lock(Booking.objects.get(pk=pk))
            booking.status, booking.cancelled_at = BookingStatus.CANCELLED, now
            booking.save(update_fields=["status", "cancelled_at"])
            waitlist.released(booking, now=now)
        Booking.objects.filter(user=user).update(user=None, purpose_detail="", organization=None)
