"""Sections of an organization's page: each app shows there what it knows of the organization
(its listing and services, its events, its stories; later its proposals, grants and bookings).

An app registers, in its manifest, a section: a template and a function
`context(organization, request)` that returns the template's context, or None to leave the
section out (nothing to show to this visitor). The organizations app renders the registered
sections by ascending order without knowing the apps. A section's context reads a bounded number
of queries whatever the organization holds (a few items and a link to the rest).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

SectionContext = Callable[[Any, HttpRequest], dict[str, Any] | None]


@dataclass(frozen=True)
class OrgSection:
    name: str
    template: str
    context: SectionContext
    order: int


_sections: dict[str, OrgSection] = {}


def register_org_section(
    name: str, *, template: str, context: SectionContext, order: int = 100
) -> None:
    _sections[name] = OrgSection(name=name, template=template, context=context, order=order)


def unregister_org_section(name: str) -> None:
    """For tests that register a section of their own."""
    _sections.pop(name, None)


def org_sections() -> list[OrgSection]:
    return sorted(_sections.values(), key=lambda section: (section.order, section.name))


def render_org_sections(organization: Any, request: HttpRequest) -> list[SafeString]:
    """Each registered section rendered for this visitor, in order."""
    rendered = []
    for section in org_sections():
        context = section.context(organization, request)
        if context is not None:
            context = {"organization": organization, **context}
            rendered.append(render_to_string(section.template, context, request=request))
    return rendered
