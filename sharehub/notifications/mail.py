"""Outgoing mail: stored in the outbox inside the caller's transaction, its sending enqueued on
commit (the worker sends it through the mail engine: `outbox.send_outbound`)."""

from __future__ import annotations

from functools import partial

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db import transaction

from . import demo_mailbox
from .models import OutboundEmail
from .outbox import stored_attachment
from .tasks import send_outbound_email


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
