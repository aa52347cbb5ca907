"""The database's full-text machinery, one function per operation and vendor.

Everything user-typed reaches SQL only as analysed terms (letters and digits, see analysis),
double-quoted for FTS5 or single-quoted for tsquery, and always as a bound parameter.
"""

from __future__ import annotations

import itertools
import json
import math
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from django.core.cache import cache
from django.db import connection
from django.db.models.expressions import RawSQL

from .analysis import Expr, all_of, any_of, expr_terms, letter_bigrams
from .models import SearchEntry

# bm25 weights per FTS5 column (kind, title, body, fuzzy, words): a title match counts ten times.
_BM25 = "bm25(search_fts, 0.0, 10.0, 1.0, 0.0, 0.0)"
FUZZY_CANDIDATES = 50
# A term matching at least this many entries is too common to pick anything out when the
# query fell back to "any term" (and ranking all its matches is what made such queries slow).
COMMON_TERM_ENTRIES = 1000
# How many entries match_broad ranks at most, read from the words' impact lists (migration 0010):
# the best of each word's list, IMPACT_CANDIDATES shared among its words, never fewer than
# IMPACT_PER_TERM each.
# 200/20: the same recall at 100,000 listings as 1,000/100 (labelled, held-out and natural
# queries), a fifth of the rows read by key.
IMPACT_CANDIDATES = 200
IMPACT_PER_TERM = 20
# For a district: lists read this many times deeper, their entries kept if they serve it.
IMPACT_AREA_DEPTH = 4
# The words of a query whose lists are read (a word and its synonyms; the rest are still checked).
IMPACT_TERMS = 24
# ts_rank, not ts_rank_cd: ranking every match is what a common word costs, and the cover-density
# one took twice as long per entry (5,000 matches: ~35 vs ~17 ms) for the same recall. Its AND
# ranking still weighs how close the terms are.
PG_RANK = "ts_rank"


@dataclass
class Row:
    """A match without its body: bodies are read only for the hits whose snippet is shown (see bodies)."""

    entry_id: int
    object_id: int
    title: str
    rank: float  # higher is better
    areas: str = ""  # the district tokens (read by match and match_any only)


@dataclass
class FulltextRow:
    """What the full-text index holds for one SearchEntry (PostgreSQL reads it from the row itself)."""

    entry_id: int
    content_type_id: int
    title_terms: str
    terms: str
    fuzzy: str
    words: str
    areas: str = ""
    names_terms: str = ""
    keyword_terms: str = ""
    piece_terms: str = ""


def vendor() -> str:
    return connection.vendor


def _kind(content_type_id: int) -> str:
    return f"ct{int(content_type_id)}"


