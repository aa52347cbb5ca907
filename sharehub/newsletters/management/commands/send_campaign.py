"""Send (what is left of) a campaign from this process: `manage.py send_campaign <id>`.

Any number of these may run at once, on any machine: each mail still goes out once.
"""

from django.core.management.base import BaseCommand, CommandError

from sharehub.newsletters.models import Campaign
from sharehub.newsletters.sending import CampaignSender


class Command(BaseCommand):
    help = "Send a campaign that is being sent (resumes where it stopped)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("campaign_id", type=int)
        parser.add_argument(
            "--rate", type=float, default=None, help="messages per second (0: no limit)"
        )
        parser.add_argument("--batch", type=int, default=None, help="deliveries claimed at a time")
        parser.add_argument(
            "--lease",
            type=int,
            default=None,
            help="seconds after which a dead worker's claim is taken back",
        )

    def handle(self, *args, campaign_id: int, rate, batch, lease, **options) -> None:
        if not Campaign.objects.filter(pk=campaign_id).exists():
            raise CommandError(f"no campaign {campaign_id}")
        report = CampaignSender(campaign_id, rate=rate, batch=batch, lease=lease).run()
        self.stdout.write(
            f"sent={report.sent} failed={report.failed} retried={report.retried} finished={report.finished}"
        )
