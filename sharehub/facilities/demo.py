"""Demo data: kinds of Seoul public spaces opened for sharing (a community-centre room, a hall, a
shared kitchen, a studio, meeting rooms), in several districts, with realistic fees and rules.
Addresses and coordinates are those of the district offices and City Hall, where such rooms are;
the rooms themselves are examples. A loader looks up before it creates."""

from __future__ import annotations

from datetime import time
from typing import Any

from django.db import transaction

from sharehub.places.models import District

from . import demo_lottery
from .models import Feature, FeatureKind, FeeRate, OpeningHours, RefundBand, Space

FEATURES = [
    ("projector", FeatureKind.AMENITY, "빔프로젝터", "Projector"),
    ("wifi", FeatureKind.AMENITY, "무선 인터넷", "Wi-Fi"),
    ("kitchen", FeatureKind.AMENITY, "조리 시설", "Kitchen"),
    ("sound", FeatureKind.AMENITY, "음향 장비", "Sound system"),
    ("mirror", FeatureKind.AMENITY, "전신 거울", "Wall mirror"),
    ("step-free", FeatureKind.ACCESSIBILITY, "휠체어 출입 가능", "Step-free entrance"),
    ("accessible-toilet", FeatureKind.ACCESSIBILITY, "장애인 화장실", "Accessible toilet"),
    ("elevator", FeatureKind.ACCESSIBILITY, "엘리베이터", "Lift"),
]

WEEKDAYS_9_TO_22 = [(day, time(9), time(22)) for day in range(5)] + [(5, time(9), time(18))]
EVERY_DAY_10_TO_21 = [(day, time(10), time(21)) for day in range(7)]
OFFICE_HOURS = [(day, time(9), time(18)) for day in range(5)]
SEOUL_BANDS = [(7, 100), (3, 90), (1, 70)]


def evening_and_weekend(evening: int, weekend: int) -> list[tuple[str, time, int]]:
    """A community centre's fee table: the space's base fee on weekdays by day, `evening` from
    18:00 on weekdays, `weekend` all day at weekends and on public holidays."""
    return [("weekday", time(18), evening), ("weekend", time(0), weekend)]


