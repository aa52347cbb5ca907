"""Snippets with the matched words in <mark>: stored text is always escaped, never trusted as HTML."""

from __future__ import annotations

import re
from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .analysis import _HANGUL_SYLLABLE

TITLE_CHARS = 200
CONTEXT_BEFORE = 60
SNIPPET_CHARS = 200


def pattern_for(words: Sequence[str]) -> re.Pattern | None:
    """One regex for all words; a Hangul word also matches when written with spaces ("공구 도서관")."""
    alternatives = []
    for word in sorted(set(words), key=len, reverse=True):
        if _HANGUL_SYLLABLE.match(word):
            alternatives.append(r"\s*".join(re.escape(ch) for ch in word))
        elif word:
            alternatives.append(re.escape(word))
    if not alternatives:
        return None
    return re.compile("|".join(alternatives), re.IGNORECASE)


def _marked(text: str, pattern: re.Pattern | None) -> str:
    if pattern is None:
        return escape(text)
    out: list[str] = []
    last = 0
    for found in pattern.finditer(text):
        if found.end() == found.start():
            continue
        out.append(escape(text[last : found.start()]))
        out.append(f"<mark>{escape(found.group())}</mark>")
        last = found.end()
    out.append(escape(text[last:]))
    return "".join(out)


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def highlight(title: str, body: str, pattern: re.Pattern | None) -> SafeString:
    """The title with its matches marked, then the part of the body around the first match."""
    parts = [_marked(_shorten(title, TITLE_CHARS), pattern)]
    found = pattern.search(body) if pattern is not None else None
    if found is not None:
        start = max(0, found.start() - CONTEXT_BEFORE)
        snippet = body[start : start + SNIPPET_CHARS]
        prefix = "…" if start > 0 else ""
        suffix = "…" if start + SNIPPET_CHARS < len(body) else ""
        parts.append(prefix + _marked(snippet, pattern) + suffix)
    return mark_safe(" — ".join(parts))
