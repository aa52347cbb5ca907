"""A booking as an iCalendar file (RFC 5545): icalendar's shell with the zone's VTIMEZONE, the
entry written by `core.ical` like every calendar of the hub (the events' feeds)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from sharehub.core import ical

from .models import Booking


def booking_ics(booking: Booking) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//ShareHub//facilities//KO")
    calendar.add("version", "2.0")
    calendar.add_component(ical.vtimezone(settings.TIME_ZONE))
    writer = ical.Writer(ZoneInfo(settings.TIME_ZONE), timezone.now())
    entry = writer.vevent(
        uid=f"booking-{booking.reference}@facilities.sharehub",
        start=booking.starts_at,
        end=booking.ends_at,
        summary=booking.space.name,
        location=booking.space.road_address,
        url=settings.SHAREHUB_SITE_URL + reverse("facilities:booking", args=[booking.reference]),
        status="CONFIRMED" if booking.status == "confirmed" else "TENTATIVE",
    )
    return ical.assemble(calendar, [entry])
