"""Demo data for the events app, loaded by `manage.py load_demo` (sharehub.core.demo).

A dozen sharing events in Seoul around November and December 2026, in Korean and English: the
city's forum and festival, trainings with several sessions (one finished, with materials and
attendance), an online briefing, an event run by Open Closet (whose owner is the demo member), one
that needs the organizer's approval, and a small one that is full with a waitlist. Then the
meetings of participation's demo committees (`load_committee_meetings`, after participation's demo
by the demo orders): for each, a past meeting with its minutes and a coming one. Looked up by
title before being created: loading twice changes nothing.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from sharehub.organizations.models import Organization
from sharehub.participation.models import Committee
from sharehub.places.models import District

from .models import (
    Attendance,
    Event,
    EventKind,
    EventMaterial,
    EventQuestion,
    EventSession,
    MaterialKind,
    Registration,
    RegistrationStatus,
)
from .search_index import reindex_event

SEOUL = ZoneInfo("Asia/Seoul")


def _at(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=SEOUL)


# (key, fields, extras) — organizer "city" or an organization's English name
EVENTS = [
    {
        "organizer": "city",
        "title_ko": "2026 공유도시 서울 포럼",
        "title_en": "Sharing City Seoul Forum 2026",
        "summary_ko": "공유도시 10여 년의 성과와 다음 과제를 시민, 공유기업, 전문가가 함께 이야기합니다.",
        "summary_en": "Citizens, sharing enterprises and experts on a decade of the Sharing City and what comes next.",
        "description_ko": "1부 기조 발표, 2부 공유기업 사례 발표, 3부 시민 토론으로 진행됩니다. 한국어–영어 동시통역을 제공합니다.",
        "description_en": "Keynote, case studies from designated sharing enterprises, then an open discussion. Korean–English interpretation provided.",
        "kind": "forum",
        "district": "Jung-gu",
        "venue_ko": "서울시청 다목적홀(8층)",
        "venue_en": "Seoul City Hall, Multipurpose Hall (8F)",
        "address": "서울 중구 세종대로 110",
        "latitude": 37.566295,
        "longitude": 126.977945,
        "starts_at": _at(12, 3, 14),
        "ends_at": _at(12, 3, 17),
        "capacity": 200,
        "questions": [("소속 (선택)", "Affiliation (optional)", "text", "", False)],
    },
    {
        "organizer": "Open Closet",
        "title_ko": "면접 정장 나눔 설명회",
        "title_en": "Suits for job interviews: how the sharing works",
        "summary_ko": "청년 구직자를 위한 정장 대여 절차와 기증 방법을 안내합니다.",
        "summary_en": "How young job seekers borrow a suit, and how to donate one.",
        "kind": "meeting",
        "district": "Gwangjin-gu",
        "venue_ko": "열린옷장 광진 쇼룸",
        "venue_en": "Open Closet showroom, Gwangjin",
        "address": "서울 광진구 아차산로 (건대입구역 인근)",
        "latitude": 37.540372,
        "longitude": 127.069276,
        "starts_at": _at(12, 5, 10),
        "ends_at": _at(12, 5, 12),
        "capacity": 30,
        "questions": [("희망 정장 사이즈", "Suit size you need", "choice", "S\nM\nL\nXL", False)],
    },
    {
        "organizer": "city",
        "title_ko": "동네 공구도서관 운영자 교육 (3회)",
        "title_en": "Running a neighbourhood tool library (3 sessions)",
        "summary_ko": "공구 대여소를 열고 운영하는 방법을 세 번에 걸쳐 배웁니다. 2회 이상 출석하면 수료증을 드립니다.",
        "summary_en": "Three evenings on opening and running a tool library. Attend two or more for a certificate.",
        "kind": "training",
        "district": "Geumcheon-gu",
        "venue_ko": "금천구 공유센터 교육장",
        "venue_en": "Geumcheon Sharing Centre, training room",
        "address": "서울 금천구 시흥대로 73길",
        "latitude": 37.456872,
        "longitude": 126.895499,
        "starts_at": _at(12, 1, 19),
        "ends_at": _at(12, 15, 21),
        "capacity": 20,
        "certificate_min_sessions": 2,
        "sessions": [
            ("대여 물품과 안전 관리", "Tools and safety", _at(12, 1, 19), _at(12, 1, 21)),
            ("회원 관리와 예약 시스템", "Members and bookings", _at(12, 8, 19), _at(12, 8, 21)),
            (
                "지속 가능한 운영과 마을 연계",
                "Keeping it going with the neighbourhood",
                _at(12, 15, 19),
                _at(12, 15, 21),
            ),
        ],
    },
    {
        "organizer": "city",
        "title_ko": "마을 공유공간 운영자 교육 (3회)",
        "title_en": "Training for community sharing-space managers (3 sessions)",
        "summary_ko": "공유공간의 예약, 규칙, 회계를 다루는 실무 교육입니다. 교육 자료를 공개합니다.",
        "summary_en": "Hands-on training on bookings, house rules and accounts of a shared space. Materials are online.",
        "kind": "training",
        "district": "Eunpyeong-gu",
        "venue_ko": "서울혁신센터 교육동",
        "venue_en": "Seoul Innovation Centre, training building",
        "address": "서울 은평구 통일로 684",
        "latitude": 37.608452,
        "longitude": 126.935379,
        "starts_at": _at(11, 4, 14),
        "ends_at": _at(11, 18, 17),
        "capacity": 25,
        "certificate_min_sessions": 2,
        "sessions": [
            ("공간 예약과 이용 규칙", "Bookings and house rules", _at(11, 4, 14), _at(11, 4, 17)),
            ("회계와 보험", "Accounts and insurance", _at(11, 11, 14), _at(11, 11, 17)),
            ("주민 참여 이끌기", "Getting neighbours involved", _at(11, 18, 14), _at(11, 18, 17)),
        ],
        "materials": [
            (
                "slides",
                "1회차 발표 자료",
                "https://sharehub.example/materials/space-training-1.pdf",
            ),
            (
                "minutes",
                "교육 결과 보고",
                "https://sharehub.example/materials/space-training-report.pdf",
            ),
        ],
        "attended": 3,
    },
    {
        "organizer": "city",
        "title_ko": "공유기업 지정 신청 온라인 설명회",
        "title_en": "Online briefing: applying to be a designated sharing enterprise",
        "summary_ko": "2027년 공유기업·단체 지정 신청 절차와 서류를 안내하고 질문에 답합니다.",
        "summary_en": "The 2027 designation call, its documents and your questions answered.",
        "kind": "online",
        "online_url": "https://meet.sharehub.example/designation-2027",
        "starts_at": _at(12, 8, 15),
        "ends_at": _at(12, 8, 16, 30),
        "capacity": 100,
    },
    {
        "organizer": "city",
        "title_ko": "서울 공유 축제 2026",
        "title_en": "Sharing Seoul Festival 2026",
        "summary_ko": "공유기업 체험 부스, 물물교환 장터, 공유 토크 콘서트가 서울광장에서 열립니다.",
        "summary_en": "Sharing enterprises' stalls, a swap market and talks on Seoul Plaza.",
        "kind": "festival",
        "district": "Jung-gu",
        "venue_ko": "서울광장",
        "venue_en": "Seoul Plaza",
        "address": "서울 중구 세종대로 110",
        "latitude": 37.565804,
        "longitude": 126.977972,
        "starts_at": _at(12, 12, 11),
        "ends_at": _at(12, 12, 18),
        "capacity": 500,
    },
    {
        "organizer": "city",
        "title_ko": "청년 공유 창업 네트워킹의 밤",
        "title_en": "Young sharing founders' networking evening",
        "summary_ko": "공유 분야 창업을 준비하는 청년들이 선배 창업자와 소규모로 만납니다. 정원이 적어 대기 신청을 받습니다.",
        "summary_en": "A small evening with founders of sharing start-ups. Few places: join the waitlist if it is full.",
        "kind": "meeting",
        "district": "Seongdong-gu",
        "venue_ko": "성수동 소셜벤처 허브",
        "venue_en": "Seongsu social venture hub",
        "address": "서울 성동구 뚝섬로 1나길 5",
        "latitude": 37.544581,
        "longitude": 127.055961,
        "starts_at": _at(12, 10, 19),
        "ends_at": _at(12, 10, 21),
        "capacity": 3,
        "full": True,
    },
    {
        "organizer": "city",
        "title_ko": "북스왑: 책 한 권 가져오면 한 권 가져가기",
        "title_en": "Book swap: bring one, take one",
        "summary_ko": "다 읽은 책을 가져와 이웃의 책과 바꿔 가세요.",
        "summary_en": "Bring a book you have read and leave with a neighbour's.",
        "kind": "festival",
        "district": "Mapo-gu",
        "venue_ko": "경의선숲길 책거리",
        "venue_en": "Gyeongui Line Book Street",
        "address": "서울 마포구 와우산로35길 50-4",
        "latitude": 37.552870,
        "longitude": 126.929900,
        "starts_at": _at(11, 29, 13),
        "ends_at": _at(11, 29, 17),
        "capacity": 80,
    },
    {
        "organizer": "city",
        "title_ko": "공유부엌 함께 밥상 모임",
        "title_en": "Shared kitchen: cooking together",
        "summary_ko": "동네 공유부엌에서 제철 재료로 함께 요리하고 나눠 먹습니다. 주최자가 신청을 확인합니다.",
        "summary_en": "Cook a seasonal meal together in a neighbourhood kitchen. The organizer approves registrations.",
        "kind": "meeting",
        "district": "Jongno-gu",
        "venue_ko": "종로 마을공유부엌",
        "venue_en": "Jongno community kitchen",
        "address": "서울 종로구 창신길 (창신동)",
        "latitude": 37.575300,
        "longitude": 127.011000,
        "starts_at": _at(12, 6, 11),
        "ends_at": _at(12, 6, 14),
        "capacity": 12,
        "requires_approval": True,
        "questions": [("못 먹는 음식이 있나요?", "Anything you cannot eat?", "text", "", False)],
    },
    {
        "organizer": "city",
        "title_ko": "나눔카 안전 이용 교육",
        "title_en": "Using shared cars safely",
        "summary_ko": "처음 나눔카를 이용하는 시민을 위한 예약, 점검, 사고 대응 안내입니다.",
        "summary_en": "Booking, checking the car and what to do after an accident, for first-time users.",
        "kind": "training",
        "district": "Yeongdeungpo-gu",
        "venue_ko": "영등포구청 별관 교육장",
        "venue_en": "Yeongdeungpo-gu Office annex, training room",
        "address": "서울 영등포구 당산로 123",
        "latitude": 37.526436,
        "longitude": 126.896004,
        "starts_at": _at(12, 17, 10),
        "ends_at": _at(12, 17, 12),
        "capacity": 40,
        "waitlist_mode": "offer",
    },
    {
        "organizer": "city",
        "title_ko": "아이 옷 나눔 장터",
        "title_en": "Children's clothes swap market",
        "summary_ko": "작아진 아이 옷과 장난감을 이웃과 나눕니다.",
        "summary_en": "Pass on outgrown children's clothes and toys to neighbours.",
        "kind": "festival",
        "district": "Nowon-gu",
        "venue_ko": "노원구 공유센터 앞마당",
        "venue_en": "Nowon Sharing Centre courtyard",
        "address": "서울 노원구 노해로 437",
        "latitude": 37.654259,
        "longitude": 127.056294,
        "starts_at": _at(12, 19, 10),
        "ends_at": _at(12, 19, 15),
        "capacity": 150,
    },
    {
        "organizer": "city",
        "title_ko": "공유경제와 기후: 온라인 시민 토론",
        "title_en": "Sharing and the climate: online citizens' debate",
        "summary_ko": "공유가 탄소 배출을 얼마나 줄이는지, 측정 방법과 사례를 함께 살펴봅니다.",
        "summary_en": "How much sharing cuts emissions: how to measure it, with examples.",
        "kind": "online",
        "online_url": "https://meet.sharehub.example/sharing-climate",
        "starts_at": _at(12, 15, 19, 30),
        "ends_at": _at(12, 15, 21),
        "capacity": 300,
    },
]

EXTRA_KEYS = ("organizer", "questions", "sessions", "materials", "attended", "full")


def _organization(name_en: str) -> Organization | None:
    return Organization.objects.filter(name_en=name_en).first()


def load_demo(*, accounts: dict) -> int:
    """Create the demo objects once (safe to run twice); returns how many were created."""
    staff = accounts.get("staff@sharehub.example")
    attendees = [
        accounts[email]
        for email in (
            "citizen@sharehub.example",
            "moderator@sharehub.example",
            "admin@sharehub.example",
            "member@sharehub.example",
        )
        if email in accounts
    ]
    districts = {d.name_en: d for d in District.objects.all()}
    created = 0
    with transaction.atomic():
        for spec in EVENTS:
            if Event.objects.filter(title_ko=spec["title_ko"]).exists():
                continue
            fields = {k: v for k, v in spec.items() if k not in EXTRA_KEYS}
            fields["district"] = districts.get(fields.get("district") or "")
            organization = None if spec["organizer"] == "city" else _organization(spec["organizer"])
            event = Event.objects.create(organization=organization, created_by=staff, **fields)
            created += 1
            for order, (label_ko, label_en, kind, choices, required) in enumerate(
                spec.get("questions", [])
            ):
                EventQuestion.objects.create(
                    event=event,
                    label_ko=label_ko,
                    label_en=label_en,
                    kind=kind,
                    choices=choices,
                    required=required,
                    order=order,
                )
            sessions = [
                EventSession.objects.create(
                    event=event, title_ko=ko, title_en=en, starts_at=start, ends_at=end
                )
                for ko, en, start, end in spec.get("sessions", [])
            ]
            for kind, title, link in spec.get("materials", []):
                EventMaterial.objects.create(event=event, kind=kind, title=title, link=link)
            _register_demo_people(event, attendees, sessions, spec)
            reindex_event(event)
    return created + load_committee_meetings(staff=staff)


# Participation's demo committees (by slug), each with what its last meeting discussed and what
# its next one will: (slug, past agenda ko, past agenda en, minutes ko, next agenda ko, next en).
COMMITTEE_MEETINGS = [
    (
        "policy",
        "시민 정책 제안 검토: 주민센터 공간 야간 개방, 공구도서관 지원",
        "Citizens' proposals: community centre rooms in the evening, tool libraries",
        "1. 주민센터 회의실 야간·주말 개방 제안: 관리 인력과 무인 예약 시스템 비용을 "
        "자치구와 함께 검토하기로 함(보고자 지정).\n"
        "2. 아파트 단지 공구도서관 지원 제안: 공유촉진 사업 보조금 대상에 포함하는 방안을 "
        "다음 회의에서 권고안으로 논의하기로 함.\n"
        "3. 다음 회의: 권고안 초안 심의.",
        "권고안 초안 심의와 자치구 공유 인센티브 기준",
        "Draft recommendations and the district incentive criteria",
    ),
    (
        "laws",
        "공유 촉진 조례 개정 방향과 공공데이터 개방 제안",
        "Amending the sharing ordinance; the open public data proposal",
        "1. 서울특별시 공유 촉진 조례 개정 방향: 공유기업 지정 요건을 정비하는 안을 "
        "법무 검토에 부치기로 함.\n"
        "2. 공공시설 예약 데이터 개방 제안: 개인정보 비식별 처리 기준을 확인한 뒤 권고하기로 함.\n"
        "3. 다음 회의: 조례 개정안 검토.",
        "조례 개정안 검토",
        "The draft amendment of the ordinance",
    ),
    (
        "sharing-promotion",
        "공유단체·공유기업 지정 심의",
        "Designation of sharing organizations and enterprises",
        "1. 상반기 공유기업 지정 신청 심의: 서류 보완이 필요한 신청은 보완을 요청하기로 함.\n"
        "2. 지정 기업의 사업 실적 보고 양식 개선안을 확정함.\n"
        "3. 다음 회의: 하반기 지정 심의.",
        "하반기 공유기업 지정 심의",
        "Designations for the second half of the year",
    ),
]
COMMITTEE_VENUE = ("서울시청 본관 회의실", "Seoul City Hall, main building meeting room")
COMMITTEE_ADDRESS = "서울 중구 세종대로 110"


def load_committee_meetings(*, staff: object | None) -> int:
    """For each demo committee found: a meeting three weeks before the load, with its minutes (a
    text file, a "minutes" material, public once the meeting has ended), and one three weeks
    after, so its page shows both. City-organized, as every committee meeting."""
    created = 0
    today = timezone.localdate()
    with transaction.atomic():
        for slug, past_ko, past_en, minutes, next_ko, next_en in COMMITTEE_MEETINGS:
            committee = Committee.objects.filter(slug=slug).first()
            if committee is None:
                continue
            for days, agenda_ko, agenda_en in ((-21, past_ko, past_en), (21, next_ko, next_en)):
                day = today + timedelta(days=days)
                title_ko = f"{committee.name_ko} {day.month}월 회의"
                if Event.objects.filter(committee=committee, title_ko=title_ko).exists():
                    continue
                starts = datetime(day.year, day.month, day.day, 14, tzinfo=SEOUL)
                event = Event.objects.create(
                    kind=EventKind.COMMITTEE_MEETING,
                    committee=committee,
                    created_by=staff,
                    title_ko=title_ko,
                    title_en=f"{committee.name_en}: {day:%B} meeting",
                    summary_ko=f"안건: {agenda_ko}",
                    summary_en=f"Agenda: {agenda_en}",
                    description_ko="위원회 회의는 방청할 수 있습니다. 방청 인원에 맞춰 신청을 받습니다.",
                    description_en="Committee meetings are open to the public, within the seats.",
                    venue_ko=COMMITTEE_VENUE[0],
                    venue_en=COMMITTEE_VENUE[1],
                    address=COMMITTEE_ADDRESS,
                    district=District.objects.filter(name_en="Jung-gu").first(),
                    starts_at=starts,
                    ends_at=starts + timedelta(hours=2),
                    capacity=20,
                )
                created += 1
                if days < 0:
                    EventMaterial.objects.create(
                        event=event,
                        kind=MaterialKind.MINUTES,
                        title=f"{title_ko} 회의록",
                        file=ContentFile(
                            f"{title_ko} 회의록\n\n{minutes}\n".encode(),
                            name=f"minutes-{slug}-{day:%Y-%m}.txt",
                        ),
                        original_name=f"minutes-{slug}-{day:%Y-%m}.txt",
                        content_type="text/plain; charset=utf-8",
                    )
                reindex_event(event)
    return created


def _register_demo_people(
    event: Event, people: list, sessions: list[EventSession], spec: dict
) -> None:
    """Registrations written directly (no mail to the demo accounts), keeping seats_taken exact."""
    if not people:
        return
    if spec.get("full"):
        chosen, status = people, None
    elif spec.get("attended") or event.capacity >= 100:
        chosen, status = people[:2], RegistrationStatus.CONFIRMED
    else:
        chosen, status = people[:1], RegistrationStatus.CONFIRMED
    if spec.get("requires_approval"):
        status = RegistrationStatus.PENDING
    taken = 0
    for index, person in enumerate(chosen):
        moment = event.created_at + timedelta(minutes=index)
        this_status = status
        if this_status is None:
            this_status = (
                RegistrationStatus.CONFIRMED
                if taken < event.capacity
                else RegistrationStatus.WAITLISTED
            )
        registration = Registration.objects.create(
            event=event,
            user=person,
            status=this_status,
            created_at=moment,
            confirmed_at=moment if this_status == RegistrationStatus.CONFIRMED else None,
            waitlisted_at=moment if this_status == RegistrationStatus.WAITLISTED else None,
        )
        if this_status == RegistrationStatus.CONFIRMED:
            taken += 1
            for session in sessions[: spec.get("attended", 0)]:
                Attendance.objects.create(
                    registration=registration, session=session, recorded_at=session.starts_at
                )
    Event.objects.filter(pk=event.pk).update(seats_taken=taken)
