from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from .auth import has_mfa
from .roles import is_privileged

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
        if user is None or not user.is_authenticated or not is_privileged(user):
            return None
        match = request.resolver_match
        if request.path.startswith(("/api/", "/static/", "/media/", "/health/")):
            return None
        if match is not None and match.url_name in ALLOWED_NAMES:
            return None
        if has_mfa(user):
            return None
        messages.warning(
            request,
            _("Your role requires two-factor authentication. Please set it up to continue."),
        )
        return redirect(reverse("mfa_activate_totp"))


class PrivatePagesNoStoreMiddleware:
    """Whatever a signed-in person is shown is theirs (their name in the menu, their tokens, their
    data, their organizations' back office): no browser or shared cache may keep it
    (`Cache-Control: private, no-store`). A view that chose a public cache policy keeps it.
    The API counts too: a token sets request.user inside the view, before this sees the response."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and "public" not in response.get("Cache-Control", "")
        ):
            add_never_cache_headers(response)
        return response
