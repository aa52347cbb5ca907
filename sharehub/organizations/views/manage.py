"""Creating an organization and editing its facts (a new public name may wait for review)."""

from __future__ import annotations

import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from sharehub.core.forms import run_service
from sharehub.core.ratelimit import ratelimit_writes
from sharehub.moderation.models import ModerationStatus
from sharehub.organizations import name_changes, services
from sharehub.organizations.forms import OrganizationEditForm, OrganizationForm
from sharehub.organizations.permissions import can_edit_organization, can_view_members
from sharehub.organizations.selectors import (
    get_organization_for,
    memberships_of,
    pending_name_change_of,
)


@login_required
def my_organizations(request: HttpRequest) -> HttpResponse:
    """The organizations the person belongs to, with their role and what they may do there."""
    memberships = list(
        memberships_of(user=request.user)
        .select_related("organization__district")
        .defer("organization__district__boundary")
    )
    for membership in memberships:
        organization, role = membership.organization, membership.role
        membership.can_edit = can_edit_organization(request.user, organization, role=role)
        membership.can_view_members = can_view_members(request.user, organization, role=role)
    return render(request, "organizations/mine.html", {"memberships": memberships})


@login_required
@ratelimit_writes("organizations-create", "10/h")
def organization_create(request: HttpRequest) -> HttpResponse:
    form = OrganizationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        organization = run_service(
            form,
            lambda: services.create_organization(
                actor=request.user, logo=form.cleaned_data.get("logo"), **form.service_fields()
            ),
        )
        if organization is not None:
            if organization.moderation_status == ModerationStatus.PUBLISHED:
                messages.success(request, _("The organization has been created and published."))
            else:
                messages.success(
                    request,
                    _(
                        "The organization has been created. It will appear in the public list once a moderator has reviewed it."
                    ),
                )
            return redirect(organization)
    return render(request, "organizations/form.html", {"form": form, "organization": None})


@login_required
def organization_edit(request: HttpRequest, slug: str) -> HttpResponse:
    organization = get_organization_for(request.user, slug)
    if not can_edit_organization(request.user, organization):
        raise PermissionDenied
    pending = pending_name_change_of(organization)
    # The member sees the name they asked for; the public keeps the old one until it is approved.
    initial = {"name_ko": pending.name_ko, "name_en": pending.name_en} if pending else None
    # The form writes into its instance while validating; keep the page's object untouched.
    form = OrganizationEditForm(
        request.POST or None,
        request.FILES or None,
        instance=copy.copy(organization),
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        updated = run_service(
            form,
            lambda: services.update_organization(
                actor=request.user,
                organization=organization,
                logo=form.cleaned_data.get("logo"),
                remove_logo=form.cleaned_data.get("remove_logo", False),
                **form.service_fields(),
            ),
        )
        if updated is not None:
            organization = updated
            pending = organization.pending_name_change
            if pending is None:
                messages.success(request, _("Your changes have been saved."))
            else:
                messages.success(
                    request,
                    _(
                        "Your changes have been saved. Your new name “%(name)s” awaits review: until city staff or a moderator approves it, everyone else still sees “%(current)s”."
                    )
                    % {"name": pending.name, "current": organization.name},
                )
            return redirect(organization)
    return render(
        request,
        "organizations/form.html",
        {
            "form": form,
            "organization": organization,
            "pending_name_change": pending,
            "name_review": name_changes.needs_review(request.user, organization),
        },
    )
