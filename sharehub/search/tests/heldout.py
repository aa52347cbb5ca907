"""Held-out labelled queries over the documents of corpus.py: read by bench/search_bench.py only.

No unit test reads this module (test_heldout_stays_out.py checks it), so the ranking is never
tuned on the queries it is judged on here. They were written before they were first run, in the
same categories as corpus.QUERIES but with other words and forms: other particles, spacing,
compounds, two-syllable words, English, exact names and typos of the same 30 documents. When a
held-out query fails, improve the analysis or the ranking by a case of corpus.QUERIES or
natural.QUERIES (a test) that fails for the same reason, and leave this one as it is.

Each query: (category, query, relevant keys, key that must rank first or None), as corpus.QUERIES.
"""

from __future__ import annotations

from .corpus import COMPOUND, ENGLISH, NAME, PARTICLES, SPACING, TWO_SYLLABLE, TYPO

HELD_OUT = [
    (PARTICLES, "정장이", ["open-closet"], None),
    (PARTICLES, "장난감은", ["toy-library"], None),
    (PARTICLES, "텃밭을", ["city-farm"], None),
    (PARTICLES, "주차장에서", ["modu-parking"], None),
    (PARTICLES, "킥보드를 타고", ["xingxing"], None),
    (PARTICLES, "빈집을 고쳐서", ["empty-house"], None),
    (PARTICLES, "한옥에서", ["kozaza"], None),
    (SPACING, "모두의 주차장", ["modu-parking"], "modu-parking"),
    (SPACING, "열린 옷장", ["open-closet"], "open-closet"),
    (SPACING, "공유 오피스", ["shareone"], None),
    (SPACING, "작은도서관", ["little-library"], "little-library"),
    (SPACING, "빈집 은행", ["empty-house"], "empty-house"),
    (SPACING, "육아 용품", ["baby-market"], None),
    (COMPOUND, "부엌", ["kitchen"], None),
    (COMPOUND, "빨래방", ["laundry"], None),
    (COMPOUND, "주택", ["woozoo"], None),
    (COMPOUND, "책꽂이", ["book-shelf"], None),
    (COMPOUND, "민박", ["kozaza"], None),
    (COMPOUND, "코워킹", ["shareone"], None),
    (TWO_SYLLABLE, "의류", ["kiple"], None),
    (TWO_SYLLABLE, "차량", ["socar"], None),
    (TWO_SYLLABLE, "주방", ["kitchen"], None),
    (TWO_SYLLABLE, "돌봄", ["childcare"], None),
    (TWO_SYLLABLE, "중고", ["beautiful-store", "baby-market"], None),
    (TWO_SYLLABLE, "분양", ["city-farm"], None),
    (ENGLISH, "bike rental", ["ddareungi"], None),
    (ENGLISH, "umbrella", ["umbrella"], None),
    (ENGLISH, "laundry", ["laundry"], None),
    (ENGLISH, "toy library", ["toy-library"], "toy-library"),
    (ENGLISH, "coworking", ["shareone"], None),
    (ENGLISH, "hanok", ["kozaza"], None),
    (ENGLISH, "parking", ["modu-parking", "parking-friends"], None),
    (NAME, "코자자", ["kozaza"], "kozaza"),
    (NAME, "키플", ["kiple"], "kiple"),
    (NAME, "숨고", ["soomgo"], "soomgo"),
    (NAME, "아름다운가게", ["beautiful-store"], "beautiful-store"),
    (NAME, "스페이스클라우드", ["spacecloud"], "spacecloud"),
    (TYPO, "Soccar", ["socar"], None),
    (TYPO, "열린옺장", ["open-closet"], None),
    (TYPO, "Umbrela Share", ["umbrella"], None),
    (TYPO, "코자쟈", ["kozaza"], None),
    (TYPO, "Kozazza", ["kozaza"], None),
    (TYPO, "스페이스크라우드", ["spacecloud"], None),
]
