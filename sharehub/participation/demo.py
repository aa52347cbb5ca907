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
from sharehub.search.services import index_object

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
        "sharing-promotion",
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
            ("staff@sharehub.example", "sharing-promotion", CommitteeRole.SECRETARY),
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
        created += _load_comments(author=author, supporters=supporters)
        created += load_review_demo(accounts=accounts)
    return created


DEMO_COMMENTS = [
    # (proposal title, commenter: index into the supporters or "author", stance (None for a
    # reply: replies take none), text, reply to)
    (
        "주민센터 회의실을 저녁과 주말에도 개방해 주세요",
        0,
        "for",
        "퇴근 후에 동네 독서모임을 하는데 장소를 구하기가 정말 어렵습니다. 꼭 필요합니다.",
        None,
    ),
    (
        "주민센터 회의실을 저녁과 주말에도 개방해 주세요",
        1,
        "against",
        "야간 개방에는 관리 인력과 비용이 듭니다. 무인 예약 시스템과 보안 대책도 함께 "
        "제안에 담기면 좋겠습니다.",
        None,
    ),
    (
        "주민센터 회의실을 저녁과 주말에도 개방해 주세요",
        "author",
        None,  # a reply takes no stance
        "좋은 지적입니다. 이미 무인 출입을 시범 운영하는 자치구 사례를 찾아 덧붙이겠습니다.",
        1,
    ),
    (
        "아파트 단지 공구도서관 설치를 지원해 주세요",
        2,
        "for",
        "우리 단지에도 공구를 빌려 쓰고 싶어 하는 이웃이 많습니다. 관리사무소와 함께 "
        "운영하면 좋겠습니다.",
        None,
    ),
]


def _load_comments(*, author: User, supporters: list[User]) -> int:
    """A few comments (for, against, a reply by the proposal's author) and follows on the
    public proposals; looked up before created."""
    from .models import Comment, Follow, Stance  # noqa: PLC0415 (the comments part's models)

    made = 0
    written: list = []
    touched = set()
    for title, who, stance, body, reply_to in DEMO_COMMENTS:
        proposal = Proposal.objects.filter(
            title=title, moderation_status=ModerationStatus.PUBLISHED
        ).first()
        person = author if who == "author" else (supporters[who] if who < len(supporters) else None)
        if proposal is None or person is None:
            written.append(None)
            continue
        parent = written[reply_to] if reply_to is not None else None
        comment = Comment.objects.filter(proposal=proposal, body=body).first()
        if comment is None:
            comment = Comment.objects.create(
                proposal=proposal,
                parent=parent,
                author=person,
                body=body,
                stance=stance or Stance.NEUTRAL,
                moderation_status=ModerationStatus.PUBLISHED,
            )
            made += 1
        written.append(comment)
        touched.add(proposal.pk)
        for follower in {author, person}:
            made += Follow.objects.get_or_create(proposal=proposal, user=follower)[1]
    for proposal in Proposal.objects.filter(pk__in=touched):
        proposal.comments_count = Comment.objects.filter(
            proposal=proposal, moderation_status=ModerationStatus.PUBLISHED
        ).count()
        proposal.save(update_fields=["comments_count"])
    return made


# --- The city's answers and results (the answers part) -----------------------------------------
# Its own loader (registered in manifest_answers.py, after the proposals): proposals the
# committees recommended, their published recommendations, the city's answers from templates, and
# results at several stages, one implemented. Looked up by title before created.

