"""/api/v1/participation: comments (stub, to be filled)."""

from ninja import Router

router = Router(tags=["participation"])
