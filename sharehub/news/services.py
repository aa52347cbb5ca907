"""Every write to the news (DESIGN §3, §4): one transaction each, permission checked inside.

The editorial workflow of an article:

    draft ──submit──► review ──publish (editor)──► published (at publish_at)
      ▲                 │                              │
      └──── return ─────┘ (editor, with a note)        └── unpublish (editor) ──► draft

Editors may publish a draft directly (their own articles). Rich text is sanitized on every save;
the cover image is checked and re-encoded (core.images) and never left behind by a failed write.

Side effects (DESIGN §4): a transition writes its audit row and its notices (`notices.send`, which
stores the notifications and mail rows) inside its own transaction. Only files follow the commit: a
replaced or deleted cover's file is removed by `transaction.on_commit` (a rolled-back change keeps
the file its row still names), and a new cover's file is removed if the transaction fails.

`update_article`, `return_article`, `unpublish_article`, `delete_article` and `update_page` are
durable transactions. `create_article`, `submit_article`, `publish_article`, `create_page` and
`import_milestones` are also run by the demo loader inside its own transaction, so they are not.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypedDict, Unpack

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import Storage
from django.db import models, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from sharehub.accounts.models import User
from sharehub.accounts.roles import city_staff_members, is_editor, signed_in_user
from sharehub.core.actors import Actor
from sharehub.core.audit import log_action
from sharehub.core.changes import apply_changes
from sharehub.core.images import prepare_image
from sharehub.core.locking import lock
from sharehub.core.sanitize import check_rich_text, clean_html
from sharehub.core.slugs import short_slug
from sharehub.directory.models import Listing
from sharehub.organizations.models import Organization
from sharehub.places.models import District

from . import notices
from .licences import Licence
from .models import Article, ArticleKind, ArticleStatus, DatePrecision, Milestone, Page, Tag
from .permissions import (
    can_edit_article,
    can_edit_pages,
    can_publish,
    can_submit_article,
    can_write_for,
)
from .search_index import reindex_article, unindex_article


class ArticleText(TypedDict, total=False):
    """The texts of an article besides its Korean title."""

    title_en: str
    summary_ko: str
    summary_en: str
    body_ko: str  # HTML, sanitized
    body_en: str
    cover_alt_ko: str
    cover_alt_en: str


class ArticleChanges(ArticleText, total=False):
    """What `update_article` may change (only what is passed changes)."""

    kind: str
    title_ko: str
    licence: str
    organization: Organization | None


class PageText(TypedDict, total=False):
    title_en: str
    summary_ko: str
    summary_en: str
    body_ko: str  # HTML, sanitized
    body_en: str
    order: int
    show_timeline: bool


class PageChanges(PageText, total=False):
    title_ko: str


ARTICLE_FIELDS = tuple(ArticleChanges.__annotations__)
PAGE_FIELDS = tuple(PageChanges.__annotations__)
HTML_FIELDS = {"body_ko", "body_en"}
COVER_MAX_BYTES = 5 * 1024 * 1024
COVER_MAX_SIDE = 1600
MAX_TAGS = 10
SLUG_MAX = 60
NOTE_MAX = 2000

Errors = dict[str, list[Any]]
WrittenFiles = list[tuple[Storage, str]]


def _clean(name: str, value: Any) -> Any:
    if name in HTML_FIELDS:
        return clean_html(value or "").strip()
    if isinstance(value, str):
        return value.strip()
    if value is None and name not in ("organization", "order"):
        return ""
    return value


def _merge(errors: Errors, error: ValidationError) -> None:
    for field, messages in error.update_error_dict({}).items():
        errors.setdefault(field, []).extend(messages)


def _check_images(errors: Errors, data: Mapping[str, object]) -> None:
    """An image that was not uploaded through the editor, or has no text alternative, is a field
    error among the others."""
    try:
        check_rich_text(data, HTML_FIELDS)
    except ValidationError as error:
        _merge(errors, error)


def _collect_tags(errors: Errors, names: Iterable[str]) -> list[Tag]:
    """The tags by name; a bad list is a field error among the others (nothing is raised)."""
    try:
        return _tags_from(names)
    except ValidationError as error:
        _merge(errors, error)
        return []


def _unique_slug(article: Article) -> str:
    # Always ASCII (core.slugs): the English title, else the Korean one romanized, cut at a word.
    base = short_slug(article.title_en, article.title_ko, max_length=SLUG_MAX) or "article"
    slug, number = base, 1
    while Article.objects.filter(slug=slug).exclude(pk=article.pk).exists():
        number += 1
        slug = f"{base[: SLUG_MAX - 6]}-{number}"
    return slug


def _tags_from(names: Iterable[str]) -> list[Tag]:
    """Existing tags by address name or name in either language; new ones are created in Korean."""
    tags: list[Tag] = []
    seen: set[str] = set()
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


def _check_authorship(actor: Actor, *, kind: str, organization: Organization | None) -> None:
    """Organization members write stories of their own organization; editors write anything."""
    if not can_write_for(actor, organization):
        raise PermissionDenied(
            _("Only the organization's members or the city's editors may write this.")
        )
    if not is_editor(actor):
        errors: Errors = {}
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


def _prepare_cover(article: Article, image: Any, errors: Errors, *, actor: User) -> None:
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


def _validate(article: Article, errors: Errors) -> None:
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


def _cover_storage() -> Storage:
    field = Article._meta.get_field("cover_image")
    assert isinstance(field, models.FileField)
    return field.storage


@contextmanager
def _files_removed_on_error() -> Iterator[WrittenFiles]:
    """Files written inside the block are deleted if the block fails: a rolled-back row must not
    leave its picture behind. Put it outside the transaction, so it also covers the commit."""
    written: WrittenFiles = []
    try:
        yield written
    except BaseException:
        for storage, name in written:
            storage.delete(name)
        raise


def _delete_file_on_commit(name: str) -> None:
    """A file side effect that must follow the commit: before it, the row may still name the file."""
    storage = _cover_storage()
    transaction.on_commit(lambda: storage.delete(name))


def _save_with_file(
    article: Article, written: WrittenFiles, *, new_file: bool, old_name: str = ""
) -> None:
    """Save the row (writing a new cover's file); the replaced file goes once the change commits."""
    try:
        article.save()
    finally:
        if new_file and article.cover_image and article.cover_image.name:
            written.append((article.cover_image.storage, article.cover_image.name))
    if old_name and old_name != article.cover_image.name:
        _delete_file_on_commit(old_name)


def create_article(
    *,
    actor: Actor,
    kind: str = ArticleKind.NEWS,
    title_ko: str,
    organization: Organization | None = None,
    tags: Iterable[str] = (),
    listings: Iterable[Listing] = (),
    districts: Iterable[District] = (),
    cover_image: Any = None,
    licence: str = Licence.CC_BY,
    **text: Unpack[ArticleText],
) -> Article:
    """A draft by an editor (any kind) or by an organization's member (a story of theirs)."""
    with _files_removed_on_error() as written, transaction.atomic():
        user = signed_in_user(actor)
        _check_authorship(user, kind=kind, organization=organization)
        article = Article(created_by=user, status=ArticleStatus.DRAFT)
        apply_changes(
            article,
            fields=ARTICLE_FIELDS,
            data={
                "kind": kind,
                "title_ko": title_ko,
                "organization": organization,
                "licence": licence,
                **text,
            },
            clean=_clean,
        )
        errors: Errors = {}
        _check_images(errors, text)
        if cover_image is not None:
            _prepare_cover(article, cover_image, errors, actor=user)
        tag_objects = _collect_tags(errors, tags)
        _validate(article, errors)
        article.slug = _unique_slug(article)
        _save_with_file(article, written, new_file=bool(article.cover_image))
        article.tags.set(tag_objects)
        article.listings.set(list(listings))
        article.districts.set(list(districts))
        reindex_article(article)
        log_action(actor=user, action="news.created", target=article, data={"kind": article.kind})
        return article


def _lock_for(actor: Actor, article: Article) -> tuple[User, Article]:
    """The signed-in actor and the article's locked row; expects a transaction."""
    user = signed_in_user(actor)
    return user, lock(article)


def update_article(
    *,
    actor: Actor,
    article: Article,
    tags: Iterable[str] | None = None,
    listings: Iterable[Listing] | None = None,
    districts: Iterable[District] | None = None,
    cover_image: Any = None,
    remove_cover: bool = False,
    **changes: Unpack[ArticleChanges],
) -> Article:
    """Only what is passed changes. A member cannot move a story to another organization or kind.
    Locks the article's row."""
    with _files_removed_on_error() as written, transaction.atomic(durable=True):
        user, locked = _lock_for(actor, article)
        if not can_edit_article(user, locked):
            raise PermissionDenied(_("You may not edit this article."))
        if "kind" in changes or "organization" in changes:
            _check_authorship(
                user,
                kind=changes.get("kind", locked.kind),
                organization=changes.get("organization", locked.organization),
            )
        old_name = locked.cover_image.name or "" if locked.cover_image else ""
        apply_changes(locked, fields=ARTICLE_FIELDS, data=changes, clean=_clean)
        errors: Errors = {}
        _check_images(errors, changes)
        new_file = False
        if cover_image is not None:
            _prepare_cover(locked, cover_image, errors, actor=user)
            new_file = "cover_image" not in errors
        elif remove_cover:
            locked.cover_image = ""
        tag_objects = _collect_tags(errors, tags) if tags is not None else None
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
        log_action(
            actor=user, action="news.updated", target=locked, data={"fields": sorted(changes)}
        )
        return locked


def _sync(article: Article, locked: Article, fields: Iterable[str]) -> Article:
    for field in fields:
        setattr(article, field, getattr(locked, field))
    return article


def _authors_except(article: Article, actor: User | None) -> list[User]:
    return [user for user in article.moderation_authors() if actor is None or user.pk != actor.pk]


@transaction.atomic
def submit_article(*, actor: Actor, article: Article) -> Article:
    """A draft goes to the editors' review queue, and they are told. Locks the article's row."""
    user, locked = _lock_for(actor, article)
    if not can_submit_article(user, locked):
        if locked.status != ArticleStatus.DRAFT:
            raise ValidationError(
                _("Only a draft can be submitted for review."), code="invalid_transition"
            )
        raise PermissionDenied(_("You may not submit this article."))
    locked.status = ArticleStatus.REVIEW
    locked.submitted_at = timezone.now()
    locked.save(update_fields=["status", "submitted_at", "updated_at"])
    log_action(actor=user, action="news.submitted", target=locked)
    notices.send("submitted", article=locked, recipients=city_staff_members().exclude(pk=user.pk))
    return _sync(article, locked, ("status", "submitted_at"))


@transaction.atomic
def publish_article(
    *, actor: Actor, article: Article, publish_at: datetime | None = None
) -> Article:
    """Editors only. Without a date it is public at once; a future date schedules it (the periodic
    task tells the author when it goes live). Locks the article's row."""
    user, locked = _lock_for(actor, article)
    if not can_publish(user):
        raise PermissionDenied(_("Only editors publish articles."))
    if locked.status == ArticleStatus.PUBLISHED:
        raise ValidationError(_("This article is already published."), code="invalid_transition")
    if publish_at is not None and timezone.is_naive(publish_at):
        raise ValidationError({"publish_at": [_("Give the publication time with its time zone.")]})
    now = timezone.now()
    due = publish_at or now
    locked.status = ArticleStatus.PUBLISHED
    locked.publish_at = due
    locked.published_by = user
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
        actor=user,
        action="news.scheduled" if due > now else "news.published",
        target=locked,
        data={"publish_at": due.isoformat()},
    )
    if due <= now:
        _announce(locked, actor=user, now=now)
    else:
        notices.send("scheduled", article=locked, recipients=_authors_except(locked, user))
    return _sync(
        article, locked, ("status", "publish_at", "published_by", "review_note", "announced_at")
    )


