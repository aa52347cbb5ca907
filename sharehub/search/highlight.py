"""Snippets with the matched words in <mark>: stored text is always escaped, never trusted as HTML.

A snippet is cut from the reader's language's text (SearchDocument.display) around the first
match, at spaces, never inside a word. Nouns and English words are found by a pattern (a Hangul
word also when written with spaces, "공구 도서관"; a one-syllable word only standing on its own,
so "책" is not marked inside 책임); verbs and adjectives by Kiwi, as the index reads them
("빌려 쓰고" is marked for 빌리다).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .analysis import _HANGUL_SYLLABLE, lemma_spans

TITLE_CHARS = 200
CONTEXT_BEFORE = 60
SNIPPET_CHARS = 200
# Verbs are looked for by Kiwi in this much of a text (a listing's first paragraphs).
LEMMA_CHARS = 1500
# What may follow a one-syllable word: the end of the word or a particle.
_PARTICLE = r"(?=$|[^\uac00-\ud7a3]|을|를|이|가|은|는|도|과|와|의|에|로|으로|만|랑|이랑)"


def pattern_for(words: Sequence[str]) -> re.Pattern | None:
    """One regex for all words."""
    alternatives = []
    for word in sorted(set(words), key=len, reverse=True):
        if _HANGUL_SYLLABLE.match(word):
            if len(word) == 1:
                alternatives.append(rf"(?<![\uac00-\ud7a3]){re.escape(word)}{_PARTICLE}")
            else:
                alternatives.append(r"\s*".join(re.escape(ch) for ch in word))
        elif word:
            # English is stemmed in the index ("clothe" for clothes): mark the whole word.
            alternatives.append(rf"\b{re.escape(word)}[a-z0-9]*")
    if not alternatives:
        return None
    return re.compile("|".join(alternatives), re.IGNORECASE)


def _spans(text: str, pattern: re.Pattern | None, lemmas: Sequence[str]) -> list[tuple[int, int]]:
    spans = [m.span() for m in pattern.finditer(text) if m.end() > m.start()] if pattern else []
    if lemmas:
        spans += lemma_spans(text[:LEMMA_CHARS], lemmas)
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _marked(text: str, spans: Sequence[tuple[int, int]], offset: int = 0) -> str:
    out: list[str] = []
    last = 0
    for start, end in spans:
        start, end = max(start - offset, 0), min(end - offset, len(text))
        if end <= start or start < last:
            continue
        out.append(escape(text[last:start]))
        out.append(f"<mark>{escape(text[start:end])}</mark>")
        last = end
    out.append(escape(text[last:]))
    return "".join(out)


def _shorten(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit)
    return text[: cut if cut > limit // 2 else limit - 1].rstrip() + "…"


def mark_title(title: str, pattern: re.Pattern | None, lemmas: Sequence[str] = ()) -> SafeString:
    title = _shorten(" ".join(title.split()), TITLE_CHARS)
    return mark_safe(_marked(title, _spans(title, pattern, lemmas)))


def snippet(
    text: str, pattern: re.Pattern | None, lemmas: Sequence[str] = (), *, always: bool = False
) -> SafeString:
    """The part of `text` around the first match, cut at spaces, matches marked. Without a match,
    empty (or, with `always`, the text's beginning)."""
    text = " ".join((text or "").split())
    spans = _spans(text, pattern, lemmas)
    if not spans and not always:
        return mark_safe("")
    start = 0
    if spans and spans[0][0] > CONTEXT_BEFORE:
        start = spans[0][0] - CONTEXT_BEFORE
        space = text.find(" ", start, spans[0][0])
        start = space + 1 if space != -1 else spans[0][0]
    end = start + SNIPPET_CHARS
    if end < len(text):
        space = text.rfind(" ", start + SNIPPET_CHARS // 2, end)
        end = space if space != -1 else end
    else:
        end = len(text)
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    return mark_safe(prefix + _marked(text[start:end], spans, start) + suffix)


def highlight(
    title: str, body: str, pattern: re.Pattern | None, lemmas: Sequence[str] = ()
) -> SafeString:
    """The title with its matches marked, then the part of the body around the first match."""
    parts = [mark_title(title, pattern, lemmas)]
    around = snippet(body, pattern, lemmas)
    if around:
        parts.append(around)
    return mark_safe(" — ".join(parts))