def _fts_phrase(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _ts_lexeme(term: str) -> str:
    return "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"


# --- districts -------------------------------------------------------------------------
# An entry of a kind filtered by district (registry: by_district) is indexed under one token per
# district it serves, or CITY_WIDE; SQLite keeps them in the `kind` column, PostgreSQL in the
# tsvector (weight D, never in a ranked query). Text terms are letters and digits only, and no
# text is indexed in the kind column, so neither can be mistaken for the other.
CITY_WIDE = "areaall"


def area_token(code: str) -> str:
    return "area" + "".join(ch for ch in str(code) if ch.isalnum())


def area_tokens(codes: Sequence[str] | None, *, city_wide: bool) -> str:
    """The tokens of an entry: none for a kind with no districts (codes None)."""
    if codes is None:
        return ""
    if city_wide or not codes:
        return CITY_WIDE
    return " ".join(dict.fromkeys(area_token(code) for code in codes))


def _area_filter(areas: Sequence[str]) -> list[str]:
    """The tokens a query for `areas` (district codes) accepts: those districts and the city-wide."""
    return [*dict.fromkeys(area_token(code) for code in areas), CITY_WIDE]


# --- writes ---------------------------------------------------------------------------
def write(rows: Sequence[FulltextRow]) -> None:
    """Put rows into the full-text index, replacing what was there (call inside the write's transaction)."""
    if not rows:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.executemany(
                "DELETE FROM search_fts WHERE rowid = %s", [(r.entry_id,) for r in rows]
            )
            cursor.executemany(
                "INSERT INTO search_fts (rowid, kind, title, body, fuzzy, words) VALUES (%s, %s, %s, %s, %s, %s)",
                [
                    (
                        r.entry_id,
                        f"{_kind(r.content_type_id)} {r.areas}".strip(),
                        r.title_terms,
                        r.terms,
                        " ".join(b for w in r.fuzzy.split() for b in letter_bigrams(w)),
                        r.words,
                    )
                    for r in rows
                ],
            )
        elif connection.vendor == "postgresql":
            # Built from the entries' own columns in one statement, whatever the number of rows;
            # the title as written (weight B) serves autocomplete prefixes. See migration 0003
            # for why this is a table of its own.
            cursor.execute(
                "INSERT INTO search_document (entry_id, content_type_id, document, fuzzy)"
                " SELECT id, content_type_id,"
                " setweight(to_tsvector('simple', title_terms), 'A')"
                " || setweight(to_tsvector('simple', title), 'B')"
                " || setweight(to_tsvector('simple', terms), 'D')"
                " || setweight(to_tsvector('simple', areas), 'D'), fuzzy"
                " FROM search_searchentry WHERE id = ANY(%s)"
                " ON CONFLICT (entry_id) DO UPDATE SET content_type_id = EXCLUDED.content_type_id,"
                " document = EXCLUDED.document, fuzzy = EXCLUDED.fuzzy",
                [[r.entry_id for r in rows]],
            )
    write_impacts(rows)


def delete(entry_ids: Iterable[int]) -> None:
    ids = [int(i) for i in entry_ids]
    if not ids:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.executemany("DELETE FROM search_fts WHERE rowid = %s", [(i,) for i in ids])
        elif connection.vendor == "postgresql":
            cursor.execute("DELETE FROM search_document WHERE entry_id = ANY(%s)", [ids])
        if connection.vendor in ("sqlite", "postgresql"):
            ids_sql, ids_param = _id_set(ids)
            cursor.execute(f"DELETE FROM search_impact WHERE entry_id IN ({ids_sql})", [ids_param])


# --- impact lists (migration 0010) ----------------------------------------------------------
# A term's weight in one entry, as bm25 weighs it without the term's rarity: its frequency in the
# title (×TITLE_WEIGHT), in the names of what the entry offers (its own structured fields, a
# listing's services: ×NAMES_WEIGHT), in its keywords (labels shared by many entries, a
# listing's categories: ×KEYWORDS_WEIGHT; weighed 2, above the body, they lost recall on every
# set) and in the rest of the terms, each saturated (K1) and set against the
# entry's length (B) relative to fixed lengths, so that an entry's weights depend on the entry
# alone and a write changes its own rows only. B is lower than bm25's usual 0.75: a listing that
# describes its service at length (the real ones run to 200 terms, generated ones to 35) is not
# worth less for it. Stored ×IMPACT_SCALE as integers.
# The title counts 3 times, not 10 as in FTS5's bm25 (_BM25): with 10, a word in a title (a
# distractor's "… 나눔카페" for the lending verb, "전기차" for 차) outweighed the query's noun
# said five times in the body of what it looks for (ANALYSIS_VERSION 3; see _Scorer).
K1 = 1.2
B = 0.5
TITLE_WEIGHT = 3.0
NAMES_WEIGHT = 2.0
KEYWORDS_WEIGHT = 0.5
# A piece across morphemes or spaces, in a title, below a word said once in the body.
PIECE_WEIGHT = 0.25
TITLE_TERMS_LENGTH = 8.0
NAMES_TERMS_LENGTH = 6.0
TERMS_LENGTH = 60.0
IMPACT_SCALE = 1000
# The district tokens of an entry are rows of their own (weight 0), so that a term's list can be
# read for one district; '@' is in no analysed term.
_AREA_ROW = "@"


def _saturated(frequency: int, length: int, typical: float) -> float:
    if not frequency:
        return 0.0
    return frequency * (K1 + 1) / (frequency + K1 * (1 - B + B * length / typical))


def impacts(
    title_terms: str,
    terms: str,
    names_terms: str = "",
    keyword_terms: str = "",
    piece_terms: str = "",
) -> dict[str, int]:
    """Each term of an entry with its weight in it (see K1, B). piece_terms: the terms the title
    ("t:육아") or the whole text ("b:눔카") holds only as pieces across morphemes or spaces
    (교육아카데미's 육아, analysis.across_only), which count PIECE_WEIGHT there."""
    marked = piece_terms.split()
    title_pieces = {m[2:] for m in marked if m.startswith("t:")}
    body_pieces = {m[2:] for m in marked if m.startswith("b:")}
    title, body = Counter(title_terms.split()), Counter(terms.split())
    names, keywords = Counter(names_terms.split()), Counter(keyword_terms.split())
    # The keywords are among the terms: what the entry says itself is the rest.
    body -= keywords
    title_length, body_length = sum(title.values()), sum(body.values())
    names_length = sum(names.values())
    return {
        term: round(
            IMPACT_SCALE
            * (
                TITLE_WEIGHT
                * (PIECE_WEIGHT if term in title_pieces else 1.0)
                * _saturated(title[term], title_length, TITLE_TERMS_LENGTH)
                + NAMES_WEIGHT * _saturated(names[term], names_length, NAMES_TERMS_LENGTH)
                + (PIECE_WEIGHT if term in body_pieces else 1.0)
                * _saturated(body[term], body_length, TERMS_LENGTH)
                + KEYWORDS_WEIGHT * _saturated(keywords[term], body_length, TERMS_LENGTH)
            )
        )
        for term in dict.fromkeys([*title, *names, *body, *keywords])
    }


def write_impacts(rows: Sequence[FulltextRow]) -> None:
    """Replace the impact rows of these entries (inside the write's transaction)."""
    if not rows or connection.vendor not in ("sqlite", "postgresql"):
        return
    values = [
        (r.entry_id, term, r.content_type_id, impact)
        for r in rows
        for term, impact in [
            *impacts(r.title_terms, r.terms, r.names_terms, r.keyword_terms, r.piece_terms).items(),
            *((_AREA_ROW + token, 0) for token in dict.fromkeys(r.areas.split())),
        ]
    ]
    ids_sql, ids_param = _id_set([r.entry_id for r in rows])
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM search_impact WHERE entry_id IN ({ids_sql})", [ids_param])
        if connection.vendor == "sqlite":
            cursor.executemany(
                "INSERT INTO search_impact (entry_id, term, content_type_id, impact)"
                " VALUES (%s, %s, %s, %s)",
                values,
            )
        elif values:
            columns = list(zip(*values, strict=True))
            cursor.execute(
                "INSERT INTO search_impact (entry_id, term, content_type_id, impact)"
                " SELECT * FROM unnest(%s::bigint[], %s::text[], %s::integer[], %s::integer[])",
                [list(column) for column in columns],
            )


def _id_set(ids: Sequence[int]) -> tuple[str, str]:
    """A set of ids as SQL for `IN (…)` and its one parameter (see id_list)."""
    clean = [int(i) for i in ids]
    if connection.vendor == "postgresql":
        return "SELECT unnest(%s::bigint[])", "{" + ",".join(map(str, clean)) + "}"
    return "SELECT value FROM json_each(%s)", json.dumps(clean)


# --- expressions ----------------------------------------------------------------------
def _fetch(sql: str, params: list) -> list[Row]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [Row(*row) for row in cursor.fetchall()]


def _without_subsumed(alternatives: Sequence[Sequence[str]]) -> list[Sequence[str]]:
    """Drop an alternative that asks for all the terms of another and more ("운동 & 동기 & 기구"
    beside "운동 & 기구"): it matches nothing the other does not, and ranking the longer boolean
    expression cost twice as much on every matching entry."""
    sets = [frozenset(a) for a in alternatives]
    kept = []
    for n, alternative in enumerate(alternatives):
        if any(
            other < sets[n] or (other == sets[n] and m < n)
            for m, other in enumerate(sets)
            if m != n
        ):
            continue
        kept.append(alternative)
    return kept


def _flat_terms(expr: Expr) -> list[str] | None:
    """The terms of a term or an AND of terms; None for anything with an OR inside."""
    if isinstance(expr, str):
        return [expr]
    if expr[0] == "and" and all(isinstance(p, str) for p in expr[1]):
        return [p for p in expr[1] if isinstance(p, str)]
    return None


def simplify(expr: Expr) -> Expr:
    """Alternatives subsumed by another (see _without_subsumed) leave every OR."""
    if isinstance(expr, str):
        return expr
    op, parts = expr
    parts = tuple(simplify(p) for p in parts)
    if op == "or":
        flat = [_flat_terms(p) for p in parts]
        simple = [f for f in flat if f is not None]
        kept_simple = {tuple(a) for a in _without_subsumed(simple)}
        parts = tuple(
            p for p, f in zip(parts, flat, strict=True) if f is None or tuple(f) in kept_simple
        )
    return parts[0] if len(parts) == 1 else (op, parts)


def _compile(expr: Expr, phrase: Callable[[str], str], and_: str, or_: str) -> str:
    if isinstance(expr, str):
        return phrase(expr)
    op, parts = expr
    return (
        "("
        + (and_ if op == "and" else or_).join(_compile(p, phrase, and_, or_) for p in parts)
        + ")"
    )


def _fts(expr: Expr) -> str:
    return _compile(expr, _fts_phrase, " AND ", " OR ")


def _tsquery(expr: Expr) -> str:
    return _compile(expr, _ts_lexeme, " & ", " | ")


def _fts_where(content_type_id: int, text: str | None, areas: Sequence[str] | None) -> str:
    """An FTS5 MATCH expression: the kind, its districts, the text in title and body."""
    parts = [f"kind : {_fts_phrase(_kind(content_type_id))}"]
    if areas:
        parts.append(f"kind : ({' OR '.join(_fts_phrase(t) for t in _area_filter(areas))})")
    if text:
        parts.append(f"{{title body}} : {text}")
    return " AND ".join(parts)


def _pg_matches(areas: Sequence[str] | None) -> tuple[str, list]:
    """The condition "the document has the query q (and serves one of `areas`)", as one tsquery
    so that PostgreSQL reads it from the GIN index in one scan (two @@ conditions under a LIMIT
    led its planner to scan the table)."""
    if areas:
        return "d.document @@ (q && %s::tsquery)", [_area_tsquery(areas)]
    return "d.document @@ q", []


def _area_tsquery(areas: Sequence[str]) -> str:
    return " | ".join(_ts_lexeme(t) for t in _area_filter(areas))


# --- reads ----------------------------------------------------------------------------
def match(
    content_type_id: int,
    exprs: Sequence[Expr],
    *,
    limit: int,
    areas: Sequence[str] | None = None,
) -> list[Row]:
    """Entries matching every expression (and serving one of `areas` or the whole city), best
    first. With no expression, the entries of those districts, by id."""
    exprs = [simplify(e) for e in exprs if e]
    if not exprs and not areas:
        return []
    text = all_of(exprs)
    if connection.vendor == "sqlite":
        where = _fts_where(content_type_id, _fts(text) if text else None, areas)
        return _fetch(
            "SELECT e.id, e.object_id, e.title, -f.r, e.areas FROM"
            f" (SELECT rowid AS id, {_BM25} AS r FROM search_fts WHERE search_fts MATCH %s ORDER BY r, rowid LIMIT %s) f"
            " JOIN search_searchentry e ON e.id = f.id ORDER BY f.r, e.id",
            [where, limit],
        )
    if text is None:
        return _fetch(
            "SELECT e.id, e.object_id, e.title, 0.0, e.areas FROM"
            " (SELECT d.entry_id FROM search_document d WHERE d.content_type_id = %s"
            " AND d.document @@ %s::tsquery ORDER BY d.entry_id LIMIT %s) d"
            " JOIN search_searchentry e ON e.id = d.entry_id ORDER BY e.id",
            [content_type_id, _area_tsquery(areas or []), limit],
        )
    # Ranked in the narrow table; the wide entry rows are read for the hits kept only.
    matches, area_params = _pg_matches(areas)
    return _fetch(
        "SELECT e.id, e.object_id, e.title, d.r, e.areas FROM"
        f" (SELECT d.entry_id, {PG_RANK}(d.document, q) AS r"
        " FROM search_document d, to_tsquery('simple', %s) q"
        f" WHERE d.content_type_id = %s AND {matches}"
        " ORDER BY r DESC, d.entry_id LIMIT %s) d"
        " JOIN search_searchentry e ON e.id = d.entry_id ORDER BY d.r DESC, e.id",
        [_tsquery(text), content_type_id, *area_params, limit],
    )


def match_broad(
    content_type_id: int,
    exprs: Sequence[Expr],
    *,
    limit: int,
    areas: Sequence[str] | None = None,
    exact: Iterable[str] = (),
    weights: Sequence[float] | None = None,
    optional: Sequence[Expr] = (),
    optional_weights: Sequence[float] | None = None,
) -> list[Row]:
    """`match` for words too common to rank every match (each held by COMMON_TERM_ENTRIES
    entries or more): the entries weighing the words most come first, found in the words' impact
    lists (_impact_ranked, migration 0010) and ranked by their weights (_Scorer), then other
    matches in the index's order, unranked. The cost no longer grows with the number of matches.

    exact: the terms the query wrote itself (its synonyms are the others); weights: one per
    expression, how much it counts (a verb less than a noun). Without them every term is the
    query's own and every expression counts once. optional: expressions a hit need not match,
    adding to its score where it does (optional_weights), read for the candidates only."""
    exprs = [simplify(e) for e in exprs if e]
    text = all_of(exprs)
    if text is None:
        return []
    scorer = _Scorer(
        exprs,
        exact=exact,
        weights=weights,
        optional=[simplify(e) for e in optional if e],
        optional_weights=optional_weights,
    )
    ranked = _impact_ranked(content_type_id, scorer, limit=limit, areas=areas)
    rest: list[Row] = []
    if len(ranked) < limit:
        rest = _unranked(
            content_type_id,
            text,
            limit=limit - len(ranked),
            areas=areas,
            ranked=[row.entry_id for row in ranked],
        )
    # Below every ranked one, in the index's order.
    floor = min((row.rank for row in ranked), default=1.0)
    for n, row in enumerate(rest):
        row.rank = floor - 1 - n / (len(rest) + 1)
    return ranked + rest


# How the broad path weighs what an entry holds (_Scorer), after Lucene's SynonymQuery and
# DisjunctionMaxQuery and the "exactness" of Meilisearch's ranking rules, each term's impact (see
# impacts) times its rarity:
# - the alternatives of one written word (its spellings, its synonyms) count as one word: the
#   best of them, the others only as a tie-breaker (SYNONYM_TIE); before, their sum let a text
#   naming a category in two languages ("의류 Clothing") count twice for a query about suits;
# - a synonym counts SYNONYM_WEIGHT of the word the query wrote, and never for more than that
#   word's rarity (a rare synonym is no rarer word of the query: "lend", in 6 listings, weighed
#   more than "빌리다" itself);
# - a verb or adjective of the query counts VERB_WEIGHT of a noun (selectors: unit weights): the
#   lending verb, with its dozen synonyms, said less of what is looked for than the noun beside it.
SYNONYM_TIE = 0.1
SYNONYM_WEIGHT = 0.5
VERB_WEIGHT = 0.5


def _weight(impact: float) -> float:
    return impact / IMPACT_SCALE


class _Scorer:
    """An entry's score for a query's expressions from the impacts of the terms it holds."""

    def __init__(
        self,
        exprs: Sequence[Expr],
        *,
        exact: Iterable[str] = (),
        weights: Sequence[float] | None = None,
        optional: Sequence[Expr] = (),
        optional_weights: Sequence[float] | None = None,
    ) -> None:
        self.required = len(exprs)
        self.exprs = [*exprs, *optional]
        self.weights = [
            *(weights if weights is not None else [1.0] * len(exprs)),
            *(optional_weights if optional_weights is not None else [1.0] * len(optional)),
        ]
        own = set(exact)
        terms = expr_terms(all_of(exprs))
        # Every term is the query's own when the caller does not tell them apart.
        self.exact = own & set(terms) if own else set(terms)
        # The query's own terms first: they are the lists read when there are too many.
        self.terms = [t for t in terms if t in self.exact] + [
            t for t in terms if t not in self.exact
        ]
        # With the optional expressions' terms, read by key for the candidates only.
        self.all_terms = list(dict.fromkeys([*self.terms, *expr_terms(all_of(optional))]))
        self.exact |= own & set(self.all_terms)
        self.factors: list[dict[str, float]] = []

    def set_rarities(self, rarity: dict[str, float]) -> None:
        """Each expression's factor per term: the term's rarity for the query's own terms; for a
        synonym SYNONYM_WEIGHT of its rarity, capped at the rarest own term of its expression."""
        self.factors = []
        for expr in self.exprs:
            terms = expr_terms(expr)
            own = [rarity[t] for t in terms if t in self.exact]
            cap = max(own) if own else math.inf
            self.factors.append(
                {
                    t: rarity[t] if t in self.exact else SYNONYM_WEIGHT * min(rarity[t], cap)
                    for t in terms
                }
            )

    def unit_scores(self, impacts: dict[str, int]) -> list[float | None]:
        """Per expression: the entry's score, None where it does not match."""
        scores: list[float | None] = []
        for expr, factors in zip(self.exprs, self.factors, strict=True):
            values = {
                term: (factors[term], _weight(impact))
                for term, impact in impacts.items()
                if term in factors
            }
            score = _score(expr, values)
            scores.append(None if score is None else score[0])
        return scores

    def _combined(self, scores: list[float | None]) -> float:
        return sum(w * s for s, w in zip(scores, self.weights, strict=True) if s is not None)

    def partial(self, impacts: dict[str, int]) -> float:
        """What the entry scores on the terms known so far (a candidate from the lists)."""
        return self._combined(self.unit_scores(impacts))

    def full(self, impacts: dict[str, int]) -> float | None:
        """The entry's score, None when it misses a required expression."""
        scores = self.unit_scores(impacts)
        return None if None in scores[: self.required] else self._combined(scores)


def _score(expr: Expr, held: dict[str, tuple[float, float]]) -> tuple[float, float] | None:
    """An entry's score for one unit of a query (a word with its synonyms) and the weight it
    stands on, from its terms' (factor, weight) in `held` (factor: the term's rarity in the
    query, weight: its impact in the entry); None where it does not match. All of several terms
    (the pieces of a compound, the words of a phrase) count each with its own factor on the
    weakest weight among them: a piece in a title ("보드게임" for 킥보드) does not lend the whole
    its title's weight, and a common piece (보드) does not lower the rarer one's (킥). Any of
    several (a word's spellings and synonyms): the best that matches, the others only as a
    tie-breaker (SYNONYM_TIE), so that naming one thing in two languages does not count it
    twice."""
    if isinstance(expr, str):
        if expr not in held:
            return None
        factor, weight = held[expr]
        return factor * weight, weight
    op, parts = expr
    scores = [_score(part, held) for part in parts]
    if op == "and":
        found = [s for s in scores if s is not None]
        if len(found) < len(scores):
            return None
        weakest = min(weight for _, weight in found)
        return sum(score * weakest / weight for score, weight in found if weight > 0), weakest
    ranked = sorted((s for s in scores if s is not None), reverse=True)
    if not ranked:
        return None
    return ranked[0][0] + SYNONYM_TIE * sum(score for score, _ in ranked[1:]), ranked[0][1]


# How many entries holding a term are counted for its rarity (the `idf` of the broad path); the
# counts are kept in the shared cache for a while, since a term's rarity changes slowly.
RARITY_CAP = 20_000
RARITY_SECONDS = 600


def _rarities(content_type_id: int, terms: Sequence[str]) -> dict[str, float]:
    """Each term's idf-like weight in the kind, log(1 + RARITY_CAP / entries holding it),
    counted in its impact list (to RARITY_CAP) once per RARITY_SECONDS."""
    keys = {term: f"search:rarity:{int(content_type_id)}:{term}" for term in terms}
    found = cache.get_many(list(keys.values()))
    counts = {term: found[key] for term, key in keys.items() if key in found}
    missing = [term for term in terms if term not in counts]
    if missing:
        select = (
            "(SELECT count(*) FROM (SELECT 1 FROM search_impact WHERE content_type_id = %s"
            " AND term = %s LIMIT %s) s)"
        )
        params: list = []
        for term in missing:
            params += [content_type_id, term, RARITY_CAP]
        with connection.cursor() as cursor:
            cursor.execute("SELECT " + ", ".join([select] * len(missing)), params)
            counted = dict(zip(missing, cursor.fetchone(), strict=True))
        cache.set_many({keys[term]: n for term, n in counted.items()}, RARITY_SECONDS)
        counts.update(counted)
    return {term: math.log(1 + RARITY_CAP / max(counts[term], 1)) for term in terms}


def _impact_ranked(
    content_type_id: int, scorer: _Scorer, *, limit: int, areas: Sequence[str] | None
) -> list[Row]:
    """The entries matching every unit among the best of each of their terms' impact lists, by
    their score (_Scorer: the terms' weights, see impacts, times their rarity), at most `limit`.

    Each term's list is read best first from its index (search_impact_order) for the kind,
    IMPACT_CANDIDATES rows shared among the terms (IMPACT_AREA_DEPTH times more for a district).
    The best candidates by what their lists said are kept, then all their query terms and
    district rows are read by key (one query): those that do not serve the district or miss a
    required word are dropped, the others scored on every term they hold."""
    terms = scorer.terms
    read = terms[:IMPACT_TERMS]
    per_term = max(IMPACT_PER_TERM, IMPACT_CANDIDATES // len(read))
    # A district's entries are picked from deeper lists by their district rows, read with the
    # candidates' other terms: a filter inside each list's scan probed one row per entry read
    # (on PostgreSQL 1-2 s for a word with its synonyms in one district).
    depth = IMPACT_AREA_DEPTH if areas else 1
    tokens = [_AREA_ROW + token for token in _area_filter(areas)] if areas else []
    scorer.set_rarities(_rarities(content_type_id, scorer.all_terms))
    lists = " UNION ALL ".join(
        "SELECT * FROM (SELECT i.entry_id, i.term, i.impact FROM search_impact i"
        " WHERE i.content_type_id = %s AND i.term = %s"
        f" ORDER BY i.impact DESC, i.entry_id LIMIT %s) t{n}"
        for n in range(len(read))
    )
    params: list = []
    for term in read:
        params += [content_type_id, term, per_term * depth]
    listed: dict[int, dict[str, int]] = {}
    with connection.cursor() as cursor:
        cursor.execute(lists, params)
        for entry_id, term, impact in cursor.fetchall():
            listed.setdefault(entry_id, {})[term] = impact
    if not listed:
        return []
    partial = {entry_id: scorer.partial(held) for entry_id, held in listed.items()}
    candidates = sorted(partial, key=lambda e: (-partial[e], e))[: IMPACT_CANDIDATES * depth]
    # Every term of the candidates, not only those whose lists they were among the best of,
    # and their district rows.
    ids_sql, ids_param = _id_set(candidates)
    asked = [*scorer.all_terms, *tokens]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT entry_id, term, impact FROM search_impact WHERE entry_id IN ({ids_sql})"
            f" AND term IN ({', '.join(['%s'] * len(asked))})",
            [ids_param, *asked],
        )
        held: dict[int, dict[str, int]] = {}
        serving = set()
        for entry_id, term, impact in cursor.fetchall():
            if term.startswith(_AREA_ROW):
                serving.add(entry_id)
            else:
                held.setdefault(entry_id, {})[term] = impact
    if areas:
        candidates = [entry_id for entry_id in candidates if entry_id in serving]
    scores = {}
    for entry_id in candidates:
        score = scorer.full(held.get(entry_id, {}))
        if score is not None:
            scores[entry_id] = score
    best = sorted(scores, key=lambda e: (-scores[e], e))[:limit]
    if not best:
        return []
    ids_sql, ids_param = _id_set(best)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, object_id, title, areas FROM search_searchentry WHERE id IN ({ids_sql})",
            [ids_param],
        )
        found = {row[0]: row for row in cursor.fetchall()}
    return [Row(e, found[e][1], found[e][2], scores[e], found[e][3]) for e in best if e in found]