def _announce(article: Article, *, actor: User | None, now: datetime) -> None:
    """Mark the article announced and tell its authors once; expects the row locked or claimed."""
    Article.objects.filter(pk=article.pk).update(announced_at=now)
    article.announced_at = now
    notices.send("published", article=article, recipients=_authors_except(article, actor))


@transaction.atomic(durable=True)
def return_article(*, actor: Actor, article: Article, note: str) -> Article:
    """An editor sends a submitted article back to its authors with a note (it becomes a draft).
    Locks the article's row."""
    user, locked = _lock_for(actor, article)
    if not can_publish(user):
        raise PermissionDenied(_("Only editors review articles."))
    if locked.status != ArticleStatus.REVIEW:
        raise ValidationError(
            _("Only an article waiting for review can be sent back."), code="invalid_transition"
        )
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": [_("Tell the authors what to change.")]})
    if len(note) > NOTE_MAX:
        raise ValidationError(
            {"note": [_("Keep the note under %(limit)d characters.") % {"limit": NOTE_MAX}]}
        )
    locked.status = ArticleStatus.DRAFT
    locked.review_note = note
    locked.save(update_fields=["status", "review_note", "updated_at"])
    log_action(actor=user, action="news.returned", target=locked, reason=note)
    notices.send(
        "returned",
        article=locked,
        recipients=_authors_except(locked, user),
        params={"note": note},
    )
    return _sync(article, locked, ("status", "review_note"))


