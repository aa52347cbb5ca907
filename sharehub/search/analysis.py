"""Korean-aware text analysis for the search index.

Documents and queries go through the same analysis, so they meet on the same terms:

- Kiwi (kiwipiepy) splits Korean into morphemes; particles, endings and suffixes are dropped, so
  "정장을", "정장은" and "정장" all become "정장".
- Verbs and adjectives become their dictionary form ("빌려주는", "빌리기" → 빌리다; compound verbs
  are split, so "빌려주는" is 빌리다 whether Kiwi reads it as one verb or two), a term of its own
  that no noun shares: "빌리" inside 모빌리티 is never a match.
- Hangul nouns of three syllables or more are also indexed as their two-syllable pieces
  (공구도서관 → 공구, 구도, 도서, 서관). A query noun of three syllables or more asks for all of its
  pieces, so "도서관" finds "공구도서관" and "셰어 하우스" finds "셰어하우스".
- Nouns written next to each other are also joined ("공구 도서관" → 공구도서관 and its pieces), so
  a query written without the space finds a document written with it.
- English and other Latin words are lower-cased and lightly stemmed (plural "s").

A query is a list of units, one per written word (two when together they are one entry of the
synonym dictionary, "공유 주택"). Each unit is an expression (`Expr`) of terms: its own spellings,
and the other words of its synonym groups (`Synonyms`). District names (`Places`) are taken out
of the text and returned apart, for the kinds that filter by district.

The terms are plain word tokens (letters and digits, no quotes, no operators), which is what
makes the query strings built from them safe for FTS5 and tsquery.
"""

from __future__ import annotations

import itertools
import math
import re
import threading
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from kiwipiepy import Kiwi

MAX_QUERY_CHARS = 1000
MAX_QUERY_TERMS = 20
# With the synonyms of its words, a query asks for at most this many terms.
MAX_EXPANDED_TERMS = 80
# Documents are capped too: a listing is a few paragraphs, and analysis time grows with length.
MAX_DOCUMENT_CHARS = 20000
# Bumped whenever index_terms or what an entry stores changes: entries built by an older analysis
# are rebuilt (services.reindex_stale, run by `manage.py load_demo` and `reindex_search --stale`).
# 3: the names of what an object offers (SearchDocument.names), its keywords and its pieces
# across morphemes apart, and the impacts' weights.
ANALYSIS_VERSION = 3

_NOUN_TAGS = {"NNG", "NNP", "NR", "XR"}
_STEM_TAGS = {"VV", "VA"}
_FOREIGN_TAGS = {"SL", "SH", "SN"}
_WEB_TAGS = {"W_URL", "W_EMAIL", "W_HASHTAG", "W_SERIAL"}
# A few English words that carry no meaning in a listing search.
_ENGLISH_STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "in",
        "into",
        "is",
        "it",
        "of",
        "on",
        "or",
        "the",
        "to",
        "with",
        "we",
        "our",
        "you",
        "your",
    ]
)
_WORD = re.compile(r"[^\W_]+")
_HANGUL_SYLLABLE = re.compile(r"^[\uac00-\ud7a3]+$")

_kiwi: Kiwi | None = None
_kiwi_lock = threading.Lock()
# Kiwi's analysis is fast; the lock makes sharing one instance between threads safe whatever
# the kiwipiepy version guarantees.
_analyse_lock = threading.Lock()


def kiwi() -> Kiwi:
    """The process's one Kiwi instance: building it loads the model (about a second), so once."""
    global _kiwi
    if _kiwi is None:
        with _kiwi_lock:
            if _kiwi is None:
                _kiwi = Kiwi()
    return _kiwi


# --- Expressions: what a query asks the full-text index for ---------------------------------
# A term (str), or ("and" | "or", parts). Built only through all_of/any_of, which flatten,
# deduplicate and drop empty parts, so the engine never sees an empty or one-part operator.
Expr = str | tuple[str, tuple["Expr", ...]]


def _combine(op: str, parts: Iterable[Expr | None]) -> Expr | None:
    flat: list[Expr] = []
    for part in parts:
        if part is None or part == "":
            continue
        if isinstance(part, tuple) and part[0] == op:
            flat.extend(p for p in part[1] if p not in flat)
        elif part not in flat:
            flat.append(part)
    if not flat:
        return None
    return flat[0] if len(flat) == 1 else (op, tuple(flat))