def _unranked(
    content_type_id: int,
    text: Expr,
    *,
    limit: int,
    areas: Sequence[str] | None,
    ranked: Sequence[int],
) -> list[Row]:
    """Up to `limit` entries matching `text` but not `ranked`, in the index's order (no rank)."""
    ids_sql, ids_param = _id_set(ranked)
    if connection.vendor == "sqlite":
        # FTS5 walks the index in order and stops at the limit.
        return _fetch(
            "SELECT e.id, e.object_id, e.title, 0.0, e.areas FROM"
            " (SELECT rowid AS id FROM search_fts WHERE search_fts MATCH %s"
            f" AND rowid NOT IN ({ids_sql}) LIMIT %s) f"
            " JOIN search_searchentry e ON e.id = f.id ORDER BY e.id",
            [_fts_where(content_type_id, _fts(text), areas), ids_param, limit],
        )
    # A sequential scan of a table larger than a quarter of shared_buffers starts where the last
    # one stopped (synchronize_seqscans), which gave the same search other hits each time it
    # ran; from the table's start they stay the same (for the caller's transaction only).
    # MATERIALIZED: planned on its own, so the outer join cannot talk the planner into scanning
    # the table for the few rows it expects to need.
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('synchronize_seqscans', 'off', true)")
    matches, area_params = _pg_matches(areas)
    return _fetch(
        "WITH c AS MATERIALIZED (SELECT d.entry_id FROM search_document d,"
        f" to_tsquery('simple', %s) q WHERE d.content_type_id = %s AND {matches}"
        f" AND d.entry_id NOT IN ({ids_sql}) LIMIT %s)"
        " SELECT e.id, e.object_id, e.title, 0.0, e.areas FROM c"
        " JOIN search_searchentry e ON e.id = c.entry_id ORDER BY e.id",
        [_tsquery(text), content_type_id, *area_params, ids_param, limit],
    )


