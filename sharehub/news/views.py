"""News pages: thin views that parse, call one service or selector, and render."""

from __future__ import annotations

import json
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from sharehub.core.forms import apply_errors
from sharehub.core.i18n import current_language, hub_name
from sharehub.core.pagination import paginate, querystring_without_page
from sharehub.core.ratelimit import ratelimit_writes

from . import selectors, services
from .forms import ArticleFilterForm, ArticleForm, PageForm, PublishForm, ReturnForm
from .licences import licence_info
from .models import Article, ArticleStatus
from .permissions import (
    can_edit_article,
    can_edit_pages,
    can_publish,
    can_submit_article,
    can_write,
    is_editor,
)


def _feed_links(request: HttpRequest, filters=None) -> list[dict]:
    """The feeds a page announces in its head: the whole news, and the tag or organization shown."""
    links = [
        {"type": "application/rss+xml", "title": _("News (RSS)"), "href": reverse("news:rss")},
        {"type": "application/atom+xml", "title": _("News (Atom)"), "href": reverse("news:atom")},
    ]
    if filters is not None and filters.tag:
        links += [
            {
                "type": "application/rss+xml",
                "title": _("This tag (RSS)"),
                "href": reverse("news:tag_rss", args=[filters.tag]),
            },
            {
                "type": "application/atom+xml",
                "title": _("This tag (Atom)"),
                "href": reverse("news:tag_atom", args=[filters.tag]),
            },
        ]
    if filters is not None and filters.organization:
        links += [
            {
                "type": "application/rss+xml",
                "title": _("This organization (RSS)"),
                "href": reverse("news:organization_rss", args=[filters.organization]),
            },
            {
                "type": "application/atom+xml",
                "title": _("This organization (Atom)"),
                "href": reverse("news:organization_atom", args=[filters.organization]),
            },
        ]
    return links


