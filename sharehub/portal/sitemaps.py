"""sitemap.xml: every public page in every language the hub offers, each with its hreflang
alternates (and x-default, the city's first language), for search engines.

Each section lists exactly what the app's own public selector returns (the one the search index
and the feeds use), so a draft, a pending or hidden organization, its listing, an unpublished or
hidden article, and a draft or cancelled event never appear. Django's sitemap framework pages each
section at 50,000 addresses; /sitemap.xml is the index of the sections.
"""

from __future__ import annotations

from typing import Any

from django.contrib.sitemaps import Sitemap
from django.db.models import QuerySet
from django.urls import reverse

from sharehub.directory.selectors import public_listings
from sharehub.events.selectors import public_events
from sharehub.news.models import Article
from sharehub.news.selectors import pages
from sharehub.organizations.selectors import published_organizations
from sharehub.places.selectors import district_list


class HubSitemap(Sitemap):
    i18n = True
    alternates = True
    x_default = True


class ListPages(HubSitemap):
    """The hub's entry pages: the home page and each app's list."""

    changefreq = "daily"
    priority = 0.8

    def items(self) -> list[str]:
        return [
            "core:home",
            "directory:list",
            "organizations:list",
            "events:list",
            "news:list",
            "places:list",
        ]

    def location(self, item: str) -> str:
        return reverse(item)


class ListingSitemap(HubSitemap):
    changefreq = "weekly"

    def items(self) -> QuerySet[Any]:
        return public_listings().order_by("pk")

    def lastmod(self, listing: Any) -> Any:
        return listing.updated_at


class OrganizationSitemap(HubSitemap):
    changefreq = "weekly"

    def items(self) -> QuerySet[Any]:
        return published_organizations().order_by("pk")

    def lastmod(self, organization: Any) -> Any:
        return organization.updated_at


class EventSitemap(HubSitemap):
    changefreq = "daily"

    def items(self) -> QuerySet[Any]:
        return public_events().order_by("pk")

    def lastmod(self, event: Any) -> Any:
        return event.updated_at


class ArticleSitemap(HubSitemap):
    changefreq = "weekly"

    def items(self) -> QuerySet[Any]:
        return Article.objects.public().order_by("pk")

    def lastmod(self, article: Any) -> Any:
        return article.updated_at


class PageSitemap(HubSitemap):
    """The city's pages about the sharing city (all public)."""

    changefreq = "monthly"

    def items(self) -> QuerySet[Any]:
        return pages()

    def lastmod(self, page: Any) -> Any:
        return page.updated_at


class DistrictSitemap(HubSitemap):
    changefreq = "weekly"

    def items(self) -> QuerySet[Any]:
        return district_list().only("pk", "slug")

    def location(self, district: Any) -> str:
        return reverse("places:detail", args=[district.slug])


SITEMAPS: dict[str, type[Sitemap]] = {
    "hub": ListPages,
    "listings": ListingSitemap,
    "organizations": OrganizationSitemap,
    "events": EventSitemap,
    "articles": ArticleSitemap,
    "pages": PageSitemap,
    "districts": DistrictSitemap,
}
