"""Each app plugs its personal data into export and deletion here, without touching accounts.

An app registers, in its manifest.py, a name with two functions: `export(user)` returns
JSON-ready data, `erase(user)` removes personal data and anonymises public contributions. It may
also name the strings that identify the person in its data (`identifiers(user)`: e-mail
addresses, IP addresses), so that every app can scrub them from text that copied them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q

ERASED = "[erased]"
# Shorter strings (a one-letter name) would erase unrelated words.
MIN_IDENTIFIER_LENGTH = 2


@dataclass(frozen=True)
class PrivacyHandler:
    name: str
    export: Callable[[Any], Any]
    erase: Callable[[Any], None]
    order: int
    identifiers: Callable[[Any], Iterable[str]] | None = None


_handlers: dict[str, PrivacyHandler] = {}


def register(
    name: str,
    *,
    export: Callable[[Any], Any],
    erase: Callable[[Any], None],
    order: int = 100,
    identifiers: Callable[[Any], Iterable[str]] | None = None,
) -> None:
    """Erasers run by ascending order; the account itself registers last so others still see it."""
    _handlers[name] = PrivacyHandler(
        name=name, export=export, erase=erase, order=order, identifiers=identifiers
    )


def handlers() -> list[PrivacyHandler]:
    return sorted(_handlers.values(), key=lambda h: (h.order, h.name))


def identifiers_of(user: Any) -> frozenset[str]:
    """The person's name, e-mail and IP addresses as the apps know them, lower-cased.

    Taken once per user object, before any eraser runs: erasers delete their sources (the
    newsletter consent that held an IP address) while later ones still need them.
    """
    cached = getattr(user, "_privacy_identifiers", None)
    if cached is None:
        found = {user.email, getattr(user, "display_name", "")}
        for handler in handlers():
            if handler.identifiers is not None:
                found.update(handler.identifiers(user))
        cached = frozenset(
            s.strip().lower() for s in found if s and len(s.strip()) >= MIN_IDENTIFIER_LENGTH
        )
        user._privacy_identifiers = cached
    return cached


def erase(user: Any) -> None:
    identifiers_of(user)
    for handler in handlers():
        handler.erase(user)


def _pattern(identifiers: Iterable[str]) -> re.Pattern | None:
    # Longest first, so an e-mail address goes whole before a name inside it; whole words only,
    # so "192.0.2.7" leaves "192.0.2.77" alone and a name leaves longer words alone, except that
    # Korean particles follow a word without a space ("Zelda의", "김공구님"): a Hangul syllable
    # after it still ends the match.
    alternatives = "|".join(re.escape(s) for s in sorted(identifiers, key=len, reverse=True))
    if not alternatives:
        return None
    return re.compile(rf"(?<!\w)(?:{alternatives})(?![^\W\uac00-\ud7a3])", re.IGNORECASE)


def scrub(value: Any, identifiers: Iterable[str]) -> Any:
    """A copy of a text or JSON value with every identifier replaced by ERASED."""
    pattern = _pattern(identifiers)
    if pattern is None:
        return value

    def walk(item: Any) -> Any:
        if isinstance(item, str):
            return pattern.sub(ERASED, item)
        if isinstance(item, dict):
            return {key: walk(inner) for key, inner in item.items()}
        if isinstance(item, list):
            return [walk(inner) for inner in item]
        return item

    return walk(value)


def mentions(identifiers: Iterable[str], *fields: str):
    """A Q matching rows whose text fields contain an identifier (a coarse filter before scrub())."""

    query = Q(pk__in=[])
    for identifier in identifiers:
        # SQLite keeps JSON with non-ASCII characters escaped (\uXXXX): look for that form too.
        for form in {identifier, json.dumps(identifier)[1:-1]}:
            for field in fields:
                query |= Q(**{f"{field}__icontains": form})
    return query


def equals_any(field: str, values: Iterable[str]):
    """A Q matching rows whose field equals one of the values, ignoring case (an e-mail column)."""

    query = Q(pk__in=[])
    for value in values:
        query |= Q(**{f"{field}__iexact": value})
    return query