ANSWER_TEMPLATES = [
    (
        "예산 반영 후 수용",
        "Accepted, with budget",
        "accepted",
        "위원회의 권고를 수용합니다. 필요한 예산을 다음 연도 본예산에 반영하고 담당 부서가 "
        "추진 상황을 이 페이지에 알리겠습니다.",
        "The city accepts the committee's recommendation. The budget it needs will be in next "
        "year's budget, and the responsible department will report progress on this page.",
        "사회혁신담당관",
    ),
    (
        "관계 부서 검토 후 일부 수용",
        "Partly accepted after review",
        "partly",
        "권고의 취지에 공감하며 관계 부서 검토를 거쳐 시범 사업부터 일부 수용합니다. 확대 "
        "여부는 시범 결과를 보고 정하겠습니다.",
        "The city shares the aim of the recommendation and accepts part of it after review by the "
        "departments concerned, starting with a pilot; extending it depends on the pilot's results.",
        "",
    ),
    (
        "법령상 어려움으로 불수용",
        "Rejected: not possible under current law",
        "rejected",
        "현행 법령상 시 조례로 정할 수 없는 사항이어서 수용하기 어렵습니다. 관계 중앙부처에 "
        "제도 개선을 건의하겠습니다.",
        "The city cannot decide this by ordinance under current law, so it cannot accept it. It "
        "will ask the ministries concerned to change the rules.",
        "",
    ),
]

# (proposal title, area, verdict, body, recommendation title, answer template index or None,
#  department, cost estimate in won, results: [(title ko, title en, progress, updates)])
ANSWERED = [
    (
        "공공기관 부설주차장을 야간과 주말에 개방해 주세요",
        "facilities-data",
        "recommend",
        "<p>구청과 사업소의 부설주차장은 밤과 주말에 비어 있습니다. 주택가 주차난을 덜도록 "
        "이웃 주민에게 개방해 주세요.</p>",
        "공공시설 개방 확대에 관한 권고 (2026-1호)",
        0,
        "주차계획과",
        850_000_000,
        [
            (
                "공공기관 부설주차장 야간·주말 개방 확대",
                "Opening public car parks at night and at weekends",
                60,
                [
                    (20, "개방 대상 주차장 120곳을 조사했습니다."),
                    (60, "1차로 70곳을 개방했습니다."),
                ],
            )
        ],
    ),
    (
        "공유 공간 예약을 한곳에서 할 수 있게 해 주세요",
        "promotion",
        "recommend",
        "<p>구청, 도서관, 주민센터의 공유 공간 예약 사이트가 제각각입니다. 한 곳에서 찾고 "
        "예약할 수 있게 해 주세요.</p>",
        "공유 공간 예약 통합에 관한 권고 (2026-2호)",
        0,
        "스마트도시정책관",
        300_000_000,
        [
            (
                "공공서비스예약 통합 공유 공간 예약",
                "Shared spaces bookable in one place",
                100,
                [
                    (40, "자치구 공간 정보 연계를 시작했습니다."),
                    (100, "25개 자치구의 공유 공간을 한곳에서 예약할 수 있게 되었습니다."),
                ],
            )
        ],
    ),
    (
        "자치구 공유센터마다 공유 코디네이터를 두어 주세요",
        "districts",
        "with_changes",
        "<p>주민이 공유 활동을 시작하도록 돕는 코디네이터를 자치구 공유센터마다 두어 주세요.</p>",
        "자치구 공유 활성화에 관한 권고 (2026-3호)",
        1,
        "사회혁신담당관",
        240_000_000,
        [
            (
                "공유 코디네이터 시범 배치 (5개 자치구)",
                "Sharing coordinators piloted in five districts",
                20,
                [(20, "시범 자치구 5곳을 선정했습니다.")],
            )
        ],
    ),
    (
        "공유기업 사무실 임대료를 감면해 주세요",
        "enterprises",
        "not_recommend",
        "<p>지정 공유기업이 시 소유 건물에 입주할 때 임대료를 감면해 주세요.</p>",
        "공유기업 지원에 관한 권고 (2026-4호)",
        2,
        "재무과",
        None,
        [],
    ),
    (
        "아이 옷 공유 거점을 늘려 주세요",
        "promotion",
        "recommend",
        "<p>금방 작아지는 아이 옷을 나눌 수 있는 거점을 어린이집과 주민센터에 늘려 주세요.</p>",
        "아이 옷 공유 확대에 관한 권고 (2026-5호)",
        None,  # awaiting the city's answer
        "",
        None,
        [],
    ),
]


