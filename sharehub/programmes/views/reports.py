"""Support programmes: the reports part's pages (see views/parts.py for the shared pages' hooks)."""

from __future__ import annotations

urlpatterns: list = []  # fixed-prefix routes (applications/…, manage/…, reviews/…)
slug_urlpatterns: list = []  # routes under a call's <slug:slug>/ (after every fixed prefix)
