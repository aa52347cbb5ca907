"""Recovery after a crash: enqueue a send task for every e-mail still queued after N minutes.

Safe to run as often as you like (from cron, say every five minutes): the task claims each
e-mail exactly once, so an e-mail enqueued twice is still sent once.
"""

from __future__ import annotations

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandParser

from sharehub.notifications.selectors import stale_queued_email_ids
from sharehub.notifications.tasks import send_outbound_email


class Command(BaseCommand):
    help = (
        "Enqueue the sending of e-mails that have been queued for longer than --older-than minutes."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--older-than",
            type=int,
            default=5,
            metavar="MINUTES",
            help="Only e-mails queued at least this long ago (default 5).",
        )

    def handle(self, *args, older_than: int, **options) -> None:
        ids = stale_queued_email_ids(older_than=timedelta(minutes=max(older_than, 0)))
        for outbound_id in ids:
            send_outbound_email.enqueue(outbound_id)
        self.stdout.write(f"{len(ids)} e-mail(s) enqueued.")