@transaction.atomic(durable=True)
def unpublish_article(*, actor: Actor, article: Article) -> Article:
    """An editor takes a published (or scheduled) article back to draft. Locks the article's row."""
    user, locked = _lock_for(actor, article)
    if not can_publish(user):
        raise PermissionDenied(_("Only editors publish articles."))
    if locked.status != ArticleStatus.PUBLISHED:
        raise ValidationError(_("This article is not published."), code="invalid_transition")
    locked.status = ArticleStatus.DRAFT
    locked.save(update_fields=["status", "updated_at"])
    reindex_article(locked)
    log_action(actor=user, action="news.unpublished", target=locked)
    return _sync(article, locked, ("status",))


@transaction.atomic(durable=True)
def delete_article(*, actor: Actor, article: Article) -> None:
    """Editors delete any article; its team deletes a draft. Locks the article's row; the cover's
    file goes after commit."""
    user, locked = _lock_for(actor, article)
    if not can_edit_article(user, locked) or (
        locked.status == ArticleStatus.PUBLISHED and not is_editor(user)
    ):
        raise PermissionDenied(_("You may not delete this article."))
    name = locked.cover_image.name or "" if locked.cover_image else ""
    log_action(actor=user, action="news.deleted", target=locked, data={"title": locked.title_ko})
    unindex_article(locked)
    locked.delete()
    if name:
        _delete_file_on_commit(name)


