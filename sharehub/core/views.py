from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


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
