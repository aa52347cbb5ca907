"""Small helpers for text the city writes in both languages."""

from __future__ import annotations

from django.conf import settings
from django.db.models import CharField, F, Value
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


def localized_order(field: str) -> Coalesce | F:
    """An expression to sort by `field` as the reader sees it: their language, else the other one.

    Korean is required wherever content is translated, so a Korean reader sorts by the plain
    column (an index can serve it); for English an empty translation is "" rather than NULL,
    and NullIf lets the Korean name stand in.
    """
    language = current_language()
    if language == "ko":
        return F(f"{field}_ko")
    order = [language] + [code for code in ("ko", "en") if code != language]
    return Coalesce(
        *[NullIf(f"{field}_{code}", Value("")) for code in order], output_field=CharField()
    )
