"""Reads from the search index: search (ranked, highlighted) and autocomplete. Neither ever raises.

Both keep only the objects the public may see by the model's rule (registry), a second guard
behind the index's own (services.index_object): one bounded query over the hits' ids."""

from __future__ import annotations

import logging
import re
from difflib import SequenceMatcher

from django.contrib.contenttypes.models import ContentType
from django.db import DatabaseError, connection, models, transaction
from django.utils.safestring import SafeString

from . import engine
from .analysis import MAX_QUERY_CHARS, analyse_query, fuzzy_words, normalize, surface_words
from .catalog import entry_for
from .highlight import highlight, pattern_for

logger = logging.getLogger(__name__)

# Letter-by-letter similarity (jamo for Hangul) a title word needs to count as a typo of a query word.
TYPO_SIMILARITY = 0.7
MAX_PREFIXES = 5
# How many of the database's best matches get the name boost (see _search).
BOOSTED = 200
_HANGUL = re.compile(r"[\uac00-\ud7a3]")
_JAMO = re.compile(r"[\u3131-\u318e\u1100-\u11ff]+$")


class _Snippets:
    """The highlights of one search's hits, built on first use: a page shows a few of up to 1,000
    hits, and reading every body and marking it took longer than the search itself."""

    def __init__(self, pattern: re.Pattern | None, titles: dict[int, tuple[int, str]]) -> None:
        self.pattern = pattern
        self.titles = titles  # object id → (entry id, title)
        self.texts: dict[int, tuple[str, str]] | None = None

    def highlight(self, object_id: int) -> SafeString:
        entry_id, title = self.titles[object_id]
        if self.texts is None:
            self.texts = self._load()
        title, body = self.texts.get(entry_id, (title, ""))
        return highlight(title, body, self.pattern)

    def _load(self) -> dict[int, tuple[str, str]]:
        # One query for all hits (bodies only, titles are known), whichever is shown first.
        entry_ids = [entry_id for entry_id, _ in self.titles.values()]
        try:
            if connection.vendor == "postgresql":
                with transaction.atomic():
                    return engine.bodies(entry_ids)
            return engine.bodies(entry_ids)
        except DatabaseError:
            logger.exception("loading search snippets failed")
            return {}


class Hit:
    """One result: `highlight` is safe HTML (escaped text, matches in <mark>), built when first read."""

    __slots__ = ("_highlight", "_snippets", "object_id", "score")

    def __init__(
        self,
        object_id: int,
        score: float,
        highlight: SafeString | None = None,
        *,
        snippets: _Snippets | None = None,
    ) -> None:
        self.object_id = object_id
        self.score = score
        self._highlight = highlight
        self._snippets = snippets

    @property
    def highlight(self) -> SafeString:
        if self._highlight is None:
            self._highlight = (
                self._snippets.highlight(self.object_id) if self._snippets else SafeString("")
            )
        return self._highlight

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Hit):
            return NotImplemented
        return (self.object_id, self.score, self.highlight) == (
            other.object_id,
            other.score,
            other.highlight,
        )

    __hash__ = None  # type: ignore[assignment]  # mutable cache inside: compare, don't hash

    def __repr__(self) -> str:
        return f"Hit(object_id={self.object_id!r}, score={self.score!r})"


def _content_type_id(model: type[models.Model]) -> int:
    return ContentType.objects.get_for_model(model).pk


def _public_ids(model: type[models.Model], object_ids: list[int]) -> set[int] | None:
    """Which of `object_ids` the public may see (one query), or None for a model not registered
    (nothing of it is ever indexed by services.index_object: a benchmark's raw rows)."""
    entry = entry_for(model)
    if entry is None or not object_ids:
        return None if entry is None else set()
    return set(entry.public().filter(pk__in=object_ids).values_list("pk", flat=True))


def _visible(
    model: type[models.Model], scored: list[tuple[engine.Row, float]]
) -> list[tuple[engine.Row, float]]:
    visible = _public_ids(model, list({row.object_id for row, _ in scored}))
    return (
        scored
        if visible is None
        else [(row, score) for row, score in scored if row.object_id in visible]
    )


def _names(title: str) -> set[str]:
    """The names in a title, as the runs of Korean and of other words ("열린옷장 Open Closet" →
    열린옷장, opencloset), lower case without spaces."""
    names: set[str] = set()
    run: list[str] = []
    run_is_korean: bool | None = None
    for word in surface_words(title):
        is_korean = bool(_HANGUL.search(word))
        if run and is_korean != run_is_korean:
            names.add("".join(run))
            run = []
        run.append(word)
        run_is_korean = is_korean
    if run:
        names.add("".join(run))
    return names


