"""{% designation_badge organization %}, {% designation_badge_of designation %} and, for list pages,
{% designation_badge_for organization designations %} where `designations` comes from
selectors.current_designations (one query for the whole page); {% designation_state organization
as state %} for the organization's page."""

from __future__ import annotations

from html import escape
from typing import Any

from django import template
from django.utils import formats
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from sharehub.designation.models import Designation
from sharehub.designation.rules import applicant_types_for
from sharehub.designation.selectors import (
    current_designation_of,
    open_application_of,
    renewal_due,
)

register = template.Library()


def badge_html(designation: Designation | None) -> SafeString:
    """The designation's badge: its number linking to its page, and until when it is valid;
    nothing without one. Written here, not as a template: list pages show one per card."""
    if designation is None:
        return mark_safe("")
    if designation.kind == "organization":
        title = gettext("Designated sharing organization No. %(number)s")
    else:
        title = gettext("Designated sharing enterprise No. %(number)s")
    until = gettext("valid until %(date)s") % {
        "date": formats.date_format(designation.valid_until, "DATE_FORMAT")
    }
    return mark_safe(
        f'<a class="tag designation-badge" href="{escape(designation.get_absolute_url())}">'
        f"{escape(title % {'number': designation.number})}"
        f'<span class="meta"> · {escape(until)}</span></a>'
    )


@register.simple_tag
def designation_badge(organization: Any) -> SafeString:
    """The organization's current designation's badge (one query)."""
    designation = (
        current_designation_of(organization) if getattr(organization, "pk", None) else None
    )
    return badge_html(designation)


@register.simple_tag
def designation_badge_of(designation: Designation | None) -> SafeString:
    """The badge of a designation already read (`designation_state`'s `current`)."""
    return badge_html(designation)


@register.simple_tag
def designation_badge_for(organization: Any, designations: dict | None) -> SafeString:
    """The badge on a list's card, from `designations` (selectors.current_designations: one
    query for the whole page)."""
    return badge_html((designations or {}).get(getattr(organization, "pk", None)))


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
