"""Panels of a person's own page (/me): each app shows there what it knows about the person.

An app registers, in its manifest, a panel: a template and a function `context(request)` that
returns the template's context (or None to leave the panel out for this person). The account
page (accounts) renders the registered panels by ascending order without knowing the apps.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

PanelContext = Callable[[HttpRequest], dict[str, Any] | None]


@dataclass(frozen=True)
class MePanel:
    name: str
    template: str
    context: PanelContext
    order: int


_panels: dict[str, MePanel] = {}


def register_me_panel(name: str, *, template: str, context: PanelContext, order: int = 100) -> None:
    _panels[name] = MePanel(name=name, template=template, context=context, order=order)


def me_panels() -> list[MePanel]:
    return sorted(_panels.values(), key=lambda panel: (panel.order, panel.name))


def render_me_panels(request: HttpRequest) -> list[SafeString]:
    """Each registered panel rendered for the signed-in person, in order."""
    rendered = []
    for panel in me_panels():
        context = panel.context(request)
        if context is not None:
            rendered.append(render_to_string(panel.template, context, request=request))
    return rendered
