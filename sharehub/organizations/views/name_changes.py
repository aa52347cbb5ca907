"""The review of new public names, for city staff and moderators."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sharehub.accounts.roles import is_moderator
from sharehub.core.pagination import paginate
from sharehub.organizations import name_changes
from sharehub.organizations.forms import NameChangeDecisionForm
from sharehub.organizations.permissions import can_review_name_changes
from sharehub.organizations.selectors import pending_name_changes


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
        {
            "page": paginate(request, pending_name_changes()),
            "moderator": is_moderator(request.user),
        },
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
