"""A booking as an iCalendar file (RFC 5545, the `icalendar` library, like the events app)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event

from .models import Booking


def booking_ics(booking: Booking) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//ShareHub//facilities//KO")
    calendar.add("version", "2.0")
    entry = Event()
    zone = ZoneInfo(settings.TIME_ZONE)
    entry.add("uid", f"booking-{booking.reference}@facilities.sharehub")
    entry.add("dtstamp", timezone.now())
    entry.add("dtstart", booking.starts_at.astimezone(zone))
    entry.add("dtend", booking.ends_at.astimezone(zone))
    entry.add(
        "url", settings.SHAREHUB_SITE_URL + reverse("facilities:booking", args=[booking.reference])
    )
    entry.add("summary", booking.space.name)
    entry.add("location", booking.space.road_address)
    entry.add("status", "CONFIRMED" if booking.status == "confirmed" else "TENTATIVE")
    calendar.add_component(entry)
    return calendar.to_ical()
