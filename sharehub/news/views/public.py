"""What every reader sees: the list of articles (search and filters) and an article."""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from django.core.paginator import Page
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from sharehub.core.filters import page_filters
from sharehub.core.i18n import current_language, hub_name
from sharehub.core.pagecache import when_shown
from sharehub.core.pagination import paginate, querystring_without_page
from sharehub.core.slugs import redirect_former_slugs
from sharehub.news import selectors
from sharehub.news.filters import ArticleFilterForm
from sharehub.news.licences import licence_info
from sharehub.news.models import Article
from sharehub.news.permissions import can_edit_article, can_publish, can_submit_article, can_write


def feed_links(filters: Mapping[str, Any] | None = None) -> list[dict]:
    """The feeds a page announces in its head: the whole news, and the tag or organization shown."""
    filters = filters or {}
    links = [
        {"type": "application/rss+xml", "title": _("News (RSS)"), "href": reverse("news:rss")},
        {"type": "application/atom+xml", "title": _("News (Atom)"), "href": reverse("news:atom")},
    ]
    if tag := filters.get("tag"):
        links += [
            {
                "type": "application/rss+xml",
                "title": _("This tag (RSS)"),
                "href": reverse("news:tag_rss", args=[tag]),
            },
            {
                "type": "application/atom+xml",
                "title": _("This tag (Atom)"),
                "href": reverse("news:tag_atom", args=[tag]),
            },
        ]
    if organization := filters.get("organization"):
        links += [
            {
                "type": "application/rss+xml",
                "title": _("This organization (RSS)"),
                "href": reverse("news:organization_rss", args=[organization]),
            },
            {
                "type": "application/atom+xml",
                "title": _("This organization (Atom)"),
                "href": reverse("news:organization_atom", args=[organization]),
            },
        ]
    return links


@require_safe
def article_list(request: HttpRequest) -> HttpResponse:
    form = page_filters(ArticleFilterForm, request.GET)
    filters = form.applied() if form.is_bound else {}

    # Read only where the results are shown, inside a kept fragment (pagecache.when_shown).
    def results() -> Page:
        browse = selectors.public_articles(filters)
        page = paginate(request, selectors.cards(browse.queryset), per_page=12)
        articles = list(page.object_list)
        for article in articles:
            hit = browse.highlights.get(article.pk)
            article.highlight = hit.highlight if hit is not None else ""
        page.object_list = articles
        return page

    return render(
        request,
        "news/list.html",
        {
            "page": when_shown(results),
            "query": querystring_without_page(request),
            "filters": filters,
            "filter_form": form,
            "feed_links": feed_links(filters),
            "filtered_by": when_shown(lambda: selectors.filter_labels(filters)),
            "can_write": can_write(request.user),
            "pages": when_shown(selectors.pages),
        },
    )


def _share_links(request: HttpRequest, article: Article) -> list[dict]:
    url = request.build_absolute_uri(article.get_absolute_url())
    title = article.title
    return [
        {"name": _("E-mail"), "href": f"mailto:?subject={quote(title)}&body={quote(url)}"},
        {"name": "KakaoStory", "href": f"https://story.kakao.com/share?url={quote(url, safe='')}"},
        {
            "name": "Facebook",
            "href": f"https://www.facebook.com/sharer/sharer.php?u={quote(url, safe='')}",
        },
        {
            "name": "X",
            "href": f"https://x.com/intent/post?url={quote(url, safe='')}&text={quote(title, safe='')}",
        },
    ]


def _json_ld(request: HttpRequest, article: Article) -> str:
    licence = licence_info(article.licence)
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title,
        "description": article.summary,
        "inLanguage": current_language(),
        "datePublished": article.publish_at.isoformat() if article.publish_at else None,
        "dateModified": article.updated_at.isoformat(),
        "url": request.build_absolute_uri(article.get_absolute_url()),
        "publisher": {"@type": "Organization", "name": hub_name()},
        "author": {
            "@type": "Organization",
            "name": str(article.organization) if article.organization_id else hub_name(),
        },
        "keywords": [tag.name for tag in article.tags.all()],
    }
    if licence.url:
        data["license"] = licence.url
    if article.cover_image:
        data["image"] = request.build_absolute_uri(article.cover_image.url)
    # "</" can never close the script element early.
    return json.dumps(data, ensure_ascii=False).replace("</", "<\\/")


@require_safe
@redirect_former_slugs(Article)
def article_detail(request: HttpRequest, slug: str) -> HttpResponse:
    article = selectors.get_article_for(request.user, slug, kept=True)
    # Its tags, districts and listings, its structured data and the related articles are shown
    # only inside kept fragments: read only when one is rendered (pagecache.when_shown). The
    # article itself is passed as a function, which the template calls where it reads it: a
    # model's template tags need the instance, not a lazy object.
    loaded = functools.cache(lambda: selectors.article_detail(article))
    return render(
        request,
        "news/detail.html",
        {
            "article": article,
            "detail": loaded,
            "licence": licence_info(article.licence),
            "share_links": _share_links(request, article),
            "share_url": request.build_absolute_uri(article.get_absolute_url()),
            "json_ld": when_shown(lambda: _json_ld(request, loaded()) if article.is_public else ""),
            "feed_links": feed_links(),
            "related": when_shown(
                lambda: selectors.related_articles(loaded()) if article.is_public else []
            ),
            "can_edit": can_edit_article(request.user, article),
            "can_submit": can_submit_article(request.user, article),
            "can_publish": can_publish(request.user),
        },
    )
