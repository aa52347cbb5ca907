from django.core.management.base import BaseCommand

from sharehub.core.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = "Load the demo hub (real districts and organizations, demo accounts). Safe to run twice."

    def handle(self, *args, **options):
        report = load_demo()
        self.stdout.write(
            f"Demo data: {report.districts_created} districts, {report.users_created} accounts, "
            f"{report.organizations_created} organizations, {report.listings_created} directory listings, "
            f"{report.events_created} events, {report.articles_created} articles and pages, "
            f"{report.newsletter_objects_created} newsletter topics and campaigns created "
            "(0 means it was already loaded)."
        )
        self.stdout.write("")
        self.stdout.write(f"Demo accounts (password: {DEMO_PASSWORD})")
        for account in DEMO_ACCOUNTS:
            self.stdout.write(f"  {account.email:32} {account.role}")
        self.stdout.write(
            "City staff, the moderator and the administrator set up two-factor authentication (TOTP) at first login.\n"
            "No e-mail leaves the demo: with `make run` (SHAREHUB_DEMO_MAILBOX=1) each browser reads the e-mails sent to it\n"
            "(sign-up verification, password reset, its account's notifications) at /ko/notifications/demo-mailbox/."
        )