def match_any(
    content_type_id: int,
    exprs: Sequence[Expr],
    *,
    weights: Sequence[float],
    limit: int,
    areas: Sequence[str] | None = None,
) -> list[Row]:
    """Entries matching any of `exprs`, best first. FTS5's bm25 weighs how rare each term is; on
    PostgreSQL, whose ts_rank knows nothing of that, entries are ranked first by the sum of the
    `weights` (idf-like, one per expression) of the expressions they match, then by ts_rank."""
    pairs = [(simplify(e), w) for e, w in zip(exprs, weights, strict=True) if e]
    if not pairs:
        return []
    if connection.vendor == "sqlite":
        return match(content_type_id, [any_of(e for e, _ in pairs) or ""], limit=limit, areas=areas)
    coordination = " + ".join("(d.document @@ %s::tsquery)::int * %s" for _ in pairs)
    params: list = []
    for expr, weight in pairs:
        params += [_tsquery(expr), weight]
    matches, area_params = _pg_matches(areas)
    return _fetch(
        "SELECT e.id, e.object_id, e.title, m.c + m.r / (1 + m.r), e.areas FROM (SELECT d.entry_id,"
        f" ({coordination}) AS c, {PG_RANK}(d.document, q) AS r"
        " FROM search_document d, to_tsquery('simple', %s) q"
        f" WHERE d.content_type_id = %s AND {matches}"
        " ORDER BY c DESC, r DESC, d.entry_id LIMIT %s) m"
        " JOIN search_searchentry e ON e.id = m.entry_id ORDER BY m.c DESC, m.r DESC, e.id",
        [
            *params,
            " | ".join("(" + _tsquery(e) + ")" for e, _ in pairs),
            content_type_id,
            *area_params,
            limit,
        ],
    )


