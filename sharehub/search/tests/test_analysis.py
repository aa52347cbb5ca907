from __future__ import annotations

import threading

from sharehub.search.analysis import (
    MAX_QUERY_TERMS,
    analyse_query,
    hangul_bigrams,
    index_terms,
    kiwi,
    query_terms,
    to_jamo,
)


def test_particles_and_endings_are_dropped():
    for query in ["정장을", "정장은", "정장이", "정장에서", "정장으로", "정장"]:
        assert query_terms(query) == ["정장"], query


def test_verb_endings_give_the_stem():
    assert "빌리" in query_terms("빌리는")
    assert "빌리" in index_terms("공구를 빌려주는 곳")


def test_long_nouns_are_indexed_with_their_two_syllable_pieces():
    terms = index_terms("공구도서관")
    assert {"공구도서관", "공구", "구도", "도서", "서관"} <= set(terms)
    assert hangul_bigrams("공구") == []


def test_a_long_query_word_asks_for_its_pieces():
    assert query_terms("도서관에서") == ["도서", "서관"]


def test_spacing_adds_the_piece_across_the_space():
    assert "구도" in index_terms("공구 도서관")


def test_english_is_lower_cased_stemmed_and_stopwords_dropped():
    assert query_terms("The Open Closets") == ["open", "closet"]
    assert query_terms("Libraries") == ["library"]


def test_terms_are_letters_and_digits_only():
    for text in ['"a" OR b*', "NEAR(x y)", "col:value -x", "(((", "😀🙂", "a'b\\c", "AND OR NOT"]:
        for term in index_terms(text) + query_terms(text):
            assert term.isalnum(), (text, term)


def test_query_is_capped():
    analysis = analyse_query("공유 " * 1000)
    assert sum(len(a) for g in analysis.groups for a in g) <= MAX_QUERY_TERMS
    assert len(query_terms(" ".join(f"word{i}" for i in range(100)))) <= MAX_QUERY_TERMS


def test_jamo_for_typos():
    assert to_jamo("쏘카") == "ㅆㅗㅋㅏ"


def test_one_kiwi_per_process_even_across_threads():
    seen = []
    threads = [threading.Thread(target=lambda: seen.append(id(kiwi()))) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(seen)) == 1
