"""/api/v1/programmes: the applications part's endpoints."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["programmes"])
