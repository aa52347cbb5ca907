"""{% designation_badge organization %} and, for list pages, {% designation_badge_for organization designations %}
where `designations` comes from selectors.current_designations (one query for the whole page)."""

from __future__ import annotations

from typing import Any

from django import template

from sharehub.designation.selectors import current_designation_of

register = template.Library()


@register.inclusion_tag("designation/partials/badge.html")
def designation_badge(organization: Any) -> dict:
    designation = (
        current_designation_of(organization) if getattr(organization, "pk", None) else None
    )
    return {"designation": designation}


@register.inclusion_tag("designation/partials/badge.html")
def designation_badge_for(organization: Any, designations: dict | None) -> dict:
    return {"designation": (designations or {}).get(getattr(organization, "pk", None))}
