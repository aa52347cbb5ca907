"""Who may do what in the designation process. Services, views and the API all ask here.

Applicants are the organization's owners and editors; only city staff review and decide.
Moderators are not city staff: they moderate content, they do not designate.
"""

from __future__ import annotations

from typing import Any

from sharehub.organizations.models import MemberRole, Membership, Organization

from .models import Application

APPLICANT_ROLES = (MemberRole.OWNER, MemberRole.EDITOR)


def is_signed_in(user: Any) -> bool:
    return user is not None and user.is_authenticated


def is_city_staff(user: Any) -> bool:
    return is_signed_in(user) and bool(user.is_city_staff)


def is_applicant_for(user: Any, organization: Organization | int) -> bool:
    """An owner or editor of the organization (the roles that can apply in its name)."""
    if not is_signed_in(user):
        return False
    organization_id = organization if isinstance(organization, int) else organization.pk
    return Membership.objects.filter(
        organization_id=organization_id, user=user, role__in=APPLICANT_ROLES
    ).exists()


def can_apply(user: Any, organization: Organization) -> bool:
    return is_applicant_for(user, organization)


def can_view_application(user: Any, application: Application) -> bool:
    return is_city_staff(user) or is_applicant_for(user, application.organization_id)


def can_review(user: Any) -> bool:
    return is_city_staff(user)


def can_decide(user: Any) -> bool:
    return is_city_staff(user)
