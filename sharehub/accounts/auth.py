"""API authentication: personal tokens (Authorization: Bearer …) or the browser session with CSRF."""

from __future__ import annotations

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from .services import user_for_token


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user


class BrowserSessionAuth(SessionAuth):
    """The session works for the API too, except for privileged users who skipped 2FA."""

    def authenticate(self, request: HttpRequest, key):
        user = super().authenticate(request, key)
        if user and user.is_privileged and not has_mfa(user):
            return None
        return user


def has_mfa(user) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


api_auth = [TokenAuth(), BrowserSessionAuth()]


def optional_user(request: HttpRequest):
    """The signed-in user on a public read (auth=None), by token or session, else None."""
    for backend in api_auth:
        if user := backend(request):
            return user
    return None
