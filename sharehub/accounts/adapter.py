from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from allauth.account import app_settings as allauth_account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.authentication import get_authentication_records
from allauth.account.models import EmailAddress
from allauth.core import context as allauth_context
from allauth.core.internal.ratelimit import get_ip
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialApp
from allauth.utils import build_absolute_uri
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from sharehub.core.api_errors import error_response
from sharehub.core.i18n import hub_name
from sharehub.notifications.mail import queue_message, sender

from .mails import ACCOUNT_MAILS, render_bodies, subject_of
from .models import User

LOGIN_LIMITED = "too_many_login_attempts"
# Sent to an address no account uses: never linked to an account, in the page's language.
UNKNOWN_ACCOUNT = "account/email/unknown_account"
OFFERED_LANGUAGES = {code for code, _name in settings.LANGUAGES}


@dataclass(frozen=True)
class HubSite:
    """What allauth's own templates read as `current_site`: the hub's name (from settings, in the
    recipient's language) and its host. Without the sites framework allauth had none to give the
    mail templates, and a greeting read "Hello from !"."""

    name: str
    domain: str


def _request() -> HttpRequest | None:
    return allauth_context.request


def account_of(email: str) -> User | None:
    """The account an address belongs to (any of its addresses), if any."""
    address = EmailAddress.objects.filter(email__iexact=email).select_related("user").first()
    return address.user if address else User.objects.filter(email__iexact=email).first()


def recipient_language(user: Any = None) -> str:
    """A mail's language: the account's preferred language, else the language of the request."""
    preferred = getattr(user, "preferred_language", "")
    if preferred in OFFERED_LANGUAGES:
        return preferred
    return (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]


def logged_in_recently(request: HttpRequest | None) -> bool:
    """Whether this session's person logged in (password, code or second factor) within the
    reauthentication timeout."""
    user = getattr(request, "user", None)
    if request is None or user is None or not user.is_authenticated:
        return False
    records = get_authentication_records(request, user)
    return bool(records) and (
        time.time() - records[-1]["at"] < allauth_account_settings.REAUTHENTICATION_TIMEOUT
    )


def _absolute(request: HttpRequest | None, path: str) -> str:
    if request is None:
        return settings.SHAREHUB_SITE_URL + path
    return build_absolute_uri(request, path)


class AccountAdapter(DefaultAccountAdapter):
    """Account mail goes through the outbox and the worker, never inline in the request, in the
    recipient's language (their preferred one, else the page's), with the hub's texts (mails.py).

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

    def get_from_email(self) -> str:
        # Called while rendering, in the recipient's language: the hub's name in it.
        return sender(address=super().get_from_email())

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Render in the recipient's language and queue in the outbox, linked to the account."""
        user = context.get("user")
        account = user if isinstance(user, User) and user.pk else None
        if account is None and template_prefix != UNKNOWN_ACCOUNT:
            account = account_of(email)
        language = recipient_language(account)
        request = context.get("request") or _request()
        with translation.override(language):
            ctx = {
                "email": email,
                "hub_name": hub_name(),
                "language": language,
                "current_site": HubSite(
                    name=hub_name(),
                    domain=request.get_host()
                    if request
                    else urlsplit(settings.SHAREHUB_SITE_URL).netloc,
                ),
                "site_url": _absolute(request, reverse("core:home")),
                "security_reset_url": _absolute(request, reverse("account_reset_password")),
            }
            ctx.update(context)
            message = self.render_mail(template_prefix, email, ctx)
        queue_message(message, kind=template_prefix.rsplit("/", 1)[-1], user=account)

    def render_mail(
        self,
        template_prefix: str,
        email: str | list[str],
        context: dict[str, Any],
        headers: dict[str, str] | None = None,
    ) -> EmailMessage:
        """The hub's own texts (`mails.ACCOUNT_MAILS`), else allauth's template."""
        mail = ACCOUNT_MAILS.get(template_prefix)
        if mail is None:
            return super().render_mail(template_prefix, email, context, headers=headers)
        text, html = render_bodies(mail, context)
        message = EmailMultiAlternatives(
            self.format_email_subject(subject_of(mail, context)),
            text,
            self.get_from_email(),
            [email] if isinstance(email, str) else email,
            headers=headers,
        )
        message.attach_alternative(html, "text/html")
        return message

    # The links a mail carries are made in the recipient's language (/en/… for an English mail).

    def send_confirmation_mail(
        self, request: HttpRequest, emailconfirmation: Any, signup: bool
    ) -> None:
        with translation.override(recipient_language(emailconfirmation.email_address.user)):
            super().send_confirmation_mail(request, emailconfirmation, signup)

    def send_password_reset_mail(
        self, user: AbstractBaseUser, email: str, context: dict[str, Any]
    ) -> None:
        with translation.override(recipient_language(user)):
            key = f"{context['uid']}-{context['key']}"
            context = {**context, "password_reset_url": self.get_reset_password_from_key_url(key)}
            super().send_password_reset_mail(user, email, context)

    def send_account_already_exists_mail(self, email: str) -> None:
        with translation.override(recipient_language(account_of(email))):
            super().send_account_already_exists_mail(email)

    def send_notification_mail(
        self,
        template_prefix: str,
        user: AbstractBaseUser,
        context: dict[str, Any] | None = None,
        email: str | None = None,
    ) -> None:
        """A notice of a change to the account, to its owner (allauth leaves `user` out)."""
        with translation.override(recipient_language(user)):
            super().send_notification_mail(
                template_prefix, user, {**(context or {}), "user": user}, email
            )

    def is_reauthentication_required(self, *, app: str, **kwargs: Any) -> bool:
        """A login a moment ago counts as confirming access: allauth counts only an explicit
        reauthentication, so a new staff member, sent to set up two-factor authentication right
        after logging in, was asked for the password a second time."""
        if not super().is_reauthentication_required(app=app, **kwargs):
            return False
        return not logged_in_recently(self.request or _request())

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


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """Kakao and Naver, on when the city sets their keys (settings.SOCIALACCOUNT_PROVIDERS, from
    the environment; docs/accounts-social-login.md).

    Only those keys count: an application stored in the database (allauth's admin) is ignored,
    and a provider without keys answers 404 rather than allauth's error.
    """

    def list_apps(
        self, request: HttpRequest | None, provider: Any = None, client_id: Any = None
    ) -> list[SocialApp]:
        apps = super().list_apps(request, provider=provider, client_id=client_id)
        return [app for app in apps if app.pk is None]

    def get_app(
        self, request: HttpRequest | None, provider: Any, client_id: Any = None
    ) -> SocialApp:
        try:
            return super().get_app(request, provider, client_id=client_id)
        except SocialApp.DoesNotExist:
            raise Http404 from None

    def get_signup_form_initial_data(self, sociallogin: Any) -> dict[str, Any]:
        """The provider's nickname as the display name, which the person may change."""
        initial = super().get_signup_form_initial_data(sociallogin)
        data = sociallogin.account.extra_data or {}
        nickname = (
            (data.get("kakao_account") or {}).get("profile", {}).get("nickname")
            or data.get("nickname")
            or ""
        )
        initial["display_name"] = nickname[:80]
        return initial
