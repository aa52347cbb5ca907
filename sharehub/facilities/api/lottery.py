"""/api/v1/spaces: Lottery rounds for popular slots: entries, the draw with a published seed, winners booked."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["spaces"])
