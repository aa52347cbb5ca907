"""Organization pages: thin views that parse, call one service or selector, and render."""

from __future__ import annotations

import copy

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sharehub.core.forms import apply_errors
from sharehub.core.pagination import paginate, querystring_without_page
from sharehub.core.ratelimit import ratelimit_writes
from sharehub.moderation.models import ModerationStatus

from . import name_changes, services
from .forms import (
    SEARCH_MAX_LENGTH,
    InviteForm,
    NameChangeDecisionForm,
    OrganizationEditForm,
    OrganizationFilterForm,
    OrganizationForm,
    RoleForm,
)
from .history import describe
from .invitations import check_open, invitation_for_token
from .models import MemberRole, Organization
from .permissions import (
    can_edit_organization,
    can_manage_members,
    can_review_name_changes,
    can_view_members,
    role_of,
)
from .selectors import (
    email_status,
    get_organization_for,
    members_of,
    open_invitations,
    organization_history,
    pending_name_change_of,
    pending_name_changes,
    search_organizations,
)


def organization_list(request: HttpRequest) -> HttpResponse:
    queryset = search_organizations(
        q=request.GET.get("q", "")[:SEARCH_MAX_LENGTH],
        district=request.GET.get("district", ""),
        kind=request.GET.get("kind", ""),
    )
    context = {"page": paginate(request, queryset), "query": querystring_without_page(request)}
    if request.headers.get("HX-Request") and not request.headers.get("HX-History-Restore-Request"):
        # The filters ask htmx for the results only; without JS the whole page comes back.
        response = render(request, "organizations/list.html#results", context)
    else:
        context["filter_form"] = OrganizationFilterForm(request.GET or None)
        response = render(request, "organizations/list.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def organization_detail(request: HttpRequest, slug: str) -> HttpResponse:
    organization = get_organization_for(request.user, slug)
    role = role_of(request.user, organization)
    show_members = can_view_members(request.user, organization, role=role)
    can_edit = can_edit_organization(request.user, organization, role=role)
    return render(
        request,
        "organizations/detail.html",
        {
            "organization": organization,
            "role": role,
            "role_label": MemberRole(role).label if role else "",
            "can_edit": can_edit,
            "pending_name_change": pending_name_change_of(organization) if can_edit else None,
            "show_members": show_members,
            "members": members_of(organization=organization) if show_members else [],
        },
    )


@login_required
@ratelimit_writes("organizations-create", "10/h")
def organization_create(request: HttpRequest) -> HttpResponse:
    form = OrganizationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            organization = services.create_organization(
                actor=request.user, logo=form.cleaned_data.get("logo"), **form.service_fields()
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
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
        try:
            organization = services.update_organization(
                actor=request.user,
                organization=organization,
                logo=form.cleaned_data.get("logo"),
                remove_logo=form.cleaned_data.get("remove_logo", False),
                **form.service_fields(),
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
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


def _require_reviewer(request: HttpRequest) -> None:
    if not can_review_name_changes(request.user):
        raise PermissionDenied


@login_required
def name_change_list(request: HttpRequest) -> HttpResponse:
    """City staff and moderators: the new names waiting for review, oldest first."""
    _require_reviewer(request)
    return render(
        request,
        "organizations/name_changes.html",
        {"page": paginate(request, pending_name_changes())},
    )


@login_required
@require_POST
def decide_name_change(request: HttpRequest, pk: int) -> HttpResponse:
    _require_reviewer(request)
    form = NameChangeDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(m) for errors in form.errors.values() for m in errors))
    else:
        try:
            if form.cleaned_data["action"] == "approve":
                change = name_changes.approve_name_change(actor=request.user, change_id=pk)
                messages.success(
                    request, _("The new name “%(name)s” is now public.") % {"name": change.name}
                )
            else:
                change = name_changes.reject_name_change(
                    actor=request.user, change_id=pk, reason=form.cleaned_data["reason"]
                )
                messages.success(
                    request,
                    _("The new name “%(name)s” was rejected; the organization has been told why.")
                    % {"name": change.name},
                )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        except PermissionDenied as denied:  # a reviewer's own request, or one of their organization
            messages.error(request, str(denied))
    return redirect("organizations:name_changes")


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
            "history": [(entry, describe(entry, show_emails=manage)) for entry in history],
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
    if form.is_valid():
        try:
            invitation = services.invite_member(
                actor=request.user,
                organization=organization,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                _("An invitation has been sent to %(email)s.") % {"email": invitation.email},
            )
            return _back_to_members(organization)
    return _members_page(request, organization, invite_form=form, status=400)


def _run(request: HttpRequest, action, success: str, **kwargs) -> bool:
    """Call a member service; a rule it refuses (e.g. the last owner) becomes a message."""
    try:
        action(actor=request.user, **kwargs)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return False
    messages.success(request, success)
    return True


@login_required
@require_POST
def revoke_invitation(request: HttpRequest, slug: str, invitation_id: int) -> HttpResponse:
    organization = get_organization_for(request.user, slug)
    _run(
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
        _run(
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
    _run(
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
    _run(
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
    if not _run(
        request,
        services.leave_organization,
        _("You have left the organization."),
        organization=organization,
    ):
        return _back_to_members(organization)
    if organization.moderation_status == ModerationStatus.PUBLISHED:
        return redirect(organization)
    return redirect("organizations:list")


def accept_invitation(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows the invitation; POST (signed in) accepts it. A visitor without an account
    signs up or logs in and comes back here through `next`."""
    context: dict = {"token": token, "error": None}
    status = 200
    try:
        invitation = invitation_for_token(token)
        context["invitation"] = invitation
        check_open(invitation)
    except ValidationError as error:
        context["error"] = " ".join(error.messages)
        code = error.error_dict["token"][0].code
        return render(
            request, "organizations/accept.html", context, status=404 if code == "invalid" else 410
        )
    user = request.user
    if request.method == "POST":
        if not user.is_authenticated:
            return redirect(f"{reverse('account_login')}?{urlencode({'next': request.path})}")
        try:
            membership = services.accept_invitation(actor=user, token=token)
        except ValidationError as error:
            context["error"] = " ".join(error.messages)
            status = 410
        except PermissionDenied as denied:
            context["error"] = str(denied)
            status = 403
        else:
            messages.success(
                request,
                _("Welcome! You are now a member of %(organization)s.")
                % {"organization": membership.organization.name},
            )
            return redirect(membership.organization)
    if user.is_authenticated:
        context["email_status"] = email_status(user=user, email=invitation.email)
    return render(request, "organizations/accept.html", context, status=status)
