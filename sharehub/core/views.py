import sys

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from .api_errors import RETRY_AFTER, caused_by_unavailable_database


def health(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(
        request,
        "core/error.html",
        {"title": _("Bad request"), "message": _("The request could not be understood.")},
        status=400,
    )


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(
        request,
        "core/error.html",
        {"title": _("Access denied"), "message": _("You do not have permission to do this.")},
        status=403,
    )


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(
        request,
        "core/error.html",
        {
            "title": _("Page not found"),
            "message": _("The page you are looking for does not exist or has moved."),
        },
        status=404,
    )


def server_error(request: HttpRequest) -> HttpResponse:
    # Django calls this while handling the exception, so it can be read here.
    if caused_by_unavailable_database(sys.exc_info()[1]):
        return database_unavailable(request)
    return render(
        request,
        "core/error.html",
        {
            "title": _("Something went wrong"),
            "message": _(
                "An unexpected error happened. It has been logged; please try again later."
            ),
        },
        status=500,
    )


def database_unavailable(request: HttpRequest) -> HttpResponse:
    """The database out of reach or restarting: a 503 asking to try again, built without it (no
    request context: the header's context processors would query the database again)."""
    content = render_to_string(
        "core/unavailable.html",
        {
            "language": get_language(),
            "title": _("Briefly unavailable"),
            "message": _("The service is briefly unavailable. Please try again in a moment."),
        },
    )
    response = HttpResponse(content, status=503)
    response["Retry-After"] = str(RETRY_AFTER)
    response["Cache-Control"] = "no-store"
    return response


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(
        request,
        "core/error.html",
        {
            "title": _("Form expired"),
            "message": _(
                "Your form could not be accepted for security reasons. Reload the page and try again."
            ),
        },
        status=403,
    )


def terms(request: HttpRequest) -> HttpResponse:
    return render(request, "core/terms.html", {"terms_version": settings.SHAREHUB_TERMS_VERSION})
