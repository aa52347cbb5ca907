"""Small helpers for text the city writes in both languages."""

from __future__ import annotations

from django.conf import settings
from django.db.models import CharField, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils import translation


def current_language() -> str:
    return (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]


def pick(values: dict, field: str, language: str | None = None) -> str:
    """values[field_<lang>], falling back to the other language when one is missing."""
    language = language or current_language()
    order = [language] + [code for code, _ in settings.LANGUAGES if code != language]
    for code in order:
        if value := values.get(f"{field}_{code}"):
            return value
    return ""


def hub_name(language: str | None = None) -> str:
    return pick(settings.SHAREHUB_CITY, "hub_name", language)


def city_name(language: str | None = None) -> str:
    return pick(settings.SHAREHUB_CITY, "name", language)


def localized_order(field: str) -> Coalesce:
    """An expression to sort by `field` as the reader sees it: their language, else the other one.

    An empty translation is "" rather than NULL, so NullIf lets the other language stand in.
    """
    order = [current_language()] + [code for code in ("ko", "en") if code != current_language()]
    return Coalesce(*[NullIf(f"{field}_{code}", Value("")) for code in order], output_field=CharField())