def all_of(parts: Iterable[Expr | None]) -> Expr | None:
    return _combine("and", parts)


def any_of(parts: Iterable[Expr | None]) -> Expr | None:
    return _combine("or", parts)


def expr_terms(expr: Expr | None) -> list[str]:
    """The terms of an expression, each once, in order."""
    if expr is None:
        return []
    if isinstance(expr, str):
        return [expr]
    return list(dict.fromkeys(t for part in expr[1] for t in expr_terms(part)))


def _leaves(expr: Expr | None) -> int:
    if expr is None:
        return 0
    if isinstance(expr, str):
        return 1
    return sum(_leaves(part) for part in expr[1])


# --- Tokens and written words -----------------------------------------------------------------
@dataclass
class _Token:
    form: str
    start: int
    end: int
    is_noun: bool  # nouns and foreign words; False for a verb's or adjective's dictionary form
    # A verb made a noun by -ㅁ/-음 (돌보 + ㅁ): the noun as well, since Kiwi reads the same
    # word as the noun 돌봄 in one sentence and as 돌보다 + ㅁ in another.
    noun: str = ""

    @property
    def forms(self) -> list[str]:
        return [self.form, self.noun] if self.noun else [self.form]


@dataclass
class _Eojeol:
    """A word as written between spaces, with its meaningful morphemes.

    `span` is the written stretch from the first morpheme to the last noun ("도서관에서" →
    "도서관", "육아나눔터" → "육아나눔터"): the word without its particles and endings. Kiwi may
    cut the same compound differently in different sentences (육아나눔터 → 육아/나누/ᆷ/터, but
    나눔터 alone → 나눔터); the span's two-syllable pieces do not depend on that cut.
    """

    tokens: list[_Token]
    span: str
    text: str  # as written, particles included

    @property
    def key(self) -> str:
        return "".join(t.form for t in self.tokens)

    @property
    def keys(self) -> list[str]:
        """The key, and with each nominalised verb as its noun (돌보다 → 돌봄)."""
        other = "".join(t.noun or t.form for t in self.tokens)
        return [self.key, other] if other != self.key else [self.key]


def normalize(text: str) -> str:
    """NFKC (full-width letters, compatibility forms), lower case, no control characters."""
    text = unicodedata.normalize("NFKC", text or "")
    return "".join(ch if ch.isprintable() else " " for ch in text).lower()


