"""The searchable models registered so far (see registry), how each becomes a SearchDocument and
which of its objects the public may see: read by the services, the selectors and the receivers."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.http import Http404
from django.utils.functional import Promise

from .documents import SearchDocument

DocumentBuilder = Callable[[models.Model], SearchDocument]
PublicQuerySet = Callable[[], models.QuerySet]


@dataclass(frozen=True)
class SearchKind:
    """How the hub's search page (and its suggestions) show a model's hits: one group per kind.

    code: the page's `kind` parameter ("services"); label: the group's heading; order: groups
    by ascending order. queryset: the public objects with what `describe` reads already joined
    (default: the model's `public`); describe: a short line under a hit's title (a date, the
    districts), in the active language.
    """

    code: str
    label: str | Promise
    order: int = 100
    queryset: PublicQuerySet | None = None
    describe: Callable[[Any], str] | None = None


@dataclass(frozen=True)
class Searchable:
    model: type[models.Model]
    document: DocumentBuilder
    public: PublicQuerySet
    # Fields whose change alone (save(update_fields=…), as moderation decisions do) may change visibility.
    state_fields: frozenset[str] = frozenset()
    # Related model → lookup from this model to it ("organization"): its state decides ours too.
    follows: Mapping[type[models.Model], str] = field(default_factory=dict)
    # A district named in a query filters this model's hits to it and to city-wide ones.
    by_district: bool = False
    # Shown on the hub's search page (None: searched only by its own app's pages).
    kind: SearchKind | None = None


_entries: dict[str, Searchable] = {}


def add(entry: Searchable) -> None:
    _entries[entry.model._meta.label_lower] = entry


def remove(model: type[models.Model]) -> Searchable | None:
    return _entries.pop(model._meta.label_lower, None)


def entry_for(model: type[models.Model]) -> Searchable | None:
    entry = _entries.get(model._meta.label_lower)
    return entry if entry is not None and entry.model is model else None


def is_searchable(model: type[models.Model]) -> bool:
    return entry_for(model) is not None


def document_for(obj: models.Model) -> SearchDocument:
    return _entries[type(obj)._meta.label_lower].document(obj)


def public_queryset(model: type[models.Model]) -> models.QuerySet:
    """The objects of a registered model the public may see."""
    return _entries[model._meta.label_lower].public()


def is_public(obj: models.Model) -> bool:
    """Whether the public may see obj, by the model's one rule (one query)."""
    return obj.pk is not None and public_queryset(type(obj)).filter(pk=obj.pk).exists()


def searchable_models() -> list[type[models.Model]]:
    return [entry.model for entry in _entries.values()]


def followers_of(model: type[models.Model]) -> list[tuple[Searchable, str]]:
    """The registered models whose visibility follows `model`, with the lookup to it."""
    return [
        (entry, lookup)
        for entry in _entries.values()
        for related, lookup in entry.follows.items()
        if related is model
    ]


def get_searchable_model(label: str) -> type[models.Model]:
    """The registered model for "app_label.model", or 404: nothing else is searchable from outside."""
    entry = _entries.get((label or "").strip().lower())
    if entry is None:
        raise Http404("Not a searchable model")
    return entry.model


def kinds() -> list[Searchable]:
    """The registered models shown on the hub's search page, in their kinds' order."""
    shown = [entry for entry in _entries.values() if entry.kind is not None]
    return sorted(shown, key=lambda entry: (entry.kind.order, entry.kind.code))  # type: ignore[union-attr]


def by_kind(code: str) -> Searchable | None:
    return next((entry for entry in kinds() if entry.kind and entry.kind.code == code), None)
