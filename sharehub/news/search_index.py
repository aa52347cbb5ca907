"""What the search index holds for an article (SEARCH's contract).

Only public articles (`Article.objects.public`, the rule registered in apps.py) are in the index:
its autocomplete answers anyone, so a draft's title must never be in it. A scheduled article is
indexed by the periodic task when it comes due; the search selectors also keep only public
articles from the hits, so nothing unpublished is ever listed."""

from __future__ import annotations

from django.utils import formats, timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _

from sharehub.search.documents import SearchDocument
from sharehub.search.registry import SearchKind
from sharehub.search.services import index_object, remove_object

from .models import Article

# Saved alone, these may make an article public or not: a moderator's decision is followed through
# the moderation app's signal as well, a status or date written by the admin or a script only here.
ARTICLE_STATE_FIELDS = ("moderation_status", "status", "publish_at")


def article_document(article: Article) -> SearchDocument:
    title = " ".join(part for part in (article.title_ko, article.title_en) if part)
    body = "\n".join(
        part
        for part in (
            article.summary_ko,
            article.summary_en,
            strip_tags(article.body_ko or ""),
            strip_tags(article.body_en or ""),
        )
        if part
    )
    keywords: list[str] = []
    if article.pk:
        for tag in article.tags.all():
            keywords += [tag.name_ko, tag.name_en or ""]
    if article.organization is not None:
        keywords += [article.organization.name_ko, article.organization.name_en or ""]
    return SearchDocument(
        title=title,
        body=body,
        keywords=" ".join(part for part in keywords if part),
        display={
            lang: (
                getattr(article, f"title_{lang}", "") or "",
                "\n".join(
                    part
                    for part in (
                        getattr(article, f"summary_{lang}", ""),
                        strip_tags(getattr(article, f"body_{lang}", "") or ""),
                    )
                    if part
                ),
            )
            for lang in ("ko", "en")
        },
    )


def describe_article(article: Article) -> str:
    """The line under an article on the hub's search page: its kind and day."""
    if article.publish_at is None:
        return str(article.get_kind_display())
    day = formats.date_format(timezone.localtime(article.publish_at), "DATE_FORMAT")
    return f"{article.get_kind_display()} · {day}"


ARTICLE_KIND = SearchKind("news", _("News and stories"), order=30, describe=describe_article)


def reindex_article(article: Article) -> None:
    """Index a public article, take any other out. Call inside the writing transaction: the index
    commits or rolls back with the article."""
    index_object(article)


def unindex_article(article: Article) -> None:
    """Take an article out of the index (before deleting it), in the deleting transaction."""
    remove_object(article)
