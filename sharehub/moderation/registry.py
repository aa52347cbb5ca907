"""Which models go through moderation. Apps register theirs in their manifest.py.

A registered model mixes in `Moderated`. It may define `get_absolute_url()` (links in the queue
and in notifications) and `moderation_authors()` returning the users told about decisions;
without it, a `created_by` attribute is used.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.core.exceptions import ImproperlyConfigured
from django.db import models

from .models import Moderated

_models: dict[str, type[models.Model]] = {}
_queue_sections: dict[str, Callable[[], dict]] = {}


def register_moderated(model: type[models.Model]) -> type[models.Model]:
    """Register a model; returns it so it can also be used as a class decorator."""
    if not issubclass(model, Moderated):
        raise ImproperlyConfigured(
            f"{model._meta.label} must mix in sharehub.moderation.models.Moderated"
        )
    _models[model._meta.label_lower] = model
    return model


def moderated_models() -> list[type[models.Model]]:
    return list(_models.values())


def is_moderated(model: type[models.Model]) -> bool:
    return _models.get(model._meta.label_lower) is model


def authors_of(obj: models.Model) -> list:
    """The people told about decisions on `obj`: active accounts only, each once."""
    if hasattr(obj, "moderation_authors"):
        candidates: Iterable = obj.moderation_authors() or []
    else:
        creator = getattr(obj, "created_by", None)
        candidates = [creator] if creator is not None else []
    seen: set[int] = set()
    authors = []
    for person in candidates:
        if person is not None and person.is_active and person.pk not in seen:
            seen.add(person.pk)
            authors.append(person)
    return authors


def url_of(obj: models.Model) -> str:
    get_url = getattr(obj, "get_absolute_url", None)
    return get_url() if callable(get_url) else ""


def register_queue_section(template: str, context: Callable[[], dict]) -> None:
    """Another app's section of the queue page, for review work that is not a `Moderated` object
    (an organization's new name, say): `template` is rendered with `data`, what `context()` returns."""
    _queue_sections[template] = context


def queue_sections() -> list[tuple[str, Callable[[], dict]]]:
    return list(_queue_sections.items())
