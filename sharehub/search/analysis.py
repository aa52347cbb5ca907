"""Korean-aware text analysis for the search index.

Documents and queries go through the same analysis, so they meet on the same terms:

- Kiwi (kiwipiepy) splits Korean into morphemes; particles, endings and suffixes are dropped, so
  "정장을", "정장은" and "정장" all become "정장".
- Hangul nouns of three syllables or more are also indexed as their two-syllable pieces
  (공구도서관 → 공구, 구도, 도서, 서관). A query noun of three syllables or more asks for all of its
  pieces, so "도서관" finds "공구도서관" and "셰어 하우스" finds "셰어하우스".
- Nouns written next to each other are also joined ("공구 도서관" → 공구도서관 and its pieces), so
  a query written without the space finds a document written with it.
- English and other Latin words are lower-cased and lightly stemmed (plural "s").

The pieces are plain word tokens (no quotes, no operators), which is what makes the query
strings built from them safe for FTS5 and tsquery.
"""

from __future__ import annotations

import itertools
import re
import threading
import unicodedata
from dataclasses import dataclass, field

from kiwipiepy import Kiwi

MAX_QUERY_CHARS = 1000
MAX_QUERY_TERMS = 20
# Documents are capped too: a listing is a few paragraphs, and analysis time grows with length.
MAX_DOCUMENT_CHARS = 20000

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


@dataclass
class _Token:
    form: str
    start: int
    end: int
    is_noun: bool


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


@dataclass
class QueryAnalysis:
    """What a query asks for.

    groups: one per written word; a group is a list of alternatives, each a list of terms that
    must all match (by morphemes, or by the pieces of the written word). Every group must match.
    terms: the morpheme terms alone (for the any-term fallback). words: what to highlight.
    """

    groups: list[list[list[str]]] = field(default_factory=list)
    terms: list[str] = field(default_factory=list)
    words: list[str] = field(default_factory=list)


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
        analysed = kiwi().tokenize(text)
    tokens: list[_Token] = []
    for t in analysed:
        tag = t.tag.split("-")[0]  # Kiwi marks irregular stems as "VV-I", "VA-R"
        if tag in _NOUN_TAGS or tag in _STEM_TAGS or tag in _FOREIGN_TAGS or tag in _WEB_TAGS:
            form = _clean(t.form)
            if not form:
                continue
            if tag == "SL":
                if form in _ENGLISH_STOPWORDS:
                    continue
                form = _stem_english(form)
            tokens.append(_Token(form, t.start, t.start + t.len, tag not in _STEM_TAGS))
    return tokens


def _eojeols(text: str) -> list[_Eojeol]:
    tokens = _tokens(text)
    eojeols, i = [], 0
    for word in re.finditer(r"\S+", text):
        while i < len(tokens) and tokens[i].start < word.start():
            i += 1
        mine = []
        while i < len(tokens) and tokens[i].start < word.end():
            mine.append(tokens[i])
            i += 1
        if not mine:
            continue
        nouns = [t for t in mine if t.is_noun]
        span = text[mine[0].start : nouns[-1].end] if nouns else ""
        eojeols.append(_Eojeol(mine, span if _HANGUL_SYLLABLE.match(span) else ""))
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
    text = normalize(text[:MAX_DOCUMENT_CHARS])
    eojeols = _eojeols(text)
    terms: list[str] = []
    for eojeol in eojeols:
        own: list[str] = []
        for token in eojeol.tokens:
            own.append(token.form)
            own.extend(hangul_bigrams(token.form))
        terms.extend(own)
        terms.extend(p for p in _span_pieces(eojeol.span) if p not in own)
    # Written with a space or without: "공구 도서관" also gets the piece across the space (구도).
    for left, right in itertools.pairwise(eojeols):
        if left.span and right.span:
            terms.append(left.span[-1] + right.span[0])
    return terms


def analyse_query(text: str) -> QueryAnalysis:
    """Split a query into groups of alternatives (see QueryAnalysis), at most MAX_QUERY_TERMS terms."""
    text = normalize(text[:MAX_QUERY_CHARS])
    analysis = QueryAnalysis()
    budget = MAX_QUERY_TERMS
    for eojeol in _eojeols(text):
        # A long Hangul word is asked for by its pieces, which every spelling of it shares.
        by_morpheme = list(
            dict.fromkeys(
                t for token in eojeol.tokens for t in hangul_bigrams(token.form) or [token.form]
            )
        )
        alternatives = [by_morpheme]
        by_span = _span_pieces(eojeol.span)
        if by_span and set(by_span) != set(by_morpheme):
            alternatives.append(list(dict.fromkeys(by_span)))
        size = sum(len(a) for a in alternatives)
        if size > budget:
            break
        budget -= size
        analysis.groups.append(alternatives)
        analysis.terms.extend(t for t in by_morpheme if t not in analysis.terms)
        analysis.words.extend(t.form for t in eojeol.tokens if t.form not in analysis.words)
        if eojeol.span and eojeol.span not in analysis.words:
            analysis.words.append(eojeol.span)
    return analysis


def query_terms(text: str) -> list[str]:
    """The morpheme terms of a query (at most MAX_QUERY_TERMS)."""
    return analyse_query(text).terms


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
