"""Support programmes: the calls part's pages (see views/parts.py for the shared pages' hooks)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path


def call_list(request: HttpRequest) -> HttpResponse:  # placeholder until the part lands
    return HttpResponse("")


urlpatterns: list = [path("", call_list, name="list")]  # fixed-prefix routes
slug_urlpatterns: list = []  # routes under a call's <slug:slug>/ (after every fixed prefix)
