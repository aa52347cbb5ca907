"""A person's registrations in their data export; on erasure their places are freed (the waitlist
moves up) and the registrations, answers and private feed deleted."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from .models import CalendarFeed, Registration
from .services import release_registrations_of


def export_registrations(user: Any) -> list[dict]:
    return [
        {
            "event": registration.event_id,
            "title": registration.event.title,
            "starts_at": registration.event.starts_at.isoformat(),
            "status": registration.status,
            "answers": registration.answers,
            "registered_at": registration.created_at.isoformat(),
            "checked_in_at": registration.checked_in_at.isoformat()
            if registration.checked_in_at
            else None,
            "sessions_attended": [a.session_id for a in registration.attendances.all()],
        }
        for registration in Registration.objects.filter(user=user)
        .select_related("event")
        .prefetch_related("attendances")
    ]


def erase_registrations(user: Any) -> None:
    with transaction.atomic():
        release_registrations_of(user)
        Registration.objects.filter(user=user).delete()
        CalendarFeed.objects.filter(user=user).delete()