def _name_boost(q: str, title: str) -> float:
    """×3 when the query (its words joined, see _joined) is one of the names itself, up to ×2
    when it is part of the title."""
    t = "".join(surface_words(title))
    if len(q) < 2 or not t or q not in t:
        return 1.0
    if q in _names(title):
        return 3.0
    return 1.0 + len(q) / len(t)


def _typo_score(query_words: list[str], title: str) -> float:
    title_words = fuzzy_words(title)
    if not query_words or not title_words:
        return 0.0
    best = [max(SequenceMatcher(None, q, t).ratio() for t in title_words) for q in query_words]
    return sum(best) / len(best)


def _typo_hits(content_type_id: int, q: str, limit: int) -> list[tuple[engine.Row, float]]:
    words = fuzzy_words(q)
    scored = []
    # The strict candidate set is small and cheap; the broad one only when it yields nothing.
    for strict in (True, False):
        candidates = engine.fuzzy_candidates(content_type_id, words, strict=strict)
        scored = [(row, _typo_score(words, row.title)) for row in candidates]
        scored = [(row, score) for row, score in scored if score >= TYPO_SIMILARITY]
        if scored:
            break
    scored.sort(key=lambda pair: (-pair[1], pair[0].entry_id))
    return scored[:limit]


def search(q: str, *, model: type[models.Model], limit: int = 1000) -> list[Hit]:
    """Objects of `model` matching `q`, best first, with a highlighted snippet each.

    All query terms first; if nothing has them all, any of them; if still nothing, titles
    that look like a typo of the query. Junk input gives [], never an exception.
    """
    q = str(q or "")[:MAX_QUERY_CHARS]
    limit = max(1, min(int(limit), 1000))
    try:
        if connection.vendor == "postgresql":
            # A savepoint keeps a failure from breaking the caller's transaction, and scopes the
            # trigram threshold set by the typo fallback. (On SQLite an atomic block would take
            # the write lock, since transactions there are IMMEDIATE.)
            with transaction.atomic():
                return _search(q, model, limit)
        return _search(q, model, limit)
    except DatabaseError:
        logger.exception("search failed for a query of %d characters", len(q or ""))
        return []


def _search(q: str, model: type[models.Model], limit: int) -> list[Hit]:
    analysis = analyse_query(q)
    content_type_id = _content_type_id(model)
    scored: list[tuple[engine.Row, float]] = []
    if analysis.groups:
        rows = engine.match(content_type_id, analysis.groups, limit=limit)
        if not rows and len(analysis.terms) > 1:
            rows = engine.match_any(content_type_id, analysis.terms, limit=limit)
        # The name boost reorders the best of the database's ranking only: it is at most ×3, and
        # past the first BOOSTED hits the order is the database's own.
        joined = "".join(surface_words(q))
        scored = [
            (row, row.rank * _name_boost(joined, row.title) if n < BOOSTED else row.rank)
            for n, row in enumerate(rows)
        ]
        scored = _visible(model, scored)
    words = list(analysis.words)
    if not scored:
        scored = _visible(model, _typo_hits(content_type_id, q, limit))
        # Highlight the title words the typo stood for.
        query_letters = fuzzy_words(q)
        words += [
            w
            for row, _ in scored
            for w in surface_words(row.title)
            if _typo_score(query_letters, w) >= TYPO_SIMILARITY
        ]
    scored.sort(key=lambda pair: (-pair[1], pair[0].entry_id))
    snippets = _Snippets(
        pattern_for(words), {row.object_id: (row.entry_id, row.title) for row, _ in scored}
    )
    return [Hit(row.object_id, float(score), snippets=snippets) for row, score in scored]


def autocomplete(prefix: str, *, model: type[models.Model], limit: int = 8) -> list[str]:
    """Titles whose words start with what the user has typed so far (never raises)."""
    text = normalize(str(prefix or "")[:100])
    # A Hangul syllable still being composed arrives as a lone jamo ("공구ㄷ"): ignore it.
    prefixes = [w for w in (_JAMO.sub("", w) for w in surface_words(text)) if w][:MAX_PREFIXES]
    if not prefixes:
        return []
    try:
        matches = engine.prefix_matches(
            _content_type_id(model), prefixes, limit=max(1, min(int(limit), 50))
        )
        visible = _public_ids(model, list({object_id for object_id, _ in matches}))
        titles = [title for object_id, title in matches if visible is None or object_id in visible]
    except DatabaseError:
        logger.exception("autocomplete failed")
        return []
    return list(dict.fromkeys(titles))