def counts(
    content_type_id: int, exprs: Sequence[Expr], *, cap: int, size_cap: int
) -> tuple[int, list[int]]:
    """How many entries the kind has (counting to `size_cap`) and how many match each of
    `exprs` (counting to `cap`), in one query: cheap whatever the answers. On PostgreSQL a kind
    of `size_cap` entries or more has its matches estimated (_estimated), not counted."""
    selects = [
        "(SELECT count(*) FROM (SELECT 1 FROM search_searchentry WHERE content_type_id = %s LIMIT %s) s)"
    ]
    params: list = [content_type_id, size_cap]
    if connection.vendor == "postgresql" and exprs:
        with connection.cursor() as cursor:
            cursor.execute("SELECT " + selects[0], params)
            size = cursor.fetchone()[0]
        if size == 0:  # an empty kind matches nothing (the hub's search page asks every kind)
            return 0, [0 for _ in exprs]
        if size >= size_cap:
            return size, [min(cap, n) for n in _estimated(exprs)]
        selects, params = [f"{int(size)}"], []  # counted already
    for expr in exprs:
        if connection.vendor == "sqlite":
            selects.append(
                "(SELECT count(*) FROM (SELECT rowid FROM search_fts WHERE search_fts MATCH %s LIMIT %s))"
            )
            params += [_fts_where(content_type_id, _fts(simplify(expr)), None), cap]
        else:
            selects.append(
                "(SELECT count(*) FROM (SELECT 1 FROM search_document d WHERE d.content_type_id = %s"
                " AND d.document @@ to_tsquery('simple', %s) LIMIT %s) s)"
            )
            params += [content_type_id, _tsquery(simplify(expr)), cap]
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(selects), params)
        row = cursor.fetchone()
    return row[0], list(row[1:])


