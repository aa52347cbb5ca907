"""Natural queries, as citizens type them, over the demo hub's 41 real sharing organizations.

Used by the tests (test_natural_queries.py, on the demo data) and by bench/search_bench.py (the
same listings hidden among 100,000 generated ones). Plain data, no Django.

The expected results are organizations (their Korean name, data/sharing-organizations.csv) that
the facts of that file make relevant: what each shares, and where. They do not depend on how the
demo's texts are worded. A query: (category, query, relevant names, name that must rank first or
None). Recall is measured at 5: what a person sees without scrolling.
"""

from __future__ import annotations

VERBS, SYNONYMS, SPACING, DISTRICTS, ENGLISH, EVERYDAY = (
    "verbs",
    "synonyms",
    "spacing",
    "districts",
    "english",
    "everyday",
)

PARKING = ["모두컴퍼니", "한컴모빌리티", "이노온"]
CARS = ["쏘카", "그린카", "한국카쉐어링", "그린포인트"]
TOOLS = ["은평공유센터", "성동공유센터"]
SHARE_HOUSES = ["피제이티옥", "우주"]

QUERIES = [
    # Verbs, in the forms people type them
    (VERBS, "아이 옷 빌리기", ["키플"], "키플"),
    (VERBS, "공구 빌리기", TOOLS, None),
    (VERBS, "공구 빌려주는 곳", TOOLS, None),
    (VERBS, "정장 빌리고 싶어요", ["열린옷장"], "열린옷장"),
    (VERBS, "면접 정장 빌려요", ["열린옷장"], "열린옷장"),
    (VERBS, "자전거 빌려 타기", ["매스아시아"], "매스아시아"),
    (VERBS, "차 빌리기", CARS, None),
    (VERBS, "주차장 빌려주기", PARKING, None),
    (VERBS, "장난감 빌리기", ["어픽스"], "어픽스"),
    (VERBS, "물건 빌려 쓰기", ["빌리지", *TOOLS], None),
    (VERBS, "남는 방 빌려주기", ["코자자"], None),
    (VERBS, "같이 밥 먹기", ["집밥"], "집밥"),
    (VERBS, "카풀 하고 싶어요", ["소셜나눔"], "소셜나눔"),
    (VERBS, "강아지 맡기기", ["반달컴퍼니"], "반달컴퍼니"),
    (VERBS, "경험 나누기", ["위즈돔"], None),
    # Other words for the same thing (the synonym dictionary)
    (SYNONYMS, "어린이 의류", ["키플"], "키플"),
    (SYNONYMS, "유아 용품", ["키플", "씨엘인포넷", "어픽스"], None),
    (SYNONYMS, "아기 물건", ["키플", "씨엘인포넷", "어픽스"], None),
    (SYNONYMS, "완구", ["어픽스"], "어픽스"),
    (SYNONYMS, "도구 대여", TOOLS, None),
    (SYNONYMS, "따릉이", ["매스아시아"], "매스아시아"),
    (SYNONYMS, "쉐어하우스", SHARE_HOUSES, None),
    (SYNONYMS, "셰어하우스", SHARE_HOUSES, None),
    (SYNONYMS, "공유주택", SHARE_HOUSES, None),
    (SYNONYMS, "정장 렌탈", ["열린옷장"], "열린옷장"),
    (SYNONYMS, "승차공유", ["소셜나눔"], "소셜나눔"),
    (SYNONYMS, "자동차 공유", CARS, None),
    (SYNONYMS, "펫 돌봄", ["반달컴퍼니"], "반달컴퍼니"),
    (SYNONYMS, "반려동물", ["반달컴퍼니"], "반달컴퍼니"),
    (SYNONYMS, "책", ["위즈돔"], "위즈돔"),
    (SYNONYMS, "도서관", ["위즈돔"], None),
    (SYNONYMS, "대학 시설", ["캠퍼스스테이"], "캠퍼스스테이"),
    (SYNONYMS, "학교 공간 공유", ["쉐어잇", "캠퍼스스테이"], None),
    (SYNONYMS, "스타트업 공간", ["홍합밸리"], None),
    # Spacing: written together or apart
    (SPACING, "아이옷 빌리기", ["키플"], "키플"),
    (SPACING, "공유 주택", SHARE_HOUSES, None),
    (SPACING, "쉐어 하우스", SHARE_HOUSES, None),
    (SPACING, "공유센터", TOOLS, None),
    (SPACING, "자전거공유", ["매스아시아"], "매스아시아"),
    (SPACING, "장난감공유", ["어픽스"], "어픽스"),
    (SPACING, "열린 옷장", ["열린옷장"], "열린옷장"),
    (SPACING, "모두의 주차장", ["모두컴퍼니"], "모두컴퍼니"),
    (SPACING, "주차공유", PARKING, None),
    # A district in the query: that district's and the city-wide services
    (DISTRICTS, "은평구 공구", ["은평공유센터"], "은평공유센터"),
    (DISTRICTS, "성동구 물건 대여", ["성동공유센터"], "성동공유센터"),
    (DISTRICTS, "광진구 정장", ["열린옷장"], "열린옷장"),
    (DISTRICTS, "마포 창업", ["홍합밸리"], "홍합밸리"),
    (DISTRICTS, "관악구 공간", ["어반하이브리드"], "어반하이브리드"),
    (DISTRICTS, "중구 코워킹", ["스페이스노아"], "스페이스노아"),
    (DISTRICTS, "은평 사람책", ["위즈돔"], "위즈돔"),
    (DISTRICTS, "은평구 공유", ["은평공유센터", "위즈돔"], None),
    (DISTRICTS, "강남구 자전거", ["매스아시아"], "매스아시아"),
    (DISTRICTS, "송파구 주차", PARKING, None),
    (DISTRICTS, "Gangnam parking", PARKING, None),
    (DISTRICTS, "Seongdong-gu tools", ["성동공유센터"], "성동공유센터"),
    # English
    (ENGLISH, "kids clothes", ["키플"], "키플"),
    (ENGLISH, "bike sharing", ["매스아시아"], "매스아시아"),
    (ENGLISH, "parking", PARKING, None),
    (ENGLISH, "share house", SHARE_HOUSES, None),
    (ENGLISH, "borrow tools", TOOLS, None),
    (ENGLISH, "suit rental", ["열린옷장"], "열린옷장"),
    (ENGLISH, "toys", ["어픽스"], "어픽스"),
    (ENGLISH, "pet care", ["반달컴퍼니"], "반달컴퍼니"),
    (ENGLISH, "carpool", ["소셜나눔"], "소셜나눔"),
    (ENGLISH, "coworking space", ["스페이스노아"], None),
    (ENGLISH, "hanok stay", ["코자자"], "코자자"),
    (ENGLISH, "crowdfunding for art", ["세븐픽쳐스"], "세븐픽쳐스"),
    # Everyday words and names
    (EVERYDAY, "자전거", ["매스아시아"], "매스아시아"),
    (EVERYDAY, "장난감", ["어픽스"], "어픽스"),
    (EVERYDAY, "주차", PARKING, None),
    (EVERYDAY, "주차 공유", PARKING, None),
    (EVERYDAY, "카셰어링", CARS, None),
    (EVERYDAY, "한옥 민박", ["코자자"], "코자자"),
    (EVERYDAY, "여행 체험", ["마이리얼트립"], None),
    (EVERYDAY, "사람책", ["위즈돔"], "위즈돔"),
    (EVERYDAY, "버킷리스트", ["블렉시트"], "블렉시트"),
    (EVERYDAY, "빈집 고쳐서 같이 살기", ["선랩건축사사무소"], None),
    (EVERYDAY, "아이 돌봄", ["아이랑놀기짱"], None),
    (EVERYDAY, "예술가 전시 공간", ["안테나"], None),
    (EVERYDAY, "무대 소품", ["스탭서울컴퍼니"], "스탭서울컴퍼니"),
    (EVERYDAY, "모두의주차장", ["모두컴퍼니"], "모두컴퍼니"),
    (EVERYDAY, "S-bike", ["매스아시아"], "매스아시아"),
]

# Recall@5 over the whole set (the bar), and per category a floor that catches a
# category gone wrong without failing on one hard query.
RECALL_AT = 5
MEAN_RECALL = 0.9
CATEGORY_RECALL = 0.8


def recall_at(ranked: list[str], relevant: list[str], k: int = RECALL_AT) -> float:
    top = set(ranked[:k])
    return sum(1 for key in relevant if key in top) / len(relevant)
