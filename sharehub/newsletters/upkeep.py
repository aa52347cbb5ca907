"""Writes that no person asks for: the sending worker's and the periodic jobs'.

Below `services` (which enqueue the tasks) and `tasks` (which run these): a hard bounce reported
by the mail server, a bounce list or the webhook; a campaign stopped by an error of its own;
scheduled campaigns that are due; addresses never confirmed.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone

from .models import Campaign, Subscriber

FAILURE_REASON_MAX = 1000
BOUNCE_REASON_MAX = 500


def normalize_email(value: str) -> str:
    value = (value or "").strip()
    local, at, domain = value.rpartition("@")
    return f"{local}@{domain.lower()}" if at else value


@transaction.atomic
def mark_bounced(*, email: str, reason: str) -> bool:
    """A hard bounce: the address gets nothing more (until its owner subscribes again). The
    reason (the server's refusal, "bounce list", "webhook") is kept and shown to staff."""
    changed = (
        Subscriber.objects.annotate(email_ci=Lower("email"))
        .filter(email_ci=normalize_email(email).lower())
        .exclude(status=Subscriber.Status.BOUNCED)
        .update(
            status=Subscriber.Status.BOUNCED,
            bounced_at=timezone.now(),
            bounce_reason=(reason or "")[:BOUNCE_REASON_MAX],
        )
    )
    return bool(changed)


@transaction.atomic
def fail_campaign(campaign_id: int, *, reason: str) -> bool:
    """Sending stopped on an error of the campaign itself: it stops in 'failed' with the reason
    (shown to staff, who may correct it and retry) instead of staying 'sending' for ever.
    Called by the worker; True when this call moved it."""
    changed = Campaign.objects.filter(pk=campaign_id, status=Campaign.Status.SENDING).update(
        status=Campaign.Status.FAILED,
        failure_reason=(reason or "")[:FAILURE_REASON_MAX],
        updated_at=timezone.now(),
    )
    return bool(changed)


@transaction.atomic
def start_due_campaigns(*, now: datetime | None = None) -> list[int]:
    """Scheduled campaigns whose time has come start sending (the periodic job). Claims each
    with a conditional update, so two schedulers never both start one."""
    now = now or timezone.now()
    due = list(
        Campaign.objects.filter(
            status=Campaign.Status.SCHEDULED, scheduled_at__lte=now
        ).values_list("pk", flat=True)
    )
    started = []
    for campaign_id in due:
        if Campaign.objects.filter(pk=campaign_id, status=Campaign.Status.SCHEDULED).update(
            status=Campaign.Status.SENDING, started_at=now, updated_at=now
        ):
            started.append(campaign_id)
    return started


@transaction.atomic
def purge_unconfirmed(*, older_than: timedelta = timedelta(days=30)) -> int:
    """Addresses never confirmed are not kept (privacy): deleted with their choices."""
    deleted, _rows = Subscriber.objects.filter(
        status=Subscriber.Status.PENDING,
        confirmed_at__isnull=True,
        created_at__lt=timezone.now() - older_than,
    ).delete()
    return deleted