def load_answers_demo(*, accounts: dict) -> int:
    """Answer templates, recommended proposals with their published recommendations, the city's
    answers and results (one implemented, one awaiting its answer). Idempotent."""
    from .models import (  # noqa: PLC0415 (the answers part's models)
        Answer,
        AnswerTemplate,
        Milestone,
        Recommendation,
        RecommendationItem,
        Result,
        ResultUpdate,
    )

    author = accounts.get("citizen@sharehub.example")
    staff = accounts.get("staff@sharehub.example")
    areas = {area.slug: area for area in PolicyArea.objects.select_related("committee")}
    if author is None or not areas:
        return 0
    created = 0
    now = timezone.now()
    with transaction.atomic():
        templates = []
        for name_ko, name_en, status, reasons_ko, reasons_en, department in ANSWER_TEMPLATES:
            template, made = AnswerTemplate.objects.get_or_create(
                name_ko=name_ko,
                defaults={
                    "name_en": name_en,
                    "status": status,
                    "reasons_ko": reasons_ko,
                    "reasons_en": reasons_en,
                    "department": department,
                },
            )
            templates.append(template)
            created += made
        supporters = _supporters(100)
        verdict_states = {
            "recommend": ProposalState.RECOMMENDED,
            "with_changes": ProposalState.RECOMMENDED,
            "not_recommend": ProposalState.NOT_RECOMMENDED,
        }
        for age, row in enumerate(ANSWERED):
            (
                title,
                area_slug,
                verdict,
                body,
                rec_title,
                template_index,
                department,
                cost,
                results,
            ) = row
            if Recommendation.objects.filter(title=rec_title).exists() or area_slug not in areas:
                continue
            area = areas[area_slug]
            start = now - timedelta(days=400 - age * 60)
            reached = start + timedelta(days=30)
            published = reached + timedelta(days=45)
            answered = published + timedelta(days=40)
            proposal = Proposal.objects.create(
                author=author,
                title=title,
                body=body,
                language="ko",
                area=area,
                state=verdict_states[verdict],
                moderation_status=ModerationStatus.PUBLISHED,
                moderated_at=start,
                submitted_at=start - timedelta(days=1),
                published_at=start,
                support_threshold=area.support_threshold,
                support_deadline=start + timedelta(days=area.support_days),
                threshold_reached_at=reached,
                agenda_committee=area.committee,
                answer_due=reached + timedelta(days=area.answer_days),
            )
            Support.objects.bulk_create(
                [Support(proposal=proposal, user=user) for user in supporters]
            )
            proposal.supports_count = len(supporters)
            recommendation = Recommendation.objects.create(
                committee=area.committee,
                title=rec_title,
                body=f"<p>위원회는 「{title}」 제안을 검토하여 다음과 같이 권고합니다.</p>",
                language="ko",
                state="published",
                created_by=staff,
                created_at=published - timedelta(days=7),
                published_at=min(published, now - timedelta(days=2)),
                answer_due=min(published, now - timedelta(days=2)) + timedelta(days=60)
                if template_index is not None
                else now + timedelta(days=20),
            )
            RecommendationItem.objects.create(
                recommendation=recommendation,
                proposal=proposal,
                verdict=verdict,
                reasons="시민 지지가 높고 서울시 공유도시 정책 방향에 부합합니다."
                if verdict != "not_recommend"
                else "시 재정 부담이 크고 다른 중소기업과의 형평성 문제가 있습니다.",
            )
            index_object(recommendation)  # published: searchable, with its decision
            created += 3
            if template_index is not None:
                template = templates[template_index]
                answer = Answer.objects.create(
                    recommendation=recommendation,
                    status=template.status,
                    reasons=template.reasons_ko or "",
                    language="ko",
                    department=department or template.department,
                    cost_estimate=cost,
                    target_date=(answered + timedelta(days=365)).date(),
                    template=template,
                    answered_by=staff,
                    answered_at=answered,
                )
                created += 1
                proposal.state = ProposalState.ANSWERED
                implemented = bool(results) and all(r[2] == 100 for r in results)
                for title_ko, title_en, progress, updates in results:
                    result = Result.objects.create(
                        answer=answer,
                        title_ko=title_ko,
                        title_en=title_en,
                        progress=progress,
                        created_at=answered,
                        implemented_at=answered + timedelta(days=120) if progress == 100 else None,
                    )
                    Milestone.objects.create(
                        result=result,
                        title_ko="세부 계획 수립",
                        title_en="Detailed plan",
                        due_date=(answered + timedelta(days=30)).date(),
                        done_at=answered + timedelta(days=28),
                    )
                    Milestone.objects.create(
                        result=result,
                        title_ko="전면 시행",
                        title_en="Full roll-out",
                        due_date=(answered + timedelta(days=300)).date(),
                        done_at=answered + timedelta(days=120) if progress == 100 else None,
                    )
                    for step, (value, text) in enumerate(updates):
                        ResultUpdate.objects.create(
                            result=result,
                            text=text,
                            language="ko",
                            progress=value,
                            author=staff,
                            created_at=answered + timedelta(days=30 + step * 40),
                        )
                    created += 3 + len(updates)
                if implemented:
                    proposal.state = ProposalState.IMPLEMENTED
                    proposal.closed_at = answered + timedelta(days=120)
            proposal.save()
            reindex_proposal(proposal)
    return created


