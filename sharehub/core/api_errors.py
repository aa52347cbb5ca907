"""API errors in one shape, {"detail": ..., "errors": {field: [messages]}} (DESIGN §5),
in the language of the request (Accept-Language), and never a 500 for bad input."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps

from django.core.exceptions import (
    BadRequest,
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
)
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser
from pydantic import ValidationError as PydanticValidationError

from sharehub.core.ratelimit import UPLOAD_LIMITED, RateLimited


class ErrorOut(Schema):
    """The body of every API error (DESIGN §5)."""

    detail: str
    errors: dict[str, list[str]]


# For `response=` declarations, so OpenAPI documents the error shape on each operation.
# The statuses every operation can answer (401 with auth, 404 with a path, 422 with input, 400
# and 413 with a body, 500) are added to the document by sharehub.core.api_schema.
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
# For operations that call core.ratelimit.check().
RATE_LIMITED = {429: ErrorOut}

logger = logging.getLogger("django.request")


# Seconds a client is asked to wait when the database is briefly out of reach (a restart, a
# failover): long enough for PostgreSQL to come back, short enough for a person at a rush.
RETRY_AFTER = 5


def caused_by_unavailable_database(exc: BaseException | None) -> bool:
    """Whether the database being out of reach (a connection lost or refused, a server restarting
    or shutting down) caused this error: the error itself, one it was raised from or while
    handling, or an attribute a response schema could not read (pydantic reports that error by
    its name only, in `ctx`)."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, OperationalError | InterfaceError) and not _sql_mistake(exc):
            return True
        if isinstance(exc, PydanticValidationError) and any(
            error["type"] == "get_attribute_error"
            and str(error.get("ctx", {}).get("error", "")).startswith(_UNAVAILABLE)
            for error in exc.errors()
        ):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


_UNAVAILABLE = (f"{OperationalError.__name__}:", f"{InterfaceError.__name__}:")
# SQLite reports a statement the schema does not fit as an OperationalError too (PostgreSQL as a
# ProgrammingError): a bug, never "try again".
_SQL_MISTAKES = (
    "no such table",
    "no such column",
    "no such function",
    "has no column",
    "syntax error",
)


def _sql_mistake(exc: BaseException) -> bool:
    message = str(exc)
    return any(mistake in message for mistake in _SQL_MISTAKES)


def error_detail(status: int) -> str:
    """The `detail` of an error answered without a more precise message."""
    details = {
        400: _("The request could not be read."),
        401: _("Authentication required."),
        403: _("You do not have permission to do this."),
        404: _("Not found."),
        405: _("This method is not allowed here."),
        413: _("The request is too large."),
        422: _("Some fields are not valid."),
        429: _("Too many requests. Please wait a moment."),
        503: _("The service is briefly unavailable. Please try again in a moment."),
    }
    if status in details:
        return str(details[status])
    if status >= 500:
        return str(_("Something went wrong on our side. Please try again later."))
    return str(_("The request could not be processed."))


def error_response(status: int, detail: str | None = None) -> JsonResponse:
    """An error in the documented shape, outside ninja (middleware, Django's error views)."""
    return JsonResponse({"detail": detail or error_detail(status), "errors": {}}, status=status)


class NotAnObject(ValueError):
    """A JSON body that is not an object ([…], "…", 3, null)."""


class JsonObjectParser(Parser):
    """Every JSON request body of this API is an object. ninja's schemas also accept any value
    whose attributes they can read (an ORM object), so a list or a string would otherwise pass
    for an object with all its fields missing (accepted where they all have defaults)."""

    def parse_body(self, request: HttpRequest):
        data = super().parse_body(request)
        if not isinstance(data, dict):
            raise NotAnObject
        return data


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
        "string_too_long": _("Ensure this value has at most %(max)s characters.")
        % {"max": ctx.get("max_length")},
        "string_too_short": _("Ensure this value has at least %(min)s characters.")
        % {"min": ctx.get("min_length")},
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
        "greater_than_equal": _("Ensure this value is greater than or equal to %(limit)s.")
        % {"limit": ctx.get("ge")},
        "less_than_equal": _("Ensure this value is less than or equal to %(limit)s.")
        % {"limit": ctx.get("le")},
        "url_parsing": _("Enter a valid URL."),
        "url_scheme": _("Enter a valid URL."),
        "value_error": str(ctx.get("error", "")) or _("Invalid value."),
    }
    return str(messages.get(kind, _("Invalid value.")))


def _codes_of(exc: DjangoValidationError) -> set:
    if hasattr(exc, "error_dict"):
        return {error.code for errors in exc.error_dict.values() for error in errors}
    return {error.code for error in exc.error_list}


