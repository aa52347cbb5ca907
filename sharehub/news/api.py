"""/api/v1/news: public articles (the list page's filters and search), one article, the feeds.

Reads are public (auth=None); an unpublished article is readable only by those who may see it on
the page (its organization's members, its author, the editors). Errors: 404, 422 with field errors.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from ninja import Query, Router, Schema

from sharehub.accounts.auth import optional_user
from sharehub.core.api_errors import ErrorOut
from sharehub.core.api_types import PageNumber
from sharehub.core.filters import api_filters, query_schema
from sharehub.core.pagination import ApiPage, api_page

from . import selectors
from .filters import ArticleFilterForm
from .licences import Licence, licence_info
from .models import Article, ArticleKind, ArticleStatus

router = Router(tags=["news"])

PER_PAGE = 20
FILTERS_DESCRIPTION = (
    "Filters: `q` (search, Korean-aware, best first), `kind` (news, story, policy, announcement), "
    "`tag` (slug), `organization` (slug), `district` (slug), `licence` (cc-by-4.0, cc-by-sa-4.0, cc0-1.0, "
    "all-rights-reserved). Newest first without `q`."
)


class TagOut(Schema):
    slug: str
    name: str
    name_ko: str
    name_en: str | None


class LicenceOut(Schema):
    code: Licence
    name: str
    url: str | None


class OrganizationRef(Schema):
    slug: str
    name: str


def _absolute(context: dict[str, Any], path: str) -> str:
    return context["request"].build_absolute_uri(path)


class ArticleItemOut(Schema):
    """An article read from the model; `highlight` is set by the list when it searched."""

    slug: str
    kind: ArticleKind
    title: str
    title_ko: str
    title_en: str | None
    summary: str
    organization: OrganizationRef | None
    tags: list[TagOut]
    licence: LicenceOut
    publish_at: datetime | None
    highlight: str | None
    url: str

    @staticmethod
    def resolve_summary(obj: Article) -> str:
        return obj.summary or ""

    @staticmethod
    def resolve_tags(obj: Article) -> list[Any]:
        return list(obj.tags.all())

    @staticmethod
    def resolve_licence(obj: Article) -> dict[str, Any]:
        info = licence_info(obj.licence)
        return {"code": info.code, "name": str(Licence(obj.licence).label), "url": info.url or None}

    @staticmethod
    def resolve_highlight(obj: Article) -> str | None:
        hit = getattr(obj, "search_hit", None)
        return str(hit.highlight) if hit is not None else None

    @staticmethod
    def resolve_url(obj: Article, context: dict[str, Any]) -> str:
        return _absolute(context, obj.get_absolute_url())


class ArticleDetailOut(ArticleItemOut):
    status: ArticleStatus
    summary_ko: str | None
    summary_en: str | None
    body_ko: str | None
    body_en: str | None
    cover_image: str | None
    cover_alt_ko: str | None
    cover_alt_en: str | None
    listings: list[OrganizationRef]
    districts: list[str]
    updated_at: datetime

    @staticmethod
    def resolve_cover_image(obj: Article, context: dict[str, Any]) -> str | None:
        return _absolute(context, obj.cover_image.url) if obj.cover_image else None

    @staticmethod
    def resolve_listings(obj: Article) -> list[Any]:
        return [listing.organization for listing in obj.listings.all()]

    @staticmethod
    def resolve_districts(obj: Article) -> list[str]:
        return [district.slug for district in obj.districts.all()]


class FeedOut(Schema):
    title: str
    rss: str
    atom: str


@router.get(
    "/articles",
    response={200: ApiPage[ArticleItemOut], 422: ErrorOut},
    auth=None,
    summary="List public articles",
    description=FILTERS_DESCRIPTION + " 20 per page.",
)
def list_articles(
    request: HttpRequest, query: Query[query_schema(ArticleFilterForm)], page: PageNumber = 1
):
    filters = api_filters(ArticleFilterForm, query).cleaned_data
    browse = selectors.public_articles(filters)

    def item(article: Article) -> Article:
        article.search_hit = browse.highlights.get(article.pk)
        return article

    return api_page(request, browse.queryset, page, per_page=PER_PAGE, item=item)


@router.get(
    "/articles/{slug}",
    response={200: ArticleDetailOut, 404: ErrorOut},
    auth=None,
    summary="One article",
    description="Both language versions of the text (sanitized HTML), its licence, links and districts.",
)
def get_article(request: HttpRequest, slug: str):
    return selectors.article_detail(selectors.get_article_for(optional_user(request), slug))


@router.get("/tags", response=list[TagOut], auth=None, summary="Tags of public articles")
def list_tags(request: HttpRequest):
    return selectors.tags_in_use()[:500]


@router.get(
    "/feeds",
    response=list[FeedOut],
    auth=None,
    summary="The RSS and Atom feeds",
    description="The feed of all the news, then one per tag in use and one per organization with public articles.",
)
def list_feeds(request: HttpRequest):
    absolute = request.build_absolute_uri
    feeds = [
        {
            "title": "all",
            "rss": absolute(reverse("news:rss")),
            "atom": absolute(reverse("news:atom")),
        }
    ]
    for tag in selectors.tags_in_use()[:500]:
        feeds.append(
            {
                "title": f"tag:{tag.slug}",
                "rss": absolute(reverse("news:tag_rss", args=[tag.slug])),
                "atom": absolute(reverse("news:tag_atom", args=[tag.slug])),
            }
        )
    for organization in selectors.organizations_with_articles()[:500]:
        feeds.append(
            {
                "title": f"organization:{organization.slug}",
                "rss": absolute(reverse("news:organization_rss", args=[organization.slug])),
                "atom": absolute(reverse("news:organization_atom", args=[organization.slug])),
            }
        )
    return feeds
