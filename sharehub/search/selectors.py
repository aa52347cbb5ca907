"""Reads from the search index: search (ranked, highlighted), autocomplete, and the hub-wide search
and suggestions over every registered kind. None of them ever raises on a query.

Every read keeps only the objects the public may see by the model's rule (registry), a second
guard behind the index's own (services.index_object): one bounded query over the hits' ids.

How a query is read (analysis, vocabulary):
- its words and their synonyms (the city's dictionary) are asked for, every word required;
- a district it names is no word: on a kind filtered by district it keeps the hits serving that
  district or the whole city;
- a word that most entries of the kind hold ("공유", "서비스") picks nothing out: it is not
  required while a rarer word is asked for (the idf-like weighting of `_required`);
- if no entry has every required word, entries with any of them, rarest first; if still none,
  titles that look like a typo of the query.
"""

from __future__ import annotations

import itertools
import logging
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from difflib import SequenceMatcher
from functools import lru_cache
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import DatabaseError, connection, models, transaction
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from sharehub.places.models import District

from . import engine
from .analysis import (
    MAX_QUERY_CHARS,
    Expr,
    QueryAnalysis,
    Unit,
    all_of,
    analyse_query,
    any_of,
    fuzzy_words,
    idf,
    normalize,
    surface_words,
)
from .catalog import Searchable, by_kind, entry_for, kinds
from .highlight import mark_title, pattern_for, snippet
from .models import SynonymGroup
from .vocabulary import vocabulary

logger = logging.getLogger(__name__)

# Letter-by-letter similarity (jamo for Hangul) a title word needs to count as a typo of a query word.
TYPO_SIMILARITY = 0.7
MAX_PREFIXES = 5
# How many hits' texts one read for highlights brings: a page's worth and more (the events list
# marks 100), never all of a search's up to 1,000.
BODIES_READ = 100
# How many of the database's best matches get the name boost (see _search).
BOOSTED = 200
# Titles whose words and names (_title_forms) each process keeps.
TITLE_FORMS_CACHED = 20_000
# A word is common — not required beside a rarer one — when this share of the kind's entries
# holds it (at least COMMON_MIN entries, at most engine.COMMON_TERM_ENTRIES, so counting stays cheap).
COMMON_FRACTION = 0.4
# How much more an entry serving the district a query names counts than a city-wide one.
DISTRICT_OWN = 2.0
COMMON_MIN = 8
_HANGUL = re.compile(r"[\uac00-\ud7a3]")
_JAMO = re.compile(r"[\u3131-\u318e\u1100-\u11ff]+$")
LANGUAGES = ("ko", "en")


def _other_language(lang: str) -> str:
    return next((code for code in LANGUAGES if code != lang), lang)


def reader_language() -> str:
    lang = (get_language() or LANGUAGES[0]).split("-")[0]
    return lang if lang in LANGUAGES else LANGUAGES[0]


@dataclass
class _Shown:
    """What a reader sees of one entry: its title and text in their language (or the other)."""

    title: str
    text: str
    lang: str | None  # None: the index's own two-language title and body


def shown(title: str, body: str, display: dict, lang: str) -> _Shown:
    def pick(position: int) -> tuple[str, str | None]:
        for code in (lang, _other_language(lang)):
            pair = display.get(code) or ["", ""]
            if len(pair) > position and pair[position]:
                return str(pair[position]), code
        return "", None

    shown_title, _title_lang = pick(0)
    text, text_lang = pick(1)
    if not shown_title and not text:
        return _Shown(title, body, None)
    return _Shown(shown_title or title, text, text_lang)


