"""{% designation_badge organization %} and, for list pages, {% designation_badge_for organization designations %}
where `designations` comes from selectors.current_designations (one query for the whole page);
{% designation_state organization as state %} for the organization's page."""

from __future__ import annotations

from typing import Any

from django import template
from django.template.loader import get_template

from sharehub.designation.rules import applicant_types_for
from sharehub.designation.selectors import (
    current_designation_of,
    open_application_of,
    renewal_due,
)

register = template.Library()


@register.inclusion_tag("designation/partials/badge.html")
def designation_badge(organization: Any) -> dict:
    designation = (
        current_designation_of(organization) if getattr(organization, "pk", None) else None
    )
    return {"designation": designation}


@register.simple_tag
def designation_badge_for(organization: Any, designations: dict | None) -> str:
    """The badge on a list's card: most organizations have none, and those write nothing
    without rendering the badge's template (20 cards a page)."""
    designation = (designations or {}).get(getattr(organization, "pk", None))
    if designation is None:
        return ""
    return get_template("designation/partials/badge.html").render({"designation": designation})


@register.simple_tag
def designation_state(organization: Any) -> dict:
    """What the organization's page offers: its current designation, its open application,
    whether it may apply (its kind) and whether a renewal is due. Two queries."""
    if not getattr(organization, "pk", None):
        return {}
    current = current_designation_of(organization)
    return {
        "current": current,
        "open_application": open_application_of(organization),
        "eligible": bool(applicant_types_for(organization)),
        "renewal_due": renewal_due(current),
    }
