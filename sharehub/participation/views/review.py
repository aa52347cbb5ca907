"""participation: review pages (stub, to be filled)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import URLPattern

from sharehub.participation.models import Proposal

urlpatterns: list[URLPattern] = []


def detail_extra(request: HttpRequest, proposal: Proposal) -> dict[str, Any]:
    """What this part adds to the proposal page's context."""
    return {}
