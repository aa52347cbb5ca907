"""Outgoing mail: stored in the outbox, then sent by the worker after the transaction commits."""

from __future__ import annotations

from functools import partial

from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db import transaction

from .models import OutboundEmail


def queue_message(message: EmailMessage, *, kind: str = "", user=None) -> OutboundEmail:
    html = ""
    if isinstance(message, EmailMultiAlternatives):
        html = next((content for content, mimetype in message.alternatives if mimetype == "text/html"), "")
    outbound = OutboundEmail.objects.create(
        user=user,
        kind=kind,
        from_email=message.from_email,
        to=list(message.to),
        subject=message.subject,
        body_text=message.body,
        body_html=html,
        headers=dict(message.extra_headers),
    )
    transaction.on_commit(partial(enqueue_send, outbound.pk))
    return outbound


def enqueue_send(outbound_id: int) -> None:
    from .tasks import send_outbound_email

    send_outbound_email.enqueue(outbound_id)
