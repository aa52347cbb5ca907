"""core.privacy.scrub: a person's identifiers leave free text, also before Korean particles
written without a space, and nothing longer that merely starts with them."""

from __future__ import annotations

from sharehub.core.privacy import ERASED, scrub

IDS = ["zelda quokkaberg", "zq@example.org", "192.0.2.7", "김공구"]


def test_identifiers_go_also_before_korean_particles():
    assert scrub("Zelda Quokkaberg의 사업", IDS) == f"{ERASED}의 사업"
    assert (
        scrub("김공구님, zq@example.org로 연락 주세요", IDS)
        == f"{ERASED}님, {ERASED}로 연락 주세요"
    )
    assert scrub({"answer": ["192.0.2.7에서"]}, IDS) == {"answer": [f"{ERASED}에서"]}


def test_longer_words_and_numbers_stay():
    assert scrub("192.0.2.77", IDS) == "192.0.2.77"
    assert scrub("ZeldaQuokkabergs", IDS) == "ZeldaQuokkabergs"
