"""facilities pages: The waitlist for taken periods: offers when a period is released; reminders before a booking."""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
