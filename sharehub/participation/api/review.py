"""/api/v1/participation: review (stub, to be filled)."""

from ninja import Router

router = Router(tags=["participation"])
