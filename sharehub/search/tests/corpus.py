"""A labelled Korean/English query set over documents modelled on real Seoul sharing organizations.

Used by the tests (recall@10 per category) and by bench/search_bench.py. Plain data, no Django.
Each document: (key, name_ko, name_en, description_ko, description_en).
Each query: (category, query, relevant keys, key that must rank first or None).
"""

from __future__ import annotations

DOCUMENTS = [
    ("open-closet", "열린옷장", "Open Closet", "면접 정장을 저렴하게 대여하는 비영리 단체입니다.", "Suit rental for job interviews."),
    ("tool-library", "공구도서관", "Tool Library", "동네 주민에게 공구를 빌려주는 공유 공간입니다.", "Lends tools to neighbours."),
    ("nanumcar", "나눔카", "Nanumcar", "서울시 공영 카셰어링으로 자동차를 시간 단위로 공유합니다.", "Seoul's public car sharing by the hour."),
    ("socar", "쏘카", "SoCar", "스마트폰으로 예약하는 차량 공유 서비스입니다.", "Car sharing booked on a smartphone."),
    ("kiple", "키플", "Kiple", "아이 옷을 교환하고 어린이 의류를 나눕니다.", "Children's clothes exchange."),
    ("woozoo", "우주", "WOOZOO", "청년을 위한 셰어하우스와 공유주택을 운영합니다.", "Share houses for young people."),
    ("modu-parking", "모두의주차장", "Modu Parking", "비어 있는 주차 공간을 이웃과 나누는 주차장 공유 서비스.", "Parking space sharing."),
    ("book-shelf", "국민책꽂이", "Public Book Shelf", "책을 맡기고 빌려 읽는 책 공유 서비스입니다.", "Book sharing: lend and borrow books."),
    ("wisdome", "위즈돔", "Wisdome", "사람책을 만나 경험을 나누는 모임을 엽니다.", "Meet people and share experience."),
    ("zipbob", "집밥", "Zipbob", "이웃과 함께 밥을 먹는 소셜다이닝 모임입니다.", "Social dining with neighbours."),
    ("kozaza", "코자자", "Kozaza", "한옥 민박을 여행자와 공유하는 숙박 플랫폼입니다.", "Hanok homestays for travellers."),
    ("bnbhero", "비앤비히어로", "BnBHero", "외국인 관광객에게 빈방을 공유하는 숙박 서비스입니다.", "Room sharing for foreign tourists."),
    ("ddareungi", "따릉이", "Seoul Bike", "서울시 공공 자전거를 대여합니다.", "Seoul's public bicycle rental."),
    ("toy-library", "장난감도서관", "Toy Library", "장난감을 빌려주고 육아를 지원합니다.", "Toy lending and support for parents."),
    ("childcare", "육아나눔터", "Childcare Sharing Center", "이웃끼리 육아 품앗이로 아이 돌봄을 나눕니다.", "Neighbours share childcare."),
    ("kitchen", "공유부엌", "Shared Kitchen", "주방을 시간제로 빌려 쓰는 공간입니다.", "A kitchen rented by the hour."),
    ("spacecloud", "스페이스클라우드", "Spacecloud", "회의실과 스터디룸 공간 대여를 중개합니다.", "Meeting room and studio rental."),
    ("village-center", "마을공유센터", "Village Sharing Center", "캠핑 용품과 행사 물품을 대여합니다.", "Lends camping gear and event supplies."),
    ("beautiful-store", "아름다운가게", "Beautiful Store", "기증받은 중고 물품을 되살려 나누는 가게입니다.", "Second-hand goods donated and resold."),
    ("shareone", "셰어원 코워킹", "ShareOne Coworking", "사무실을 함께 쓰는 공유 오피스입니다.", "Shared office space."),
    ("city-farm", "도시농부 텃밭", "City Farmer Garden Share", "도시 텃밭을 분양하고 농기구를 공유합니다.", "Urban garden plots and shared farm tools."),
    ("empty-house", "빈집은행", "Empty House Bank", "빈집을 고쳐 청년 주거로 공유합니다.", "Empty houses renovated as homes for young people."),
    ("laundry", "런드리24", "Laundry24", "셀프 빨래방에서 세탁기를 함께 씁니다.", "Self-service laundry."),
    ("umbrella", "우산쉐어", "Umbrella Share", "지하철역에서 공유 우산을 대여합니다.", "Umbrellas to borrow at subway stations."),
    ("xingxing", "씽씽", "Xingxing", "전동 킥보드를 공유하는 모빌리티 서비스입니다.", "Electric scooter sharing."),
    ("baby-market", "베이비장터", "Baby Market", "유모차와 카시트 같은 육아용품을 중고로 거래합니다.", "Second-hand strollers and car seats."),
    ("soomgo", "숨고", "Soomgo", "재능과 전문 서비스를 이웃과 연결합니다.", "Connects people with local professionals."),
    ("parking-friends", "파킹프렌즈", "Parking Friends", "거주자 우선 주차 구역을 비는 시간에 공유합니다.", "Shares residents' parking spots when empty."),
    ("little-library", "작은도서관 책나눔", "Little Library Book Sharing", "마을 작은도서관에서 도서를 나눕니다.", "Village little libraries share books."),
    ("hanbok", "한복남", "Hanboknam", "전통 한복을 대여합니다.", "Traditional hanbok rental."),
]

