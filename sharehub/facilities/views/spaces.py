"""facilities pages: Staff create and edit spaces: details (ko, en), hours, fee table, refund bands, photos."""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
