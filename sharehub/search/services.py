"""Writes to the search index. Call index_object inside the transaction that changes what is indexed."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured
from django.db import models, transaction

from . import engine
from .analysis import fuzzy_words, index_terms, surface_words
from .documents import SearchDocument
from .models import SearchEntry
from .registry import document_for, is_searchable

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
        raise ImproperlyConfigured(f"{model._meta.label} is not registered with register_searchable")


def index_object(obj: models.Model) -> None:
    """Create or update obj's entry and its full-text rows, in the caller's transaction."""
    _require_searchable(type(obj))
    fields = analysed_fields(document_for(obj))
    content_type = ContentType.objects.get_for_model(type(obj))
    with transaction.atomic():
        entry, _ = SearchEntry.objects.update_or_create(
            content_type=content_type, object_id=obj.pk, defaults=fields
        )
        engine.write([fulltext_row(entry)])


def remove_object(obj: models.Model) -> None:
    """Take obj out of the index (nothing happens if it was not there)."""
    content_type = ContentType.objects.get_for_model(type(obj))
    with transaction.atomic():
        entries = SearchEntry.objects.filter(content_type=content_type, object_id=obj.pk)
        engine.delete(entries.values_list("pk", flat=True))
        entries.delete()


def reindex(model: type[models.Model]) -> int:
    """Rebuild the index for every object of `model`; returns how many objects were indexed.

    One transaction per chunk, so a large table does not hold one long lock.
    """
    _require_searchable(model)
    content_type = ContentType.objects.get_for_model(model)
    count = 0
    last_pk = None
    while True:
        queryset = model._default_manager.order_by("pk")
        if last_pk is not None:
            queryset = queryset.filter(pk__gt=last_pk)
        chunk = list(queryset[:REINDEX_CHUNK])
        if not chunk:
            break
        with transaction.atomic():
            for obj in chunk:
                index_object(obj)
        count += len(chunk)
        last_pk = chunk[-1].pk
    with transaction.atomic():
        live = model._default_manager.values("pk")
        stale = SearchEntry.objects.filter(content_type=content_type).exclude(object_id__in=live)
        engine.delete(stale.values_list("pk", flat=True))
        stale.delete()
    return count