# --- The committee review (the review part) ----------------------------------------------------
# Called at the end of load_demo (after the proposals and comments): a rapporteur and private
# notes on the proposal on the laws committee's agenda with a draft recommendation on it, and a
# proposal of the policy committee decided in a published recommendation. Looked up by title.

REVIEW_UNDER = (
    "학교 운동장을 방과 후와 주말에 주민과 나눠 주세요",
    "<p>학교 운동장과 체육관은 방과 후와 주말에 대부분 닫혀 있습니다. 교육청과 협약해 "
    "안전 관리 인력을 두고 주민 생활체육 공간으로 예약해 쓸 수 있게 해 주세요.</p>",
)
REVIEW_DRAFT_TITLE = "학교 시설 개방 확대에 관한 권고(안)"
REVIEW_PUBLISHED = (
    "공유 물품 대여소 정보를 한 지도에 모아 주세요",
    "<p>구청, 주민센터, 공유기업이 운영하는 물품 대여소 정보가 흩어져 있습니다. 서울시 공유 "
    "지도에서 가까운 대여소와 빌릴 수 있는 물품을 한 번에 찾게 해 주세요.</p>",
    "공유 물품 대여소 정보 통합에 관한 권고",
    "<p>위원회는 「서울특별시 공유 촉진 조례」의 취지에 따라 시민이 공유 자원을 쉽게 찾을 수 "
    "있어야 한다고 봅니다. 자치구와 공유기업의 물품 대여소 정보를 공공데이터로 모아 공유 "
    "지도에 싣도록 권고합니다.</p>",
    "이미 공개된 자치구 데이터를 활용하면 적은 비용으로 시작할 수 있고, 시민 수요(지지 "
    "100명 이상)가 확인되었습니다. 공유기업의 정보 제공은 자율 참여로 하도록 고쳐 권고합니다.",
)