@require_safe
def article_list(request: HttpRequest) -> HttpResponse:
    filters = selectors.parse_filters(request.GET)
    browse = selectors.public_articles(filters)
    page = paginate(request, browse.queryset, per_page=12)
    articles = list(page.object_list)
    for article in articles:
        hit = browse.highlights.get(article.pk)
        article.highlight = hit.highlight if hit is not None else ""
    page.object_list = articles
    return render(
        request,
        "news/list.html",
        {
            "page": page,
            "query": querystring_without_page(request),
            "filters": filters,
            "filter_form": ArticleFilterForm(request.GET or None, errors=filters.errors),
            "feed_links": _feed_links(request, filters),
            "filtered_by": selectors.filter_labels(filters),
            "can_write": can_write(request.user),
            "pages": selectors.pages(),
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


def _content_language(article: Article) -> str:
    """The language the reader actually gets: a missing translation falls back to Korean."""
    language = current_language()
    return language if getattr(article, f"title_{language}", "") else "ko"


@require_safe
def article_detail(request: HttpRequest, slug: str) -> HttpResponse:
    article = selectors.article_detail(selectors.get_article_for(request.user, slug))
    return render(
        request,
        "news/detail.html",
        {
            "article": article,
            "content_language": _content_language(article),
            "licence": licence_info(article.licence),
            "share_links": _share_links(request, article),
            "share_url": request.build_absolute_uri(article.get_absolute_url()),
            "json_ld": _json_ld(request, article) if article.is_public else "",
            "feed_links": _feed_links(request),
            "related": selectors.related_articles(article) if article.is_public else [],
            "can_edit": can_edit_article(request.user, article),
            "can_submit": can_submit_article(request.user, article),
            "can_publish": can_publish(request.user),
        },
    )


def _require_writer(request: HttpRequest) -> None:
    if not can_write(request.user):
        raise PermissionDenied


@login_required
@ratelimit_writes("news.write", "30/m")
def article_create(request: HttpRequest) -> HttpResponse:
    _require_writer(request)
    initial = {}
    if not is_editor(request.user):
        initial = {
            "kind": "story",
            "organization": selectors.writable_organizations(request.user).first(),
        }
    form = ArticleForm(
        request.POST or None, request.FILES or None, actor=request.user, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        fields = form.service_fields()
        fields.pop("remove_cover", None)
        try:
            article = services.create_article(actor=request.user, **fields)
        except ValidationError as error:
            apply_errors(form, error)
        except PermissionDenied:
            form.add_error("organization", _("You may not write for this organization."))
        else:
            messages.success(request, _("The draft has been saved."))
            return redirect("news:detail", slug=article.slug)
    status = 400 if request.method == "POST" else 200
    return render(request, "news/form.html", {"form": form, "article": None}, status=status)


def _article_for_edit(request: HttpRequest, slug: str) -> Article:
    """404 when the user cannot see it, 403 when they can but may not edit it."""
    article = selectors.get_article_for(request.user, slug)
    if not can_edit_article(request.user, article):
        raise PermissionDenied
    return article


@login_required
@ratelimit_writes("news.write", "30/m")
def article_edit(request: HttpRequest, slug: str) -> HttpResponse:
    article = _article_for_edit(request, slug)
    form = ArticleForm(
        request.POST or None, request.FILES or None, actor=request.user, article=article
    )
    if request.method == "POST" and form.is_valid():
        try:
            article = services.update_article(
                actor=request.user, article=article, **form.service_fields()
            )
        except ValidationError as error:
            apply_errors(form, error)
        except PermissionDenied:
            form.add_error("organization", _("You may not write for this organization."))
        else:
            messages.success(request, _("Your changes have been saved."))
            return redirect("news:detail", slug=article.slug)
    status = 400 if request.method == "POST" else 200
    return render(request, "news/form.html", {"form": form, "article": article}, status=status)


def _transition(request: HttpRequest, slug: str, action, success: str, **kwargs) -> HttpResponse:
    article = selectors.get_article_for(request.user, slug)
    try:
        article = action(actor=request.user, article=article, **kwargs)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, success)
    return redirect("news:detail", slug=article.slug)


@login_required
@require_POST
def article_submit(request: HttpRequest, slug: str) -> HttpResponse:
    return _transition(
        request,
        slug,
        services.submit_article,
        _("The article has been sent to the editors for review."),
    )


def _require_editor(request: HttpRequest) -> None:
    if not can_publish(request.user):
        raise PermissionDenied


@login_required
@require_safe
def article_review(request: HttpRequest, slug: str) -> HttpResponse:
    _require_editor(request)
    article = selectors.article_detail(selectors.get_article_for(request.user, slug))
    return render(
        request,
        "news/review.html",
        {
            "article": article,
            "publish_form": PublishForm(),
            "return_form": ReturnForm(),
            "licence": licence_info(article.licence),
        },
    )


@login_required
@require_POST
def article_publish(request: HttpRequest, slug: str) -> HttpResponse:
    _require_editor(request)
    article = selectors.get_article_for(request.user, slug)
    form = PublishForm(request.POST)
    if form.is_valid():
        try:
            article = services.publish_article(
                actor=request.user, article=article, publish_at=form.cleaned_data["publish_at"]
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            if article.is_scheduled:
                messages.success(request, _("The article is scheduled."))
            else:
                messages.success(request, _("The article has been published."))
            return redirect("news:detail", slug=article.slug)
    article = selectors.article_detail(article)
    return render(
        request,
        "news/review.html",
        {
            "article": article,
            "publish_form": form,
            "return_form": ReturnForm(),
            "licence": licence_info(article.licence),
        },
        status=400,
    )


@login_required
@require_POST
def article_return(request: HttpRequest, slug: str) -> HttpResponse:
    _require_editor(request)
    article = selectors.get_article_for(request.user, slug)
    form = ReturnForm(request.POST)
    if form.is_valid():
        try:
            services.return_article(
                actor=request.user, article=article, note=form.cleaned_data["note"]
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The article has been sent back to its authors."))
            return redirect("news:desk")
    article = selectors.article_detail(article)
    return render(
        request,
        "news/review.html",
        {
            "article": article,
            "publish_form": PublishForm(),
            "return_form": form,
            "licence": licence_info(article.licence),
        },
        status=400,
    )


@login_required
@require_POST
def article_unpublish(request: HttpRequest, slug: str) -> HttpResponse:
    _require_editor(request)
    return _transition(
        request, slug, services.unpublish_article, _("The article is a draft again.")
    )


@login_required
@require_POST
def article_delete(request: HttpRequest, slug: str) -> HttpResponse:
    article = _article_for_edit(request, slug)
    try:
        services.delete_article(actor=request.user, article=article)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("news:detail", slug=slug)
    messages.success(request, _("The article has been deleted."))
    return redirect("news:desk")


@login_required
@require_safe
def desk(request: HttpRequest) -> HttpResponse:
    _require_writer(request)
    sections = selectors.desk_articles(request.user)
    return render(
        request,
        "news/desk.html",
        {
            "review": list(sections["review"][:50]),
            "drafts": list(sections["drafts"][:50]),
            "published": list(sections["published"][:20]),
            "is_editor": is_editor(request.user),
            "statuses": ArticleStatus,
        },
    )


@require_safe
def page_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "news/pages.html",
        {"pages": selectors.pages(), "can_edit": can_edit_pages(request.user)},
    )


@require_safe
def page_detail(request: HttpRequest, slug: str) -> HttpResponse:
    page = selectors.get_page(slug)
    return render(
        request,
        "news/page.html",
        {
            "page": page,
            "pages": selectors.pages(),
            "milestones": list(selectors.milestones()) if page.show_timeline else [],
            "can_edit": can_edit_pages(request.user),
        },
    )


@login_required
def page_edit(request: HttpRequest, slug: str) -> HttpResponse:
    page = selectors.get_page(slug)
    if not can_edit_pages(request.user):
        raise PermissionDenied
    form = PageForm(request.POST or None, instance=page)
    if request.method == "POST" and form.is_valid():
        try:
            page = services.update_page(
                actor=request.user,
                page=page,
                **{name: form.cleaned_data[name] for name in form.Meta.fields},
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Your changes have been saved."))
            return redirect("news:page", slug=page.slug)
    status = 400 if request.method == "POST" else 200
    return render(request, "news/page_form.html", {"form": form, "page": page}, status=status)
