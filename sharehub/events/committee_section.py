"""The events app's section of a committee's page (participation.committee_sections): the
committee's coming meetings and the published minutes of its past ones.

Minutes are the meeting's materials of kind "minutes" (`MaterialKind.MINUTES`): a material is
shown, like every event material, once the meeting has ended (permissions.materials_public), and
only of a meeting the public may see (selectors.public_events). Two queries whatever the number of
meetings.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch
from django.http import HttpRequest
from django.utils import timezone

from .models import EventKind, EventMaterial, MaterialKind
from .selectors import public_events

MEETINGS_SHOWN = 5
MINUTES_SHOWN = 10


def committee_meetings(committee: Any, request: HttpRequest) -> dict[str, Any] | None:
    now = timezone.now()
    meetings = public_events().filter(committee=committee, kind=EventKind.COMMITTEE_MEETING)
    upcoming = list(meetings.filter(ends_at__gt=now).order_by("starts_at", "pk")[:MEETINGS_SHOWN])
    past = list(
        meetings.filter(ends_at__lte=now, materials__kind=MaterialKind.MINUTES)
        .distinct()
        .prefetch_related(
            Prefetch(
                "materials",
                queryset=EventMaterial.objects.filter(kind=MaterialKind.MINUTES),
                to_attr="minutes",
            )
        )
        .order_by("-starts_at", "-pk")[:MINUTES_SHOWN]
    )
    return {"upcoming": upcoming, "past": past}