class _Snippets:
    """The highlights of one search's hits, built on first use: a page shows a few of up to 1,000
    hits, and reading every body and marking it took longer than the search itself. Bodies are
    read by blocks of BODIES_READ hits in rank order (the first block holds any page shown
    first), one query per block, whichever of its hits is read first."""

    def __init__(
        self,
        pattern: re.Pattern | None,
        lemmas: Sequence[str],
        titles: dict[int, tuple[int, str]],
    ) -> None:
        self.pattern = pattern
        self.lemmas = list(lemmas)
        self.titles = titles  # object id → (entry id, title), best hit first
        self.order = {object_id: n for n, object_id in enumerate(titles)}
        self.texts: dict[int, tuple[str, str, dict]] = {}

    def shown(self, object_id: int) -> _Shown:
        entry_id, title = self.titles[object_id]
        if entry_id not in self.texts:
            self._load(self.order[object_id] // BODIES_READ * BODIES_READ)
        title, body, display = self.texts.get(entry_id, (title, "", {}))
        return shown(title, body, display, reader_language())

    def _load(self, first: int) -> None:
        # One query for the block's hits (bodies only, titles are known).
        window = [
            (entry_id, title)
            for entry_id, title in itertools.islice(
                self.titles.values(), first, first + BODIES_READ
            )
            if entry_id not in self.texts
        ]
        try:
            if connection.vendor == "postgresql":
                with transaction.atomic():
                    found = engine.bodies([entry_id for entry_id, _ in window])
            else:
                found = engine.bodies([entry_id for entry_id, _ in window])
        except DatabaseError:
            logger.exception("loading search snippets failed")
            found = {}
        # An entry gone since the search keeps its title, and is not asked for again.
        for entry_id, title in window:
            self.texts[entry_id] = found.get(entry_id, (title, "", {}))


class Hit:
    """One result. `highlight` is safe HTML (escaped text, matches in <mark>): the title, then
    the text around the first match, in the reader's language. `title_html` and `snippet` are
    the two apart; `lang` is the language of the snippet (None for the index's own text).
    All are built when first read, for all hits of the search in one query."""

    __slots__ = ("_highlight", "_shown", "_snippets", "object_id", "score", "title")

    def __init__(
        self,
        object_id: int,
        score: float,
        highlight: SafeString | None = None,
        *,
        title: str = "",
        snippets: _Snippets | None = None,
    ) -> None:
        self.object_id = object_id
        self.score = score
        self.title = title  # as indexed: the names in every language
        self._highlight = highlight
        self._snippets = snippets
        self._shown: _Shown | None = None

    def _view(self) -> _Shown:
        if self._shown is None:
            self._shown = (
                self._snippets.shown(self.object_id)
                if self._snippets
                else _Shown(self.title, "", None)
            )
        return self._shown

    @property
    def display_title(self) -> str:
        return self._view().title

    @property
    def lang(self) -> str | None:
        return self._view().lang

    @property
    def title_html(self) -> SafeString:
        snippets = self._snippets
        return mark_title(
            self._view().title,
            snippets.pattern if snippets else None,
            snippets.lemmas if snippets else (),
        )

    @property
    def snippet(self) -> SafeString:
        snippets = self._snippets
        if snippets is None:
            return mark_safe("")
        return snippet(self._view().text, snippets.pattern, snippets.lemmas, always=True)

    @property
    def highlight(self) -> SafeString:
        if self._highlight is None:
            if self._snippets is None:
                self._highlight = SafeString("")
            else:
                around = snippet(self._view().text, self._snippets.pattern, self._snippets.lemmas)
                self._highlight = mark_safe(self.title_html + (" — " + around if around else ""))
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
    return set(
        entry.public().filter(pk__in=engine.id_list(object_ids)).values_list("pk", flat=True)
    )


def _visible(
    model: type[models.Model], scored: list[tuple[engine.Row, float]]
) -> list[tuple[engine.Row, float]]:
    visible = _public_ids(model, list({row.object_id for row, _ in scored}))
    return (
        scored
        if visible is None
        else [(row, score) for row, score in scored if row.object_id in visible]
    )


@lru_cache(maxsize=TITLE_FORMS_CACHED)
def _title_forms(title: str) -> tuple[str, frozenset[str]]:
    """The title's words joined (lower case, no spaces) and the names in it, as the runs of
    Korean and of other words ("열린옷장 Open Closet" → 열린옷장, opencloset). Computed once per
    title and process: the same titles come back search after search, and normalising them was a
    good part of a search's own time."""
    words = surface_words(title)
    names: set[str] = set()
    run: list[str] = []
    run_is_korean: bool | None = None
    for word in words:
        is_korean = bool(_HANGUL.search(word))
        if run and is_korean != run_is_korean:
            names.add("".join(run))
            run = []
        run.append(word)
        run_is_korean = is_korean
    if run:
        names.add("".join(run))
    return "".join(words), frozenset(names)


def _name_boost(q: str, title: str) -> float:
    """×3 when the query (its words joined, see _joined) is one of the names itself, up to ×2
    when it is part of the title."""
    if len(q) < 2 or q[0] not in title.lower():  # most titles: no normalising needed
        return 1.0
    t, names = _title_forms(title)
    if not t or q not in t:
        return 1.0
    if q in names:
        return 3.0
    return 1.0 + len(q) / len(t)


def _typo_score(query_words: list[str], title: str) -> float:
    title_words = fuzzy_words(title)
    if not query_words or not title_words:
        return 0.0
    best = [max(SequenceMatcher(None, q, t).ratio() for t in title_words) for q in query_words]
    return sum(best) / len(best)


def _typo_hits(
    content_type_id: int, q: str, limit: int, areas: Sequence[str]
) -> list[tuple[engine.Row, float]]:
    words = fuzzy_words(q)
    scored = []
    # The strict candidate set is small and cheap; the broad one only when it yields nothing.
    for strict in (True, False):
        candidates = engine.fuzzy_candidates(content_type_id, words, strict=strict, areas=areas)
        scored = [(row, _typo_score(words, row.title)) for row in candidates]
        scored = [(row, score) for row, score in scored if score >= TYPO_SIMILARITY]
        if scored:
            break
    scored.sort(key=lambda pair: (-pair[1], pair[0].entry_id))
    return scored[:limit]


def common_threshold(entries: int) -> int:
    """How many entries holding a word make it common, for a kind of `entries` entries."""
    return max(COMMON_MIN, min(engine.COMMON_TERM_ENTRIES, math.ceil(entries * COMMON_FRACTION)))


def _required(
    content_type_id: int, units: list[Unit]
) -> tuple[list[Unit], list[float], list[int], int | None]:
    """The units every hit must match, with an idf-like weight and the (capped) number of
    entries matching each: a unit most entries match is left out while a rarer one is asked
    for, and so is a common morpheme of a word written as one ("주차공유": 공유). Last, how many
    entries the kind has (None when not counted: no unit). One query."""
    if not units:
        return [], [], [], None
    asked = [expr for unit in units for expr in (unit.parts or [unit.expr])]
    entries, found = engine.counts(
        content_type_id,
        asked,
        cap=engine.COMMON_TERM_ENTRIES,
        size_cap=math.ceil(engine.COMMON_TERM_ENTRIES / COMMON_FRACTION) + 1,
    )
    threshold = common_threshold(entries)
    by_expr = dict(zip(map(repr, asked), found, strict=True))

    def count(expr: Expr) -> int:
        return by_expr[repr(expr)]

    counts = []
    for n, unit in enumerate(units):
        if unit.parts:
            part_counts = [count(part) for part in unit.parts]
            rare = [p for p, c in zip(unit.parts, part_counts, strict=True) if c < threshold]
            if rare and len(rare) < len(unit.parts):
                units[n] = replace(unit, expr=all_of(rare) or unit.expr, parts=[])
            counts.append(min(part_counts) if rare else threshold)
        else:
            counts.append(count(unit.expr))
    rare_units = [n for n, c in enumerate(counts) if c < threshold] or list(range(len(units)))
    if not any(units[n].content for n in rare_units):
        # A verb alone is no subject: when only verbs are rare ("킥보드를 타고": 타다 in four
        # listings, none about scooters), what a hit must hold is the query's nouns, however
        # common, and the verbs are left out.
        rare_units = [n for n, unit in enumerate(units) if unit.content] or rare_units
    return (
        [units[n] for n in rare_units],
        [idf(entries, counts[n]) for n in rare_units],
        [counts[n] for n in rare_units],
        entries,
    )


def _conjuncts(exprs: list[Expr], weights: list[float]) -> tuple[list[Expr], list[float]]:
    """What the any-term fallback asks for: each required unit, or each part a unit requires
    ("near(열린옷장)" is one written word asking for near, 열리다 and 옷장)."""
    parts: list[Expr] = []
    part_weights: list[float] = []
    for expr, weight in zip(exprs, weights, strict=True):
        pieces = list(expr[1]) if isinstance(expr, tuple) and expr[0] == "and" else [expr]
        parts += pieces
        part_weights += [weight] * len(pieces)
    return parts, part_weights


def _match_units(
    content_type_id: int,
    units: list[Unit],
    *,
    broad: bool,
    limit: int,
    areas: Sequence[str],
    optional: Sequence[Unit] = (),
) -> list[engine.Row]:
    """Entries matching every unit, best first: from the impact lists when the words are broad,
    telling the words the query wrote from their synonyms and a noun from a verb
    (engine._Scorer), the `optional` units adding to the score of the hits holding them; else
    ranked over every match."""
    exprs = [unit.expr for unit in units]
    if not broad:
        return engine.match(content_type_id, exprs, limit=limit, areas=areas)

    def weight(unit: Unit) -> float:
        return 1.0 if unit.content else engine.VERB_WEIGHT

    return engine.match_broad(
        content_type_id,
        exprs,
        limit=limit,
        areas=areas,
        exact=[t for unit in [*units, *optional] for t in unit.own],
        weights=[weight(unit) for unit in units],
        optional=[unit.expr for unit in optional],
        optional_weights=[weight(unit) for unit in optional],
    )


def read_query(q: str) -> QueryAnalysis:
    """The query as the search reads it (synonyms, districts): also for pages that explain it."""
    words = vocabulary()
    return analyse_query(q, synonyms=words.synonyms, places=words.places)


def search(
    q: str,
    *,
    model: type[models.Model],
    limit: int = 1000,
    analysis: QueryAnalysis | None = None,
) -> list[Hit]:
    """Objects of `model` matching `q`, best first, with a highlighted snippet each (see the
    module's docstring). Junk input gives [], never an exception. `analysis`: read_query(q),
    when the caller searches several kinds for the same query."""
    q = str(q or "")[:MAX_QUERY_CHARS]
    limit = max(1, min(int(limit), 1000))
    try:
        if connection.vendor == "postgresql":
            # A savepoint keeps a failure from breaking the caller's transaction, and scopes the
            # trigram threshold set by the typo fallback. (On SQLite an atomic block would take
            # the write lock, since transactions there are IMMEDIATE.)
            with transaction.atomic():
                return _search(q, model, limit, analysis)
        return _search(q, model, limit, analysis)
    except DatabaseError:
        logger.exception("search failed for a query of %d characters", len(q or ""))
        return []


def _search(
    q: str, model: type[models.Model], limit: int, analysis: QueryAnalysis | None
) -> list[Hit]:
    analysis = analysis or read_query(q)
    entry = entry_for(model)
    by_district = entry is not None and entry.by_district
    # A kind without districts reads a district's name as a word like any other.
    units = list(analysis.units if by_district else analysis.place_units + analysis.units)
    areas = analysis.districts if by_district else []
    text = " ".join(unit.text for unit in units)
    content_type_id = _content_type_id(model)
    scored: list[tuple[engine.Row, float]] = []
    marked = units
    left_out: list[Unit] = []
    entries: int | None = None
    by_impacts = False  # ranked from the impact lists (engine.match_broad)
    if units or areas:
        required, weights, counts, entries = _required(content_type_id, units)
        if entries == 0:
            # A kind with no entries matches nothing, typos included: no query of its index
            # (the hub's search page asks every kind, and some have none yet).
            return []
        marked = required  # a common word left out is not marked either
        chosen = {id(unit) for unit in required}
        left_out = [unit for unit in units if id(unit) not in chosen]
        exprs = [unit.expr for unit in required]
        # Words each held by COMMON_TERM_ENTRIES entries or more are not ranked over all matches.
        broad = bool(counts) and min(counts) >= engine.COMMON_TERM_ENTRIES
        exact = [t for unit in required for t in unit.own]
        # The words left out are not required, but a hit holding them ranks higher.
        rows = _match_units(
            content_type_id, required, broad=broad, limit=limit, areas=areas, optional=left_out
        )
        by_impacts = broad
        parts, part_weights = _conjuncts(exprs, weights)
        if not rows and len(parts) > 1:
            by_impacts = broad or max(counts, default=0) >= engine.COMMON_TERM_ENTRIES
            if by_impacts:
                rows = engine.match_broad(
                    content_type_id,
                    [any_of(parts) or parts[0]],
                    limit=limit,
                    areas=areas,
                    exact=exact,
                )
            else:
                rows = engine.match_any(
                    content_type_id, parts, weights=part_weights, limit=limit, areas=areas
                )
        # The name boost reorders the best of the database's ranking only: it is at most ×3, and
        # past the first BOOSTED hits the order is the database's own.
        joined = "".join(surface_words(text))
        scored = [
            (row, row.rank * _name_boost(joined, row.title) if n < BOOSTED else row.rank)
            for n, row in enumerate(rows)
        ]
        scored = _visible(model, scored)
    words = [w for unit in marked for w in unit.words]
    lemmas = [w for unit in marked for w in unit.lemmas]
    if not scored and text:
        scored = _visible(model, _typo_hits(content_type_id, text, limit, areas))
        # Highlight the title words the typo stood for.
        query_letters = fuzzy_words(text)
        words += [
            w
            for row, _ in scored
            for w in surface_words(row.title)
            if _typo_score(query_letters, w) >= TYPO_SIMILARITY
        ]
    if not scored and left_out:
        # No entry holds the query's rarer words, not even as a typo of a title ("여행 체험": no
        # listing says 체험): the common words left out beside them are what it still asks for.
        by_impacts = common_threshold(entries or 0) >= engine.COMMON_TERM_ENTRIES
        rows = _match_units(content_type_id, left_out, broad=by_impacts, limit=limit, areas=areas)
        scored = _visible(model, [(row, row.rank) for row in rows])
        words += [w for unit in left_out for w in unit.words]
        lemmas += [w for unit in left_out for w in unit.lemmas]
    # A district filters: only its own and the city-wide entries are read. Among the words'
    # impact lists (each held by 1,000 entries or more) its own count DISTRICT_OWN times as much
    # rather than coming first whatever their score: there, most of the district's entries with a
    # word only mention it in passing, and own-first put them all before the city-wide services
    # whose subject it is. Ranked over every match (FTS5's bm25, ts_rank: rarer words, few
    # matches, titles weighing ten times) the district's own come first, each kind in its order.
    own = {engine.area_token(code) for code in areas}

    def serves(row: engine.Row) -> bool:
        return not own.isdisjoint(row.areas.split())

    if by_impacts:
        scored = [
            (row, score * DISTRICT_OWN if score > 0 and serves(row) else score)
            for row, score in scored
        ]
        scored.sort(key=lambda pair: (-pair[1], not serves(pair[0]), pair[0].entry_id))
    else:
        scored.sort(key=lambda pair: (not serves(pair[0]), -pair[1], pair[0].entry_id))
    snippets = _Snippets(
        pattern_for(words),
        lemmas,
        {row.object_id: (row.entry_id, row.title) for row, _ in scored},
    )
    return [
        Hit(row.object_id, float(score), title=row.title, snippets=snippets)
        for row, score in scored
    ]


def _typed(prefix: str) -> list[str]:
    text = normalize(str(prefix or "")[:100])
    # A Hangul syllable still being composed arrives as a lone jamo ("공구ㄷ"): ignore it.
    return [w for w in (_JAMO.sub("", w) for w in surface_words(text)) if w][:MAX_PREFIXES]


def autocomplete(prefix: str, *, model: type[models.Model], limit: int = 8) -> list[str]:
    """Titles with words starting with what the user has typed so far, then the titles of the
    best search hits for it (a title need not start with the words: "주차" suggests the
    parking services the search finds). Never raises."""
    prefixes = _typed(prefix)
    if not prefixes:
        return []
    limit = max(1, min(int(limit), 50))
    try:
        matches = engine.prefix_matches(_content_type_id(model), prefixes, limit=limit)
        visible = _public_ids(model, list({object_id for object_id, _ in matches}))
        titles = [title for object_id, title in matches if visible is None or object_id in visible]
    except DatabaseError:
        logger.exception("autocomplete failed")
        return []
    if len(titles) < limit and len("".join(prefixes)) >= 2:
        titles += [hit.title for hit in search(" ".join(prefixes), model=model, limit=limit)]
    return list(dict.fromkeys(titles))[:limit]


# --- Across the hub: every registered kind --------------------------------------------------
@dataclass
class Result:
    """One hit as the hub's search page shows it."""

    hit: Hit
    obj: models.Model
    url: str
    meta: str = ""


@dataclass
class KindResults:
    """The hits of one kind: `count` of them in all (up to the search's limit), `results` those shown."""

    entry: Searchable
    count: int
    results: list[Result] = field(default_factory=list)
    hits: list[Hit] = field(default_factory=list)

    @property
    def code(self) -> str:
        return self.entry.kind.code if self.entry.kind else ""

    @property
    def label(self) -> Any:
        return self.entry.kind.label if self.entry.kind else ""


def _queryset(entry: Searchable) -> models.QuerySet:
    kind = entry.kind
    return kind.queryset() if kind is not None and kind.queryset is not None else entry.public()


def present(entry: Searchable, hits: Sequence[Hit]) -> list[Result]:
    """The objects of `hits` (one query), in the hits' order, with their addresses and the kind's
    line under the title; a hit whose object is gone since the search is left out."""
    objects = _queryset(entry).in_bulk([hit.object_id for hit in hits])
    describe = entry.kind.describe if entry.kind else None
    results = []
    for hit in hits:
        obj = objects.get(hit.object_id)
        if obj is None:
            continue
        url = obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else ""
        results.append(Result(hit, obj, url, describe(obj) if describe else ""))
    return results


def hub_search(q: str, *, kind: str | None = None, shown: int = 5) -> list[KindResults]:
    """The query over every kind on the hub's search page (or one: `kind`), each kind's first
    `shown` hits presented. Kinds with no hit are left out."""
    entries = [by_kind(kind)] if kind else kinds()
    groups = []
    analysis: QueryAnalysis | None = None
    for entry in entries:
        if entry is None:
            continue
        if analysis is None:
            # The query is read once for every kind (Kiwi and the dictionary): _search only reads it.
            try:
                analysis = read_query(str(q or "")[:MAX_QUERY_CHARS])
            except DatabaseError:
                logger.exception("reading a query failed")
        hits = search(q, model=entry.model, analysis=analysis)
        if not hits:
            continue
        groups.append(
            KindResults(entry, len(hits), present(entry, hits[:shown]) if shown else [], hits)
        )
    return groups


@dataclass
class Suggestion:
    title: str
    url: str
    kind: Any


def hub_suggestions(prefix: str, *, limit: int = 8, per_kind: int = 4) -> list[Suggestion]:
    """What the header's search box suggests as one types: per kind, the titles (in the reader's
    language) with a word starting with the typed words, then the best search hits."""
    prefixes = _typed(prefix)
    if not prefixes:
        return []
    suggestions: list[Suggestion] = []
    for entry in kinds():
        hits = _suggested_hits(entry, prefixes, per_kind)
        for result in present(entry, hits):
            suggestions.append(Suggestion(result.hit.display_title, result.url, entry.kind.label))  # type: ignore[union-attr]
    return suggestions[:limit]


def _suggested_hits(entry: Searchable, prefixes: list[str], limit: int) -> list[Hit]:
    """Titles with a word starting with the typed words first, then the search's best hits."""
    try:
        prefixed = [
            object_id
            for object_id, _ in engine.prefix_matches(
                _content_type_id(entry.model), prefixes, limit=limit
            )
        ]
    except DatabaseError:
        logger.exception("suggestions failed")
        prefixed = []
    typed = " ".join(prefixes)
    found = search(typed, model=entry.model, limit=limit) if len(typed) >= 2 else []
    hits = {hit.object_id: hit for hit in found}
    missing = [object_id for object_id in prefixed if object_id not in hits]
    if missing:
        hits.update(_titles_only(entry.model, missing))
    ordered = list(dict.fromkeys([*prefixed, *(hit.object_id for hit in found)]))
    return [hits[object_id] for object_id in ordered if object_id in hits][:limit]


def _titles_only(model: type[models.Model], object_ids: list[int]) -> dict[int, Hit]:
    rows = engine.entries_for(_content_type_id(model), object_ids)
    snippets = _Snippets(None, (), {row.object_id: (row.entry_id, row.title) for row in rows})
    return {
        row.object_id: Hit(row.object_id, 0.0, title=row.title, snippets=snippets) for row in rows
    }


def synonym_groups() -> models.QuerySet[SynonymGroup]:
    return SynonymGroup.objects.order_by("pk")


def district_names(codes: Sequence[str]) -> list[District]:
    """The districts a query named, in its order (one query)."""
    found = {d.code: d for d in District.objects.filter(code__in=list(codes)).defer("boundary")}
    return [found[code] for code in codes if code in found]
