"""The staff workspace page ("업무"): the queues and tools the apps registered (core.workspace),
shown to a person who holds at least one of them."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from sharehub.core.workspace import work_for


@require_safe
@never_cache
@login_required
def workspace(request: HttpRequest) -> HttpResponse:
    queues, tools = work_for(request.user)
    if not queues and not tools:
        raise PermissionDenied
    return render(
        request,
        "portal/workspace.html",
        {
            "queues": queues,
            "tools": tools,
            "waiting": sum(link.count or 0 for link in queues),
        },
    )
