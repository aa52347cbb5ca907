"""Sections of a committee's page: what apps above participation know of a committee (the events
app: its meetings and their published minutes), shown without participation importing them.

An app registers, in its manifest, a section: a template and a function
`context(committee, request)` that returns the template's context, or None to leave the section
out (nothing to show). The committee's public page and its members' workspace render the
registered sections by ascending order (as `core.org_sections` does for organizations). A
section's context reads a bounded number of queries and only what the public may see.
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
class CommitteeSection:
    name: str
    template: str
    context: SectionContext
    order: int


_sections: dict[str, CommitteeSection] = {}


def register_committee_section(
    name: str, *, template: str, context: SectionContext, order: int = 100
) -> None:
    _sections[name] = CommitteeSection(name=name, template=template, context=context, order=order)


def unregister_committee_section(name: str) -> None:
    """For tests that register a section of their own."""
    _sections.pop(name, None)


def committee_sections() -> list[CommitteeSection]:
    return sorted(_sections.values(), key=lambda section: (section.order, section.name))


def render_committee_sections(committee: Any, request: HttpRequest) -> list[SafeString]:
    """Each registered section rendered for this visitor, in order."""
    rendered = []
    for section in committee_sections():
        context = section.context(committee, request)
        if context is not None:
            context = {"committee": committee, **context}
            rendered.append(render_to_string(section.template, context, request=request))
    return rendered
