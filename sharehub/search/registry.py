"""Which models are searchable, and how each one becomes a SearchDocument.

Apps register theirs in AppConfig.ready():
    register_searchable(Listing, document=listing_document)
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import models
from django.http import Http404

from .documents import SearchDocument

DocumentBuilder = Callable[[models.Model], SearchDocument]

_registry: dict[str, tuple[type[models.Model], DocumentBuilder]] = {}


def register_searchable(model: type[models.Model], *, document: DocumentBuilder) -> None:
    _registry[model._meta.label_lower] = (model, document)


def unregister_searchable(model: type[models.Model]) -> None:
    """For tests that register a model of their own."""
    _registry.pop(model._meta.label_lower, None)


def is_searchable(model: type[models.Model]) -> bool:
    entry = _registry.get(model._meta.label_lower)
    return entry is not None and entry[0] is model


def document_for(obj: models.Model) -> SearchDocument:
    model, builder = _registry[type(obj)._meta.label_lower]
    return builder(obj)


def searchable_models() -> list[type[models.Model]]:
    return [model for model, _ in _registry.values()]


def get_searchable_model(label: str) -> type[models.Model]:
    """The registered model for "app_label.model", or 404: nothing else is searchable from outside."""
    entry = _registry.get((label or "").strip().lower())
    if entry is None:
        raise Http404("Not a searchable model")
    return entry[0]