def _stem_english(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _clean(form: str) -> str:
    """Keep letters and digits only, so a term can never be an operator or a quote."""
    return "".join(_WORD.findall(form.lower()))


def _tokens(text: str) -> list[_Token]:
    if not text.strip():
        return []
    with _analyse_lock:
        analysed = kiwi().tokenize(text, split_complex=True)
    tokens: list[_Token] = []
    for n, t in enumerate(analysed):
        tag = t.tag.split("-")[0]  # Kiwi marks irregular stems as "VV-I", "VA-R"
        if tag in _NOUN_TAGS or tag in _STEM_TAGS or tag in _FOREIGN_TAGS or tag in _WEB_TAGS:
            form = _clean(t.form)
            if not form:
                continue
            if tag == "SL":
                if form in _ENGLISH_STOPWORDS:
                    continue
                form = _stem_english(form)
            is_noun = tag not in _STEM_TAGS
            noun = ""
            if not is_noun:
                following = analysed[n + 1] if n + 1 < len(analysed) else None
                if following is not None and following.tag in ("ETN", "EF"):
                    noun = _nominal(form, following.form)
                form += "다"  # the dictionary form: a term no noun or noun piece can be
            tokens.append(_Token(form, t.start, t.start + t.len, is_noun, noun))
    return tokens


def _nominal(stem: str, ending: str) -> str:
    """돌보 + ㅁ → 돌봄, 나누 + ㅁ → 나눔, 먹 + 음 → 먹음; "" for any other ending."""
    if ending == "음" and _HANGUL_SYLLABLE.match(stem):
        return stem + "음"
    last = ord(stem[-1]) - 0xAC00 if stem else -1
    if ending in ("ᆷ", "ㅁ") and 0 <= last < 11172 and last % 28 == 0:
        return stem[:-1] + chr(0xAC00 + last + 16)  # 16: ㅁ as the final consonant
    return ""


def _eojeols(text: str, *, as_written: bool = False) -> list[_Eojeol]:
    """The written words of `text` with their morphemes. as_written (queries, dictionary words):
    a one-word Hangul text with no meaningful morpheme is taken as a noun as written, since a
    word alone is often read as something else ("아이" alone as the interjection, not the child);
    in a sentence the context decides ("같이 밥 먹기": 같이 is an adverb)."""
    tokens = _tokens(text)
    eojeols, i = [], 0
    words = list(re.finditer(r"\S+", text))
    as_written = as_written and len(words) == 1
    for word in words:
        while i < len(tokens) and tokens[i].start < word.start():
            i += 1
        mine = []
        while i < len(tokens) and tokens[i].start < word.end():
            mine.append(tokens[i])
            i += 1
        if not mine and as_written:
            written = _clean(word.group())
            if len(written) >= 2 and _HANGUL_SYLLABLE.match(written):
                mine = [_Token(written, word.start(), word.end(), True)]
        if not mine:
            continue
        nouns = [t for t in mine if t.is_noun]
        span = text[mine[0].start : nouns[-1].end] if nouns else ""
        eojeols.append(_Eojeol(mine, span if _HANGUL_SYLLABLE.match(span) else "", word.group()))
    return eojeols


def hangul_bigrams(word: str) -> list[str]:
    """The two-syllable pieces of a Hangul word of three syllables or more."""
    if len(word) < 3 or not _HANGUL_SYLLABLE.match(word):
        return []
    return [word[i : i + 2] for i in range(len(word) - 1)]


def _span_pieces(span: str) -> list[str]:
    return hangul_bigrams(span) or ([span] if len(span) == 2 else [])


def index_terms(text: str) -> list[str]:
    """The terms a document is indexed under, repeated as often as they occur (for bm25)."""
    return [term for term, _across in term_occurrences(text)]


def term_occurrences(text: str) -> list[tuple[str, bool]]:
    """index_terms with, for each, whether it is a piece across the morphemes of a written word
    or across a space (교육아카데미 → 육아, 나눔카페 → 눔카, "공구 도서관" → 구도): there for spacing
    and for Kiwi's different cuts of one compound, but often a word only by accident, unlike a
    morpheme (육아) or a piece of one (세탁 in 세탁기)."""
    text = normalize(text[:MAX_DOCUMENT_CHARS])
    eojeols = _eojeols(text)
    terms: list[tuple[str, bool]] = []
    for eojeol in eojeols:
        own: list[str] = []
        for token in eojeol.tokens:
            own.extend(token.forms)
            if token.is_noun:
                own.extend(hangul_bigrams(token.form))
        terms.extend((term, False) for term in own)
        terms.extend((p, True) for p in _span_pieces(eojeol.span) if p not in own)
    # Written with a space or without: "공구 도서관" also gets the piece across the space (구도),
    # when the two nouns stand next to each other (no particle, ending or full stop between:
    # "지정되었습니다. 장난감" has no 정장).
    for left, right in itertools.pairwise(eojeols):
        if (
            left.span
            and right.span
            and left.text == left.span
            and right.text.startswith(right.span)
        ):
            terms.append((left.span[-1] + right.span[0], True))
    return terms


def across_only(occurrences: Iterable[tuple[str, bool]]) -> list[str]:
    """The terms a text holds only as pieces across morphemes or spaces (term_occurrences)."""
    occurrences = list(occurrences)
    inside = {term for term, across in occurrences if not across}
    return sorted({term for term, across in occurrences if across and term not in inside})


def piece_marks(title: Sequence[tuple[str, bool]], body: Sequence[tuple[str, bool]]) -> list[str]:
    """What engine.impacts reads as pieces: "t:" the title's across_only terms, "b:" those of the
    title and body together (the entry's terms)."""
    return [f"t:{term}" for term in across_only(title)] + [
        f"b:{term}" for term in across_only([*title, *body])
    ]


# --- The synonym dictionary and the district names, prepared for queries ----------------------
def _token_expr(token: _Token) -> Expr | None:
    """A long noun is asked for by its pieces, which every spelling of it shares; a verb made a
    noun by either form."""
    pieces = hangul_bigrams(token.form) if token.is_noun else []
    return all_of(pieces) if pieces else any_of(token.forms)


def _literal(eojeol: _Eojeol) -> Expr | None:
    """A written word by its morphemes, or by the pieces of its span (a different cut)."""
    by_morpheme = all_of(_token_expr(t) for t in eojeol.tokens)
    by_span = all_of(_span_pieces(eojeol.span))
    if by_span is not None and set(expr_terms(by_span)) == set(expr_terms(by_morpheme)):
        by_span = None
    return any_of([by_morpheme, by_span])


def _words_of(eojeol: _Eojeol) -> list[str]:
    """What to mark in a snippet: the nouns and foreign words, and the span as written."""
    words = [t.form for t in eojeol.tokens if t.is_noun] + [t.noun for t in eojeol.tokens if t.noun]
    if eojeol.span:
        words.append(eojeol.span)
    return list(dict.fromkeys(words))


def _lemmas_of(eojeol: _Eojeol) -> list[str]:
    return [t.form for t in eojeol.tokens if not t.is_noun]


@dataclass(frozen=True)
class SynonymTerm:
    """One word of a group, analysed: `key` is its morphemes joined ("빌리기" → "빌리다")."""

    key: str
    expr: Expr
    words: tuple[str, ...]
    lemmas: tuple[str, ...]
    written: str = ""  # as the dictionary has it
    keys: tuple[str, ...] = ()  # the key, and with verbs made nouns as those nouns


@dataclass(frozen=True)
class Synonyms:
    """The synonym groups as the query analysis reads them (built by prepare_synonyms)."""

    groups: tuple[tuple[SynonymTerm, ...], ...] = ()
    # key → indices of the groups holding a word of that key
    by_key: dict[str, tuple[int, ...]] = field(default_factory=dict)

    def of(self, key: str) -> list[SynonymTerm]:
        """Every word sharing a group with `key` (the word itself included), each once."""
        seen: dict[str, SynonymTerm] = {}
        for index in self.by_key.get(key, ()):
            for term in self.groups[index]:
                seen.setdefault(term.key, term)
        return list(seen.values())


def analyse_phrase(text: str) -> SynonymTerm | None:
    """A dictionary word as the index sees it (None when it has no letters)."""
    eojeols = _eojeols(normalize(text[:100]), as_written=True)
    expr = all_of(_literal(e) for e in eojeols)
    if expr is None:
        return None
    return SynonymTerm(
        key="".join(e.key for e in eojeols),
        keys=tuple(_keys(eojeols)),
        expr=expr,
        words=tuple(dict.fromkeys(w for e in eojeols for w in _words_of(e))),
        lemmas=tuple(dict.fromkeys(w for e in eojeols for w in _lemmas_of(e))),
        written=" ".join(text.split()),
    )


def prepare_synonyms(groups: Iterable[Sequence[str]]) -> Synonyms:
    prepared: list[tuple[SynonymTerm, ...]] = []
    by_key: dict[str, list[int]] = {}
    for words in groups:
        terms = [t for t in (analyse_phrase(w) for w in words) if t is not None]
        terms = list({t.key: t for t in terms}.values())
        if len(terms) < 2:
            continue
        for term in terms:
            for key in term.keys:
                by_key.setdefault(key, []).append(len(prepared))
        prepared.append(tuple(terms))
    return Synonyms(tuple(prepared), {k: tuple(v) for k, v in by_key.items()})


@dataclass(frozen=True)
class Places:
    """District names by key (as analysed: "강남구", "강남", "gangnam", "gangnamgu") → code."""

    codes: dict[str, str] = field(default_factory=dict)


# A district is often written without its "구"; alone, "구" after one is part of its name.
_GU = frozenset({"구", "gu"})


def prepare_places(districts: Iterable[tuple[str, str, str]]) -> Places:
    """From (code, Korean name, English name): 강남구 → 강남구, 강남; Gangnam-gu → gangnamgu, gangnam.
    A short name of one syllable (중구 → 중) would take ordinary words for districts: left out."""
    codes: dict[str, str] = {}
    for code, name_ko, name_en in districts:
        names = []
        ko = "".join(_WORD.findall(normalize(name_ko)))
        if ko:
            names.append(ko)
            if ko.endswith("구") and len(ko) >= 3:
                names.append(ko[:-1])
        en_words = _WORD.findall(normalize(name_en or ""))
        if en_words:
            names.append("".join(en_words))
            if en_words[-1] == "gu" and len(en_words) > 1:
                names.append("".join(en_words[:-1]))
        for name in names:
            codes.setdefault(name, str(code))
    return Places(codes)


# --- Queries --------------------------------------------------------------------------------
@dataclass
class Unit:
    """One thing a query asks for: a written word (or two that together are one dictionary
    word), with its synonyms. `words` and `lemmas` are what a snippet marks."""

    expr: Expr
    words: list[str]
    lemmas: list[str]
    text: str  # as written
    synonyms: list[str] = field(default_factory=list)  # the dictionary's words searched too
    # A word of several morphemes with synonyms ("주차공유"): each morpheme's expression, so a
    # common one can be left out as a common word would (selectors._required).
    parts: list[Expr] = field(default_factory=list)
    # The terms of the word as written, without its synonyms (what is exact in a match).
    own: list[str] = field(default_factory=list)
    # Whether the word holds a noun (or a foreign word, a number): False for a verb or an
    # adjective alone ("빌리기"), which says less of what is looked for than the noun beside it.
    content: bool = True

    @property
    def terms(self) -> list[str]:
        return expr_terms(self.expr)


@dataclass
class QueryAnalysis:
    """What a query asks for: every unit (AND), each an expression of alternatives (OR).

    districts: the codes of the districts named in the query. place_units: the district names as
    text units, for the kinds that are not filtered by district (an article names a district in
    its text). terms: the query's own terms (no synonyms), for the any-term fallback and tests.
    """

    units: list[Unit] = field(default_factory=list)
    districts: list[str] = field(default_factory=list)
    place_units: list[Unit] = field(default_factory=list)

    @property
    def terms(self) -> list[str]:
        return list(dict.fromkeys(t for unit in self.units for t in unit.terms))

    @property
    def words(self) -> list[str]:
        return list(dict.fromkeys(w for unit in self.units for w in unit.words))

    @property
    def lemmas(self) -> list[str]:
        return list(dict.fromkeys(w for unit in self.units for w in unit.lemmas))

    @property
    def text(self) -> str:
        """The query without its district names."""
        return " ".join(unit.text for unit in self.units)


def _unit(eojeols: list[_Eojeol], synonyms: Synonyms, budget: int) -> Unit | None:
    """A unit of one or two written words; synonyms while the expanded budget allows."""
    literal = all_of(_literal(e) for e in eojeols)
    if literal is None:
        return None
    own = expr_terms(literal)
    content = any(t.is_noun for e in eojeols for t in e.tokens)
    words = [w for e in eojeols for w in _words_of(e)]
    lemmas = [w for e in eojeols for w in _lemmas_of(e)]
    text = " ".join(e.text for e in eojeols)
    keys = _keys(eojeols)
    key = next((k for k in keys if k in synonyms.by_key), keys[0])
    expanded: Expr | None = None
    extra: list[SynonymTerm] = []
    if key in synonyms.by_key:
        extra = synonyms.of(key)
        expanded = any_of([literal, *(t.expr for t in extra)])
    per_token: list[Expr] = []
    if not extra and len(eojeols) == 1 and len(eojeols[0].tokens) > 1:
        # "아이옷" is 아이 and 옷: each morpheme with its own synonyms.
        for token in eojeols[0].tokens:
            terms = [t for form in token.forms for t in synonyms.of(form)]
            extra += terms
            per_token.append(any_of([_token_expr(token), *(t.expr for t in terms)]))  # type: ignore[arg-type]
        expanded = any_of([literal, all_of(per_token)])
    written: list[str] = []
    parts: list[Expr] = []
    if extra and expanded is not None and _leaves(expanded) <= budget:
        words += [w for t in extra for w in t.words]
        lemmas += [w for t in extra for w in t.lemmas]
        written = [t.written for t in extra if t.key != key]
        literal = expanded
        parts = per_token
    return Unit(
        literal,
        list(dict.fromkeys(words)),
        list(dict.fromkeys(lemmas)),
        text,
        list(dict.fromkeys(written)),
        parts,
        own,
        content,
    )


def _keys(eojeols: list[_Eojeol]) -> list[str]:
    """The keys of written words taken together (each word's own, then with nouns for verbs)."""
    return list(
        dict.fromkeys("".join(parts) for parts in itertools.product(*(e.keys for e in eojeols)))
    )


def analyse_query(
    text: str, *, synonyms: Synonyms | None = None, places: Places | None = None
) -> QueryAnalysis:
    """Split a query into units (see QueryAnalysis): at most MAX_QUERY_TERMS terms of its own,
    MAX_EXPANDED_TERMS with synonyms."""
    synonyms = synonyms or Synonyms()
    places = places or Places()
    text = normalize(text[:MAX_QUERY_CHARS])
    analysis = QueryAnalysis()
    eojeols = _eojeols(text, as_written=True)
    own_budget, budget = MAX_QUERY_TERMS, MAX_EXPANDED_TERMS
    i = 0
    after_place = False
    while i < len(eojeols):
        eojeol = eojeols[i]
        # By its morphemes ("강남구에서" → 강남구) or as written ("구로", which Kiwi may read as 구 + 로).
        code = places.codes.get(eojeol.key) or places.codes.get(_clean(eojeol.text))
        joined = eojeol.key + eojeols[i + 1].key if i + 1 < len(eojeols) else ""
        if code is None and joined in places.codes and eojeols[i + 1].key in _GU:
            code = places.codes[joined]  # "Gangnam gu", "중 구": the name written in two words
        if code is not None or (after_place and eojeol.key in _GU):
            unit = _unit([eojeol], Synonyms(), MAX_QUERY_TERMS)
            if code is not None and code not in analysis.districts:
                analysis.districts.append(code)
            if unit is not None:
                analysis.place_units.append(unit)
            after_place = True
            i += 1
            continue
        after_place = False
        # Two written words that are one dictionary word ("공유 주택", "car sharing").
        pair = eojeols[i : i + 2]
        if len(pair) == 2 and any(k in synonyms.by_key for k in _keys(pair)):
            group = pair
        else:
            group = [eojeol]
        own = _leaves(all_of(_literal(e) for e in group))
        if own > own_budget:
            break
        unit = _unit(group, synonyms, budget)
        i += len(group)
        if unit is None:
            continue
        own_budget -= own
        budget -= _leaves(unit.expr)  # may go below 0: a word's own terms always count
        analysis.units.append(unit)
    return analysis


def query_terms(text: str) -> list[str]:
    """The query's own terms (at most MAX_QUERY_TERMS), without synonyms or districts."""
    return analyse_query(text).terms


def idf(entries: int, matching: int) -> float:
    """How much a word that `matching` of `entries` documents hold tells them apart."""
    return math.log(1 + max(entries, 1) / max(matching, 1))


# --- Typo tolerance: titles compared letter by letter (Hangul split into jamo) -------------
_CHOSEONG = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"
_JUNGSEONG = "ㅏㅐㅑㅒㅓㅔㅕㅖㅗㅘㅙㅚㅛㅜㅝㅞㅟㅠㅡㅢㅣ"
_JONGSEONG = ["", *"ㄱㄲㄳㄴㄵㄶㄷㄹㄺㄻㄼㄽㄾㄿㅀㅁㅂㅄㅅㅆㅇㅈㅊㅋㅌㅍㅎ"]


def to_jamo(word: str) -> str:
    """쏘카 → ㅆㅗㅋㅏ: a one-letter typo in Korean changes one jamo, not a whole syllable."""
    out = []
    for ch in word:
        code = ord(ch) - 0xAC00
        if 0 <= code < 11172:
            out.append(
                _CHOSEONG[code // 588] + _JUNGSEONG[(code % 588) // 28] + _JONGSEONG[code % 28]
            )
        else:
            out.append(ch)
    return "".join(out)


def fuzzy_words(text: str) -> list[str]:
    """The words of a title as letters (jamo for Hangul), lower case: what typos are measured on."""
    return [to_jamo(w) for w in _WORD.findall(normalize(text[:MAX_QUERY_CHARS]))][:MAX_QUERY_TERMS]


def letter_bigrams(word: str) -> list[str]:
    return [word[i : i + 2] for i in range(len(word) - 1)] if len(word) > 1 else [word]


def surface_words(text: str) -> list[str]:
    """Title words as written, lower case: what autocomplete matches prefixes against."""
    return _WORD.findall(normalize(text))


# How a verb's first syllable may be written once conjugated: the initial consonant always stays,
# and so does the vowel of a stem of two syllables or more (빌리다 → 빌려, 모르다 → 몰라), whose
# second syllable keeps its initial consonant; a stem of one syllable may merge its vowel with the
# ending's (보다 → 봐, 주다 → 줘, 쓰다 → 써, 하다 → 해,
# 되다 → 돼, 기다 → 겨, 푸다 → 퍼). Vowels as indices into _JUNGSEONG.
_MERGED_VOWELS = {8: (9,), 13: (14, 4), 18: (4,), 0: (1,), 11: (10,), 20: (6,), 4: (1,), 2: (3,)}
_WRITTEN_WORD = re.compile(r"\S+")


def _syllables(initial: int, vowel: int | None = None) -> str:
    """A regex character class of the Hangul syllables with this initial consonant (and vowel)."""
    first = 0xAC00 + initial * 588 + (vowel * 28 if vowel is not None else 0)
    last = first + (27 if vowel is not None else 587)
    return f"[{chr(first)}-{chr(last)}]"


def _form_start(lemma: str) -> str:
    """A regex for how a form of `lemma` starts: its first syllable (any final consonant), and for
    a stem of two syllables or more the initial consonant of the second (빌리다 → 빌+ㄹ…, which
    빌려, 빌린 and 빌립니다 have; 모르다 → 몰라, 나누다 → 나눠)."""
    stem = lemma[:-1] if lemma.endswith("다") else lemma
    codes = [ord(ch) - 0xAC00 for ch in stem[:2]]
    if not codes or not all(0 <= code < 11172 for code in codes):
        return ""
    initial, vowel = codes[0] // 588, (codes[0] % 588) // 28
    if len(codes) > 1:
        return _syllables(initial, vowel) + _syllables(codes[1] // 588)
    vowels = (vowel, *_MERGED_VOWELS.get(vowel, ()))
    return "|".join(_syllables(initial, v) for v in vowels)


@lru_cache(maxsize=256)
def _lemma_filter(lemmas: frozenset[str]) -> re.Pattern | None:
    starts = [start for start in (_form_start(lemma) for lemma in sorted(lemmas)) if start]
    return re.compile("|".join(starts)) if starts else None


@lru_cache(maxsize=8192)
def _word_lemmas(word: str) -> tuple[tuple[int, int, str], ...]:
    """The verbs and adjectives of one written word: (start, end, dictionary form). Written words
    recur from text to text ("빌려", "빌려주는"), so each is read by Kiwi once per process."""
    with _analyse_lock:
        tokens = kiwi().tokenize(word, split_complex=True)
    return tuple(
        (t.start, t.start + t.len, _clean(t.form) + "다")
        for t in tokens
        if t.tag.split("-")[0] in _STEM_TAGS
    )


def lemma_spans(text: str, lemmas: Iterable[str]) -> list[tuple[int, int]]:
    """Where in `text` a verb or adjective of `lemmas` is written ("빌려 쓰고" → 빌려 for 빌리다).

    Kiwi reads only the written words where a form of one of the verbs could start
    (_form_start), one by one: a page's highlights were mostly Kiwi reading whole texts. A verb is
    told from a noun within its word (빌려 is 빌리다, 빌라 a noun; 모빌리티 is not 빌리다)."""
    wanted = frozenset(lemmas)
    if not wanted or not text.strip():
        return []
    candidate = _lemma_filter(wanted)
    if candidate is None:
        return []
    spans: list[tuple[int, int]] = []
    last_end = -1
    for found in candidate.finditer(text):
        if found.start() < last_end:
            continue  # in the word just read
        begins = max(text.rfind(space, 0, found.start()) for space in " \n\t\r") + 1
        word = _WRITTEN_WORD.search(text, begins)
        if word is None:
            continue
        last_end = word.end()
        spans += [
            (word.start() + start, word.start() + end)
            for start, end, lemma in _word_lemmas(word.group())
            if lemma in wanted
        ]
    return spans
