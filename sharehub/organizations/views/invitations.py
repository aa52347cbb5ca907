"""Accepting an invitation from its link."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from sharehub.organizations import services
from sharehub.organizations.invitations import check_open, invitation_for_token
from sharehub.organizations.selectors import email_status


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