# slug, district slug, names, office, address, lat, lon, capacity, area, fee mode, amount, rules
SPACES: list[dict[str, Any]] = [
    {
        "slug": "mapo-community-room",
        "district": "mapo-gu",
        "name": ("마포구 주민센터 다목적실", "Mapo-gu community centre multipurpose room"),
        "description": (
            "주민 모임, 동아리, 공유 활동에 쓰는 다목적실입니다. 책상과 의자를 자유롭게 배치할 수 "
            "있습니다.",
            "A multipurpose room for residents' meetings, clubs and sharing activities; tables and "
            "chairs can be arranged freely.",
        ),
        "office": ("마포구청 자치행정과", "Mapo-gu Office, Autonomy Division"),
        "address": "서울특별시 마포구 월드컵로 212",
        "lat": 37.5663,
        "lon": 126.9019,
        "capacity": 30,
        "area": 66,
        "fee": ("free", 0),
        "hours": WEEKDAYS_9_TO_22,
        "features": ["projector", "wifi", "step-free", "accessible-toilet", "elevator"],
        "rules": {"confirmation": "instant"},
    },
    {
        "slug": "seongbuk-hall",
        "district": "seongbuk-gu",
        "name": ("성북구청 다목적홀", "Seongbuk-gu Office hall"),
        "description": (
            "강연, 토론회, 공연에 쓰는 강당입니다. 음향 장비와 무대가 있습니다.",
            "An auditorium for talks, forums and performances, with a stage and a sound system.",
        ),
        "office": ("성북구청 총무과", "Seongbuk-gu Office, General Affairs Division"),
        "address": "서울특별시 성북구 보문로 168",
        "lat": 37.5894,
        "lon": 127.0167,
        "capacity": 120,
        "area": 280,
        "fee": ("block", 60000),
        # A hall: ₩60,000 per 2-hour block on weekdays, ₩90,000 per block on Saturdays.
        "fee_table": [("weekend", time(0), 90000)],
        "hours": [*OFFICE_HOURS, (5, time(9), time(18))],
        "bands": SEOUL_BANDS,
        "features": ["projector", "sound", "wifi", "step-free", "accessible-toilet", "elevator"],
        "rules": {
            "confirmation": "approval",
            "min_minutes": 120,
            "max_minutes": 240,
            "slot_minutes": 60,
            "closes_days_ahead": 5,
            "block_minutes": 120,
            "max_bookings_per_month": 2,
        },
        "exemptions": (
            "공유단체·비영리단체의 공익 행사는 사용료의 50%를 감면합니다.",
            "Public-interest events of sharing and non-profit organizations pay half.",
        ),
    },
    {
        "slug": "seodaemun-shared-kitchen",
        "district": "seodaemun-gu",
        "name": ("서대문구 공유부엌", "Seodaemun-gu shared kitchen"),
        "description": (
            "요리 모임과 먹거리 나눔에 쓰는 공유부엌입니다. 조리 도구와 식기가 갖추어져 있습니다.",
            "A shared kitchen for cooking clubs and food sharing, with cookware and tableware.",
        ),
        "office": ("서대문구청 사회적경제과", "Seodaemun-gu Office, Social Economy Division"),
        "address": "서울특별시 서대문구 연희로 248",
        "lat": 37.5791,
        "lon": 126.9368,
        "capacity": 12,
        "area": 45,
        "fee": ("hour", 10000),
        "fee_table": evening_and_weekend(evening=13000, weekend=13000),
        "hours": EVERY_DAY_10_TO_21,
        "bands": SEOUL_BANDS,
        "features": ["kitchen", "step-free"],
        "rules": {"eligibility": "city", "max_hours_per_day": 3},
    },
    {
        "slug": "eunpyeong-youth-studio",
        "district": "eunpyeong-gu",
        "name": ("은평구 청년 공유 스튜디오", "Eunpyeong-gu youth studio"),
        "description": (
            "연습, 촬영, 작은 공연에 쓰는 스튜디오입니다. 전신 거울과 방음 시설이 있습니다.",
            "A studio for rehearsals, filming and small performances, with wall mirrors and sound "
            "insulation.",
        ),
        "office": ("은평구청 청년정책과", "Eunpyeong-gu Office, Youth Policy Division"),
        "address": "서울특별시 은평구 은평로 195",
        "lat": 37.6027,
        "lon": 126.9291,
        "capacity": 15,
        "area": 50,
        "fee": ("hour", 15000),
        "fee_table": [
            ("weekday", time(18), 20000),
            ("weekend", time(0), 20000),
            ("weekend", time(18), 25000),
        ],
        "hours": EVERY_DAY_10_TO_21,
        "bands": SEOUL_BANDS,
        "features": ["mirror", "sound", "wifi"],
        "rules": {},
    },
    {
        "slug": "gwanak-meeting-room",
        "district": "gwanak-gu",
        "name": ("관악구 주민 회의실", "Gwanak-gu residents' meeting room"),
        "description": (
            "10명 안팎의 회의에 알맞은 작은 회의실입니다.",
            "A small meeting room for about ten people.",
        ),
        "office": ("관악구청 자치행정과", "Gwanak-gu Office, Autonomy Division"),
        "address": "서울특별시 관악구 관악로 145",
        "lat": 37.4784,
        "lon": 126.9516,
        "capacity": 10,
        "area": 25,
        "fee": ("free", 0),
        "hours": WEEKDAYS_9_TO_22,
        "features": ["wifi", "step-free", "elevator"],
        "rules": {},
    },
    {
        "slug": "city-hall-citizens-room",
        "district": "jung-gu",
        "name": ("서울시청 시민 회의실", "Seoul City Hall citizens' meeting room"),
        "description": (
            "시민과 공유단체가 쓰는 시청 회의실입니다. 단체만 예약할 수 있습니다.",
            "A City Hall meeting room for citizens' groups and sharing organizations; booked by "
            "organizations only.",
        ),
        "office": (
            "서울특별시 시민협력국",
            "Seoul Metropolitan Government, Citizen Cooperation Bureau",
        ),
        "address": "서울특별시 중구 세종대로 110",
        "lat": 37.5663,
        "lon": 126.9779,
        "capacity": 40,
        "area": 90,
        "fee": ("free", 0),
        "hours": OFFICE_HOURS,
        "features": ["projector", "wifi", "step-free", "accessible-toilet", "elevator"],
        "rules": {
            "confirmation": "approval",
            "eligibility": "organizations",
            "closes_days_ahead": 3,
        },
    },
    {
        "slug": "seongdong-community-program-room",
        "district": "seongdong-gu",
        "name": ("성동구 주민센터 프로그램실", "Seongdong-gu community centre programme room"),
        "description": (
            "동아리 활동, 소모임, 교육에 쓰는 주민센터 프로그램실입니다. 2시간 단위로 예약합니다.",
            "A community-centre room for clubs, small groups and classes, booked in two-hour "
            "blocks.",
        ),
        "office": ("성동구청 자치행정과", "Seongdong-gu Office, Autonomy Division"),
        "address": "서울특별시 성동구 고산자로 270",
        "lat": 37.5634,
        "lon": 127.0369,
        "capacity": 20,
        "area": 50,
        # ₩10,000 per 2 hours on weekdays by day, ₩15,000 from 18:00, ₩20,000 at weekends.
        "fee": ("block", 10000),
        "fee_table": evening_and_weekend(evening=15000, weekend=20000),
        "hours": WEEKDAYS_9_TO_22,
        "bands": SEOUL_BANDS,
        "features": ["projector", "wifi", "step-free", "elevator"],
        "rules": {
            "slot_minutes": 60,
            "min_minutes": 120,
            "max_minutes": 240,
            "block_minutes": 120,
            "closes_days_ahead": 1,
        },
        "exemptions": (
            "성동구민 동아리와 65세 이상 어르신 모임은 사용료의 50%를 감면합니다.",
            "Clubs of Seongdong residents and groups of people aged 65 and over pay half.",
        ),
    },
]


