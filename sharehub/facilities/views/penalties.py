"""facilities pages: Check-in at the space, no-shows, the penalty register (suspensions) and appeals."""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
