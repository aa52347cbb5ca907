from datetime import timedelta

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsConfig(AppConfig):
    name = "sharehub.news"
    label = "news"
    verbose_name = _("News and pages")

    def ready(self) -> None:
        from sharehub.core import privacy
        from sharehub.core.periodic import register_periodic
        from sharehub.moderation.registry import register_moderated
        from sharehub.notifications.kinds import register_kind
        from sharehub.search.registry import register_searchable

        from . import notices, privacy_data, tasks
        from .models import Article
        from .search_index import ARTICLE_STATE_FIELDS, article_document

        register_moderated(Article)
        # A moderator hiding or restoring an article saves only its moderation fields: the search
        # app's receiver takes it out of the index, or puts it back, in the same transaction.
        register_searchable(
            Article,
            document=article_document,
            public=Article.objects.public,
            state_fields=ARTICLE_STATE_FIELDS,
        )
        register_kind(notices.KIND_REVIEW, _("Stories submitted for review (editors)"))
        register_kind(notices.KIND_DECISION, _("Editors' decisions on my articles"))
        register_periodic(
            "news.announce_scheduled", tasks.announce_scheduled_articles, every=timedelta(minutes=5)
        )
        privacy.register(
            "news", export=privacy_data.export_articles, erase=privacy_data.erase_articles
        )
