"""Public newsletter pages: subscribe, confirm, preferences and unsubscribe (reached from mails
without logging in: the signed token is the permission) and the archive."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from sharehub.core.forms import run_service
from sharehub.core.pagination import paginate
from sharehub.core.ratelimit import RateLimited, check
from sharehub.newsletters import conf, selectors, services, tokens, upkeep
from sharehub.newsletters import render as mail_render
from sharehub.newsletters.consent import CONSENT_VERSION, consent_text
from sharehub.newsletters.forms import PreferencesForm, SubscribeForm
from sharehub.newsletters.models import Subscriber


def client_ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def _too_many(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "core/error.html",
        {"title": _("Too many requests"), "message": _("Please wait a moment and try again.")},
        status=429,
    )


def _bad_link(request: HttpRequest, error: tokens.BadToken) -> HttpResponse:
    if error.expired:
        message = _("This link has expired. Please subscribe again to get a new confirmation link.")
    else:
        message = _(
            "This link is not valid. It may be incomplete, or it was replaced by a newer one."
        )
    return render(
        request,
        "newsletters/bad_link.html",
        {"message": message, "expired": error.expired},
        status=400,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def subscribe_page(request: HttpRequest) -> HttpResponse:
    initial: dict[str, Any] = {"language": request.LANGUAGE_CODE}
    if request.user.is_authenticated:
        initial["email"] = request.user.email
        # Their own district, so the district news they most likely want is already chosen.
        if request.user.home_district_id:
            initial["district"] = request.user.home_district_id
    form = SubscribeForm(request.POST or None, initial=initial)
    if request.method == "POST":
        try:
            check(request, "newsletters.subscribe", conf.subscribe_rate_ip())
        except RateLimited:
            return _too_many(request)
        try:
            subscribed = form.is_valid() and run_service(
                form, lambda: services.subscribe(**form.service_fields(), ip=client_ip(request))
            )
        except RateLimited:
            return _too_many(request)
        if subscribed:
            return render(
                request,
                "newsletters/check_inbox.html",
                {"email": upkeep.normalize_email(form.cleaned_data["email"])},
            )
    return render(
        request,
        "newsletters/subscribe.html",
        {
            "form": form,
            "consent_text": consent_text(),
            "consent_version": CONSENT_VERSION,
            "recent": selectors.archive()[:3],
        },
    )


# The page shows the subscriber's address and the link that manages it: no cache may keep it.
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def confirm_page(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button (mail scanners open links), POST confirms."""
    try:
        subscriber = tokens.read_confirm_token(token)
        if request.method == "POST":
            subscriber = services.confirm(token=token, ip=client_ip(request))
    except tokens.BadToken as error:
        return _bad_link(request, error)
    manage = tokens.manage_token(subscriber.pk, subscriber.secret)
    return render(
        request,
        "newsletters/confirm.html",
        {
            "subscriber": subscriber,
            "confirmed": subscriber.status == Subscriber.Status.CONFIRMED,
            "manage_token": manage,
        },
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def preferences_page(request: HttpRequest, token: str) -> HttpResponse:
    try:
        subscriber = tokens.read_manage_token(token)
    except tokens.BadToken as error:
        return _bad_link(request, error)
    initial = {
        "topics": list(subscriber.topics.values_list("pk", flat=True)),
        "language": subscriber.language,
        "district": subscriber.district_id,
    }
    form = PreferencesForm(request.POST or None, initial=initial)
    active = subscriber.status == Subscriber.Status.CONFIRMED
    if (
        request.method == "POST"
        and active
        and form.is_valid()
        and run_service(
            form,
            lambda: services.update_preferences(
                subscriber=subscriber, **form.service_fields(), ip=client_ip(request)
            ),
        )
    ):
        messages.success(request, _("Your preferences are saved."))
        return redirect("newsletters:preferences", token=token)
    return render(
        request,
        "newsletters/preferences.html",
        {"form": form, "subscriber": subscriber, "token": token, "active": active},
    )


@csrf_exempt
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe_page(request: HttpRequest, token: str) -> HttpResponse:
    """RFC 8058 one-click: a POST with no cookie, session or CSRF token unsubscribes (idempotent,
    200 again for an address already unsubscribed); GET only shows the button, since mail scanners
    open every link. CSRF is moot here: the secret is the signed token in the address."""
    try:
        subscriber = tokens.read_manage_token(token)
    except tokens.BadToken as error:
        return _bad_link(request, error)
    if request.method == "POST":
        services.unsubscribe(subscriber=subscriber, ip=client_ip(request))
        subscriber.refresh_from_db(fields=["status"])
    return render(
        request,
        "newsletters/unsubscribe.html",
        {
            "subscriber": subscriber,
            "token": token,
            "done": subscriber.status
            in (Subscriber.Status.UNSUBSCRIBED, Subscriber.Status.BOUNCED),
        },
    )


@require_safe
def archive_list(request: HttpRequest) -> HttpResponse:
    page = paginate(request, selectors.archive())
    return render(request, "newsletters/archive.html", {"page": page})


@require_safe
def archive_detail(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = selectors.archived_campaign(pk)
    language = request.LANGUAGE_CODE
    return render(
        request,
        "newsletters/archive_detail.html",
        {
            "campaign": campaign,
            "subject": mail_render.localized(campaign, "subject", language),
            "body_html": mail_render.safe_body(campaign, language),
        },
    )


# --- city staff -------------------------------------------------------------------------------
