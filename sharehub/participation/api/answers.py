"""/api/v1/participation: answers (stub, to be filled)."""

from ninja import Router

router = Router(tags=["participation"])