# The most common lexemes of the index and how many entries hold each, as PostgreSQL's
# statistics have them (refreshed by ANALYZE, which autovacuum runs): kept for a while in the
# shared cache, since reading them costs a query.
COMMON_LEXEMES_KEY = "search:common-lexemes"
COMMON_LEXEMES_SECONDS = 600


def _common_lexemes() -> dict[str, float]:
    """Lexeme → estimated number of entries holding it, for the most common ones only."""
    found = cache.get(COMMON_LEXEMES_KEY)
    if isinstance(found, dict):
        return found
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT s.most_common_elems::text::text[], s.most_common_elem_freqs, c.reltuples"
            " FROM pg_stats s JOIN pg_class c ON c.relname = s.tablename"
            " AND c.relnamespace = to_regnamespace(s.schemaname)"
            " WHERE s.schemaname = current_schema() AND s.tablename = 'search_document'"
            " AND s.attname = 'document'"
        )
        row = cursor.fetchone()
    lexemes: dict[str, float] = {}
    if row and row[0] and row[1]:
        rows = max(float(row[2] or 0), 0.0)
        # The frequencies are followed by their minimum, maximum and the null frequency.
        lexemes = {lexeme: freq * rows for lexeme, freq in zip(row[0], row[1], strict=False)}
    cache.set(COMMON_LEXEMES_KEY, lexemes, COMMON_LEXEMES_SECONDS)
    return lexemes


