from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "sharehub.directory"
    label = "directory"
    verbose_name = _("Directory")

    def ready(self) -> None:
        from sharehub.core import privacy
        from sharehub.moderation.registry import register_moderated
        from sharehub.moderation.signals import published
        from sharehub.search.registry import register_searchable

        from . import privacy_data
        from .models import Listing, Suggestion
        from .search_index import listing_document
        from .suggestions import on_published

        register_moderated(Suggestion)
        published.connect(on_published, dispatch_uid="directory.apply_suggestion")
        register_searchable(Listing, document=listing_document)
        privacy.register("directory", export=privacy_data.export_suggestions, erase=privacy_data.erase_suggestions)
