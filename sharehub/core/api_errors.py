"""API errors in one shape, {"detail": ..., "errors": {field: [messages]}} (DESIGN §5),
in the language of the request (Accept-Language), and never a 500 for bad input."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from sharehub.core.ratelimit import RateLimited


class ErrorOut(Schema):
    """The body of every API error (DESIGN §5)."""

    detail: str
    errors: dict[str, list[str]]


# For `response=` declarations, so OpenAPI documents the error shape on each operation.
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


def _field_of(loc: list) -> str:
    # ninja locations look like ["body", "payload", "name"] or ["query", "page"].
    parts = [str(p) for p in loc if p not in ("body", "payload", "query", "path", "form", "file")]
    return ".".join(parts) or "__all__"


def _message_of(error: dict) -> str:
    """Pydantic speaks English only: give the common errors a translated message."""
    ctx = error.get("ctx") or {}
    kind = error.get("type", "")
    messages = {
        "missing": _("This field is required."),
        "string_too_long": _("Ensure this value has at most %(max)s characters.") % {"max": ctx.get("max_length")},
        "string_too_short": _("Ensure this value has at least %(min)s characters.") % {"min": ctx.get("min_length")},
        "string_type": _("Enter text."),
        "int_parsing": _("Enter a whole number."),
        "int_type": _("Enter a whole number."),
        "float_parsing": _("Enter a number."),
        "bool_parsing": _("Enter true or false."),
        "json_invalid": _("The request body is not valid JSON."),
        "model_attributes_type": _("The request body must be a JSON object."),
        "dict_type": _("The request body must be a JSON object."),
        "enum": _("Select a valid choice."),
        "literal_error": _("Select a valid choice."),
        "greater_than_equal": _("Ensure this value is greater than or equal to %(limit)s.") % {"limit": ctx.get("ge")},
        "less_than_equal": _("Ensure this value is less than or equal to %(limit)s.") % {"limit": ctx.get("le")},
        "url_parsing": _("Enter a valid URL."),
        "url_scheme": _("Enter a valid URL."),
        "value_error": str(ctx.get("error", "")) or _("Invalid value."),
    }
    return str(messages.get(kind, _("Invalid value.")))


def install_error_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(NinjaValidationError)
    def on_schema_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        errors: dict[str, list[str]] = {}
        for error in exc.errors:
            errors.setdefault(_field_of(error.get("loc", [])), []).append(_message_of(error))
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
