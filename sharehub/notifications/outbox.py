"""Sending one stored e-mail of the outbox through the mail engine, exactly once."""

from __future__ import annotations

import base64
import logging
from typing import Any

from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db.models import Q

from . import engine
from .models import OutboundEmail

logger = logging.getLogger(__name__)

#: Tries of one e-mail before it is marked failed (the delays between them: `engine.retry_delay`).
MAX_ATTEMPTS = 5


def stored_attachment(attachment: Any) -> dict:
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


def message_of(outbound: OutboundEmail) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=outbound.subject,
        body=outbound.body_text,
        from_email=outbound.from_email,
        to=outbound.to,
        headers=outbound.headers or None,
    )
    if outbound.body_html:
        message.attach_alternative(outbound.body_html, "text/html")
    attach_stored(message, outbound.attachments)
    return message


def send_outbound(outbound_id: int) -> str:
    """Send one stored e-mail at most once, however often this runs: "sent", "skipped" (another
    worker has it, or it is no longer queued), or "failed" (kept with its error and the time of
    the next attempt, or failed for good after MAX_ATTEMPTS).

    The row is claimed (`engine.claim`, queued → sending, one more attempt) in a short
    transaction; the SMTP conversation happens outside any transaction and the row is marked
    'sent' as the mail's "." leaves (`engine.send_claimed`).
    """
    worker = engine.new_worker_id()
    if not engine.claim(
        OutboundEmail,
        where=Q(pk=outbound_id),
        worker=worker,
        size=1,
        due_only=False,
        count_attempt=True,
    ):
        return "skipped"
    outbound = OutboundEmail.objects.get(pk=outbound_id)
    if outbound.attempts > MAX_ATTEMPTS:  # workers died with it, claim after claim: stop there
        engine.record_failure(
            OutboundEmail,
            outbound_id,
            worker=worker,
            error=outbound.last_error or "no attempt finished",
            failures=outbound.attempts,
            max_attempts=MAX_ATTEMPTS,
            permanent=True,
        )
        return "failed"
    transport = engine.SmtpTransport()
    try:
        mail = transport.outgoing(message_of(outbound))
        result = engine.send_claimed(
            transport, OutboundEmail, outbound_id, worker=worker, mail=mail
        )
    except ValueError as error:  # an address the mailer refuses to put on the wire
        result = engine.Result(engine.Outcome.REFUSED, f"{type(error).__name__}: {error}")
    finally:
        transport.close()
    if result.outcome is engine.Outcome.SENT:
        return "sent"
    if result.outcome is engine.Outcome.LOST:
        return "skipped"
    logger.warning("sending e-mail %s failed: %s", outbound_id, result.error)
    engine.record_failure(
        OutboundEmail,
        outbound_id,
        worker=worker,
        error=result.error,
        failures=outbound.attempts,
        max_attempts=MAX_ATTEMPTS,
        permanent=result.outcome is engine.Outcome.REFUSED,
    )
    return "failed"
