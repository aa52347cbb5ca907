"""/api/v1/programmes: calls (public reads; staff writes), applications (your organizations'),
reviews (assigned to you), decisions (the call's staff) and awards (public), one module per part.
Errors follow sharehub/api.py: 401, 403, 404, 422 with field errors."""

from __future__ import annotations

from ninja import Router

from sharehub.programmes.api import applications, calls, decisions, reports, review

router = Router(tags=["programmes"])
for _part in (calls, applications, review, decisions, reports):
    router.add_router("", _part.router)
