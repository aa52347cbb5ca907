from django.core.management.base import BaseCommand

from sharehub.designation.reminders import send_reminders


class Command(BaseCommand):
    help = "Send designation expiry reminders (90, 30 and 7 days before) and mark ended designations expired. Run daily from cron; running it twice sends nothing twice."

    def handle(self, *args, **options) -> None:
        sent = send_reminders()
        self.stdout.write(f"{sent} reminder(s) sent")
