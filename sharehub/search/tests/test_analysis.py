from __future__ import annotations

import threading

import pytest

from sharehub.search.analysis import (
    MAX_EXPANDED_TERMS,
    MAX_QUERY_TERMS,
    analyse_query,
    expr_terms,
    hangul_bigrams,
    index_terms,
    kiwi,
    lemma_spans,
    prepare_places,
    prepare_synonyms,
    query_terms,
    to_jamo,
)


def test_particles_and_endings_are_dropped():
    for query in ["정장을", "정장은", "정장이", "정장에서", "정장으로", "정장"]:
        assert query_terms(query) == ["정장"], query


def test_verbs_become_their_dictionary_form():
    for query in ["빌리기", "빌려요", "빌리고 싶어요", "빌려주는"]:
        assert "빌리다" in query_terms(query), query
    assert "빌리다" in index_terms("공구를 빌려주는 곳")
    assert "빌리다" in index_terms("필요한 만큼 빌려 쓰고 돌려줍니다")


def test_a_verb_never_matches_inside_a_noun():
    """빌리 is a two-syllable piece of 모빌리티; the verb's term is 빌리다, which no noun has."""
    assert "빌리" in index_terms("한컴모빌리티")
    assert "빌리" not in query_terms("빌리기") and "빌리다" not in index_terms("한컴모빌리티")


def test_a_word_alone_is_read_as_written():
    # Alone, Kiwi reads 아이 as the interjection; a query of one word means the noun.
    assert query_terms("아이") == ["아이"]


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
    assert len(analysis.units) <= MAX_QUERY_TERMS
    synonyms = prepare_synonyms([["공유", "대여", "렌탈", "나눔", "share", "rental"]])
    expanded = analyse_query("공유 대여 " * 500, synonyms=synonyms)
    assert sum(len(unit.terms) for unit in expanded.units) <= MAX_QUERY_TERMS + MAX_EXPANDED_TERMS
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


SYNONYMS = [
    ["대여", "빌리기", "빌려주기", "렌탈", "공유", "나눔", "rental", "borrow"],
    ["아이", "어린이", "아동", "child", "children"],
    ["옷", "의류", "정장", "clothes"],
    ["셰어하우스", "쉐어하우스", "공유주택", "share house"],
]
PLACES = [
    ("11680", "강남구", "Gangnam-gu"),
    ("11140", "중구", "Jung-gu"),
    ("11380", "은평구", "Eunpyeong-gu"),
]


def test_each_word_asks_for_its_synonyms():
    analysis = analyse_query("아이 옷 빌리기", synonyms=prepare_synonyms(SYNONYMS))
    child, clothes, lend = (set(unit.terms) for unit in analysis.units)
    assert {"아이", "아동", "child", "children"} <= child
    assert {"옷", "의류", "정장", "clothe"} <= clothes  # English is stemmed as in the index
    assert {"빌리다", "대여", "렌탈", "공유", "rental"} <= lend


def test_spacing_variants_ask_for_the_same():
    synonyms = prepare_synonyms(SYNONYMS)
    together = analyse_query("아이옷 빌리기", synonyms=synonyms)
    apart = analyse_query("아이 옷 빌리기", synonyms=synonyms)
    assert set(expr_terms(together.units[0].expr)) >= set(apart.units[0].terms) | set(
        apart.units[1].terms
    )


def test_two_written_words_can_be_one_dictionary_word():
    analysis = analyse_query("공유 주택", synonyms=prepare_synonyms(SYNONYMS))
    [unit] = analysis.units  # one unit: shared housing, not "lending" and "house"
    assert {"셰어", "쉐어", "share"} <= set(unit.terms)
    assert "대여" not in unit.terms
    assert "셰어하우스" in unit.synonyms


def test_district_names_become_a_filter():
    places = prepare_places(PLACES)
    for query in [
        "강남구 공유",
        "강남 공유",
        "Gangnam 공유",
        "gangnam-gu 공유",
        "Gangnam gu 공유",
        "강남구에서 공유",
    ]:
        analysis = analyse_query(query, places=places)
        assert analysis.districts == ["11680"], query
        assert analysis.terms == ["공유"], query
        assert analysis.place_units, query
    # 중 alone is no district (one syllable); 중구 is.
    assert analyse_query("중 공구", places=places).districts == []
    assert analyse_query("중구 공구", places=places).districts == ["11140"]
    assert analyse_query("은평 강남 공구", places=places).districts == ["11380", "11680"]


@pytest.mark.parametrize(
    "text,lemma,marked",
    [
        ("카메라를 빌려 쓰고 돌려줍니다.", "빌리다", "빌려"),
        ("주말에 영화를 봐요.", "보다", "봐"),
        ("이웃에게 책을 줘요.", "주다", "줘"),
        ("공구를 써 보세요.", "쓰다", "써"),
        ("이름을 몰라도 됩니다.", "모르다", "몰"),
        ("음식을 나눠 먹어요.", "나누다", "나눠"),
    ],
)
def test_a_conjugated_verb_is_found_in_a_snippet(text, lemma, marked):
    """Kiwi reads only sentences with a syllable a form of the verb may start with (its vowel may
    merge with the ending's: 보다 → 봐); these forms must pass that filter."""
    assert marked in [text[start:end] for start, end in lemma_spans(text, [lemma])]


def test_a_verb_is_not_looked_for_where_no_form_of_it_can_be():
    assert lemma_spans("모빌리티 서비스입니다. 전동 킥보드.", ["빌리다"]) == []
    assert lemma_spans("자전거 대여. 우산 대여.", ["먹다"]) == []
