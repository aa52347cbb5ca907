from __future__ import annotations

from datetime import timedelta

from django.tasks import task

from .models import OutboundEmail
from .outbox import send_outbound
from .selectors import stale_queued_email_ids


@task()
def send_outbound_email(outbound_id: int) -> str:
    """Send one stored e-mail at most once, however often the task runs (`outbox.send_outbound`).

    After a failure the retry is deferred to the row's next attempt on backends that can, else
    `resend_stale_emails` picks it up.
    """
    outcome = send_outbound(outbound_id)
    if outcome == "failed" and send_outbound_email.get_backend().supports_defer:
        retry_at = (
            OutboundEmail.objects.filter(pk=outbound_id, status=OutboundEmail.Status.QUEUED)
            .values_list("next_attempt_at", flat=True)
            .first()
        )
        if retry_at is not None:
            send_outbound_email.using(run_after=retry_at).enqueue(outbound_id)
    return outcome


@task()
def resend_stale_emails() -> int:
    """Every few minutes: send what is still queued after a crash or a deferred retry, and what a
    dead worker held without sending (its claim expired): idempotent."""
    ids = stale_queued_email_ids(older_than=timedelta(minutes=5))
    for outbound_id in ids:
        send_outbound_email.enqueue(outbound_id)
    return len(ids)
