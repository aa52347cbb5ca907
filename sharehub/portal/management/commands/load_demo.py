from django.core.management.base import BaseCommand

from sharehub.accounts.demo import DEMO_ACCOUNTS
from sharehub.core.demo import DEMO_PASSWORD, demo_loaders, load_demo


class Command(BaseCommand):
    help = "Load the demo hub (real districts and organizations, demo accounts). Safe to run twice."

    def handle(self, *args, **options):
        run = load_demo()
        counts = "\n".join(
            f"  {run.created[loader.name]:>6}  {loader.label}" for loader in demo_loaders()
        )
        self.stdout.write(f"Demo data, what this run added (0: it was already there):\n{counts}")
        self.stdout.write("")
        self.stdout.write(f"Demo accounts (password: {DEMO_PASSWORD})")
        for account in DEMO_ACCOUNTS:
            self.stdout.write(f"  {account.email:32} {account.role}")
        self.stdout.write(
            "City staff, the moderator and the administrator set up two-factor authentication (TOTP) at first login.\n"
            "No e-mail leaves the demo: with `make run` (SHAREHUB_DEMO_MAILBOX=1) each browser reads the e-mails sent to it\n"
            "(sign-up verification, password reset, its account's notifications) at /ko/notifications/demo-mailbox/."
        )
