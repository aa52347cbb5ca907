"""Who may apply to a call (the call's eligibility), as reasons a person can read. Used when an
organization applies and submits (applications) and shown to staff when they screen (review)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from sharehub.designation.selectors import current_designation_of
from sharehub.organizations.models import Organization, OrganizationKind

from .models import Call


def eligibility_problems(call: Call, organization: Organization) -> list[str]:
    """Why this organization may not apply to this call; empty when it may."""
    problems: list[str] = []
    if call.designated_only and current_designation_of(organization) is None:
        problems.append(
            _(
                "Only organizations designated by the city as sharing enterprises or organizations "
                "may apply."
            )
        )
    if call.organization_kinds and organization.kind not in call.organization_kinds:
        kinds = ", ".join(str(OrganizationKind(k).label) for k in call.organization_kinds)
        problems.append(
            _("Only these kinds of organization may apply: %(kinds)s.") % {"kinds": kinds}
        )
    districts = list(call.districts.all())
    if districts and organization.district_id not in {d.pk for d in districts}:
        names = ", ".join(d.name for d in districts)
        problems.append(
            _("Only organizations in these districts may apply: %(districts)s.")
            % {"districts": names}
        )
    return problems
