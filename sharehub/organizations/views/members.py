"""The members page of an organization and what owners do there: invite, withdraw an
invitation, change a role, remove a member, hand over ownership; and leaving."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sharehub.core.forms import run_action, run_service
from sharehub.core.ratelimit import ratelimit_writes
from sharehub.moderation.models import ModerationStatus
from sharehub.organizations import services
from sharehub.organizations.forms import InviteForm, RoleForm
from sharehub.organizations.history import describe
from sharehub.organizations.models import MemberRole, Organization
from sharehub.organizations.permissions import can_manage_members, can_view_members, role_of
from sharehub.organizations.selectors import (
    get_organization_for,
    members_of,
    open_invitations,
    organization_history,
)


def _members_page(
    request: HttpRequest,
    organization: Organization,
    *,
    invite_form: InviteForm | None = None,
    status: int = 200,
) -> HttpResponse:
    role = role_of(request.user, organization)
    if not can_view_members(request.user, organization, role=role):
        raise PermissionDenied
    manage = can_manage_members(request.user, organization, role=role)
    history = organization_history(organization=organization)
    members = list(members_of(organization=organization))
    return render(
        request,
        "organizations/members.html",
        {
            "organization": organization,
            "role": role,
            "role_label": MemberRole(role).label if role else "",
            "can_manage": manage,
            "is_owner": role == MemberRole.OWNER,
            "members": members,
            # The last owner's role cannot change (an organization always keeps an owner).
            "sole_owner_id": next(
                (m.user_id for m in members if m.role == MemberRole.OWNER),
                None,
            )
            if sum(m.role == MemberRole.OWNER for m in members) == 1
            else None,
            "invitations": open_invitations(organization=organization) if manage else [],
            "invite_form": invite_form or InviteForm(),
            "invitation_days": settings.SHAREHUB_INVITATION_DAYS,
            "role_choices": MemberRole.choices,
            "history": [
                (entry, describe(entry, member=member, show_emails=manage))
                for entry, member in history
            ],
        },
        status=status,
    )


@login_required
def organization_members(request: HttpRequest, slug: str) -> HttpResponse:
    return _members_page(request, get_organization_for(request.user, slug))


def _back_to_members(organization: Organization) -> HttpResponse:
    return redirect("organizations:members", slug=organization.slug)


@login_required
@require_POST
@ratelimit_writes("organizations-invite", "30/h")
def invite(request: HttpRequest, slug: str) -> HttpResponse:
    organization = get_organization_for(request.user, slug)
    form = InviteForm(request.POST)
    if form.is_valid() and (
        invitation := run_service(
            form,
            lambda: services.invite_member(
                actor=request.user,
                organization=organization,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
            ),
        )
    ):
        messages.success(
            request, _("An invitation has been sent to %(email)s.") % {"email": invitation.email}
        )
        return _back_to_members(organization)
    return _members_page(request, organization, invite_form=form, status=400)


@login_required
@require_POST
def revoke_invitation(request: HttpRequest, slug: str, invitation_id: int) -> HttpResponse:
    organization = get_organization_for(request.user, slug)
    run_action(
        request,
        services.revoke_invitation,
        _("The invitation has been withdrawn."),
        organization=organization,
        invitation_id=invitation_id,
    )
    return _back_to_members(organization)


@login_required
@require_POST
def change_role(request: HttpRequest, slug: str, user_id: int) -> HttpResponse:
    organization = get_organization_for(request.user, slug)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose owner or editor."))
    else:
        run_action(
            request,
            services.change_role,
            _("The role has been changed."),
            organization=organization,
            member_id=user_id,
            role=form.cleaned_data["role"],
        )
    return _back_to_members(organization)


@login_required
@require_POST
def remove_member(request: HttpRequest, slug: str, user_id: int) -> HttpResponse:
    organization = get_organization_for(request.user, slug)
    run_action(
        request,
        services.remove_member,
        _("The member has been removed."),
        organization=organization,
        member_id=user_id,
    )
    return _back_to_members(organization)


@login_required
@require_POST
def transfer_ownership(request: HttpRequest, slug: str, user_id: int) -> HttpResponse:
    organization = get_organization_for(request.user, slug)
    run_action(
        request,
        services.transfer_ownership,
        _("Ownership has been handed over. You are now an editor."),
        organization=organization,
        member_id=user_id,
    )
    return _back_to_members(organization)


@login_required
@require_POST
def leave(request: HttpRequest, slug: str) -> HttpResponse:
    organization = get_organization_for(request.user, slug)
    if not run_action(
        request,
        services.leave_organization,
        _("You have left the organization."),
        organization=organization,
    ):
        return _back_to_members(organization)
    if organization.moderation_status == ModerationStatus.PUBLISHED:
        return redirect(organization)
    return redirect("organizations:list")
