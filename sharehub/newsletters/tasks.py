"""Background work: sending campaigns, starting scheduled ones, resuming stalled ones.

Every task is idempotent: the delivery rows decide who gets a mail, not how often a task runs.
"""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Q
from django.tasks import task
from django.utils import timezone

from .models import Campaign
from .sending import CampaignSender
from .upkeep import purge_unconfirmed, start_due_campaigns


@task()
def send_campaign(campaign_id: int) -> dict:
    """Send what is left of a campaign, batch after batch, until nothing is claimable."""
    report = CampaignSender(campaign_id).run()
    return {
        "sent": report.sent,
        "failed": report.failed,
        "retried": report.retried,
        "finished": report.finished,
        "failure": report.failure,
    }


STALLED_AFTER = timedelta(minutes=2)


@task()
def run_due_campaigns() -> list[int]:
    """Every minute: start scheduled campaigns that are due, and resume campaigns still 'sending'
    that no worker has moved lately (a crashed worker's rows are reclaimed after the lease;
    retries are sent when due)."""
    start_due_campaigns()
    quiet = Q(last_batch_at__isnull=True) | Q(last_batch_at__lt=timezone.now() - STALLED_AFTER)
    campaign_ids = list(
        Campaign.objects.filter(quiet, status=Campaign.Status.SENDING).values_list("pk", flat=True)
    )
    for campaign_id in campaign_ids:
        send_campaign.enqueue(campaign_id)
    return campaign_ids


@task()
def purge_unconfirmed_subscribers() -> int:
    return purge_unconfirmed(older_than=timedelta(days=30))
