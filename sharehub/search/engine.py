"""The database's full-text machinery, one function per operation and vendor.

Everything user-typed reaches SQL only as analysed terms (letters and digits, see analysis),
double-quoted for FTS5 or single-quoted for tsquery, and always as a bound parameter.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from django.core.cache import cache
from django.db import connection
from django.db.models.expressions import RawSQL

from .analysis import Expr, all_of, any_of, letter_bigrams
from .models import SearchEntry

# bm25 weights per FTS5 column (kind, title, body, fuzzy, words): a title match counts ten times.
_BM25 = "bm25(search_fts, 0.0, 10.0, 1.0, 0.0, 0.0)"
FUZZY_CANDIDATES = 50
# A term matching at least this many entries is too common to pick anything out when the
# query fell back to "any term" (and ranking all its matches is what made such queries slow).
COMMON_TERM_ENTRIES = 1000
# How many entries holding such words in their title match_broad ranks at most (and how many
# matches it reads to find the others).
BROAD_CANDIDATES = 2000
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
            for table in ("search_fts", "search_fts_title"):
                cursor.executemany(
                    f"DELETE FROM {table} WHERE rowid = %s", [(r.entry_id,) for r in rows]
                )
            cursor.executemany(
                "INSERT INTO search_fts_title (rowid, kind, title) VALUES (%s, %s, %s)",
                [
                    (r.entry_id, f"{_kind(r.content_type_id)} {r.areas}".strip(), r.title_terms)
                    for r in rows
                ],
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
                "INSERT INTO search_document (entry_id, content_type_id, document, fuzzy, title_document)"
                " SELECT id, content_type_id,"
                " setweight(to_tsvector('simple', title_terms), 'A')"
                " || setweight(to_tsvector('simple', title), 'B')"
                " || setweight(to_tsvector('simple', terms), 'D')"
                " || setweight(to_tsvector('simple', areas), 'D'), fuzzy,"
                " to_tsvector('simple', title_terms)"
                " FROM search_searchentry WHERE id = ANY(%s)"
                " ON CONFLICT (entry_id) DO UPDATE SET content_type_id = EXCLUDED.content_type_id,"
                " document = EXCLUDED.document, fuzzy = EXCLUDED.fuzzy,"
                " title_document = EXCLUDED.title_document",
                [[r.entry_id for r in rows]],
            )


def delete(entry_ids: Iterable[int]) -> None:
    ids = [int(i) for i in entry_ids]
    if not ids:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for table in ("search_fts", "search_fts_title"):
                cursor.executemany(f"DELETE FROM {table} WHERE rowid = %s", [(i,) for i in ids])
        elif connection.vendor == "postgresql":
            cursor.execute("DELETE FROM search_document WHERE entry_id = ANY(%s)", [ids])


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
) -> list[Row]:
    """`match` for words too common to rank every match (each held by COMMON_TERM_ENTRIES
    entries or more): the entries whose title has all the words come first, ranked by their
    title (at most BROAD_CANDIDATES of them, found in the titles' own index, migrations 0006 and
    0007), then the others in the index's order, unranked. The cost no longer grows with the
    number of matches."""
    exprs = [simplify(e) for e in exprs if e]
    text = all_of(exprs)
    if text is None:
        return []
    if connection.vendor == "sqlite":
        kind = f"kind : {_fts_phrase(_kind(content_type_id))}"
        if areas:
            kind += f" AND kind : ({' OR '.join(_fts_phrase(t) for t in _area_filter(areas))})"
        ranked = _fetch(
            "SELECT e.id, e.object_id, e.title, -f.r, e.areas FROM (SELECT id, r FROM"
            " (SELECT rowid AS id, bm25(search_fts_title, 0.0, 1.0) AS r FROM search_fts_title"
            " WHERE search_fts_title MATCH %s LIMIT %s) ORDER BY r, id LIMIT %s) f"
            " JOIN search_searchentry e ON e.id = f.id ORDER BY f.r, e.id",
            [f"{kind} AND title : {_fts(text)}", BROAD_CANDIDATES, limit],
        )
        # FTS5 walks the index in order and stops at the limit: the others cost little.
        rest_sql = (
            "SELECT e.id, e.object_id, e.title, 0.0, e.areas FROM"
            " (SELECT rowid AS id FROM search_fts WHERE search_fts MATCH %s LIMIT %s) f"
            " JOIN search_searchentry e ON e.id = f.id ORDER BY e.id"
        )
        everything = _fts_where(content_type_id, _fts(text), areas)
        rest_params: list = [f"{everything} NOT title : {_fts(text)}"]
    else:
        matches, area_params = _pg_matches(areas)
        where = (
            "FROM search_document d, to_tsquery('simple', %s) q"
            f" WHERE d.content_type_id = %s AND {matches}"
        )
        params = [_tsquery(text), content_type_id, *area_params]
        # Ranked by the title's own (small) tsvector, where every candidate has the words. A
        # title's terms are in the document too, so with no district to ask the document for,
        # the title alone is asked: testing both tsvectors of every row the scan met took twice
        # as long ("공유" and its synonyms at 100,000 listings, EXPLAIN ANALYZE: 184 -> 99 ms).
        title_where = (
            where
            if areas
            else "FROM search_document d, to_tsquery('simple', %s) q WHERE d.content_type_id = %s"
        )
        ranked = _fetch(
            "SELECT e.id, e.object_id, e.title, c.r, e.areas FROM"
            f" (SELECT c.entry_id, {PG_RANK}(c.title_document, c.q) AS r FROM"
            f" (SELECT d.entry_id, d.title_document, q {title_where} AND d.title_document @@ q LIMIT %s) c"
            " ORDER BY r DESC, c.entry_id LIMIT %s) c"
            " JOIN search_searchentry e ON e.id = c.entry_id ORDER BY c.r DESC, e.id",
            [*params, BROAD_CANDIDATES, limit],
        )
        # The others among a bounded number of matches: where nearly every match has the words
        # in its title, looking for ones that do not would otherwise read every match.
        # (MATERIALIZED: planned on its own, so the outer LIMIT cannot talk the planner into
        # scanning the table for the few rows it expects to need.)
        rest_sql = (
            f"WITH c AS MATERIALIZED (SELECT d.entry_id, d.title_document, q {where} LIMIT %s)"
            " SELECT e.id, e.object_id, e.title, 0.0, e.areas FROM"
            " (SELECT c.entry_id FROM c WHERE NOT c.title_document @@ c.q LIMIT %s) d"
            " JOIN search_searchentry e ON e.id = d.entry_id ORDER BY e.id"
        )
        rest_params = [*params, BROAD_CANDIDATES]
    rest: list[Row] = []
    if len(ranked) < limit:
        if connection.vendor == "postgresql":
            # "The others" are the first matches the scan meets. A sequential scan of a table
            # larger than a quarter of shared_buffers starts where the last one stopped
            # (synchronize_seqscans), which gave the same search other hits each time it ran;
            # from the table's start they stay the same (for the caller's transaction only).
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('synchronize_seqscans', 'off', true)")
        rest = _fetch(rest_sql, [*rest_params, limit - len(ranked)])
    # Below every ranked one, in the index's order.
    floor = min((row.rank for row in ranked), default=1.0)
    for n, row in enumerate(rest):
        row.rank = floor - 1 - n / (len(rest) + 1)
    return ranked + rest


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
