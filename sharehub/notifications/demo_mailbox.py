"""The demo mailbox: with no SMTP server, a demo visitor reads the mail meant for them, and only that.

On only when SHAREHUB_DEMO_MAILBOX is set (`make run` sets it; off by default and in production).
A browser session reads:

- the mails it asked for itself: a mail of a self-service kind (sign-up confirmation, password
  reset, login code, e-mail address confirmation, newsletter confirmation) queued during one of its
  own requests is tagged with a random key kept in that session;
- once signed in, the mails of its own account: linked to the user, or addressed to one of the
  user's verified addresses.

A mail that someone else's action sends (a staff decision, an invitation) is never tagged with the
acting session, so staff and inviters do not read it. Whoever types an address into a sign-up or
reset form reads that form's mail: that is why the mailbox is a demo tool only.
"""

from __future__ import annotations

import email
import email.policy
import secrets
from email.utils import getaddresses
from typing import Any

from allauth.account.models import EmailAddress
from allauth.core import context
from django.conf import settings
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone

from .models import OutboundEmail

SESSION_KEY = "demo_mailbox_reader"

# Mails a person asks for, for the address they type (allauth's templates, newsletters' double opt-in).
SELF_SERVICE_KINDS = frozenset(
    {
        "email_confirmation_signup",
        "email_confirmation",
        "password_reset_key",
        "password_reset_code",
        "password_reset",
        "unknown_account",
        "account_already_exists",
        "login_code",
        "email_changed",
        "email_deleted",
        "password_changed",
        "password_set",
        "newsletters.confirm",
        "newsletters.already",
    }
)


def enabled() -> bool:
    return bool(getattr(settings, "SHAREHUB_DEMO_MAILBOX", False))


def _current_request() -> HttpRequest | None:
    # allauth's AccountMiddleware keeps the request in a context variable for every request.
    return context.request


def reader_for_new_mail(*, kind: str) -> str:
    """The demo key of the session asking for this mail for itself, or "" (demo off, worker, someone else's mail)."""
    if not enabled() or kind not in SELF_SERVICE_KINDS:
        return ""
    request = _current_request()
    session = getattr(request, "session", None)
    if session is None:
        return ""
    if not session.get(SESSION_KEY):
        session[SESSION_KEY] = secrets.token_urlsafe(32)
    return session[SESSION_KEY]


def keep_copy(*, kind: str, to: str, content: bytes) -> None:
    """Demo only: a copy of a mail sent outside the outbox (a newsletter issue, sent by its own
    engine straight to the mailer), kept as a sent outbox row so the demo mailbox shows it. The
    browser that asked for this address's last newsletter confirmation reads it, as does whoever
    signs in with the address verified. Only the confirmation counts: a password reset anyone can
    ask for an address must not bring its owner's issues, and their unsubscribe links, to
    another browser. Nothing when the demo is off."""
    if not enabled():
        return
    message = email.message_from_bytes(content, policy=email.policy.default)
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    address = to.lower()
    reader = next(
        (
            key
            for key, recipients in OutboundEmail.objects.filter(
                kind="newsletters.confirm", to__icontains=address
            )
            .exclude(demo_reader="")
            .order_by("-created_at", "-pk")
            .values_list("demo_reader", "to")
            if address in {a.lower() for _name, a in getaddresses(recipients or [])}
        ),
        "",
    )
    OutboundEmail.objects.create(
        kind=kind,
        from_email=str(message["From"] or settings.DEFAULT_FROM_EMAIL),
        to=[to],
        subject=str(message["Subject"] or ""),
        body_text=text.get_content() if text is not None else "",
        body_html=html.get_content() if html is not None else "",
        status=OutboundEmail.Status.SENT,
        sent_at=timezone.now(),
        demo_reader=reader,
    )


def _own_addresses(user: Any) -> set[str]:
    return {
        email.lower()
        for email in EmailAddress.objects.filter(user=user, verified=True).values_list(
            "email", flat=True
        )
    }


def mails_for(request: HttpRequest) -> QuerySet[OutboundEmail]:
    """The mails this browser may read in the demo mailbox (404 when the demo mailbox is off)."""
    if not enabled():
        raise Http404
    visible = Q(pk__in=[])
    if key := request.session.get(SESSION_KEY):
        visible |= Q(demo_reader=key)
    user = request.user
    if user.is_authenticated:
        visible |= Q(user=user)
        addresses = _own_addresses(user)
        if addresses:
            candidates = Q()
            for address in addresses:
                candidates |= Q(to__icontains=address)
            ids = [
                pk
                for pk, recipients in OutboundEmail.objects.filter(candidates).values_list(
                    "pk", "to"
                )
                if addresses
                & {address.lower() for _name, address in getaddresses(recipients or [])}
            ]
            visible |= Q(pk__in=ids)
    return OutboundEmail.objects.filter(visible)


def get_mail_for(request: HttpRequest, *, outbound_id: int) -> OutboundEmail:
    mail = mails_for(request).filter(pk=outbound_id).first()
    if mail is None:
        raise Http404
    return mail
