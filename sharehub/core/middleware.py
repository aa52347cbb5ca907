"""Middleware shared by the whole hub."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from .api_errors import error_response

API_PREFIX = "/api/v1/"


class ApiJsonErrorsMiddleware:
    """Under /api/v1/ every error is JSON in the documented shape ({"detail", "errors"}), also
    those answered outside the API's handlers: Django's 404 for an unknown address, 405, a 400
    for a malformed request or host, a 413, a 500 raised in a middleware. Placed first, so it
    sees the answer of everything after it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code >= 400
            and request.path.startswith(API_PREFIX)
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            replaced = error_response(response.status_code)
            # Every header but the body's own: Allow, Retry-After, WWW-Authenticate, Vary, and
            # what the middleware after this one set (nosniff, the frame, referrer and opener
            # policies, HSTS, a signed-in person's no-store).
            for header, value in response.items():
                if header.lower() not in ("content-type", "content-length"):
                    replaced[header] = value
            replaced.cookies = response.cookies
            return replaced
        return response
