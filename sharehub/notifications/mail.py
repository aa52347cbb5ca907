"""Outgoing mail: stored in the outbox inside the caller's transaction, its sending enqueued on
commit (the worker sends it through the mail engine: `outbox.send_outbound`)."""

from __future__ import annotations

from email.headerregistry import Address
from email.utils import parseaddr
from functools import partial

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db import transaction

from sharehub.core.i18n import hub_name

from . import demo_mailbox
from .models import OutboundEmail
from .outbox import stored_attachment
from .tasks import send_outbound_email


def sender(language: str | None = None, address: str = "") -> str:
    """The From of a hub mail: the configured address (`address`, else DEFAULT_FROM_EMAIL) under
    the hub's name in the mail's language (the active one unless given), "공유허브 <noreply@…>"
    for a Korean mail. The name is left unencoded: the mail machinery encodes it (RFC 2047) when
    it builds the message, and the outbox shows it readable."""
    configured = address or settings.DEFAULT_FROM_EMAIL
    _name, email_address = parseaddr(configured)
    name = hub_name(language)
    if not email_address or not name:
        return configured
    # The standard library quotes a name holding specials ("Hub.", commas, quotes).
    return str(Address(display_name=name, addr_spec=email_address))


def queue_message(
    message: EmailMessage, *, kind: str = "", user: AbstractBaseUser | None = None
) -> OutboundEmail:
    """Store `message` in the outbox (inside the caller's transaction) and enqueue its sending on
    commit: a rolled-back decision sends nothing."""
    html = ""
    if isinstance(message, EmailMultiAlternatives):
        html = next(
            (str(content) for content, mimetype in message.alternatives if mimetype == "text/html"),
            "",
        )
    outbound = OutboundEmail.objects.create(
        # The user model lives in accounts, above this app: any AbstractBaseUser is one.
        user=user,  # type: ignore[misc]
        kind=kind,
        from_email=message.from_email,
        to=list(message.to),
        subject=str(message.subject),
        body_text=str(message.body),
        body_html=html,
        headers=dict(message.extra_headers),
        attachments=[stored_attachment(attachment) for attachment in message.attachments],
        demo_reader=demo_mailbox.reader_for_new_mail(kind=kind),
    )
    # robust: a queue out of reach (Redis restarting) is logged; the row waits for the sweep
    # (send_queued_emails), and the person's own action stands.
    transaction.on_commit(partial(enqueue_send, outbound.pk), robust=True)
    return outbound


def enqueue_send(outbound_id: int) -> None:
    send_outbound_email.enqueue(outbound_id)