def _features() -> dict[str, Feature]:
    found = {}
    for code, kind, ko, en in FEATURES:
        found[code], _ = Feature.objects.get_or_create(
            code=code, defaults={"kind": kind, "name_ko": ko, "name_en": en}
        )
    return found


@transaction.atomic
def load_demo(*, accounts: dict[str, Any]) -> int:
    features = _features()
    districts = {d.slug: d for d in District.objects.all()}
    staff = accounts.get("staff@sharehub.example")
    created = 0
    for spec in SPACES:
        district = districts.get(spec["district"])
        if district is None or Space.objects.filter(slug=spec["slug"]).exists():
            continue
        mode, amount = spec["fee"]
        space = Space.objects.create(
            slug=spec["slug"],
            district=district,
            name_ko=spec["name"][0],
            name_en=spec["name"][1],
            description_ko=spec["description"][0],
            description_en=spec["description"][1],
            office_ko=spec["office"][0],
            office_en=spec["office"][1],
            exemptions_ko=spec.get("exemptions", ("", ""))[0],
            exemptions_en=spec.get("exemptions", ("", ""))[1],
            road_address=spec["address"],
            latitude=spec["lat"],
            longitude=spec["lon"],
            capacity=spec["capacity"],
            area_m2=spec["area"],
            fee_mode=mode,
            fee_amount=amount,
            **spec["rules"],
        )
        OpeningHours.objects.bulk_create(
            OpeningHours(space=space, weekday=day, opens=opens, closes=closes)
            for day, opens, closes in spec["hours"]
        )
        RefundBand.objects.bulk_create(
            RefundBand(space=space, days_before=days, percent=percent)
            for days, percent in spec.get("bands", [])
        )
        FeeRate.objects.bulk_create(
            FeeRate(space=space, day_kind=kind, starts=starts, amount=amount)
            for kind, starts, amount in spec.get("fee_table", [])
        )
        space.features.set([features[code] for code in spec["features"]])
        if staff is not None:
            space.staff.add(staff)
        created += 1
    created += demo_lottery.load(accounts=accounts)
    return created