def _estimate(expr: Expr, common: dict[str, float]) -> float:
    """Entries matching `expr`: a lexeme not among the common ones counts as none; all of
    several as the rarest of them; any of several as their sum."""
    if isinstance(expr, str):
        return common.get(expr, 0.0)
    values = [_estimate(part, common) for part in expr[1]]
    return min(values) if expr[0] == "and" else sum(values)


def _estimated(exprs: Sequence[Expr]) -> list[int]:
    """PostgreSQL: how many entries match each expression, estimated from the statistics of the
    tsvector's most common lexemes. A common word ("공유" and its synonyms in most of 100,000
    entries) cannot be counted cheaply, even to a cap: the GIN index hands over every match
    first. Whether a word is common (1% of the entries or more) is what the search asks, and
    for those the statistics are close; a rare word is estimated as none."""
    common = _common_lexemes()
    return [round(_estimate(simplify(expr), common)) for expr in exprs]


def id_list(ids: Sequence[int]) -> RawSQL:
    """A list of ids as one bound parameter (`pk__in=id_list(ids)`): a thousand ids as a
    thousand parameters cost more to send and plan than the lookup itself. On PostgreSQL the
    array goes as its text ('{1,2,3}'): psycopg's adaptation of a list of a thousand ints took
    longer than the database's reading of it."""
    clean = [int(i) for i in ids]
    if connection.vendor == "postgresql":
        return RawSQL("SELECT unnest(%s::bigint[])", ["{" + ",".join(map(str, clean)) + "}"])
    return RawSQL("SELECT value FROM json_each(%s)", [json.dumps(clean)])


def entries_for(content_type_id: int, object_ids: Sequence[int]) -> list[Row]:
    """The entries of these objects (no rank), in one query."""
    return [
        Row(pk, object_id, title, 0.0)
        for pk, object_id, title in SearchEntry.objects.filter(
            content_type_id=content_type_id, object_id__in=[int(i) for i in object_ids]
        ).values_list("pk", "object_id", "title")
    ]


