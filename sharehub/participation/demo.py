"""Demo data: Seoul's advisory committees on sharing (policy; laws and institutions) and the
공유촉진위원회, the Sharing City's five policy areas, and proposals in every state so far reached
(awaiting review, collecting supports, on a committee's agenda, not enough support, withdrawn).

A loader looks up before it creates, so loading twice changes nothing."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from sharehub.accounts.models import User
from sharehub.moderation.models import ModerationStatus
from sharehub.places.models import District

from .models import (
    Committee,
    CommitteeMembership,
    CommitteeRole,
    PolicyArea,
    Proposal,
    ProposalState,
    Support,
)
from .search_index import reindex_proposal

COMMITTEES = [
    (
        "policy",
        "공유정책 자문위원회",
        "Sharing Policy Advisory Committee",
        "서울시 공유도시 정책의 방향과 사업을 자문합니다. 시민이 제안하고 충분한 지지를 받은 "
        "공유 촉진, 공유기업 지원, 자치구 인센티브 분야의 정책 제안을 검토하고 권고안을 냅니다.",
        "Advises the city on the direction and programmes of the Sharing City policy. It reviews "
        "citizens' proposals that reached their support threshold in the areas of promoting "
        "sharing, support for sharing enterprises and district incentives, and issues "
        "recommendations.",
    ),
    (
        "laws",
        "공유 법제도 자문위원회",
        "Advisory Committee on Sharing Laws and Institutions",
        "공유경제를 가로막는 법령과 제도를 검토하고 조례·규칙의 개정 방향을 자문합니다. 법·제도 "
        "개선과 공공시설·공공데이터 개방 분야의 정책 제안을 검토합니다.",
        "Reviews the laws and rules that stand in the way of sharing and advises on amending "
        "ordinances and regulations. It reviews proposals on laws and institutions and on opening "
        "public facilities and data.",
    ),
    (
        "promotion",
        "공유촉진위원회",
        "Sharing Promotion Committee",
        "「서울특별시 공유 촉진 조례」에 따라 공유단체·공유기업의 지정과 공유촉진 사업의 "
        "주요 사항을 심의합니다.",
        "Under the Seoul Metropolitan City Ordinance on Promoting Sharing, deliberates on the "
        "designation of sharing organizations and enterprises and on the main matters of the "
        "city's sharing programmes.",
    ),
]

AREAS = [
    ("promotion", "공유 촉진", "Promotion of sharing", "policy"),
    ("enterprises", "공유기업 지원", "Support for sharing enterprises", "policy"),
    ("laws", "법·제도 개선", "Laws and institutions", "laws"),
    ("districts", "자치구 공유 인센티브", "District incentives", "policy"),
    ("facilities-data", "공공시설·데이터 개방", "Public facilities and data", "laws"),
]

# (title, area, state, body, districts, supports)
PROPOSALS = [
    (
        "주민센터 회의실을 저녁과 주말에도 개방해 주세요",
        "facilities-data",
        ProposalState.ON_AGENDA,
        "<p>동 주민센터 회의실은 평일 낮에만 빌릴 수 있어 직장인 모임은 쓰기 어렵습니다. "
        "저녁 10시까지와 주말에도 온라인으로 예약해 쓸 수 있게 해 주세요.</p>",
        ["Mapo-gu", "Eunpyeong-gu"],
        100,
    ),
    (
        "아파트 단지 공구도서관 설치를 지원해 주세요",
        "promotion",
        ProposalState.COLLECTING,
        "<p>전동드릴이나 사다리처럼 가끔 쓰는 공구를 집집마다 사지 않도록, 관리사무소에 "
        "공구도서관을 두는 단지에 초기 공구 구입비를 지원해 주세요.</p>",
        ["Gangdong-gu"],
        4,
    ),
    (
        "공유기업 인증 마크를 만들어 주세요",
        "enterprises",
        ProposalState.NOT_ENOUGH_SUPPORT,
        "<p>시민이 믿고 이용할 수 있도록 지정 공유기업이 쓸 수 있는 인증 마크를 만들어 주세요.</p>",
        [],
        2,
    ),
    (
        "주차장 공유 시 재산세를 감면해 주세요",
        "laws",
        ProposalState.WITHDRAWN,
        "<p>부설주차장을 낮 시간에 이웃과 나누는 건물에 재산세 감면 혜택을 주세요.</p>",
        ["Gangnam-gu"],
        1,
    ),
    (
        "공유 실적이 좋은 자치구에 인센티브를 늘려 주세요",
        "districts",
        ProposalState.SUBMITTED,
        "<p>공유 사업 실적을 자치구 평가에 반영하고 우수 자치구에 사업비를 더 주세요.</p>",
        [],
        0,
    ),
]


def _supporters(count: int) -> list[User]:
    """Demo supporters (no password: nobody signs in as them)."""
    emails = [f"supporter{n:03d}@sharehub.example" for n in range(1, count + 1)]
    existing = set(User.objects.filter(email__in=emails).values_list("email", flat=True))
    User.objects.bulk_create(
        [
            User(email=email, display_name=f"지지 시민 {email[9:12]}", password=make_password(None))
            for email in emails
            if email not in existing
        ]
    )
    return list(User.objects.filter(email__in=emails).order_by("email"))


def load_demo(*, accounts: dict) -> int:
    created = 0
    now = timezone.now()
    with transaction.atomic():
        committees = {}
        for order, (slug, name_ko, name_en, remit_ko, remit_en) in enumerate(COMMITTEES):
            committee, made = Committee.objects.get_or_create(
                slug=slug,
                defaults={
                    "name_ko": name_ko,
                    "name_en": name_en,
                    "remit_ko": remit_ko,
                    "remit_en": remit_en,
                    "order": order,
                },
            )
            committees[slug] = committee
            created += made
        seats = [
            ("staff@sharehub.example", "policy", CommitteeRole.SECRETARY),
            ("member@sharehub.example", "policy", CommitteeRole.MEMBER),
            ("admin@sharehub.example", "laws", CommitteeRole.CHAIR),
            ("staff@sharehub.example", "laws", CommitteeRole.SECRETARY),
            ("staff@sharehub.example", "promotion", CommitteeRole.SECRETARY),
        ]
        for email, slug, role in seats:
            if email in accounts:
                _seat, made = CommitteeMembership.objects.get_or_create(
                    committee=committees[slug],
                    user=accounts[email],
                    term_start=date(2025, 1, 1),
                    defaults={"role": role, "term_end": date(2026, 12, 31)},
                )
                created += made
        areas = {}
        for order, (slug, name_ko, name_en, committee) in enumerate(AREAS):
            area, made = PolicyArea.objects.get_or_create(
                slug=slug,
                defaults={
                    "name_ko": name_ko,
                    "name_en": name_en,
                    "order": order,
                    "committee": committees[committee],
                    "support_threshold": 100,
                    "support_days": 90,
                    "answer_days": 60,
                },
            )
            areas[slug] = area
            created += made
        author = accounts.get("citizen@sharehub.example")
        if author is None:
            return created
        supporters = _supporters(max(p[5] for p in PROPOSALS))
        districts = {d.name_en: d for d in District.objects.all()}
        for age, (title, area_slug, state, body, district_names, count) in enumerate(PROPOSALS):
            if Proposal.objects.filter(title=title).exists():
                continue
            area = areas[area_slug]
            submitted = now - timedelta(days=20 + age * 30)
            published = submitted + timedelta(days=1)
            proposal = Proposal(
                author=author,
                title=title,
                body=body,
                language="ko",
                area=area,
                state=state,
                submitted_at=submitted,
                moderation_status=ModerationStatus.PENDING,
            )
            if state != ProposalState.SUBMITTED:
                proposal.moderation_status = ModerationStatus.PUBLISHED
                proposal.moderated_at = published
                proposal.published_at = published
                proposal.support_threshold = area.support_threshold
                proposal.support_deadline = published + timedelta(days=area.support_days)
            if state == ProposalState.ON_AGENDA:
                proposal.threshold_reached_at = published + timedelta(days=12)
                proposal.agenda_committee = area.committee
                proposal.answer_due = proposal.threshold_reached_at + timedelta(
                    days=area.answer_days
                )
            if state == ProposalState.NOT_ENOUGH_SUPPORT:
                proposal.support_deadline = now - timedelta(days=3)
                proposal.closed_at = proposal.support_deadline
            if state == ProposalState.WITHDRAWN:
                proposal.withdrawn_at = published + timedelta(days=5)
                proposal.withdrawal_reason = (
                    "지방세특례제한법 개정이 필요한 사항이라 법·제도 분야 제안으로 다시 정리해 "
                    "올리겠습니다."
                )
            proposal.save()
            proposal.districts.set([districts[n] for n in district_names if n in districts])
            Support.objects.bulk_create(
                [Support(proposal=proposal, user=user) for user in supporters[:count]]
            )
            proposal.supports_count = Support.objects.filter(proposal=proposal).count()
            proposal.save(update_fields=["supports_count"])
            reindex_proposal(proposal)
            created += 1
    return created
