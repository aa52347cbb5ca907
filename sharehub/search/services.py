"""Writes to the search index. Call index_object inside the transaction that changes what is indexed.

The index holds only what an anonymous visitor may see: index_object indexes an object only if
its model's `public` rule (registry) keeps it, and takes it out otherwise, so a draft, a pending or
hidden item never reaches the autocomplete, whoever calls it.
"""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured
from django.db import models, transaction

from . import engine
from .analysis import fuzzy_words, index_terms, surface_words
from .catalog import document_for, is_public, is_searchable, public_queryset
from .documents import SearchDocument
from .models import SearchEntry

REINDEX_CHUNK = 500


def analysed_fields(document: SearchDocument) -> dict[str, str]:
    """The stored fields of a SearchEntry for a document (shared with the benchmark's bulk loader)."""
    title_terms = index_terms(document.title)
    body_terms = index_terms(f"{document.body}\n{document.keywords}")
    return {
        "title": document.title,
        "body": document.body,
        "title_terms": " ".join(title_terms),
        "terms": " ".join(title_terms + body_terms),
        "fuzzy": " ".join(fuzzy_words(document.title)),
    }


def fulltext_row(entry: SearchEntry) -> engine.FulltextRow:
    return engine.FulltextRow(
        entry_id=entry.pk,
        content_type_id=entry.content_type_id,
        title_terms=entry.title_terms,
        terms=entry.terms,
        fuzzy=entry.fuzzy,
        words=" ".join(surface_words(entry.title)),
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
    fields = analysed_fields(document_for(obj))
    content_type = ContentType.objects.get_for_model(type(obj))
    with transaction.atomic():
        entry, _ = SearchEntry.objects.update_or_create(
            content_type=content_type, object_id=obj.pk, defaults=fields
        )
        engine.write([fulltext_row(entry)])


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
