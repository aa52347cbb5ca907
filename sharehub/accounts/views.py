from __future__ import annotations

import json

from allauth.account.adapter import get_adapter
from allauth.account.models import EmailAddress
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sharehub.core.api_errors import error_response
from sharehub.core.audit import describe, history_for
from sharehub.core.forms import run_action, run_service
from sharehub.core.me_panels import render_me_panels
from sharehub.core.pagination import paginate, querystring_without_page
from sharehub.core.ratelimit import ratelimit_writes

from . import selectors, services
from .consents import SIGNUP_CONSENTS
from .forms import (
    ApiTokenForm,
    DeleteAccountForm,
    ProfileForm,
    StaffRoleForm,
    StaffSearchForm,
    TwoFactorResetForm,
    client_ip,
)
from .roles import is_administrator


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        services.update_profile(
            actor=request.user, user=request.user, **{f: form.cleaned_data[f] for f in form.fields}
        )
        messages.success(request, _("Your profile has been saved."))
        return redirect("accounts:profile")
    return render(
        request,
        "accounts/profile.html",
        {
            "form": form,
            # What the other apps know of the person (their manifests register the panels).
            "panels": render_me_panels(request),
            "emails": EmailAddress.objects.filter(user=request.user),
            "consents": request.user.consents.all(),
        },
    )


@login_required
@ratelimit_writes("api-tokens", "20/h")
def api_tokens(request: HttpRequest) -> HttpResponse:
    form = ApiTokenForm(request.POST or None)
    new_secret = None
    if request.method == "POST" and form.is_valid():
        _token, new_secret = services.create_api_token(
            actor=request.user, name=form.cleaned_data["name"]
        )
        form = ApiTokenForm()
    return render(
        request,
        "accounts/api_tokens.html",
        {"form": form, "tokens": request.user.api_tokens.all(), "new_secret": new_secret},
    )


@login_required
@require_POST
def revoke_api_token(request: HttpRequest, token_id: int) -> HttpResponse:
    try:
        services.revoke_api_token(actor=request.user, token_id=token_id)
    except services.ApiToken.DoesNotExist:
        messages.error(request, _("That token does not exist."))
    else:
        messages.success(request, _("The token has been revoked."))
    return redirect("accounts:api_tokens")


def _privacy_page(
    request: HttpRequest, delete_form: DeleteAccountForm, status: int = 200
) -> HttpResponse:
    in_force = services.consents_in_force(request.user)
    return render(
        request,
        "accounts/privacy.html",
        {
            "consents": request.user.consents.all(),
            "optional_consents": [
                {"spec": spec, "given": spec.kind in in_force}
                for spec in SIGNUP_CONSENTS
                if not spec.required
            ],
            "delete_form": delete_form,
        },
        status=status,
    )


@login_required
def privacy(request: HttpRequest) -> HttpResponse:
    return _privacy_page(request, DeleteAccountForm())


@login_required
@require_POST
def set_consent(request: HttpRequest) -> HttpResponse:
    """Give or withdraw an optional consent (the newsletter) from the privacy page."""
    given = request.POST.get("given") == "1"
    run_action(
        request,
        services.set_optional_consent,
        _("Your consent has been recorded.") if given else _("Your consent has been withdrawn."),
        kind=request.POST.get("kind", ""),
        given=given,
        ip_address=client_ip(request),
    )
    return redirect("accounts:privacy")


@login_required
def export_data(request: HttpRequest) -> HttpResponse:
    data = services.export_user_data(user=request.user)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2, default=str),
        content_type="application/json; charset=utf-8",
    )
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="sharehub-my-data-{stamp}.json"'
    return response


@login_required
@require_POST
def delete_account(request: HttpRequest) -> HttpResponse:
    form = DeleteAccountForm(request.POST)
    if not form.is_valid():
        return _privacy_page(request, form, status=400)
    user = request.user
    services.delete_account(actor=user, user=user)
    logout(request)
    messages.success(request, _("Your account has been deleted. Thank you for taking part."))
    return redirect("core:home")


def _require_administrator(request: HttpRequest) -> None:
    if not is_administrator(request.user):
        raise PermissionDenied


@login_required
def staff(request: HttpRequest) -> HttpResponse:
    """Administrators find people by e-mail or name, with their roles and two-factor state."""
    _require_administrator(request)
    form = StaffSearchForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    people = selectors.people_for_staff_management(
        q=filters.get("q", ""), role=filters.get("role", "")
    )
    return render(
        request,
        "accounts/staff.html",
        {
            "form": form,
            "page": paginate(request, people),
            "querystring": querystring_without_page(request),
        },
    )


@login_required
def staff_member(request: HttpRequest, user_id: int) -> HttpResponse:
    """One person: give or remove a role, reset a lost second factor, the record of both."""
    _require_administrator(request)
    person = selectors.person_for_staff_management(user_id)
    if person is None:
        raise Http404
    role_form = StaffRoleForm(request.POST if "role-role" in request.POST else None, prefix="role")
    reset_form = TwoFactorResetForm(
        request.POST if "mfa-reason" in request.POST else None, prefix="mfa"
    )
    if request.method == "POST" and person.pk != request.user.pk:
        if role_form.is_bound and role_form.is_valid():
            changed = run_service(
                role_form,
                lambda: services.set_staff_role(
                    actor=request.user, user=person, **role_form.cleaned_data
                ),
            )
            if changed is not None:
                messages.success(
                    request,
                    _("The role has been changed.") if changed else _("Nothing has changed."),
                )
                return redirect("accounts:staff_member", user_id=person.pk)
        elif reset_form.is_bound and reset_form.is_valid():
            removed = run_service(
                reset_form,
                lambda: services.reset_two_factor(
                    actor=request.user, user=person, reason=reset_form.cleaned_data["reason"]
                ),
            )
            if removed is not None:
                messages.success(
                    request,
                    _(
                        "Two-factor authentication has been reset: the person sets it up again "
                        "at their next login."
                    ),
                )
                return redirect("accounts:staff_member", user_id=person.pk)
    elif request.method == "POST":
        raise PermissionDenied  # nobody changes their own roles
    return render(
        request,
        "accounts/staff_member.html",
        {
            "person": person,
            "own": person.pk == request.user.pk,
            "role_form": role_form,
            "reset_form": reset_form,
            "history": [
                (entry, describe(entry))
                for entry in history_for(person).filter(action__startswith="accounts.")[:20]
            ],
        },
        status=400 if request.method == "POST" else 200,
    )


def too_many_requests(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """allauth's own limits (ACCOUNT_RATE_LIMITS: login, sign-up, password reset) answer here:
    the hub's error page in the user's language, or the JSON error shape for scripts."""
    if request.path.startswith("/api/") or get_adapter(request).is_ajax(request):
        return error_response(429)
    return render(
        request,
        "core/error.html",
        {"title": _("Too many requests"), "message": _("Please wait a moment and try again.")},
        status=429,
    )
