"""Every write to the news (DESIGN §3, §4): one transaction each, permission checked inside.

The editorial workflow of an article:

    draft ──submit──► review ──publish (editor)──► published (at publish_at)
      ▲                 │                              │
      └──── return ─────┘ (editor, with a note)        └── unpublish (editor) ──► draft

Editors may publish a draft directly (their own articles). Rich text is sanitized on every save;
the cover image is checked and re-encoded (core.images) and never left behind by a failed write.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from sharehub.core.audit import log_action
from sharehub.core.images import prepare_image
from sharehub.core.sanitize import clean_html
from sharehub.organizations.models import Organization

from . import notices
from .licences import Licence
from .models import Article, ArticleKind, ArticleStatus, DatePrecision, Milestone, Page, Tag
from .permissions import (
    can_edit_article,
    can_edit_pages,
    can_publish,
    can_submit_article,
    can_write_for,
    is_editor,
)
from .search_index import reindex_article

ARTICLE_FIELDS = (
    "kind",
    "title_ko",
    "title_en",
    "summary_ko",
    "summary_en",
    "body_ko",
    "body_en",
    "cover_alt_ko",
    "cover_alt_en",
    "licence",
    "organization",
)
PAGE_FIELDS = (
    "title_ko",
    "title_en",
    "summary_ko",
    "summary_en",
    "body_ko",
    "body_en",
    "order",
    "show_timeline",
)
HTML_FIELDS = {"body_ko", "body_en"}
COVER_MAX_BYTES = 5 * 1024 * 1024
COVER_MAX_SIDE = 1600
MAX_TAGS = 10
SLUG_MAX = 80


def _require_signed_in(actor: Any) -> None:
    if actor is None or not actor.is_authenticated or not actor.is_active:
        raise PermissionDenied(_("Please log in first."))


def _clean(name: str, value: Any) -> Any:
    if name in HTML_FIELDS:
        return clean_html(value or "").strip()
    if isinstance(value, str):
        return value.strip()
    if value is None and name not in ("organization", "order"):
        return ""
    return value


def _check_fields(fields: dict, allowed: tuple[str, ...]) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")


def _merge(errors: dict[str, list], error: ValidationError) -> None:
    for field, messages in error.update_error_dict({}).items():
        errors.setdefault(field, []).extend(messages)


def _unique_slug(article: Article) -> str:
    base = (
        slugify(article.title_en or "")
        or slugify(article.title_ko or "", allow_unicode=True)
        or "article"
    )
    base = base[:SLUG_MAX].strip("-") or "article"
    slug, number = base, 1
    while Article.objects.filter(slug=slug).exclude(pk=article.pk).exists():
        number += 1
        slug = f"{base[: SLUG_MAX - 6]}-{number}"
    return slug


def _tags_from(names: Iterable[str]) -> list[Tag]:
    """Existing tags by address name or name in either language; new ones are created in Korean."""
    tags, seen = [], set()
    for raw in names:
        name = (raw or "").strip().lstrip("#").strip()
        if not name:
            continue
        slug = slugify(name, allow_unicode=True)[:60]
        if not slug or slug in seen:
            continue
        seen.add(slug)
        tag = (
            Tag.objects.filter(slug=slug).first()
            or Tag.objects.filter(name_ko__iexact=name).first()
            or Tag.objects.filter(name_en__iexact=name).first()
        )
        if tag is None:
            tag = Tag(slug=slug, name_ko=name[:60])
            tag.full_clean()
            tag.save()
        tags.append(tag)
    if len(tags) > MAX_TAGS:
        raise ValidationError({"tags": [_("Give at most %(limit)d tags.") % {"limit": MAX_TAGS}]})
    return tags


def _check_authorship(actor: Any, *, kind: str, organization: Organization | None) -> None:
    """Organization members write stories of their own organization; editors write anything."""
    if not can_write_for(actor, organization):
        raise PermissionDenied(
            _("Only the organization's members or the city's editors may write this.")
        )
    if not is_editor(actor):
        errors = {}
        if organization is None:
            errors["organization"] = [_("Choose the organization the story is about.")]
        if kind != ArticleKind.STORY:
            errors["kind"] = [
                _(
                    "Organizations write stories; news, policy updates and announcements are the city's."
                )
            ]
        if errors:
            raise ValidationError(errors)


def _prepare_cover(article: Article, image: Any, errors: dict, *, actor: Any) -> None:
    try:
        article.cover_image = prepare_image(
            image,
            actor=actor,
            field="cover_image",
            max_bytes=COVER_MAX_BYTES,
            max_side=COVER_MAX_SIDE,
        )
    except ValidationError as error:
        _merge(errors, error)


def _validate(article: Article, errors: dict) -> None:
    exclude = ["cover_image"] if "cover_image" in errors else []
    if article.cover_image and not article.cover_alt_ko:
        errors.setdefault("cover_alt_ko", []).append(
            _("Describe the cover image in Korean, for people who cannot see it.")
        )
    try:
        article.full_clean(
            exclude=[*exclude, "slug", "title", "summary", "body", "cover_alt"],
            validate_constraints=False,
        )
    except ValidationError as error:
        _merge(errors, error)
    if errors:
        raise ValidationError(errors)


@contextmanager
def _files_removed_on_error() -> Iterator[list]:
    """Files written inside the block are deleted if the block fails: a rolled-back row must not
    leave its picture behind. Put it outside the transaction, so it also covers the commit."""
    written: list = []
    try:
        yield written
    except BaseException:
        for storage, name in written:
            storage.delete(name)
        raise


def _save_with_file(article: Article, written: list, *, new_file: bool, old_name: str = "") -> None:
    """Save the row (writing a new cover's file); the replaced file goes once the change commits."""
    try:
        article.save()
    finally:
        if new_file and article.cover_image and article.cover_image.name:
            written.append((article.cover_image.storage, article.cover_image.name))
    if old_name and old_name != article.cover_image.name:
        storage = Article._meta.get_field("cover_image").storage
        transaction.on_commit(lambda: storage.delete(old_name))


def _apply(article: Article, changes: dict) -> None:
    for name, value in changes.items():
        setattr(article, name, _clean(name, value))


def create_article(
    *,
    actor: Any,
    kind: str = ArticleKind.NEWS,
    title_ko: str,
    organization: Organization | None = None,
    tags: Iterable[str] = (),
    listings: Iterable = (),
    districts: Iterable = (),
    cover_image: Any = None,
    licence: str = Licence.CC_BY,
    **fields: Any,
) -> Article:
    """A draft by an editor (any kind) or by an organization's member (a story of theirs)."""
    with _files_removed_on_error() as written, transaction.atomic():
        return _create_article(
            actor=actor,
            kind=kind,
            title_ko=title_ko,
            organization=organization,
            tags=tags,
            listings=listings,
            districts=districts,
            cover_image=cover_image,
            licence=licence,
            written=written,
            fields=fields,
        )


def _create_article(
    *,
    actor,
    kind,
    title_ko,
    organization,
    tags,
    listings,
    districts,
    cover_image,
    licence,
    written,
    fields,
):
    _require_signed_in(actor)
    _check_fields(fields, ARTICLE_FIELDS)
    _check_authorship(actor, kind=kind, organization=organization)
    article = Article(created_by=actor, status=ArticleStatus.DRAFT)
    _apply(
        article,
        {
            "kind": kind,
            "title_ko": title_ko,
            "organization": organization,
            "licence": licence,
            **fields,
        },
    )
    errors: dict[str, list] = {}
    if cover_image is not None:
        _prepare_cover(article, cover_image, errors, actor=actor)
    tag_objects = _collect(errors, _tags_from, tags)
    _validate(article, errors)
    article.slug = _unique_slug(article)
    _save_with_file(article, written, new_file=bool(article.cover_image))
    article.tags.set(tag_objects)
    article.listings.set(list(listings))
    article.districts.set(list(districts))
    reindex_article(article)
    log_action(actor=actor, action="news.created", target=article, data={"kind": article.kind})
    return article


def _collect(errors: dict, build, values):
    try:
        return build(values)
    except ValidationError as error:
        _merge(errors, error)
        return []


def get_article_for_update(actor: Any, article: Article) -> Article:
    """Lock the article's row; expects a transaction."""
    return (
        Article.objects.select_for_update(of=("self",))
        .select_related("organization")
        .get(pk=article.pk)
    )


def update_article(
    *,
    actor: Any,
    article: Article,
    tags: Iterable[str] | None = None,
    listings: Iterable | None = None,
    districts: Iterable | None = None,
    cover_image: Any = None,
    remove_cover: bool = False,
    **changes: Any,
) -> Article:
    """Only what is passed changes. A member cannot move a story to another organization or kind."""
    with _files_removed_on_error() as written, transaction.atomic():
        return _update_article(
            actor=actor,
            article=article,
            tags=tags,
            listings=listings,
            districts=districts,
            cover_image=cover_image,
            remove_cover=remove_cover,
            written=written,
            changes=changes,
        )


def _update_article(
    *, actor, article, tags, listings, districts, cover_image, remove_cover, written, changes
):
    _require_signed_in(actor)
    _check_fields(changes, ARTICLE_FIELDS)
    locked = get_article_for_update(actor, article)
    if not can_edit_article(actor, locked):
        raise PermissionDenied(_("You may not edit this article."))
    if "kind" in changes or "organization" in changes:
        _check_authorship(
            actor,
            kind=changes.get("kind", locked.kind),
            organization=changes.get("organization", locked.organization),
        )
    old_name = locked.cover_image.name if locked.cover_image else ""
    _apply(locked, changes)
    errors: dict[str, list] = {}
    new_file = False
    if cover_image is not None:
        _prepare_cover(locked, cover_image, errors, actor=actor)
        new_file = "cover_image" not in errors
    elif remove_cover:
        locked.cover_image = ""
    tag_objects = _collect(errors, _tags_from, tags) if tags is not None else None
    _validate(locked, errors)
    if ("title_en" in changes or "title_ko" in changes) and (
        locked.status != ArticleStatus.PUBLISHED
    ):  # a published address stays stable for links and feeds
        locked.slug = _unique_slug(locked)
    _save_with_file(locked, written, new_file=new_file, old_name=old_name)
    if tag_objects is not None:
        locked.tags.set(tag_objects)
    if listings is not None:
        locked.listings.set(list(listings))
    if districts is not None:
        locked.districts.set(list(districts))
    reindex_article(locked)
    log_action(actor=actor, action="news.updated", target=locked, data={"fields": sorted(changes)})
    return locked


def _locked_for(actor: Any, article: Article) -> Article:
    _require_signed_in(actor)
    return get_article_for_update(actor, article)


def _sync(article: Article, locked: Article, fields: Iterable[str]) -> Article:
    for field in fields:
        setattr(article, field, getattr(locked, field))
    return article


def _authors_of(article: Article) -> list:
    return list(article.moderation_authors())


@transaction.atomic
def submit_article(*, actor: Any, article: Article) -> Article:
    """A draft goes to the editors' review queue; they are told once the submission commits."""
    locked = _locked_for(actor, article)
    if not can_submit_article(actor, locked):
        if locked.status != ArticleStatus.DRAFT:
            raise ValidationError(
                _("Only a draft can be submitted for review."), code="invalid_transition"
            )
        raise PermissionDenied(_("You may not submit this article."))
    locked.status = ArticleStatus.REVIEW
    locked.submitted_at = timezone.now()
    locked.save(update_fields=["status", "submitted_at", "updated_at"])
    log_action(actor=actor, action="news.submitted", target=locked)
    article_id = locked.pk

    def tell_editors() -> None:
        for editor in notices.editors().exclude(pk=actor.pk):
            notices.tell(
                editor, kind=notices.KIND_REVIEW, message=notices.SUBMITTED, article_id=article_id
            )

    transaction.on_commit(tell_editors)
    return _sync(article, locked, ("status", "submitted_at"))


def _due(publish_at: datetime | None, now: datetime) -> datetime:
    return publish_at or now


@transaction.atomic
def publish_article(*, actor: Any, article: Article, publish_at: datetime | None = None) -> Article:
    """Editors only. Without a date it is public at once; a future date schedules it (the periodic
    task tells the author when it goes live)."""
    locked = _locked_for(actor, article)
    if not can_publish(actor):
        raise PermissionDenied(_("Only editors publish articles."))
    if locked.status == ArticleStatus.PUBLISHED:
        raise ValidationError(_("This article is already published."), code="invalid_transition")
    if publish_at is not None and timezone.is_naive(publish_at):
        raise ValidationError({"publish_at": [_("Give the publication time with its time zone.")]})
    now = timezone.now()
    locked.status = ArticleStatus.PUBLISHED
    locked.publish_at = _due(publish_at, now)
    locked.published_by = actor
    locked.review_note = ""
    locked.announced_at = None
    locked.save(
        update_fields=[
            "status",
            "publish_at",
            "published_by",
            "review_note",
            "announced_at",
            "updated_at",
        ]
    )
    reindex_article(locked)
    log_action(
        actor=actor,
        action="news.scheduled" if locked.publish_at > now else "news.published",
        target=locked,
        data={"publish_at": locked.publish_at.isoformat()},
    )
    if locked.publish_at <= now:
        _announce(locked, actor=actor, now=now)
    else:
        authors = [user for user in _authors_of(locked) if user.pk != actor.pk]
        article_id = locked.pk
        transaction.on_commit(
            lambda: [
                notices.tell(
                    user,
                    kind=notices.KIND_DECISION,
                    message=notices.SCHEDULED,
                    article_id=article_id,
                )
                for user in authors
            ]
        )
    return _sync(
        article, locked, ("status", "publish_at", "published_by", "review_note", "announced_at")
    )


def _announce(article: Article, *, actor: Any | None, now: datetime) -> None:
    """Mark the article announced and tell its authors once; expects the row locked or claimed."""
    Article.objects.filter(pk=article.pk).update(announced_at=now)
    article.announced_at = now
    authors = [user for user in _authors_of(article) if actor is None or user.pk != actor.pk]
    article_id = article.pk
    transaction.on_commit(
        lambda: [
            notices.tell(
                user, kind=notices.KIND_DECISION, message=notices.PUBLISHED, article_id=article_id
            )
            for user in authors
        ]
    )


@transaction.atomic
def return_article(*, actor: Any, article: Article, note: str) -> Article:
    """An editor sends a submitted article back to its authors with a note (it becomes a draft)."""
    locked = _locked_for(actor, article)
    if not can_publish(actor):
        raise PermissionDenied(_("Only editors review articles."))
    if locked.status != ArticleStatus.REVIEW:
        raise ValidationError(
            _("Only an article waiting for review can be sent back."), code="invalid_transition"
        )
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": [_("Tell the authors what to change.")]})
    if len(note) > 2000:
        raise ValidationError(
            {"note": [_("Keep the note under %(limit)d characters.") % {"limit": 2000}]}
        )
    locked.status = ArticleStatus.DRAFT
    locked.review_note = note
    locked.save(update_fields=["status", "review_note", "updated_at"])
    log_action(actor=actor, action="news.returned", target=locked, reason=note)
    authors = [user for user in _authors_of(locked) if user.pk != actor.pk]
    article_id = locked.pk
    transaction.on_commit(
        lambda: [
            notices.tell(
                user,
                kind=notices.KIND_DECISION,
                message=notices.RETURNED,
                article_id=article_id,
                params={"note": note},
            )
            for user in authors
        ]
    )
    return _sync(article, locked, ("status", "review_note"))


@transaction.atomic
def unpublish_article(*, actor: Any, article: Article) -> Article:
    """An editor takes a published (or scheduled) article back to draft."""
    locked = _locked_for(actor, article)
    if not can_publish(actor):
        raise PermissionDenied(_("Only editors publish articles."))
    if locked.status != ArticleStatus.PUBLISHED:
        raise ValidationError(_("This article is not published."), code="invalid_transition")
    locked.status = ArticleStatus.DRAFT
    locked.save(update_fields=["status", "updated_at"])
    reindex_article(locked)
    log_action(actor=actor, action="news.unpublished", target=locked)
    return _sync(article, locked, ("status",))


@transaction.atomic
def delete_article(*, actor: Any, article: Article) -> None:
    """Editors delete any article; its team deletes a draft. The cover goes after commit."""
    from sharehub.search.services import remove_object

    locked = _locked_for(actor, article)
    if not can_edit_article(actor, locked) or (
        locked.status == ArticleStatus.PUBLISHED and not is_editor(actor)
    ):
        raise PermissionDenied(_("You may not delete this article."))
    name = locked.cover_image.name if locked.cover_image else ""
    log_action(actor=actor, action="news.deleted", target=locked, data={"title": locked.title_ko})
    remove_object(locked)
    locked.delete()
    if name:
        storage = Article._meta.get_field("cover_image").storage
        transaction.on_commit(lambda: storage.delete(name))


def announce_due_articles(*, now: datetime | None = None) -> int:
    """Tell the authors of scheduled articles that came due. Each article is claimed by a
    conditional update, so two runs at once announce it once. Returns how many were announced."""
    now = now or timezone.now()
    due = Article.objects.filter(
        status=ArticleStatus.PUBLISHED, publish_at__lte=now, announced_at__isnull=True
    )
    count = 0
    for article_id in list(due.values_list("pk", flat=True)[:500]):
        with transaction.atomic():
            claimed = Article.objects.filter(pk=article_id, announced_at__isnull=True).update(
                announced_at=now
            )
            if not claimed:
                continue
            article = Article.objects.select_related("created_by", "organization").get(
                pk=article_id
            )
            reindex_article(article)
            log_action(actor=None, action="news.went_live", target=article)
            _announce(article, actor=None, now=now)
            count += 1
    return count


# Pages


@transaction.atomic
def update_page(*, actor: Any, page: Page, **changes: Any) -> Page:
    _require_signed_in(actor)
    _check_fields(changes, PAGE_FIELDS)
    if not can_edit_pages(actor):
        raise PermissionDenied(_("Only editors edit the city's pages."))
    locked = Page.objects.select_for_update(of=("self",)).get(pk=page.pk)
    _apply(locked, changes)
    locked.updated_at = timezone.now()
    locked.updated_by = actor
    locked.full_clean(exclude=["title", "summary", "body"])
    locked.save()
    log_action(
        actor=actor, action="news.page_updated", target=locked, data={"fields": sorted(changes)}
    )
    return locked


@transaction.atomic
def create_page(*, actor: Any, slug: str, title_ko: str, **fields: Any) -> Page:
    _require_signed_in(actor)
    _check_fields(fields, PAGE_FIELDS)
    if not can_edit_pages(actor):
        raise PermissionDenied(_("Only editors edit the city's pages."))
    page = Page(slug=(slug or "").strip(), updated_by=actor)
    _apply(page, {"title_ko": title_ko, **fields})
    page.full_clean(exclude=["title", "summary", "body"])
    page.save()
    log_action(actor=actor, action="news.page_created", target=page)
    return page


# Milestones


def parse_milestone_date(raw: str) -> tuple[date, str]:
    """ "2013-04-14", "2013-06" or "2016" → the first day of the period and its precision."""
    raw = (raw or "").strip()
    parts = raw.split("-")
    try:
        if len(parts) == 3:
            return date(int(parts[0]), int(parts[1]), int(parts[2])), DatePrecision.DAY
        if len(parts) == 2:
            return date(int(parts[0]), int(parts[1]), 1), DatePrecision.MONTH
        if len(parts) == 1 and parts[0]:
            return date(int(parts[0]), 1, 1), DatePrecision.YEAR
    except ValueError:
        pass
    raise ValidationError(
        {"date": [_("“%(value)s” is not a date (YYYY, YYYY-MM or YYYY-MM-DD).") % {"value": raw}]}
    )


@transaction.atomic
def import_milestones(*, path: Path, korean: dict[str, tuple[str, str]] | None = None) -> int:
    """Load the milestones CSV (date,event_en,headline_figure,source); rows already there are kept.
    `korean` maps a row's date to its Korean event and figure. Returns how many were created."""
    korean = korean or {}
    created = 0
    with open(path, encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            when, precision = parse_milestone_date(row["date"])
            event_en = row["event_en"].strip()
            if Milestone.objects.filter(date=when, precision=precision, event_en=event_en).exists():
                continue
            event_ko, figure_ko = korean.get(row["date"].strip(), ("", ""))
            milestone = Milestone(
                date=when,
                precision=precision,
                event_ko=event_ko or event_en,
                event_en=event_en,
                figure_ko=figure_ko or row.get("headline_figure", "").strip(),
                figure_en=row.get("headline_figure", "").strip(),
                source=row.get("source", "").strip(),
            )
            milestone.full_clean(exclude=["event", "figure"])
            milestone.save()
            created += 1
    return created
