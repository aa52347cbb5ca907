from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.internal.ratelimit import get_ip
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from sharehub.core.api_errors import error_response
from sharehub.core.i18n import hub_name
from sharehub.notifications.mail import queue_message

LOGIN_LIMITED = "too_many_login_attempts"


class AccountAdapter(DefaultAccountAdapter):
    """Account mail goes through the outbox and the worker, never inline in the request.

    Failed logins are counted per account *and* address (ACCOUNT_RATE_LIMITS["login_failed"]'s
    "key" rate) besides the per-address rate: allauth's default key, the account alone, let anyone
    lock any account, the administrator's included, by typing five wrong passwords.
    """

    error_messages = {
        **DefaultAccountAdapter.error_messages,
        LOGIN_LIMITED: _(
            "Too many failed login attempts from your connection. Wait a few minutes and try again, "
            "or reset your password if you have forgotten it."
        ),
    }

    def format_email_subject(self, subject: str) -> str:
        return f"[{hub_name()}] {subject}"

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        user = context.get("user")
        language = getattr(user, "preferred_language", None) or translation.get_language()
        with translation.override(language):
            ctx = {"email": email, "hub_name": hub_name()}
            ctx.update(context)
            message = self.render_mail(template_prefix, email, ctx)
        queue_message(message, kind=template_prefix.rsplit("/", 1)[-1])

    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials: Any) -> str:
        # The address as allauth's own per-address rate sees it (an IPv6 /64 counts as one).
        # allauth hashes the whole key, so the cache holds neither the e-mail nor the address.
        return f"{super()._get_login_attempts_cache_key(request, **credentials)}:{get_ip(request)}"

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError as error:
            if error.code == LOGIN_LIMITED:
                request.login_rate_limited = True
            raise

    def ajax_response(
        self, request: HttpRequest, response: HttpResponse, *args: Any, **kwargs: Any
    ) -> HttpResponse:
        """A script that logs in with JSON learns it is limited from the status: 429, hub error shape."""
        if getattr(request, "login_rate_limited", False):
            return error_response(429, str(self.error_messages[LOGIN_LIMITED]))
        return super().ajax_response(request, response, *args, **kwargs)
