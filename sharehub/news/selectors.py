"""Reads for the news: the public list with its filters and search, an article for a reader,
the writing desk, pages and the timeline. Every list runs a fixed number of queries."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Case,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
    prefetch_related_objects,
)
from django.http import Http404

from sharehub.accounts.models import User
from sharehub.accounts.roles import is_editor
from sharehub.core import pagecache
from sharehub.core.actors import Actor
from sharehub.directory.models import Listing
from sharehub.directory.selectors import public_listings
from sharehub.moderation.models import ModerationStatus
from sharehub.organizations.models import Organization
from sharehub.places.models import District
from sharehub.search.selectors import Hit, search

from .models import Article, ArticleStatus, Milestone, Page, Tag, public_articles_q
from .permissions import can_view_article, writer_memberships

# The cleaned values of news.filters.ArticleFilterForm: q, kind, tag, organization, district and
# licence ("" or absent: no filter).
Filters = Mapping[str, Any]


def _list_related(queryset: QuerySet[Article]) -> QuerySet[Article]:
    return queryset.select_related("organization").prefetch_related(
        Prefetch("tags", queryset=Tag.objects.order_by("slug"))
    )


# What an article's card shows (news.templatetags.article_cards), and its organization's name.
CARD_FIELDS = ("kind", "slug", "title", "summary", "publish_at", "organization__name")


def cards(queryset: QuerySet[Article]) -> QuerySet[Article]:
    """Articles as cards: only the columns a card shows (an article and its organization are
    some sixty; each column read is also one to build and to order by in Django)."""
    return queryset.only(*CARD_FIELDS)


def _filtered(queryset: QuerySet[Article], filters: Filters) -> QuerySet[Article]:
    # Each filter names one tag or district (slugs are unique), so the joins never repeat a row.
    lookups = {
        "kind": "kind",
        "licence": "licence",
        "tag": "tags__slug",
        "organization": "organization__slug",
        "district": "districts__slug",
    }
    for name, lookup in lookups.items():
        if value := filters.get(name):
            queryset = queryset.filter(**{lookup: value})
    return queryset


@dataclass
class Browse:
    queryset: QuerySet[Article]
    highlights: dict[int, Hit] = field(default_factory=dict)


def public_articles(filters: Filters | None = None) -> Browse:
    """Public articles, newest first; with `q`, in the search's ranking."""
    filters = filters or {}
    queryset = _filtered(Article.objects.public(), filters)
    highlights: dict[int, Hit] = {}
    if q := filters.get("q"):
        hits = search(q, model=Article)
        ids = [hit.object_id for hit in hits]
        highlights = {hit.object_id: hit for hit in hits}
        ranking = Case(
            *[When(pk=pk, then=Value(rank)) for rank, pk in enumerate(ids)],
            output_field=IntegerField(),
        )
        queryset = queryset.filter(pk__in=ids).order_by(ranking, "pk") if ids else queryset.none()
    else:
        queryset = queryset.order_by("-publish_at", "-pk")
    return Browse(queryset=_list_related(queryset), highlights=highlights)


def latest_articles(*, limit: int) -> list[Article]:
    """The newest public articles (the home page)."""
    return list(
        cards(_list_related(Article.objects.public().order_by("-publish_at", "-pk")))[:limit]
    )


def organization_articles(organization: Organization, *, limit: int) -> list[Article]:
    """The organization's newest public articles (its page), in one query."""
    if not organization.is_published:
        return []
    return list(
        Article.objects.public()
        .filter(organization=organization)
        .order_by("-publish_at", "-pk")[:limit]
    )


def feed_articles(filters: Filters | None = None, *, limit: int = 30) -> list[Article]:
    """The newest public articles a feed lists, narrowed as the list page is (a tag's feed:
    {"tag": slug})."""
    queryset = _filtered(Article.objects.public(), filters or {})
    return list(_list_related(queryset.order_by("-publish_at", "-pk"))[:limit])


# What the page shows of the author (User.public_name): the row read with the article holds
# nothing else of the person (no password hash, no session stamp in a kept row).
AUTHOR_FIELDS = ("display_name", "email", "deleted_at")


@functools.cache
def _unread_author_fields() -> tuple[str, ...]:
    return tuple(
        f"created_by__{field.name}"
        for field in User._meta.concrete_fields
        if not field.primary_key and field.name not in AUTHOR_FIELDS
    )


def _article_row(slug: str) -> Article | None:
    try:
        return (
            Article.objects.select_related("organization", "created_by")
            .defer(*_unread_author_fields())
            .get(slug=slug)
        )
    except Article.DoesNotExist:
        return None


def get_article_for(actor: Actor, slug: str, *, kept: bool = False) -> Article:
    """The article if the actor may read it, else 404 whether it is missing or forbidden. With
    its organization and author, which its page shows; not who published it, which nothing there
    reads (a third person's row cost a fifth of the query's building).

    `kept`: the row as kept between requests until a write to what it was read from (as the
    event page's, events.selectors.get_event_for): for the article's page. The actor is checked
    on every request, a scheduled article's time included."""
    slug = str(slug)
    article = pagecache.detail_row(f"article-row:{slug}", lambda: _article_row(slug), kept=kept)
    if article is None or not can_view_article(actor, article):
        raise Http404
    return article


