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

        from django.db.models.signals import post_save

        from . import notices, privacy_data, tasks
        from .handlers import on_moderation_saved
        from .models import Article
        from .search_index import article_document

        register_moderated(Article)
        register_searchable(Article, document=article_document)
        post_save.connect(on_moderation_saved, sender=Article, dispatch_uid="news.reindex_on_moderation")
        register_kind(notices.KIND_REVIEW, _("Stories submitted for review (editors)"))
        register_kind(notices.KIND_DECISION, _("Editors' decisions on my articles"))
        register_periodic("news.announce_scheduled", tasks.announce_scheduled_articles, every=timedelta(minutes=5))
        privacy.register("news", export=privacy_data.export_articles, erase=privacy_data.erase_articles)
