from django.apps import apps
from django.core.management.base import BaseCommand, CommandError

from sharehub.search.catalog import is_searchable, searchable_models
from sharehub.search.services import reindex, reindex_stale


class Command(BaseCommand):
    help = (
        "Rebuild the search index for every searchable model, or for one (--model app_label.Model),"
        " or only where an older analysis built it (--stale)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--model", help="app_label.Model, e.g. directory.Listing")
        parser.add_argument(
            "--stale",
            action="store_true",
            help="only the models with entries of an older analysis or missing ones",
        )

    def handle(self, *args, model=None, stale=False, **options):
        if stale:
            self.stdout.write(f"{reindex_stale()} indexed")
            return
        if model:
            try:
                models = [apps.get_model(model)]
            except (LookupError, ValueError) as error:
                raise CommandError(f"Unknown model {model!r}") from error
            if not is_searchable(models[0]):
                raise CommandError(f"{model} is not searchable")
        else:
            models = searchable_models()
        for each in models:
            count = reindex(each)
            self.stdout.write(f"{each._meta.label}: {count} indexed")
