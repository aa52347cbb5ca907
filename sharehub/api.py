"""The public REST API: one NinjaAPI at /api/v1/ that mounts every app's router.

Errors always have the shape {"detail": ..., "errors": {field: [messages]}} (DESIGN §5),
in the language of the request (Accept-Language), and never a 500 for bad input.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from sharehub.accounts.api import router as accounts_router
from sharehub.accounts.auth import api_auth
from sharehub.core.ratelimit import RateLimited
from sharehub.organizations.api import router as organizations_router
from sharehub.places.api import router as places_router

api = NinjaAPI(
    title="ShareHub API",
    version="1",
    description="Public REST API of the sharing city hub.",
    urls_namespace="api",
    docs_url="/docs",
    auth=api_auth,
)
api.add_router("/", accounts_router)
api.add_router("/districts", places_router)
api.add_router("/organizations", organizations_router)


def _field_of(loc: list) -> str:
    # ninja locations look like ["body", "payload", "name"] or ["query", "page"].
    parts = [str(p) for p in loc if p not in ("body", "payload", "query", "path", "form", "file")]
    return ".".join(parts) or "__all__"


@api.exception_handler(NinjaValidationError)
def on_schema_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        errors.setdefault(_field_of(error.get("loc", [])), []).append(error.get("msg", _("Invalid value.")))
    return api.create_response(request, {"detail": _("Some fields are not valid."), "errors": errors}, status=422)


@api.exception_handler(DjangoValidationError)
def on_validation_error(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    if hasattr(exc, "error_dict"):
        errors = {field: [str(m) for m in messages] for field, messages in exc.message_dict.items()}
    else:
        errors = {"__all__": [str(m) for m in exc.messages]}
    return api.create_response(request, {"detail": _("Some fields are not valid."), "errors": errors}, status=422)


@api.exception_handler(PermissionDenied)
def on_forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc) or _("You do not have permission to do this."), "errors": {}}, status=403)


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": _("Not found."), "errors": {}}, status=404)


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(request, {"detail": _("Authentication required."), "errors": {}}, status=401)


@api.exception_handler(RateLimited)
def on_rate_limited(request: HttpRequest, exc: RateLimited) -> HttpResponse:
    return api.create_response(request, {"detail": _("Too many requests. Please wait a moment."), "errors": {}}, status=429)


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc), "errors": {}}, status=exc.status_code)
