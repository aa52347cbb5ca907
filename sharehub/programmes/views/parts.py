"""The parts' additions to the shared pages (as facilities' `views/parts.py`): each part's view
module may define

- `call_extra(request, call) -> dict` for the public call page,
- `application_extra(request, application) -> dict` for an application's page (members, the
  call's staff, reviewers),
- `mine_extra(request) -> dict` for the person's "My applications" page,
- `manage_extra(request, call) -> dict` for the staff's page of a call,

and its templates `programmes/partials/<page>_<part>.html`, which those pages include (each with
`{% include … %}` guarded by the part's own context key)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from sharehub.programmes.views import applications, calls, decisions, reports, review

PARTS = (calls, applications, review, decisions, reports)


def extra(hook: str, request: HttpRequest, *args: Any) -> dict[str, Any]:
    context: dict[str, Any] = {}
    for part in PARTS:
        add = getattr(part, hook, None)
        if add is not None:
            context.update(add(request, *args))
    return context
