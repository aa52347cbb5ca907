"""/api/v1/spaces: Check-in at the space, no-shows, the penalty register (suspensions) and appeals."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["spaces"])