def validation_errors(exc: DjangoValidationError) -> dict[str, list[str]]:
    """A ValidationError's messages by field (`__all__` for those about no field)."""
    if hasattr(exc, "error_dict"):
        return {field: [str(m) for m in messages] for field, messages in exc.message_dict.items()}
    return {"__all__": [str(m) for m in exc.messages]}


def json_errors[**P](view: Callable[P, HttpResponse]) -> Callable[P, HttpResponse]:
    """For a JSON view outside the API (a page's GeoJSON): a ValidationError it raises is a 422 in
    the API's shape, as the API's own handler answers it."""

    @wraps(view)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        try:
            return view(*args, **kwargs)
        except DjangoValidationError as exc:
            return JsonResponse(
                {"detail": _("Some fields are not valid."), "errors": validation_errors(exc)},
                status=422,
                json_dumps_params={"ensure_ascii": False},
            )

    return wrapper


def install_error_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(NinjaValidationError)
    def on_schema_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        errors: dict[str, list[str]] = {}
        for error in exc.errors:
            errors.setdefault(_field_of(error.get("loc", [])), []).append(_message_of(error))
        return api.create_response(
            request, {"detail": _("Some fields are not valid."), "errors": errors}, status=422
        )

    @api.exception_handler(DjangoValidationError)
    def on_validation_error(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        errors = validation_errors(exc)
        if UPLOAD_LIMITED in _codes_of(exc):  # an upload budget spent (core.ratelimit.check_upload)
            return api.create_response(
                request,
                {"detail": _("Too many requests. Please wait a moment."), "errors": errors},
                status=429,
            )
        return api.create_response(
            request, {"detail": _("Some fields are not valid."), "errors": errors}, status=422
        )

    @api.exception_handler(PermissionDenied)
    def on_forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return api.create_response(
            request,
            {"detail": str(exc) or _("You do not have permission to do this."), "errors": {}},
            status=403,
        )

    @api.exception_handler(Http404)
    def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return api.create_response(request, {"detail": _("Not found."), "errors": {}}, status=404)

    @api.exception_handler(AuthenticationError)
    def on_unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        response = api.create_response(
            request, {"detail": _("Authentication required."), "errors": {}}, status=401
        )
        # RFC 9110 §11.6.1: a 401 names the scheme that works (personal tokens; the session needs no challenge).
        response["WWW-Authenticate"] = 'Bearer realm="api"'
        return response

    @api.exception_handler(RateLimited)
    def on_rate_limited(request: HttpRequest, exc: RateLimited) -> HttpResponse:
        return api.create_response(
            request,
            {"detail": _("Too many requests. Please wait a moment."), "errors": {}},
            status=429,
        )

    @api.exception_handler(HttpError)
    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        detail = str(exc)
        if isinstance(exc.__cause__, NotAnObject):  # ninja wraps every parser error in a 400
            message = _("The request body must be a JSON object.")
            return api.create_response(
                request,
                {"detail": _("Some fields are not valid."), "errors": {"__all__": [message]}},
                status=422,
            )
        if exc.status_code == 400 and detail.startswith("Cannot parse request body"):
            detail = _("The request body could not be read: send valid JSON or form data.")
        return api.create_response(
            request, {"detail": detail, "errors": {}}, status=exc.status_code
        )

    @api.exception_handler(RequestDataTooBig)
    def on_too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        return api.create_response(request, {"detail": error_detail(413), "errors": {}}, status=413)

    # Malformed multipart bodies, too many fields, bad headers: Django's 400s, as JSON.
    @api.exception_handler(MultiPartParserError)
    @api.exception_handler(SuspiciousOperation)
    @api.exception_handler(BadRequest)
    def on_bad_request(request: HttpRequest, exc: Exception) -> HttpResponse:
        return api.create_response(request, {"detail": error_detail(400), "errors": {}}, status=400)

    @api.exception_handler(Exception)
    def on_server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        """Anything unexpected: logged as Django logs a 500 (admins are told), answered as JSON.
        The database out of reach is no bug: a 503 asking to try again."""
        if caused_by_unavailable_database(exc):
            # The connection is replaced at the next request (CONN_HEALTH_CHECKS). A retry of a
            # write whose commit did land is answered by the service's own rule.
            logger.warning("Database unavailable: %s: %s", request.path, exc)
            response = api.create_response(
                request, {"detail": error_detail(503), "errors": {}}, status=503
            )
            response["Retry-After"] = str(RETRY_AFTER)
            return response
        logger.error(
            "Internal Server Error: %s",
            request.path,
            exc_info=exc,
            extra={"status_code": 500, "request": request},
        )
        return api.create_response(request, {"detail": error_detail(500), "errors": {}}, status=500)