def load_review_demo(*, accounts: dict) -> int:
    from .models import (  # noqa: PLC0415 (the review part's models)
        CommitteeNote,
        Recommendation,
        RecommendationItem,
        Review,
    )

    staff = accounts.get("staff@sharehub.example")
    chair = accounts.get("admin@sharehub.example")
    member = accounts.get("member@sharehub.example")
    author = accounts.get("citizen@sharehub.example")
    if not (staff and chair and member and author):
        return 0
    made = 0
    now = timezone.now()
    with transaction.atomic():
        # The laws committee reviews the opening of school playgrounds: a rapporteur, notes, a
        # draft recommendation (seen only by its members).
        proposal = Proposal.objects.filter(title=REVIEW_UNDER[0]).first()
        area = PolicyArea.objects.filter(slug="facilities-data").first()
        if proposal is None and area is not None:
            supporters = _supporters(100)
            proposal = Proposal.objects.create(
                author=author,
                title=REVIEW_UNDER[0],
                body=REVIEW_UNDER[1],
                language="ko",
                area=area,
                state=ProposalState.UNDER_REVIEW,
                moderation_status=ModerationStatus.PUBLISHED,
                moderated_at=now - timedelta(days=60),
                submitted_at=now - timedelta(days=61),
                published_at=now - timedelta(days=60),
                support_threshold=area.support_threshold,
                support_deadline=now + timedelta(days=30),
                threshold_reached_at=now - timedelta(days=20),
                agenda_committee=area.committee,
                answer_due=now + timedelta(days=40),
                supports_count=len(supporters),
            )
            Support.objects.bulk_create([Support(proposal=proposal, user=u) for u in supporters])
            reindex_proposal(proposal)
            made += 1
        if proposal is not None and proposal.agenda_committee is not None:
            committee = proposal.agenda_committee
            _review, created = Review.objects.get_or_create(
                proposal=proposal,
                defaults={
                    "committee": committee,
                    "rapporteur": staff,
                    "started_at": now - timedelta(days=5),
                },
            )
            made += created
            for writer, text in (
                (staff, "「학교시설 개방 조례」와 교육청 협약 사례(성북구)를 확인할 것."),
                (chair, "시설 관리 보험 비용을 다음 회의에서 교육청 담당자에게 묻자."),
            ):
                made += CommitteeNote.objects.get_or_create(
                    committee=committee, proposal=proposal, author=writer, text=text
                )[1]
            draft, created = Recommendation.objects.get_or_create(
                committee=committee,
                title=REVIEW_DRAFT_TITLE,
                defaults={
                    "body": "<p>위원회는 학교 운동장과 체육관의 방과 후·주말 개방을 권고하되, "
                    "교육청과의 협약과 안전 관리 방안을 함께 마련하도록 한다. (작성 중)</p>",
                    "created_by": staff,
                },
            )
            made += created
            made += RecommendationItem.objects.get_or_create(
                recommendation=draft,
                proposal=proposal,
                defaults={
                    "verdict": "with_changes",
                    "reasons": "학생 안전을 위해 개방 시간의 관리 인력과 보험을 조건으로 한다.",
                },
            )[1]
        # The policy committee decided on a map of lending points: published, recommended.
        title, body, rec_title, rec_body, reasons = REVIEW_PUBLISHED
        if not Recommendation.objects.filter(title=rec_title).exists():
            area = PolicyArea.objects.filter(slug="promotion").first()
            if area is not None:
                published = now - timedelta(days=10)
                decided = Proposal.objects.create(
                    author=author,
                    title=title,
                    body=body,
                    language="ko",
                    area=area,
                    state=ProposalState.RECOMMENDED,
                    moderation_status=ModerationStatus.PUBLISHED,
                    moderated_at=now - timedelta(days=120),
                    submitted_at=now - timedelta(days=121),
                    published_at=now - timedelta(days=120),
                    support_threshold=area.support_threshold,
                    support_deadline=now - timedelta(days=30),
                    threshold_reached_at=now - timedelta(days=70),
                    agenda_committee=area.committee,
                    answer_due=now - timedelta(days=10),
                )
                supporters = _supporters(100)
                Support.objects.bulk_create(
                    [Support(proposal=decided, user=user) for user in supporters]
                )
                decided.supports_count = len(supporters)
                decided.save(update_fields=["supports_count"])
                Review.objects.create(
                    proposal=decided,
                    committee=area.committee,
                    rapporteur=member,
                    started_at=now - timedelta(days=60),
                )
                recommendation = Recommendation.objects.create(
                    committee=area.committee,
                    title=rec_title,
                    body=rec_body,
                    state="published",
                    created_by=member,
                    created_at=published - timedelta(days=7),
                    published_at=published,
                    answer_due=published + timedelta(days=90),
                )
                RecommendationItem.objects.create(
                    recommendation=recommendation,
                    proposal=decided,
                    verdict="with_changes",
                    reasons=reasons,
                )
                index_object(recommendation)  # published: searchable, with its decision
                reindex_proposal(decided)
                made += 4
    return made
