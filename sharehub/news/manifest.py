"""news' registrations with the kernel (see DESIGN.md, "App contract")."""

from datetime import timedelta

from django.utils.translation import gettext_lazy as _

from sharehub.core import privacy
from sharehub.core.demo import DemoRun, register_demo
from sharehub.core.periodic import register_periodic
from sharehub.moderation.registry import register_moderated
from sharehub.notifications.kinds import register_kind
from sharehub.search.registry import register_searchable

from . import demo, notices, privacy_data, tasks
from .models import Article
from .search_index import ARTICLE_STATE_FIELDS, article_document


def _load_demo(run: DemoRun) -> int:
    return demo.load_demo(accounts=run.accounts)


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
privacy.register("news", export=privacy_data.export_articles, erase=privacy_data.erase_articles)
register_demo("news", _load_demo, label="articles and pages", order=60)