def article_detail(article: Article, *, fresh: bool = False) -> Article:
    """What the article's page shows, in a few queries: read onto the article `get_article_for`
    found (with its organization and people), or read again with `fresh` (after a service
    refused a change it may have made to the instance in memory)."""
    if fresh:
        article = Article.objects.select_related("organization", "created_by").get(pk=article.pk)
    prefetch_related_objects(
        [article],
        Prefetch("tags", queryset=Tag.objects.order_by("slug")),
        Prefetch("districts", queryset=District.objects.defer("boundary").order_by("name_ko")),
        "listings__organization",
    )
    return article


def related_articles(article: Article, *, limit: int = 3) -> list[Article]:
    """The newest public articles sharing a tag or the organization (walks the date index from
    the newest and stops at `limit`, whatever the table's size)."""
    tag_ids = [tag.pk for tag in article.tags.all()]
    shares_tag = Exists(
        Article.tags.through.objects.filter(article_id=OuterRef("pk"), tag_id__in=tag_ids)
    )
    condition = Q(shares_tag) if tag_ids else Q(pk__in=[])
    if article.organization_id:
        condition |= Q(organization_id=article.organization_id)
    queryset = Article.objects.public().exclude(pk=article.pk).filter(condition)
    return list(cards(_list_related(queryset)).order_by("-publish_at", "-pk")[:limit])


def desk_articles(actor: Actor) -> dict[str, QuerySet[Article]]:
    """The writing desk: editors see the review queue and every unpublished article; members
    the articles of the organizations they may edit (and their own)."""
    base = Article.objects.select_related("organization", "created_by").order_by(
        "-updated_at", "-pk"
    )
    if not is_editor(actor):
        org_ids = list(writer_memberships(actor).values_list("organization_id", flat=True))
        base = base.filter(Q(organization_id__in=org_ids) | Q(created_by=actor))
    return {
        "review": base.filter(status=ArticleStatus.REVIEW).order_by("submitted_at", "pk"),
        "drafts": base.filter(status=ArticleStatus.DRAFT),
        "published": base.filter(status=ArticleStatus.PUBLISHED).order_by("-publish_at", "-pk"),
    }


def writable_organizations(actor: Actor) -> QuerySet[Organization]:
    if is_editor(actor):
        return Organization.objects.order_by("name_ko")
    return Organization.objects.filter(
        pk__in=writer_memberships(actor).values("organization_id")
    ).order_by("name_ko")


PICKER_RESULTS = 20  # answers of the pickers' searches (core.widgets)
PICKER_QUERY_MAX = 100


def linkable_listings() -> QuerySet[Listing]:
    """The listings an article may name: the public ones (a hidden listing is no link to give)."""
    return public_listings().select_related("organization").order_by("organization__name_ko")


def listing_choices(q: str) -> list[dict[str, str]]:
    """The article form's listing picker: public listings whose organization's name (in either
    language) contains `q`; one query, at most PICKER_RESULTS."""
    q = q.strip()[:PICKER_QUERY_MAX]
    if not q:
        return []
    found = linkable_listings().filter(
        Q(organization__name_ko__icontains=q) | Q(organization__name_en__icontains=q)
    )[:PICKER_RESULTS]
    return [{"value": str(listing.pk), "text": listing.organization.name} for listing in found]


def tag_choices(q: str) -> list[dict[str, str]]:
    """The article form's tag picker: tags whose name (in either language) or address name
    contains `q`, by name as the form takes them; one query, at most PICKER_RESULTS."""
    q = q.strip().lstrip("#").strip()[:PICKER_QUERY_MAX]
    if not q:
        return []
    found = Tag.objects.filter(
        Q(name_ko__icontains=q) | Q(name_en__icontains=q) | Q(slug__icontains=q)
    ).order_by("slug")[:PICKER_RESULTS]
    return [{"value": tag.name, "text": tag.name} for tag in found]


def pages() -> QuerySet[Page]:
    return Page.objects.order_by("order", "slug")


def get_page(slug: str) -> Page:
    page = Page.objects.filter(slug=slug).first()
    if page is None:
        raise Http404
    return page


def milestones() -> QuerySet[Milestone]:
    return Milestone.objects.order_by("date", "pk")


def tags_in_use() -> QuerySet[Tag]:
    """Tags with at least one public article: one EXISTS per tag, which stops at its first hit."""
    public = Article.tags.through.objects.filter(
        public_articles_q("article__"), tag_id=OuterRef("pk")
    )
    return Tag.objects.filter(Exists(public)).order_by("slug")


def organizations_with_articles() -> QuerySet[Organization]:
    public = Article.objects.public().filter(organization_id=OuterRef("pk"))
    return Organization.objects.filter(
        Exists(public), moderation_status=ModerationStatus.PUBLISHED
    ).order_by("slug")


def filter_labels(filters: Filters) -> list[str]:
    """The names of the organization and district a list is narrowed to (tag and kind have fields)."""
    labels = []
    if slug := filters.get("organization"):
        organization = Organization.objects.filter(slug=slug).first()
        labels.append(str(organization) if organization else slug)
    if slug := filters.get("district"):
        district = District.objects.filter(slug=slug).defer("boundary").first()
        labels.append(str(district) if district else slug)
    return labels


def review_count() -> int:
    """Articles submitted for review: what waits for the city's editors."""
    return Article.objects.filter(status=ArticleStatus.REVIEW).count()