def announce_due_articles(*, now: datetime | None = None) -> int:
    """Tell the authors of scheduled articles that came due. Each article is claimed by a
    conditional update, so two runs at once announce it once, and committed on its own (durable):
    one failing article does not hold back the others. Returns how many were announced."""
    now = now or timezone.now()
    due = Article.objects.filter(
        status=ArticleStatus.PUBLISHED, publish_at__lte=now, announced_at__isnull=True
    )
    count = 0
    for article_id in list(due.values_list("pk", flat=True)[:500]):
        with transaction.atomic(durable=True):
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


def _require_page_editor(actor: Actor) -> User:
    user = signed_in_user(actor)
    if not can_edit_pages(user):
        raise PermissionDenied(_("Only editors edit the city's pages."))
    return user


@transaction.atomic(durable=True)
def update_page(*, actor: Actor, page: Page, **changes: Unpack[PageChanges]) -> Page:
    """Only what is passed changes. Locks the page's row."""
    user = _require_page_editor(actor)
    locked = lock(page)
    check_rich_text(changes, HTML_FIELDS)
    apply_changes(locked, fields=PAGE_FIELDS, data=changes, clean=_clean)
    locked.updated_at = timezone.now()
    locked.updated_by = user
    locked.full_clean(exclude=["title", "summary", "body"])
    locked.save()
    log_action(
        actor=user, action="news.page_updated", target=locked, data={"fields": sorted(changes)}
    )
    return locked


@transaction.atomic
def create_page(*, actor: Actor, slug: str, title_ko: str, **text: Unpack[PageText]) -> Page:
    user = _require_page_editor(actor)
    page = Page(slug=(slug or "").strip(), updated_by=user)
    apply_changes(page, fields=PAGE_FIELDS, data={"title_ko": title_ko, **text}, clean=_clean)
    page.full_clean(exclude=["title", "summary", "body"])
    page.save()
    log_action(actor=user, action="news.page_created", target=page)
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
