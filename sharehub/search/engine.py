"""The database's full-text machinery, one function per operation and vendor.

Everything user-typed reaches SQL only as analysed terms (letters and digits, see analysis),
double-quoted for FTS5 or single-quoted for tsquery, and always as a bound parameter.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import connection

from .analysis import letter_bigrams
from .models import SearchEntry

# bm25 weights per FTS5 column (kind, title, body, fuzzy, words): a title match counts ten times.
_BM25 = "bm25(search_fts, 0.0, 10.0, 1.0, 0.0, 0.0)"
FUZZY_CANDIDATES = 50
# A term matching at least this many entries is too common to pick anything out when the
# query fell back to "any term" (and ranking all its matches is what made such queries slow).
COMMON_TERM_ENTRIES = 1000
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


@dataclass
class FulltextRow:
    """What the full-text index holds for one SearchEntry (PostgreSQL reads it from the row itself)."""

    entry_id: int
    content_type_id: int
    title_terms: str
    terms: str
    fuzzy: str
    words: str


def vendor() -> str:
    return connection.vendor


def _kind(content_type_id: int) -> str:
    return f"ct{int(content_type_id)}"


def _fts_phrase(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _ts_lexeme(term: str) -> str:
    return "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"


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
                        _kind(r.content_type_id),
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
                " || setweight(to_tsvector('simple', terms), 'D'), fuzzy"
                " FROM search_searchentry WHERE id = ANY(%s)"
                " ON CONFLICT (entry_id) DO UPDATE SET content_type_id = EXCLUDED.content_type_id,"
                " document = EXCLUDED.document, fuzzy = EXCLUDED.fuzzy",
                [[r.entry_id for r in rows]],
            )


def delete(entry_ids: Iterable[int]) -> None:
    ids = [int(i) for i in entry_ids]
    if not ids:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.executemany("DELETE FROM search_fts WHERE rowid = %s", [(i,) for i in ids])
        elif connection.vendor == "postgresql":
            cursor.execute("DELETE FROM search_document WHERE entry_id = ANY(%s)", [ids])


# --- reads ----------------------------------------------------------------------------
def _fetch(sql: str, params: list) -> list[Row]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [Row(*row) for row in cursor.fetchall()]


Groups = Sequence[Sequence[Sequence[str]]]


def _boolean(groups: Groups, phrase, and_: str, or_: str) -> str:
    """AND of groups; a group is an OR of alternatives; an alternative is an AND of terms."""
    return and_.join(
        "("
        + or_.join("(" + and_.join(phrase(t) for t in alternative) + ")" for alternative in group)
        + ")"
        for group in groups
    )


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


def match(content_type_id: int, groups: Groups, *, limit: int) -> list[Row]:
    """Entries matching the boolean expression over analysed terms (see analysis.QueryAnalysis), best first."""
    groups = [_without_subsumed([a for a in group if a]) for group in groups]
    groups = [group for group in groups if group]
    if not groups:
        return []
    if connection.vendor == "sqlite":
        expression = (
            f"kind : {_fts_phrase(_kind(content_type_id))} AND "
            f"{{title body}} : ({_boolean(groups, _fts_phrase, ' AND ', ' OR ')})"
        )
        return _fetch(
            "SELECT e.id, e.object_id, e.title, -f.r FROM"
            f" (SELECT rowid AS id, {_BM25} AS r FROM search_fts WHERE search_fts MATCH %s ORDER BY r LIMIT %s) f"
            " JOIN search_searchentry e ON e.id = f.id ORDER BY f.r, e.id",
            [expression, limit],
        )
    # Ranked in the narrow table; the wide entry rows are read for the hits kept only.
    return _fetch(
        "SELECT e.id, e.object_id, e.title, d.r FROM"
        f" (SELECT d.entry_id, {PG_RANK}(d.document, q) AS r"
        " FROM search_document d, to_tsquery('simple', %s) q"
        " WHERE d.content_type_id = %s AND d.document @@ q ORDER BY r DESC, d.entry_id LIMIT %s) d"
        " JOIN search_searchentry e ON e.id = d.entry_id ORDER BY d.r DESC, e.id",
        [_boolean(groups, _ts_lexeme, " & ", " | "), content_type_id, limit],
    )


def match_any(content_type_id: int, terms: Sequence[str], *, limit: int) -> list[Row]:
    """Entries with any of `terms`, best first, leaving out terms too common to tell entries apart
    (unless all are). On PostgreSQL, whose ts_rank knows nothing of how rare a term is, entries
    are ranked first by the rarity of the terms they have (FTS5's bm25 already weighs that)."""
    terms = list(dict.fromkeys(t for t in terms if t))
    if not terms:
        return []
    counts = _capped_counts(content_type_id, terms)
    found = [t for t in terms if counts[t] > 0]
    terms = [t for t in found if counts[t] < COMMON_TERM_ENTRIES] or found
    if not terms:
        return []
    if connection.vendor == "sqlite":
        return match(content_type_id, [[[t] for t in terms]], limit=limit)
    # idf-like weight per term; coordination decides, the rank (squashed into [0, 1)) breaks ties.
    weights = [math.log(1 + COMMON_TERM_ENTRIES / counts[t]) for t in terms]
    coordination = " + ".join("(d.document @@ %s::tsquery)::int * %s" for _ in terms)
    params: list = []
    for term, weight in zip(terms, weights, strict=False):
        params += [_ts_lexeme(term), weight]
    return _fetch(
        "SELECT e.id, e.object_id, e.title, m.c + m.r / (1 + m.r) FROM (SELECT d.entry_id,"
        f" ({coordination}) AS c, {PG_RANK}(d.document, q) AS r"
        " FROM search_document d, to_tsquery('simple', %s) q"
        " WHERE d.content_type_id = %s AND d.document @@ q ORDER BY c DESC, r DESC, d.entry_id LIMIT %s) m"
        " JOIN search_searchentry e ON e.id = m.entry_id ORDER BY m.c DESC, m.r DESC, e.id",
        [*params, " | ".join(_ts_lexeme(t) for t in terms), content_type_id, limit],
    )


def _capped_counts(content_type_id: int, terms: Sequence[str]) -> dict[str, int]:
    """How many entries have each term, counting no further than COMMON_TERM_ENTRIES (cheap either way)."""
    counts = {}
    with connection.cursor() as cursor:
        for term in terms:
            if connection.vendor == "sqlite":
                cursor.execute(
                    "SELECT count(*) FROM (SELECT rowid FROM search_fts WHERE search_fts MATCH %s LIMIT %s)",
                    [
                        f"kind : {_fts_phrase(_kind(content_type_id))} AND {{title body}} : {_fts_phrase(term)}",
                        COMMON_TERM_ENTRIES,
                    ],
                )
            else:
                cursor.execute(
                    "SELECT count(*) FROM (SELECT 1 FROM search_document d WHERE d.content_type_id = %s"
                    " AND d.document @@ %s::tsquery LIMIT %s) s",
                    [content_type_id, _ts_lexeme(term), COMMON_TERM_ENTRIES],
                )
            counts[term] = cursor.fetchone()[0]
    return counts


def bodies(entry_ids: Sequence[int]) -> dict[int, tuple[str, str]]:
    """(title, body) by entry id, in one query."""
    ids = [int(i) for i in entry_ids]
    if not ids:
        return {}
    return {
        pk: (title, body)
        for pk, title, body in SearchEntry.objects.filter(pk__in=ids).values_list(
            "pk", "title", "body"
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
    content_type_id: int, words: Sequence[str], *, strict: bool = True
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
            f"kind : {_fts_phrase(_kind(content_type_id))} AND fuzzy : ({' OR '.join(phrases)})"
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
    return _fetch(
        "SELECT e.id, e.object_id, e.title, d.r FROM"
        " (SELECT d.entry_id, word_similarity(%s, d.fuzzy) AS r FROM search_document d"
        " WHERE d.content_type_id = %s AND %s <%% d.fuzzy ORDER BY r DESC, d.entry_id LIMIT %s) d"
        " JOIN search_searchentry e ON e.id = d.entry_id ORDER BY d.r DESC, e.id",
        [text, content_type_id, text, FUZZY_CANDIDATES],
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
