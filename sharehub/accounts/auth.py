"""API authentication: personal tokens (Authorization: Bearer …) or the browser session with CSRF.

Both obey the browser's two-factor rule: a staff member, moderator or administrator without TOTP
is not authenticated by the API, whatever token or session they hold (401).
"""

from __future__ import annotations

from typing import Any

from allauth.mfa.models import Authenticator
from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from sharehub.core.actors import Actor

from .roles import is_privileged
from .services import user_for_token


def passes_mfa_rule(user: Actor) -> bool:
    """Privileged roles must have TOTP before the API accepts them (as the pages do)."""
    return not is_privileged(user) or has_mfa(user)


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = user_for_token(token)
        if user is None or not passes_mfa_rule(user):
            return None
        request.user = user
        return user


class BrowserSessionAuth(SessionAuth):
    """The session works for the API too, except for privileged users who skipped 2FA.

    CSRF protects a signed-in session; a request with no signed-in session has nothing to protect,
    so it is simply not authenticated here (the API answers 401 with the JSON error, not 403 "CSRF").
    """

    def __call__(self, request: HttpRequest) -> Any:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        return super().__call__(request)  # checks CSRF, then authenticate()

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        if user and not passes_mfa_rule(user):
            return None
        return user


def has_mfa(user: Actor) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


api_auth = [TokenAuth(), BrowserSessionAuth()]


def optional_user(request: HttpRequest) -> Any:
    """The signed-in user on a public read (auth=None), by token or session, else None."""
    for backend in api_auth:
        if user := backend(request):
            return user
    return None
