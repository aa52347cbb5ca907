"""/api/v1/spaces: The waitlist for taken periods: offers when a period is released; reminders before a booking."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["spaces"])
