"""Writes to the search index. Call index_object inside the transaction that changes what is indexed.

The index holds only what an anonymous visitor may see: index_object indexes an object only if
its model's `public` rule (registry) keeps it, and takes it out otherwise, so a draft, a pending or
hidden item never reaches the autocomplete, whoever calls it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Any, TypedDict, Unpack

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from sharehub.core.actors import Actor
from sharehub.core.audit import log_action
from sharehub.core.changes import apply_changes
from sharehub.core.locking import lock

from . import engine, vocabulary
from .analysis import (
    ANALYSIS_VERSION,
    analyse_phrase,
    fuzzy_words,
    index_terms,
    piece_marks,
    surface_words,
    term_occurrences,
)
from .catalog import (
    document_for,
    entry_for,
    is_public,
    is_searchable,
    public_queryset,
    searchable_models,
)
from .documents import SearchDocument
from .models import SYNONYM_WORD_CHARS, SYNONYM_WORDS_MAX, SearchEntry, SynonymGroup
from .permissions import can_edit_synonyms

REINDEX_CHUNK = 500


def analysed_fields(document: SearchDocument, *, by_district: bool = False) -> dict[str, Any]:
    """The stored fields of a SearchEntry for a document (shared with the benchmark's bulk loader)."""
    title_occurrences = term_occurrences(document.title)
    body_occurrences = term_occurrences(f"{document.body}\n{document.keywords}")
    title_terms = [term for term, _ in title_occurrences]
    body_terms = [term for term, _ in body_occurrences]
    return {
        "title": document.title,
        "body": document.body,
        "title_terms": " ".join(title_terms),
        "terms": " ".join(title_terms + body_terms),
        "names_terms": " ".join(index_terms(document.names)) if document.names else "",
        "keyword_terms": " ".join(index_terms(document.keywords)) if document.keywords else "",
        "piece_terms": " ".join(piece_marks(title_occurrences, body_occurrences)),
        "fuzzy": " ".join(fuzzy_words(document.title)),
        "areas": engine.area_tokens(
            document.districts if by_district else None, city_wide=document.city_wide
        ),
        "display": {
            lang: [str(title or ""), str(text or "")]
            for lang, (title, text) in document.display.items()
            if title or text
        },
        "analysis_version": ANALYSIS_VERSION,
    }


def fulltext_row(entry: SearchEntry) -> engine.FulltextRow:
    return engine.FulltextRow(
        entry_id=entry.pk,
        content_type_id=entry.content_type_id,
        title_terms=entry.title_terms,
        terms=entry.terms,
        names_terms=entry.names_terms,
        keyword_terms=entry.keyword_terms,
        piece_terms=entry.piece_terms,
        fuzzy=entry.fuzzy,
        words=" ".join(surface_words(entry.title)),
        areas=entry.areas,
    )


def _require_searchable(model: type[models.Model]) -> None:
    if not is_searchable(model):
        raise ImproperlyConfigured(
            f"{model._meta.label} is not registered with register_searchable"
        )


def index_object(obj: models.Model) -> bool:
    """Create or update obj's entry and its full-text rows if the public may see obj, else take
    it out of the index; in the caller's transaction. Returns whether obj is indexed."""
    _require_searchable(type(obj))
    if not is_public(obj):
        remove_object(obj)
        return False
    _write(obj)
    return True


def _write(obj: models.Model) -> None:
    searchable = entry_for(type(obj))
    fields = analysed_fields(
        document_for(obj), by_district=searchable is not None and searchable.by_district
    )
    content_type = ContentType.objects.get_for_model(type(obj))
    with transaction.atomic():
        row, _ = SearchEntry.objects.update_or_create(
            content_type=content_type, object_id=obj.pk, defaults=fields
        )
        engine.write([fulltext_row(row)])


def _remove_entries(entries: models.QuerySet) -> None:
    with transaction.atomic():
        engine.delete(entries.values_list("pk", flat=True))
        entries.delete()


def remove_object(obj: models.Model) -> None:
    """Take obj out of the index (nothing happens if it was not there)."""
    content_type = ContentType.objects.get_for_model(type(obj))
    _remove_entries(SearchEntry.objects.filter(content_type=content_type, object_id=obj.pk))


def sync_visibility(model: type[models.Model], **filters: Any) -> None:
    """Bring the entries of the objects of `model` matching `filters` in line with the public rule
    (an organization hidden or published: its listing and events), in the caller's transaction.
    Entries of objects the public may no longer see go; public objects missing from the index are
    indexed; the others are left as they are, so nothing changed costs two queries of ids."""
    _require_searchable(model)
    content_type = ContentType.objects.get_for_model(model)
    candidates = model._default_manager.filter(**filters).values("pk")
    public_ids = set(public_queryset(model).filter(pk__in=candidates).values_list("pk", flat=True))
    entries = SearchEntry.objects.filter(content_type=content_type, object_id__in=candidates)
    indexed_ids = set(entries.values_list("object_id", flat=True))
    if indexed_ids - public_ids:
        _remove_entries(entries.exclude(object_id__in=public_ids))
    missing = sorted(public_ids - indexed_ids)
    for start in range(0, len(missing), REINDEX_CHUNK):
        for obj in model._default_manager.filter(
            pk__in=missing[start : start + REINDEX_CHUNK]
        ).order_by("pk"):
            _write(obj)


def reindex(model: type[models.Model]) -> int:
    """Rebuild the index for every object of `model` the public may see, and take the others out;
    returns how many objects were indexed.

    One transaction per chunk, so a large table does not hold one long lock.
    """
    _require_searchable(model)
    content_type = ContentType.objects.get_for_model(model)
    count = 0
    last_pk = None
    while True:
        queryset = public_queryset(model).order_by("pk")
        if last_pk is not None:
            queryset = queryset.filter(pk__gt=last_pk)
        chunk = list(queryset[:REINDEX_CHUNK])
        if not chunk:
            break
        with transaction.atomic():
            for obj in chunk:
                _write(obj)
        count += len(chunk)
        last_pk = chunk[-1].pk
    with transaction.atomic():
        live = public_queryset(model).values("pk")
        _remove_entries(
            SearchEntry.objects.filter(content_type=content_type).exclude(object_id__in=live)
        )
    return count


def reindex_stale() -> int:
    """Rebuild the models whose entries an older analysis built (ANALYSIS_VERSION), or whose
    public objects are missing from the index; returns how many objects were indexed."""
    count = 0
    for model in searchable_models():
        content_type = ContentType.objects.get_for_model(model)
        entries = SearchEntry.objects.filter(content_type=content_type)
        stale = entries.filter(analysis_version__lt=ANALYSIS_VERSION).exists()
        if stale or entries.count() != public_queryset(model).count():
            count += reindex(model)
    return count


# --- The synonym dictionary (city staff) ------------------------------------------------------
class SynonymChanges(TypedDict, total=False):
    words: list[str] | str
    note: str


SYNONYM_FIELDS = ("words", "note")
# Words may be given as one text: separated by commas, middle dots, semicolons or lines.
_SEPARATORS = re.compile(r"[,;·ㆍ\n\r]+")


def split_words(value: Iterable[str] | str | None) -> list[str]:
    """The words as a list, each trimmed, spaces collapsed, case-insensitive duplicates dropped."""
    if value is None:
        return []
    items = _SEPARATORS.split(value) if isinstance(value, str) else [str(v) for v in value]
    words: dict[str, str] = {}
    for item in items:
        word = " ".join(unicodedata.normalize("NFC", item).split())
        if word:
            words.setdefault(word.casefold(), word)
    return list(words.values())


def _clean_synonym(name: str, value: Any) -> Any:
    if name == "words":
        return split_words(value)
    return " ".join(str(value or "").split())


def _validate_words(words: list[str], *, group: SynonymGroup | None) -> None:
    errors = []
    too_long = [w for w in words if len(w) > SYNONYM_WORD_CHARS]
    if too_long:
        errors.append(
            _("Keep each word under %(limit)d characters: %(words)s")
            % {"limit": SYNONYM_WORD_CHARS, "words": ", ".join(too_long)}
        )
    empty = [w for w in words if len(w) <= SYNONYM_WORD_CHARS and analyse_phrase(w) is None]
    if empty:
        errors.append(
            _("These have no letters or digits to search for: %(words)s")
            % {"words": ", ".join(empty)}
        )
    keys = {t.key for t in (analyse_phrase(w) for w in words) if t is not None}
    if not errors and len(keys) < 2:
        errors.append(_("Give at least two words that mean the same."))
    if len(words) > SYNONYM_WORDS_MAX:
        errors.append(_("A group holds at most %(limit)d words.") % {"limit": SYNONYM_WORDS_MAX})
    if not errors:
        same = {w.casefold() for w in words}
        others = SynonymGroup.objects.all()
        if group is not None and group.pk is not None:
            others = others.exclude(pk=group.pk)
        if any(
            {str(w).casefold() for w in other} == same
            for other in others.values_list("words", flat=True)
        ):
            errors.append(_("Another group has exactly these words."))
    if errors:
        raise ValidationError({"words": errors})


def _require_dictionary_editor(actor: Actor) -> None:
    if not can_edit_synonyms(actor):
        raise PermissionDenied


def _save_group(group: SynonymGroup, changes: dict[str, Any]) -> list[str]:
    changed = apply_changes(group, fields=SYNONYM_FIELDS, data=changes, clean=_clean_synonym)
    _validate_words(group.words, group=group)
    group.full_clean()
    group.save()
    vocabulary.forget()
    return changed


@transaction.atomic(durable=True)
def create_synonym_group(*, actor: Actor, words: list[str] | str, note: str = "") -> SynonymGroup:
    """City staff add a group; the next search reads it (no reindexing)."""
    _require_dictionary_editor(actor)
    group = SynonymGroup()
    _save_group(group, {"words": words, "note": note})
    log_action(
        actor=actor, action="search.synonyms_created", target=group, data={"words": group.words}
    )
    return group


@transaction.atomic(durable=True)
def update_synonym_group(
    *, actor: Actor, group: SynonymGroup, **changes: Unpack[SynonymChanges]
) -> SynonymGroup:
    """Locks the group; only the fields given change."""
    _require_dictionary_editor(actor)
    group = lock(group)
    before = list(group.words)
    changed = _save_group(group, dict(changes))
    if changed:
        log_action(
            actor=actor,
            action="search.synonyms_updated",
            target=group,
            data={"before": before, "words": group.words, "fields": sorted(changed)},
        )
    return group


@transaction.atomic(durable=True)
def delete_synonym_group(*, actor: Actor, group: SynonymGroup) -> None:
    _require_dictionary_editor(actor)
    group = lock(group)
    log_action(
        actor=actor, action="search.synonyms_deleted", target=group, data={"words": group.words}
    )
    group.delete()
    vocabulary.forget()
