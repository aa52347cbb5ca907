"""/api/v1/news: public articles (the list page's filters and search), one article, the feeds.

Reads are public (auth=None); an unpublished article is readable only by those who may see it on
the page (its organization's members, its author, the editors). Errors: 404, 422 with field errors.
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.urls import reverse
from ninja import Router, Schema

from sharehub.accounts.auth import optional_user
from sharehub.core.api_errors import ErrorOut
from sharehub.core.api_types import page_query
from sharehub.core.pagination import api_page

from . import selectors
from .licences import Licence, licence_info
from .models import Article, ArticleKind, ArticleStatus, Tag

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


class ArticleItemOut(Schema):
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


class ArticlePage(Schema):
    count: int
    next: str | None
    previous: str | None
    results: list[ArticleItemOut]


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


class FeedOut(Schema):
    title: str
    rss: str
    atom: str


def _tag_out(tag: Tag) -> dict:
    return {"slug": tag.slug, "name": tag.name, "name_ko": tag.name_ko, "name_en": tag.name_en}


def _licence_out(code: str) -> dict:
    info = licence_info(code)
    return {"code": info.code, "name": str(Licence(code).label), "url": info.url or None}


def _item(article: Article, request: HttpRequest, highlights: dict) -> dict:
    hit = highlights.get(article.pk)
    return {
        "slug": article.slug,
        "kind": article.kind,
        "title": article.title,
        "title_ko": article.title_ko,
        "title_en": article.title_en,
        "summary": article.summary or "",
        "organization": (
            {"slug": article.organization.slug, "name": article.organization.name}
            if article.organization_id
            else None
        ),
        "tags": [_tag_out(tag) for tag in article.tags.all()],
        "licence": _licence_out(article.licence),
        "publish_at": article.publish_at,
        "highlight": str(hit.highlight) if hit is not None else None,
        "url": request.build_absolute_uri(article.get_absolute_url()),
    }


@router.get(
    "/articles",
    response={200: ArticlePage, 422: ErrorOut},
    auth=None,
    summary="List public articles",
    description=FILTERS_DESCRIPTION + " 20 per page.",
)
def list_articles(request: HttpRequest, page: int = page_query()):
    filters = selectors.parse_filters(request.GET)
    if filters.errors:
        raise ValidationError(filters.errors)
    browse = selectors.public_articles(filters)
    return api_page(
        request,
        browse.queryset,
        page,
        per_page=PER_PAGE,
        item=lambda article: _item(article, request, browse.highlights),
    )


@router.get(
    "/articles/{slug}",
    response={200: ArticleDetailOut, 404: ErrorOut},
    auth=None,
    summary="One article",
    description="Both language versions of the text (sanitized HTML), its licence, links and districts.",
)
def get_article(request: HttpRequest, slug: str):
    article = selectors.article_detail(selectors.get_article_for(optional_user(request), slug))
    return {
        **_item(article, request, {}),
        "status": article.status,
        "summary_ko": article.summary_ko,
        "summary_en": article.summary_en,
        "body_ko": article.body_ko,
        "body_en": article.body_en,
        "cover_image": request.build_absolute_uri(article.cover_image.url)
        if article.cover_image
        else None,
        "cover_alt_ko": article.cover_alt_ko,
        "cover_alt_en": article.cover_alt_en,
        "listings": [
            {"slug": listing.organization.slug, "name": listing.organization.name}
            for listing in article.listings.all()
        ],
        "districts": [district.slug for district in article.districts.all()],
        "updated_at": article.updated_at,
    }


@router.get("/tags", response=list[TagOut], auth=None, summary="Tags of public articles")
def list_tags(request: HttpRequest):
    return [_tag_out(tag) for tag in selectors.tags_in_use()[:500]]


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
