"""/api/v1/spaces: Staff create and edit spaces: details (ko, en), hours, fee table, refund bands, photos."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["spaces"])
