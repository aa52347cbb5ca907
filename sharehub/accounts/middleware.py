from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from .auth import has_mfa

# Pages a privileged user may still open before setting up two-factor authentication.
ALLOWED_NAMES = {
    "mfa_activate_totp",
    "mfa_index",
    "mfa_view_recovery_codes",
    "mfa_generate_recovery_codes",
    "mfa_download_recovery_codes",
    "account_logout",
    "account_reauthenticate",
    "mfa_reauthenticate",
    "account_email",
    "account_confirm_email",
    "set_language",
}


class RequireMFAForPrivilegedMiddleware:
    """Staff, moderators and administrators must turn on TOTP before they can do anything else."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.is_privileged:
            return None
        match = request.resolver_match
        if request.path.startswith(("/api/", "/static/", "/media/", "/health/")):
            return None
        if match is not None and match.url_name in ALLOWED_NAMES:
            return None
        if has_mfa(user):
            return None
        messages.warning(request, _("Your role requires two-factor authentication. Please set it up to continue."))
        return redirect(reverse("mfa_activate_totp"))
