"""news' registrations with the kernel (see DESIGN.md, "App contract")."""

from datetime import timedelta
from typing import Any

from django.utils.translation import gettext_lazy as _

from sharehub.accounts.roles import is_editor
from sharehub.core import privacy
from sharehub.core.demo import DemoRun, register_demo
from sharehub.core.editor import register_author
from sharehub.core.org_sections import register_org_section
from sharehub.core.periodic import register_periodic
from sharehub.core.workspace import register_work
from sharehub.moderation.registry import register_moderated
from sharehub.notifications.kinds import register_kind
from sharehub.search.registry import register_searchable

from . import demo, notices, privacy_data, tasks
from .models import Article
from .permissions import can_edit_pages, can_write
from .search_index import ARTICLE_KIND, ARTICLE_STATE_FIELDS, article_document
from .selectors import organization_articles, review_count


def _load_demo(run: DemoRun) -> int:
    return demo.load_demo(accounts=run.accounts)


register_moderated(Article)
register_author("news", can_write)  # stories and pages: the rich-text editor and its images
# A moderator hiding or restoring an article saves only its moderation fields: the search
# app's receiver takes it out of the index, or puts it back, in the same transaction.
register_searchable(
    Article,
    document=article_document,
    public=Article.objects.public,
    state_fields=ARTICLE_STATE_FIELDS,
    kind=ARTICLE_KIND,
)
register_kind(notices.KIND_REVIEW, _("Stories submitted for review (editors)"))
register_kind(notices.KIND_DECISION, _("Editors' decisions on my articles"))
register_periodic(
    "news.announce_scheduled", tasks.announce_scheduled_articles, every=timedelta(minutes=5)
)
privacy.register("news", export=privacy_data.export_articles, erase=privacy_data.erase_articles)
register_demo("news", _load_demo, label="articles and pages", order=60)
register_work(
    "news.review",
    label=_("Stories to review"),
    url_name="news:desk",
    allowed=is_editor,
    count=lambda user: review_count(),
    help_text=_("Articles and stories submitted for publication, on the news desk."),
    order=30,
)
register_work(
    "news.pages", label=_("Pages"), url_name="news:pages", allowed=can_edit_pages, order=130
)


def _org_articles(organization: Any, request: Any) -> dict[str, Any] | None:
    articles = organization_articles(organization, limit=5)
    return {"articles": articles} if articles else None


# The organization's page lists its latest public stories (one query).
register_org_section(
    "news", template="news/partials/org_section.html", context=_org_articles, order=40
)