PARTICLES, SPACING, COMPOUND, TWO_SYLLABLE, ENGLISH, NAME, TYPO = (
    "particles", "spacing", "compound", "two-syllable", "english", "exact-name", "typo",
)

QUERIES = [
    (PARTICLES, "정장을", ["open-closet"], None),
    (PARTICLES, "공구를 빌리는", ["tool-library"], "tool-library"),
    (PARTICLES, "자동차를", ["nanumcar"], None),
    (PARTICLES, "도서관에서", ["tool-library", "toy-library", "little-library"], None),
    (PARTICLES, "셰어하우스는", ["woozoo"], None),
    (PARTICLES, "장난감을 빌려요", ["toy-library"], None),
    (PARTICLES, "한복으로", ["hanbok"], None),
    (PARTICLES, "우산이", ["umbrella"], None),
    (PARTICLES, "빨래방에서", ["laundry"], None),
    (PARTICLES, "자전거를 빌리고 싶어요", ["ddareungi"], None),
    (SPACING, "공구 도서관", ["tool-library"], "tool-library"),
    (SPACING, "공구도서관", ["tool-library"], "tool-library"),
    (SPACING, "셰어 하우스", ["woozoo"], None),
    (SPACING, "공유 주택", ["woozoo"], None),
    (SPACING, "장난감 도서관", ["toy-library"], "toy-library"),
    (SPACING, "공유 부엌", ["kitchen"], "kitchen"),
    (SPACING, "육아 나눔터", ["childcare"], "childcare"),
    (SPACING, "작은 도서관", ["little-library"], "little-library"),
    (SPACING, "전동킥보드", ["xingxing"], None),
    (COMPOUND, "도서관", ["tool-library", "toy-library", "little-library"], None),
    (COMPOUND, "공구", ["tool-library"], None),
    (COMPOUND, "나눔터", ["childcare"], None),
    (COMPOUND, "장난감", ["toy-library"], None),
    (COMPOUND, "옷장", ["open-closet"], None),
    (COMPOUND, "주차장", ["modu-parking"], None),
    (COMPOUND, "킥보드", ["xingxing"], None),
    (COMPOUND, "텃밭", ["city-farm"], None),
    (TWO_SYLLABLE, "주차", ["modu-parking", "parking-friends"], None),
    (TWO_SYLLABLE, "육아", ["childcare", "toy-library", "baby-market"], None),
    (TWO_SYLLABLE, "한옥", ["kozaza"], None),
    (TWO_SYLLABLE, "숙박", ["kozaza", "bnbhero"], None),
    (TWO_SYLLABLE, "세탁", ["laundry"], None),
    (TWO_SYLLABLE, "우산", ["umbrella"], None),
    (ENGLISH, "Open Closet", ["open-closet"], "open-closet"),
    (ENGLISH, "SoCar", ["socar"], "socar"),
    (ENGLISH, "tool library", ["tool-library"], "tool-library"),
    (ENGLISH, "car sharing", ["nanumcar", "socar"], None),
    (ENGLISH, "Kiple", ["kiple"], "kiple"),
    (ENGLISH, "Seoul Bike", ["ddareungi"], "ddareungi"),
    (ENGLISH, "share houses", ["woozoo"], None),
    (NAME, "열린옷장", ["open-closet"], "open-closet"),
    (NAME, "쏘카", ["socar"], "socar"),
    (NAME, "따릉이", ["ddareungi"], "ddareungi"),
    (NAME, "모두의주차장", ["modu-parking"], "modu-parking"),
    (TYPO, "Opne Closet", ["open-closet"], None),
    (TYPO, "쏘까", ["socar"], None),
    (TYPO, "Tool Libary", ["tool-library"], None),
    (TYPO, "나늠카", ["nanumcar"], None),
    (TYPO, "따릉니", ["ddareungi"], None),
    (TYPO, "Kipple", ["kiple"], None),
    (TYPO, "Soomgoo", ["soomgo"], None),
]

# Recall@10 each category must reach. Particles, spacing, compounds, two-syllable words, English
# and exact names follow from the analysis itself (the same terms on both sides), so anything
# below 1.0 is a bug. Typos are a heuristic fallback (letter similarity over a bounded candidate
# set), so one miss in seven is tolerated.
RECALL_THRESHOLDS = {
    PARTICLES: 1.0, SPACING: 1.0, COMPOUND: 1.0, TWO_SYLLABLE: 1.0, ENGLISH: 1.0, NAME: 1.0, TYPO: 0.85,
}


def recall_at(ranked_keys: list[str], relevant: list[str], k: int = 10) -> float:
    top = set(ranked_keys[:k])
    return sum(1 for key in relevant if key in top) / len(relevant)
