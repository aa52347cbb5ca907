"""RSS 2.0 and Atom feeds of the public articles: all, per tag and per organization.

Each item carries its licence machine-readably: Atom as `<link rel="license">` (RFC 4946), RSS
with the Creative Commons RSS module (`<creativeCommons:license>`)."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.html import escape
from django.utils.translation import gettext as _

from sharehub.core.i18n import hub_name
from sharehub.organizations.models import Organization
from sharehub.organizations.selectors import published_organizations

from . import selectors
from .licences import licence_info
from .models import Article, Tag

CC_RSS_NAMESPACE = "http://backend.userland.com/creativeCommonsRssModule"


def article_tag_uri(article: Article) -> str:
    """tag:<the hub's host>,<the day the article was created>:article-<id>, e.g.
    tag:sharehub.seoul.go.kr,2026-03-01:article-12."""
    host = (urlsplit(settings.SHAREHUB_SITE_URL).hostname or "").lower()
    if not host or ":" in host:  # an IPv6 literal is no tagging authority
        host = "localhost"
    day = timezone.localdate(article.created_at).isoformat()
    return f"tag:{host},{day}:article-{article.pk}"


class LicensedRss(Rss201rev2Feed):
    def rss_attributes(self) -> dict:
        return {**super().rss_attributes(), "xmlns:creativeCommons": CC_RSS_NAMESPACE}

    def add_item_elements(self, handler, item) -> None:
        super().add_item_elements(handler, item)
        if item.get("license_url"):
            handler.addQuickElement("creativeCommons:license", item["license_url"])


class LicensedAtom(Atom1Feed):
    def add_item_elements(self, handler, item) -> None:
        super().add_item_elements(handler, item)
        if item.get("license_url"):
            handler.addQuickElement("link", "", {"rel": "license", "href": item["license_url"]})


class ArticlesFeed(Feed):
    feed_type = LicensedRss

    def __call__(self, request, *args, **kwargs):
        response = super().__call__(request, *args, **kwargs)
        response["Cache-Control"] = "public, max-age=300"
        return response

    def get_object(self, request, slug: str | None = None):
        return None

    def title(self, obj) -> str:
        return _("News of %(hub)s") % {"hub": hub_name()}

    def description(self, obj) -> str:
        return _("News, stories and announcements of the sharing city.")

    def link(self, obj) -> str:
        return reverse("news:list")

    def feed_url(self, obj) -> str:
        name = "news:atom" if self.feed_type is LicensedAtom else "news:rss"
        return reverse(name)

    def items(self, obj) -> list[Article]:
        return selectors.feed_articles()

    def item_title(self, item: Article) -> str:
        return item.title

    def item_description(self, item: Article) -> str:
        # A reader shows the description as HTML: the body is sanitized HTML, the summary plain
        # text a writer typed, so it is escaped (issue 19: a summary's <script> ran in readers).
        return escape(item.summary) if item.summary else item.body

    def item_link(self, item: Article) -> str:
        return item.get_absolute_url()

    def item_guid(self, item: Article) -> str:
        # Atom's <id> must be an IRI (RFC 4287 §4.2.6): a tag URI (RFC 4151) that stays the same
        # when the article's address changes. RSS keeps the guid its readers already know.
        if issubclass(self.feed_type, Atom1Feed):
            return article_tag_uri(item)
        return f"sharehub-article-{item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item: Article):
        return item.publish_at

    def item_updateddate(self, item: Article):
        return max(item.updated_at, item.publish_at)

    def item_author_name(self, item: Article) -> str:
        if item.organization_id:
            return str(item.organization)
        return hub_name()

    def item_categories(self, item: Article) -> list[str]:
        return [tag.name for tag in item.tags.all()]

    def item_extra_kwargs(self, item: Article) -> dict:
        return {"license_url": licence_info(item.licence).url}


class AtomArticlesFeed(ArticlesFeed):
    feed_type = LicensedAtom
    subtitle = ArticlesFeed.description


class TagFeed(ArticlesFeed):
    def get_object(self, request, slug: str | None = None) -> Tag:
        return get_object_or_404(Tag, slug=slug)

    def title(self, obj: Tag) -> str:
        return _("%(hub)s news tagged “%(tag)s”") % {"hub": hub_name(), "tag": obj.name}

    def link(self, obj: Tag) -> str:
        return obj.get_absolute_url()

    def feed_url(self, obj: Tag) -> str:
        return reverse(
            "news:tag_atom" if self.feed_type is LicensedAtom else "news:tag_rss",
            kwargs={"slug": obj.slug},
        )

    def items(self, obj: Tag) -> list[Article]:
        return selectors.feed_articles({"tag": obj.slug})


class AtomTagFeed(TagFeed):
    feed_type = LicensedAtom
    subtitle = ArticlesFeed.description


class OrganizationFeed(ArticlesFeed):
    def get_object(self, request, slug: str | None = None) -> Organization:
        return get_object_or_404(published_organizations(), slug=slug)

    def title(self, obj: Organization) -> str:
        return _("%(hub)s news about %(organization)s") % {
            "hub": hub_name(),
            "organization": obj.name,
        }

    def link(self, obj: Organization) -> str:
        return reverse("news:list") + f"?organization={obj.slug}"

    def feed_url(self, obj: Organization) -> str:
        name = (
            "news:organization_atom" if self.feed_type is LicensedAtom else "news:organization_rss"
        )
        return reverse(name, kwargs={"slug": obj.slug})

    def items(self, obj: Organization) -> list[Article]:
        return selectors.feed_articles({"organization": obj.slug})


class AtomOrganizationFeed(OrganizationFeed):
    feed_type = LicensedAtom
    subtitle = ArticlesFeed.description
