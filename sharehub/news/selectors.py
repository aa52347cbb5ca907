"""Reads for the news: the public list with its filters and search, an article for a reader,
the writing desk, pages and the timeline. Every list runs a fixed number of queries."""

from __future__ import annotations

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
)
from django.http import Http404
from django.utils.translation import gettext as _

from sharehub.organizations.models import Organization
from sharehub.places.models import District

from .licences import Licence
from .models import Article, ArticleKind, ArticleStatus, Milestone, Page, Tag
from .permissions import can_view_article, is_editor

Q_MAX_LENGTH = 100


@dataclass
class ArticleFilters:
    q: str = ""
    kind: str = ""
    tag: str = ""
    organization: str = ""
    district: str = ""
    licence: str = ""
    errors: dict[str, list[str]] = field(default_factory=dict)

    def error(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)


def parse_filters(params: Mapping[str, Any]) -> ArticleFilters:
    """Bad values become field errors in the reader's language; the valid ones still apply."""
    filters = ArticleFilters()
    q = str(params.get("q") or "").strip()
    if len(q) > Q_MAX_LENGTH:
        filters.error(
            "q", _("Ensure this value has at most %(max)s characters.") % {"max": Q_MAX_LENGTH}
        )
        q = q[:Q_MAX_LENGTH]
    filters.q = q
    if kind := str(params.get("kind") or "").strip():
        if kind in ArticleKind.values:
            filters.kind = kind
        else:
            filters.error("kind", _("Select a valid choice."))
    if licence := str(params.get("licence") or "").strip():
        if licence in Licence.values:
            filters.licence = licence
        else:
            filters.error("licence", _("Select a valid choice."))
    for name, model, message in (
        ("tag", Tag, _("There is no tag with this address name.")),
        ("organization", Organization, _("There is no organization with this address name.")),
        ("district", District, _("There is no district with this address name.")),
    ):
        if value := str(params.get(name) or "").strip():
            if model.objects.filter(slug=value).exists():
                setattr(filters, name, value)
            else:
                filters.error(name, message)
    return filters


def _list_related(queryset: QuerySet[Article]) -> QuerySet[Article]:
    return queryset.select_related("organization", "created_by").prefetch_related(
        Prefetch("tags", queryset=Tag.objects.order_by("slug"))
    )


def _search_hits(q: str) -> list:
    from sharehub.search.selectors import search

    return search(q, model=Article)


@dataclass
class Browse:
    queryset: QuerySet[Article]
    highlights: dict = field(default_factory=dict)


def public_articles(filters: ArticleFilters | None = None) -> Browse:
    """Public articles, newest first; with `q`, in the search's ranking."""
    filters = filters or ArticleFilters()
    queryset = Article.objects.public()
    if filters.kind:
        queryset = queryset.filter(kind=filters.kind)
    if filters.licence:
        queryset = queryset.filter(licence=filters.licence)
    if filters.tag:
        queryset = queryset.filter(tags__slug=filters.tag)
    if filters.organization:
        queryset = queryset.filter(organization__slug=filters.organization)
    if filters.district:
        queryset = queryset.filter(districts__slug=filters.district)
    highlights: dict = {}
    if filters.q:
        hits = _search_hits(filters.q)
        ids = [hit.object_id for hit in hits]
        highlights = {hit.object_id: hit for hit in hits}
        ranking = Case(
            *[When(pk=pk, then=Value(rank)) for rank, pk in enumerate(ids)],
            output_field=IntegerField(),
        )
        queryset = queryset.filter(pk__in=ids).order_by(ranking, "pk") if ids else queryset.none()
    else:
        queryset = queryset.order_by("-publish_at", "-pk")
    # Each filter names one tag or district (slugs are unique), so the joins never repeat a row.
    return Browse(queryset=_list_related(queryset), highlights=highlights)


def latest_articles(*, limit: int) -> list[Article]:
    """The newest public articles (the home page)."""
    return list(_list_related(Article.objects.public().order_by("-publish_at", "-pk"))[:limit])


def feed_articles(
    *, tag: Tag | None = None, organization: Organization | None = None, limit: int = 30
) -> list[Article]:
    queryset = Article.objects.public()
    if tag is not None:
        queryset = queryset.filter(tags=tag)
    if organization is not None:
        queryset = queryset.filter(organization=organization)
    return list(_list_related(queryset.order_by("-publish_at", "-pk"))[:limit])


def get_article_for(actor: Any, slug: str, *, lock: bool = False) -> Article:
    """The article if the actor may read it, else 404 whether it is missing or forbidden."""
    queryset = Article.objects.select_related("organization", "created_by", "published_by")
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    article = queryset.filter(slug=slug).first()
    if article is None or not can_view_article(actor, article):
        raise Http404
    return article


def article_detail(article: Article) -> Article:
    """The article with what its page shows, in a few queries."""
    return (
        Article.objects.select_related("organization", "created_by")
        .prefetch_related(
            Prefetch("tags", queryset=Tag.objects.order_by("slug")),
            Prefetch("districts", queryset=District.objects.order_by("name_ko")),
            "listings__organization",
        )
        .get(pk=article.pk)
    )


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
    return list(_list_related(queryset).order_by("-publish_at", "-pk")[:limit])


def desk_articles(actor: Any) -> dict[str, QuerySet[Article]]:
    """The writing desk: editors see the review queue and every unpublished article; members
    the articles of the organizations they may edit (and their own)."""
    base = Article.objects.select_related("organization", "created_by").order_by(
        "-updated_at", "-pk"
    )
    if not is_editor(actor):
        org_ids = list(
            actor.memberships.filter(role__in=("owner", "editor")).values_list(
                "organization_id", flat=True
            )
        )
        base = base.filter(Q(organization_id__in=org_ids) | Q(created_by=actor))
    return {
        "review": base.filter(status=ArticleStatus.REVIEW).order_by("submitted_at", "pk"),
        "drafts": base.filter(status=ArticleStatus.DRAFT),
        "published": base.filter(status=ArticleStatus.PUBLISHED).order_by("-publish_at", "-pk"),
    }


def writable_organizations(actor: Any) -> QuerySet[Organization]:
    if is_editor(actor):
        return Organization.objects.order_by("name_ko")
    return Organization.objects.filter(
        memberships__user=actor, memberships__role__in=("owner", "editor")
    ).order_by("name_ko")


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
        tag_id=OuterRef("pk"), article__in=Article.objects.public()
    )
    return Tag.objects.filter(Exists(public)).order_by("slug")


def organizations_with_articles() -> QuerySet[Organization]:
    public = Article.objects.public().filter(organization_id=OuterRef("pk"))
    return Organization.objects.filter(Exists(public), moderation_status="published").order_by(
        "slug"
    )


def filter_labels(filters: ArticleFilters) -> list[str]:
    """The names of the organization and district a list is narrowed to (tag and kind have fields)."""
    labels = []
    if filters.organization:
        organization = Organization.objects.filter(slug=filters.organization).first()
        labels.append(str(organization) if organization else filters.organization)
    if filters.district:
        district = District.objects.filter(slug=filters.district).defer("boundary").first()
        labels.append(str(district) if district else filters.district)
    return labels
