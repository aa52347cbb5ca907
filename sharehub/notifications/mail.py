"""Outgoing mail: stored in the outbox, then sent by the worker after the transaction commits."""

from __future__ import annotations

import base64
from functools import partial

from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db import transaction

from . import demo_mailbox
from .models import OutboundEmail


def queue_message(message: EmailMessage, *, kind: str = "", user=None) -> OutboundEmail:
    html = ""
    if isinstance(message, EmailMultiAlternatives):
        html = next(
            (content for content, mimetype in message.alternatives if mimetype == "text/html"), ""
        )
    outbound = OutboundEmail.objects.create(
        user=user,
        kind=kind,
        from_email=message.from_email,
        to=list(message.to),
        subject=message.subject,
        body_text=message.body,
        body_html=html,
        headers=dict(message.extra_headers),
        attachments=[_stored(attachment) for attachment in message.attachments],
        demo_reader=demo_mailbox.reader_for_new_mail(kind=kind),
    )
    transaction.on_commit(partial(enqueue_send, outbound.pk))
    return outbound


def _stored(attachment) -> dict:
    """An attachment as JSON: content is base64 (text is encoded as UTF-8 first)."""
    filename, content, mimetype = attachment
    data = content.encode() if isinstance(content, str) else bytes(content)
    return {
        "filename": filename,
        "mimetype": mimetype or "application/octet-stream",
        "content": base64.b64encode(data).decode(),
    }


def attach_stored(message: EmailMessage, attachments: list[dict]) -> None:
    for attachment in attachments or []:
        message.attach(
            attachment["filename"], base64.b64decode(attachment["content"]), attachment["mimetype"]
        )


def enqueue_send(outbound_id: int) -> None:
    from .tasks import send_outbound_email

    send_outbound_email.enqueue(outbound_id)
