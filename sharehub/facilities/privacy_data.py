"""A person's bookings in "download my data", and what deleting the account does to them: future
bookings are cancelled (their time is freed), past ones stay counted in the space's use without
the person or what they wrote."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from .models import ACTIVE_STATUSES, Booking, BookingStatus


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
    now = timezone.now()
    with transaction.atomic():
        Booking.objects.filter(user=user, status__in=ACTIVE_STATUSES, starts_at__gt=now).update(
            status=BookingStatus.CANCELLED, cancelled_at=now
        )
        Booking.objects.filter(user=user).update(user=None, purpose_detail="", organization=None)
