"""Which models are searchable, how each one becomes a SearchDocument, and which of its objects
the public may see.

Apps register theirs in AppConfig.ready():
    register_searchable(
        Listing,
        document=listing_document,
        public=lambda: Listing.objects.filter(organization__moderation_status="published"),
        follows={Organization: "organization"},
    )

`public` is the one rule of what an anonymous visitor may see: the index holds only objects it
returns (services.index_object), and every read of the index keeps only those (selectors). The
`state_fields` of the model, and the models it `follows` (an organization whose listing and events
it hides), are watched by signals (handlers) that bring the index in line inside the transaction
of the change itself.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from django.db import models
from django.http import Http404

from .documents import SearchDocument

DocumentBuilder = Callable[[models.Model], SearchDocument]
PublicQuerySet = Callable[[], models.QuerySet]


@dataclass(frozen=True)
class Searchable:
    model: type[models.Model]
    document: DocumentBuilder
    public: PublicQuerySet
    # Fields whose change alone (save(update_fields=…), as moderation decisions do) may change visibility.
    state_fields: frozenset[str] = frozenset()
    # Related model → lookup from this model to it ("organization"): its state decides ours too.
    follows: Mapping[type[models.Model], str] = field(default_factory=dict)


_registry: dict[str, Searchable] = {}


def register_searchable(
    model: type[models.Model],
    *,
    document: DocumentBuilder,
    public: PublicQuerySet,
    state_fields: Iterable[str] = (),
    follows: Mapping[type[models.Model], str] | None = None,
) -> None:
    """`public()` returns the objects of `model` an anonymous visitor may see (a queryset)."""
    entry = Searchable(model, document, public, frozenset(state_fields), dict(follows or {}))
    _registry[model._meta.label_lower] = entry
    from . import handlers

    handlers.connect(entry)


def unregister_searchable(model: type[models.Model]) -> None:
    """For tests that register a model of their own."""
    entry = _registry.pop(model._meta.label_lower, None)
    if entry is not None:
        from . import handlers

        handlers.disconnect(entry)


def entry_for(model: type[models.Model]) -> Searchable | None:
    entry = _registry.get(model._meta.label_lower)
    return entry if entry is not None and entry.model is model else None


def is_searchable(model: type[models.Model]) -> bool:
    return entry_for(model) is not None


def document_for(obj: models.Model) -> SearchDocument:
    return _registry[type(obj)._meta.label_lower].document(obj)


def public_queryset(model: type[models.Model]) -> models.QuerySet:
    """The objects of a registered model the public may see."""
    return _registry[model._meta.label_lower].public()


def is_public(obj: models.Model) -> bool:
    """Whether the public may see obj, by the model's one rule (one query)."""
    return obj.pk is not None and public_queryset(type(obj)).filter(pk=obj.pk).exists()


def searchable_models() -> list[type[models.Model]]:
    return [entry.model for entry in _registry.values()]


def followers_of(model: type[models.Model]) -> list[tuple[Searchable, str]]:
    """The registered models whose visibility follows `model`, with the lookup to it."""
    return [
        (entry, lookup)
        for entry in _registry.values()
        for related, lookup in entry.follows.items()
        if related is model
    ]


def get_searchable_model(label: str) -> type[models.Model]:
    """The registered model for "app_label.model", or 404: nothing else is searchable from outside."""
    entry = _registry.get((label or "").strip().lower())
    if entry is None:
        raise Http404("Not a searchable model")
    return entry.model
