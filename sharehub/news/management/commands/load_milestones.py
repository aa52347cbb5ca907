from django.core.management.base import BaseCommand

from sharehub.news.demo import MILESTONES_CSV, load_milestones


class Command(BaseCommand):
    help = "Load the milestones of the sharing city from data/sharing-city-milestones.csv (rows already there are kept)."

    def handle(self, *args, **options) -> None:
        created = load_milestones()
        self.stdout.write(f"{created} milestone(s) created from {MILESTONES_CSV.name}")
