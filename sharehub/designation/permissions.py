"""Who may do what in the designation process. Services, views and the API all ask here.

Applicants are the organization's owners and editors; only city staff (`accounts.roles`) review
and decide, and only they see the score sheet and the committee's votes. Annual activity reports
are sent by the owners. Moderators are not city staff: they moderate content, they do not
designate.
"""

from __future__ import annotations

from typing import cast

from sharehub.accounts.models import User
from sharehub.accounts.roles import is_city_staff
from sharehub.core.actors import Actor, is_signed_in
from sharehub.organizations.models import MemberRole, Membership, Organization

from .models import Application

APPLICANT_ROLES = (MemberRole.OWNER, MemberRole.EDITOR)


def is_applicant_for(actor: Actor, organization: Organization | int) -> bool:
    """An owner or editor of the organization (the roles that can apply in its name)."""
    if not is_signed_in(actor):
        return False
    organization_id = organization if isinstance(organization, int) else organization.pk
    return Membership.objects.filter(
        organization_id=organization_id, user=cast(User, actor), role__in=APPLICANT_ROLES
    ).exists()


def can_apply(actor: Actor, organization: Organization) -> bool:
    return is_applicant_for(actor, organization)


def can_view_application(actor: Actor, application: Application) -> bool:
    return is_city_staff(actor) or is_applicant_for(actor, application.organization_id)


def can_review(actor: Actor) -> bool:
    return is_city_staff(actor)


def can_decide(actor: Actor) -> bool:
    return is_city_staff(actor)


def is_owner_of(actor: Actor, organization: Organization | int) -> bool:
    if not is_signed_in(actor):
        return False
    organization_id = organization if isinstance(organization, int) else organization.pk
    return Membership.objects.filter(
        organization_id=organization_id, user=cast(User, actor), role=MemberRole.OWNER
    ).exists()


def can_submit_report(actor: Actor, organization: Organization) -> bool:
    """Annual activity reports are the owners' declaration for the organization."""
    return is_owner_of(actor, organization)


def can_see_designation_internals(actor: Actor, organization_id: int) -> bool:
    """The certificate and the annual reports: the organization's members and city staff."""
    return is_city_staff(actor) or is_applicant_for(actor, organization_id)