def bodies(entry_ids: Sequence[int]) -> dict[int, tuple[str, str, dict]]:
    """(title, body, display) by entry id, in one query."""
    ids = [int(i) for i in entry_ids]
    if not ids:
        return {}
    return {
        pk: (title, body, display or {})
        for pk, title, body, display in SearchEntry.objects.filter(pk__in=ids).values_list(
            "pk", "title", "body", "display"
        )
    }


def _letter_triples(words: Sequence[str]) -> list[str]:
    """FTS5 phrases of two adjacent letter pairs, i.e. letter triples ("soo" → "so" + "oo"); a
    word too short for a triple stands for itself."""
    phrases = []
    for word in words:
        bigrams = letter_bigrams(word)
        if len(bigrams) < 2:
            phrases += [_fts_phrase(b) for b in bigrams]
        phrases += [f"{_fts_phrase(a)} + {_fts_phrase(b)}" for a, b in itertools.pairwise(bigrams)]
    return list(dict.fromkeys(phrases))


# Trigram word_similarity a title needs to be a typo candidate on PostgreSQL: strict first (few
# candidates, fast), loose when that finds nothing, since a one-jamo typo in a short Korean word
# leaves few trigrams in common (쏘까 / 쏘카 share 2 of 5).
STRICT_WORD_SIMILARITY = "0.5"
LOOSE_WORD_SIMILARITY = "0.2"


def fuzzy_candidates(
    content_type_id: int,
    words: Sequence[str],
    *,
    strict: bool = True,
    areas: Sequence[str] | None = None,
) -> list[Row]:
    """A bounded set of entries whose title letters resemble `words` (jamo for Hangul).

    strict: entries sharing a letter triple (SQLite) or half the trigrams (PostgreSQL), a small
    set; otherwise any letter pair / a fifth of the trigrams, which common letters make broad.
    The caller re-scores the candidates letter by letter and widens only if none passes.
    """
    if not words:
        return []
    if connection.vendor == "sqlite":
        if strict:
            phrases = _letter_triples(words)[:40]
        else:
            phrases = [
                _fts_phrase(b) for b in dict.fromkeys(b for w in words for b in letter_bigrams(w))
            ][:40]
        expression = (
            f"{_fts_where(content_type_id, None, areas)} AND fuzzy : ({' OR '.join(phrases)})"
        )
        return _fetch(
            "SELECT e.id, e.object_id, e.title, -f.r FROM"
            " (SELECT rowid AS id, bm25(search_fts) AS r FROM search_fts WHERE search_fts MATCH %s"
            " ORDER BY r LIMIT %s) f JOIN search_searchentry e ON e.id = f.id ORDER BY f.r, e.id",
            [expression, FUZZY_CANDIDATES],
        )
    text = " ".join(words)
    with connection.cursor() as cursor:
        # Scoped to the caller's savepoint (selectors.search).
        cursor.execute(
            "SELECT set_config('pg_trgm.word_similarity_threshold', %s, true)",
            [STRICT_WORD_SIMILARITY if strict else LOOSE_WORD_SIMILARITY],
        )
    area_sql, area_params = ("", [])
    if areas:
        area_sql, area_params = " AND d.document @@ %s::tsquery", [_area_tsquery(areas)]
    return _fetch(
        "SELECT e.id, e.object_id, e.title, d.r FROM"
        " (SELECT d.entry_id, word_similarity(%s, d.fuzzy) AS r FROM search_document d"
        f" WHERE d.content_type_id = %s AND %s <%% d.fuzzy{area_sql}"
        " ORDER BY r DESC, d.entry_id LIMIT %s) d"
        " JOIN search_searchentry e ON e.id = d.entry_id ORDER BY d.r DESC, e.id",
        [text, content_type_id, text, *area_params, FUZZY_CANDIDATES],
    )


def prefix_matches(
    content_type_id: int, prefixes: Sequence[str], *, limit: int
) -> list[tuple[int, str]]:
    """(object id, title) of the entries with title words starting with every prefix, best first."""
    if not prefixes:
        return []
    if connection.vendor == "sqlite":
        expression = (
            f"kind : {_fts_phrase(_kind(content_type_id))} AND "
            f"{{title words}} : ({' AND '.join(_fts_phrase(p) + '*' for p in prefixes)})"
        )
        sql = (
            "SELECT e.object_id, e.title FROM (SELECT rowid AS id, bm25(search_fts, 0.0, 1.0, 0.0, 0.0, 2.0) AS r"
            " FROM search_fts WHERE search_fts MATCH %s ORDER BY r LIMIT %s) f"
            " JOIN search_searchentry e ON e.id = f.id ORDER BY f.r, length(e.title), e.id"
        )
        params: list[str | int] = [expression, limit]
    else:
        sql = (
            "SELECT e.object_id, e.title FROM search_document d JOIN search_searchentry e ON e.id = d.entry_id,"
            " to_tsquery('simple', %s) q WHERE d.content_type_id = %s AND d.document @@ q"
            " ORDER BY ts_rank_cd(d.document, q) DESC, length(e.title), e.id LIMIT %s"
        )
        params = [" & ".join(_ts_lexeme(p) + ":*AB" for p in prefixes), content_type_id, limit]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [(row[0], row[1]) for row in cursor.fetchall()]
