"""The parts' additions to the shared pages (as participation's `detail_extra`): each part's view
module may define

- `detail_extra(request, space) -> dict` for the public space page,
- `booking_extra(request, booking) -> dict` for a booking's page,
- `calendar_extra(request, space) -> dict` for the staff calendar of a space,
- `queue_extra(request) -> dict` for the staff's "Bookings to decide" page,
- `mine_extra(request) -> dict` for the person's "My bookings" page,

and its templates `facilities/partials/<page>_<part>.html`, which those pages include."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from sharehub.facilities.views import lottery, penalties, results, spaces, waitlist

PARTS = (spaces, lottery, penalties, waitlist, results)


def extra(hook: str, request: HttpRequest, *args: Any) -> dict[str, Any]:
    context: dict[str, Any] = {}
    for part in PARTS:
        add = getattr(part, hook, None)
        if add is not None:
            context.update(add(request, *args))
    return context
