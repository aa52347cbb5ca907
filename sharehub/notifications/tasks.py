from __future__ import annotations

import logging
from datetime import timedelta

from django.core.mail import EmailMultiAlternatives, mailers
from django.db import transaction
from django.tasks import task
from django.utils import timezone

from .mail import attach_stored
from .models import OutboundEmail

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 5


def retry_delay(attempts: int) -> timedelta:
    """Exponential back-off: 2, 4, 8, 16 minutes after the 1st, 2nd, 3rd, 4th failure."""
    return timedelta(minutes=2**attempts)


@task()
def send_outbound_email(outbound_id: int) -> str:
    """Send one stored e-mail at most once, however often the task runs.

    The row is claimed (queued → sending) in a short transaction, with SKIP LOCKED where the
    database has it, so two workers never both send it; the SMTP conversation happens outside
    any transaction. A failure puts the row back to queued with its error and the time of the
    next attempt; the retry is deferred on backends that can, else `send_queued_emails` picks it up.
    """
    with transaction.atomic():
        outbound = (
            OutboundEmail.objects.select_for_update(skip_locked=True)
            .filter(pk=outbound_id, status=OutboundEmail.Status.QUEUED)
            .first()
        )
        if outbound is None:
            return "skipped"
        outbound.status = OutboundEmail.Status.SENDING
        outbound.attempts += 1
        outbound.save(update_fields=["status", "attempts"])

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
    try:
        mailers.default.send_messages([message])
    except Exception as error:  # SMTP refusals, timeouts: keep the mail and retry later
        logger.warning("sending e-mail %s failed: %s", outbound_id, error)
        retry = outbound.attempts < MAX_ATTEMPTS
        next_attempt_at = timezone.now() + retry_delay(outbound.attempts) if retry else None
        OutboundEmail.objects.filter(pk=outbound_id).update(
            status=OutboundEmail.Status.QUEUED if retry else OutboundEmail.Status.FAILED,
            last_error=f"{type(error).__name__}: {error}"[:2000],
            next_attempt_at=next_attempt_at,
        )
        if retry and send_outbound_email.get_backend().supports_defer:
            send_outbound_email.using(run_after=next_attempt_at).enqueue(outbound_id)
        return "failed"
    OutboundEmail.objects.filter(pk=outbound_id).update(
        status=OutboundEmail.Status.SENT,
        sent_at=timezone.now(),
        last_error="",
        next_attempt_at=None,
    )
    return "sent"


@task()
def resend_stale_emails() -> int:
    """Every few minutes: send what is still queued after a crash or a deferred retry (idempotent)."""
    from .selectors import stale_queued_email_ids

    ids = stale_queued_email_ids(older_than=timedelta(minutes=5))
    for outbound_id in ids:
        send_outbound_email.enqueue(outbound_id)
    return len(ids)
