"""Demo data of the support programmes: calls modelled on Seoul's 공유촉진사업 (Sharing City Seoul's
grants to designated sharing organizations and enterprises) and applications in every state.

What is Seoul's: the programme supports projects of organizations the city designated under the
Ordinance on the Promotion of Sharing (2012); the first round, in April 2013, funded 12 of the 27
designated with 200 million won in all; by mid-2021 the city had funded 146 sharing
enterprises and organizations with 2.738 billion won (data/sharing-city-milestones.csv). The
themes (tools and goods, parking, children's clothes) are among the sharing projects the city
launched in 2012. The demo's calls, amounts, applications, reviews and reports are examples,
written as the city runs a round: a themed track (지정공모) and a free track (자유공모), criteria
weighted 30/25/45, review by three reviewers scoring 0–5, the 공유촉진위원회's vote, awards
within the budget and each track's cap, an interim and a final report per award.

Rows are written directly with the models (not through the parts' services) and keep their
invariants: `Call.awarded_total` is the sum of the call's awards, each award within its cap,
receipt numbers from `ReceiptCounter`, scores 0–5, no review from a conflicted reviewer.
Looked up before created (calls by slug, applications by call and organization): loading twice
creates nothing.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Sum
from django.utils import timezone

from sharehub.core.demo import DemoRun
from sharehub.designation.defaults import COMMITTEE_SLUG
from sharehub.designation.models import CommitteeOutcome
from sharehub.designation.selectors import current_designation_of
from sharehub.organizations.models import Organization
from sharehub.participation.models import Committee

from .models import (
    Application,
    ApplicationStatus,
    Award,
    Call,
    CallKind,
    CommitteeDecision,
    Conflict,
    Criterion,
    FieldKind,
    FormField,
    ReceiptCounter,
    Report,
    ReportKind,
    ReportStatus,
    ReviewAssignment,
    ReviewScore,
    Track,
    TrackKind,
)

MILLION = 1_000_000
STAFF = "staff@sharehub.example"
# The reviewers: demo accounts one can sign in as (the moderator declares a conflict once).
REVIEWERS = ("citizen@sharehub.example", "admin@sharehub.example", "moderator@sharehub.example")
CONFLICTED = "moderator@sharehub.example"

BODY_KO = (
    "<p>서울시는 「서울특별시 공유 촉진 조례」(2012)에 따라 지정한 공유단체·공유기업이 시민과 "
    "함께 자원을 나누는 사업의 비용을 지원합니다. 2013년 4월 첫 지정에서 27곳을 지정하고 그중 "
    "12곳의 사업에 모두 2억 원을 지원한 뒤, 2021년 상반기까지 공유기업·단체 146곳에 "
    "27억 3,800만 원을 지원했습니다.</p>"
    "<h2>분야</h2><ul><li>지정공모: 시가 정한 주제(공구·물품 공유, 주차장 공유, 아이옷 공유)의 "
    "사업, 최대 5,000만 원</li><li>자유공모: 주제 제한 없는 공유 사업, 최대 3,000만 원</li></ul>"
    "<h2>신청 자격</h2><p>서울시가 지정한 공유단체·공유기업(지정 유효기간 안)만 신청할 수 "
    "있습니다. 같은 사업으로 다른 보조금을 받고 있으면 지원하지 않습니다.</p>"
    "<h2>심사</h2><p>자격 검토 뒤 심사위원 3명이 평가 항목별로 0~5점을 매기고(사업 계획 30, "
    "공유 효과 25, 실행 역량 45), 공유촉진위원회 심의를 거쳐 지원 대상과 금액을 정합니다. "
    "선정된 단체는 중간 보고서와 최종 보고서를 냅니다.</p>"
)
BODY_EN = (
    "<p>Seoul funds projects in which sharing organizations and enterprises it designated under "
    "the Seoul Metropolitan City Ordinance on the Promotion of Sharing (2012) share resources "
    "with citizens. The first designation, in April 2013, named 27 and funded 12 of them with "
    "200 million won in all; by mid-2021 the city had funded 146 sharing enterprises and "
    "organizations with 2.738 billion won.</p>"
    "<h2>Tracks</h2><ul><li>Themed track (지정공모): projects on the city's themes (sharing tools "
    "and goods, parking, children's clothes), up to 50 million won</li><li>Free track (자유공모): "
    "any sharing project, up to 30 million won</li></ul>"
    "<h2>Who may apply</h2><p>Only sharing organizations and enterprises designated by the city "
    "(within their designation's validity). A project already funded by another grant is not "
    "funded again.</p>"
    "<h2>Review</h2><p>After the eligibility check, three reviewers score each criterion 0–5 "
    "(plan 30, sharing impact 25, capacity 45); the Sharing Promotion Committee deliberates and "
    "the city decides the projects and amounts. Awarded organizations send an interim and a "
    "final report.</p>"
)

CRITERIA = [
    (
        "사업 계획의 적정성",
        "Soundness of the plan",
        30,
        "목표, 일정, 예산이 구체적이고 현실적인가",
        "Are the aims, schedule and budget concrete and realistic?",
    ),
    (
        "공유 효과와 공익성",
        "Sharing impact and public benefit",
        25,
        "얼마나 많은 시민이 자원을 나누게 되는가, 지역사회에 어떤 도움이 되는가",
        "How many citizens will share, and how does the neighbourhood gain?",
    ),
    (
        "실행 역량과 지속 가능성",
        "Capacity and sustainability",
        45,
        "단체의 경험과 인력, 지원이 끝난 뒤에도 사업이 이어질 수 있는가",
        "The organization's experience and staff; will the project go on after the grant?",
    ),
]

FIELDS = [
    ("plan", "사업 내용", "The project", FieldKind.LONG_TEXT, True, {"max_length": 4000}),
    (
        "impact",
        "기대 효과 (공유 참여 시민 수 등)",
        "Expected impact (citizens sharing, etc.)",
        FieldKind.LONG_TEXT,
        True,
        {"max_length": 2000},
    ),
    (
        "total_cost",
        "총사업비 (자부담 포함)",
        "Total cost (own funds included)",
        FieldKind.MONEY,
        True,
        {"min_value": 0, "max_value": 500 * MILLION},
    ),
    (
        "schedule",
        "추진 일정",
        "Schedule",
        FieldKind.TEXT,
        True,
        {"max_length": 200},
    ),
    ("budget_sheet", "예산서", "Budget sheet", FieldKind.FILE, False, {}),
]

THEMES_KO = "공구·물품 공유\n주차장 공유\n아이옷 공유"
THEMES_EN = "Sharing tools and goods\nParking sharing\nChildren's clothes sharing"


@dataclass(frozen=True)
class CallSpec:
    slug: str
    title_ko: str
    title_en: str
    summary_ko: str
    summary_en: str
    opens: int  # days from today (negative: past)
    closes: int
    budget: int
    themed_cap: int
    free_cap: int
    interim_due: int | None = None  # days from today
    final_due: int | None = None
    kind: str = CallKind.GRANT


CLOSED = CallSpec(
    slug="sharing-promotion-grants",
    title_ko="{year}년 공유촉진사업 공모",
    title_en="Sharing promotion grants {year}",
    summary_ko="서울시 지정 공유단체·공유기업의 공유 사업을 지원합니다 (지정공모·자유공모).",
    summary_en="Grants for projects of Seoul's designated sharing organizations and enterprises "
    "(themed and free tracks).",
    opens=-240,
    closes=-210,
    budget=200 * MILLION,
    themed_cap=50 * MILLION,
    free_cap=30 * MILLION,
    interim_due=-40,
    final_due=25,
)
OPEN = CallSpec(
    slug="sharing-promotion-grants-2",
    title_ko="{year}년 공유촉진사업 추가 공모",
    title_en="Sharing promotion grants {year}, second call",
    summary_ko="공구·물품, 주차장, 아이옷을 나누는 사업과 자유 주제의 공유 사업을 지원합니다.",
    summary_en="Grants for projects sharing tools and goods, parking and children's clothes, and "
    "for sharing projects on any theme.",
    opens=-10,
    closes=20,
    budget=500 * MILLION,
    themed_cap=50 * MILLION,
    free_cap=30 * MILLION,
    interim_due=150,
    final_due=330,
)
UPCOMING = CallSpec(
    slug="sharing-tools-grants",
    title_ko="공구·물품 공유 특별 공모",
    title_en="Special call: sharing tools and goods",
    summary_ko="동네 공구도서관과 물품 공유 센터를 열고 운영하는 사업을 지원합니다.",
    summary_en="Grants to open and run neighbourhood tool libraries and goods-sharing centres.",
    opens=30,
    closes=60,
    budget=300 * MILLION,
    themed_cap=50 * MILLION,
    free_cap=30 * MILLION,
    interim_due=240,
    final_due=420,
)


@dataclass
class AppSpec:
    organization: str  # name_ko of a designated demo organization
    track: str  # "themed" or "free"
    title: str
    requested: int
    status: str
    plan: str
    scores: list[tuple[int, int, int]] = field(default_factory=list)  # per reviewer, 0–5
    award: int = 0
    reports: dict[str, str] = field(default_factory=dict)  # kind → status
    screening_reason: str = ""
    decision_reason: str = ""
    vote: str = ""  # a committee outcome, or ""
    conflict: bool = False  # the conflicted reviewer declared a conflict
    pending_reviewer: bool = False  # one reviewer has not scored yet


CLOSED_APPS = [
    AppSpec(
        "열린옷장",
        "free",
        "청년 구직자 면접 정장 무료 대여 확대",
        30 * MILLION,
        ApplicationStatus.AWARDED,
        "기증받은 정장을 면접을 앞둔 청년에게 빌려주는 사업을 두 개 자치구로 넓힙니다.",
        scores=[(5, 5, 4), (4, 5, 5), (5, 4, 4)],
        award=30 * MILLION,
        # Open Closet's owner is a demo account: the final report is theirs to send.
        reports={ReportKind.INTERIM: ReportStatus.ACCEPTED, ReportKind.FINAL: ReportStatus.DUE},
    ),
    AppSpec(
        "키플",
        "themed",
        "어린이집과 함께하는 아이옷 공유 확대",
        45 * MILLION,
        ApplicationStatus.AWARDED,
        "작아진 아이옷을 포인트로 바꿔 나누는 어린이집을 6개 자치구에서 10개 자치구로 늘립니다.",
        scores=[(5, 5, 5), (4, 4, 5), (5, 4, 4)],
        award=45 * MILLION,
        reports={ReportKind.INTERIM: ReportStatus.SUBMITTED, ReportKind.FINAL: ReportStatus.DUE},
    ),
    AppSpec(
        "프라미스",
        "themed",
        "교회 부설주차장 평일 주민 개방",
        50 * MILLION,
        ApplicationStatus.AWARDED,
        "평일에 비어 있는 교회 부설주차장을 이웃 주민에게 개방하고 예약 시스템을 갖춥니다.",
        scores=[(4, 5, 4), (4, 4, 4), (5, 4, 3)],
        award=40 * MILLION,
        reports={
            ReportKind.INTERIM: ReportStatus.CHANGES_REQUESTED,
            ReportKind.FINAL: ReportStatus.DUE,
        },
        decision_reason="주차 관제 장비 비용은 자부담으로 하여 4,000만 원을 지원합니다.",
    ),
    AppSpec(
        "집밥",
        "free",
        "혼자 사는 이웃과 함께 차리는 동네 밥상",
        20 * MILLION,
        ApplicationStatus.AWARDED,
        "1인 가구 이웃이 함께 장을 보고 밥을 지어 나누는 동네 밥상 모임을 월 20회 엽니다.",
        scores=[(4, 4, 4), (3, 5, 4), (4, 4, 3)],
        award=20 * MILLION,
        reports={ReportKind.INTERIM: ReportStatus.DUE, ReportKind.FINAL: ReportStatus.DUE},
    ),
    AppSpec(
        "온오프믹스",
        "free",
        "동네 모임 공간 공유 지도",
        30 * MILLION,
        ApplicationStatus.COMMITTEE,
        "주민 모임이 쓸 수 있는 동네의 빈 공간을 찾아 한 지도에서 예약할 수 있게 합니다.",
        scores=[(4, 4, 4), (4, 3, 4), (3, 4, 4)],
        vote=CommitteeOutcome.APPROVED,
    ),
    AppSpec(
        "아이랑놀기짱",
        "free",
        "경력보유 여성과 초보 부모를 잇는 돌봄 나눔",
        25 * MILLION,
        ApplicationStatus.IN_REVIEW,
        "보육 자격을 가진 경력보유 여성과 돌봄이 필요한 초보 부모를 이어 줍니다.",
        scores=[(4, 4, 3)],
        conflict=True,
        pending_reviewer=True,
    ),
    AppSpec(
        "어픽스",
        "themed",
        "장난감·아이 물품 공유 센터",
        35 * MILLION,
        ApplicationStatus.WAITLISTED,
        "아이가 자라 쓰지 않는 장난감과 물품을 모아 빌려주는 센터를 엽니다.",
        scores=[(4, 3, 4), (3, 4, 4), (4, 3, 3)],
        vote=CommitteeOutcome.APPROVED,
        decision_reason="위원회 순위에 따라 예비 선정합니다. 예산이 남으면 지원합니다.",
    ),
    AppSpec(
        "위즈돔",
        "free",
        "사람책 도서관 순회 행사",
        30 * MILLION,
        ApplicationStatus.REJECTED,
        "경험과 지식을 가진 사람책을 동네 도서관에서 만나는 행사를 엽니다.",
        scores=[(3, 2, 3), (2, 3, 2), (3, 3, 2)],
        vote=CommitteeOutcome.NOT_APPROVED,
        decision_reason="공유 효과에 비해 행사 운영비 비중이 높아 선정하지 않았습니다.",
    ),
    AppSpec(
        "그린카",
        "free",
        "전기차 나눔카 주민 교육",
        30 * MILLION,
        ApplicationStatus.INELIGIBLE,
        "나눔카 이용이 처음인 주민을 위한 전기차 이용 교육을 엽니다.",
        screening_reason="같은 사업이 올해 다른 보조금을 받고 있어 중복 지원할 수 없습니다.",
    ),
    AppSpec(
        "마이리얼트립",
        "free",
        "동네 가이드와 함께하는 골목 여행",
        20 * MILLION,
        ApplicationStatus.WITHDRAWN,
        "주민이 가이드가 되어 동네 골목을 안내하는 여행 프로그램을 엽니다.",
    ),
]

OPEN_APPS = [
    AppSpec(
        "열린옷장",
        "free",
        "면접 정장 공유 이동 대여소",
        30 * MILLION,
        ApplicationStatus.DRAFT,
        "대여소가 먼 자치구의 청년을 위해 한 달에 두 번 찾아가는 이동 대여소를 엽니다.",
    ),
    AppSpec(
        "레디앤스타트",
        "free",
        "동네 재능 나눔 학교",
        25 * MILLION,
        ApplicationStatus.SUBMITTED,
        "주민이 서로의 재능을 가르치고 배우는 동네 학교를 세 곳에서 엽니다.",
    ),
    AppSpec(
        "선랩건축사사무소",
        "themed",
        "빈 점포를 고친 공구·물품 공유 창고",
        48 * MILLION,
        ApplicationStatus.SUBMITTED,
        "비어 있는 상가 점포를 고쳐 주민이 공구와 물품을 빌려 쓰는 공유 창고로 만듭니다.",
    ),
    AppSpec(
        "캠퍼스스테이",
        "free",
        "방학 중 대학 시설 주민 공유",
        30 * MILLION,
        ApplicationStatus.WITHDRAWN,
        "방학 동안 비는 대학 강의실과 체육 시설을 주민 모임에 빌려줍니다.",
    ),
]

REPORT_TEXTS = {
    ReportKind.INTERIM: "상반기 활동: 계획한 일정대로 준비를 마치고 운영을 시작했습니다. "
    "참여 시민 수와 이용 건수는 붙임 표와 같습니다.",
    ReportKind.FINAL: "사업을 마쳤습니다. 목표한 참여 인원을 넘었고, 지원이 끝난 뒤에도 자체 "
    "예산으로 운영을 이어 갑니다.",
}


def _at(days: int, hour: int = 10) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _day(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


def _ensure_call(spec: CallSpec, staff: Any) -> tuple[Call, int]:
    call = Call.objects.filter(slug=spec.slug).first()
    if call is not None:
        return call, 0
    opens = _at(spec.opens, 9)
    year = opens.year
    call = Call.objects.create(
        slug=spec.slug,
        title_ko=spec.title_ko.format(year=year),
        title_en=spec.title_en.format(year=year),
        summary_ko=spec.summary_ko,
        summary_en=spec.summary_en,
        body_ko=BODY_KO,
        body_en=BODY_EN,
        kind=spec.kind,
        total_budget=spec.budget,
        award_cap=max(spec.themed_cap, spec.free_cap),
        designated_only=True,
        opens_at=opens,
        closes_at=_at(spec.closes, 18),
        reviews_per_application=3,
        interim_report_due=_day(spec.interim_due) if spec.interim_due is not None else None,
        final_report_due=_day(spec.final_due) if spec.final_due is not None else None,
        # Announced two weeks before opening, and the upcoming call already (the public sees it).
        published_at=min(opens - datetime.timedelta(days=14), timezone.now()),
        created_by=staff,
    )
    created = 1
    if staff is not None:
        call.staff.add(staff)
    tracks = [
        ("지정공모", "Themed track", TrackKind.THEMED, THEMES_KO, THEMES_EN, spec.themed_cap),
        ("자유공모", "Free track", TrackKind.FREE, "", "", spec.free_cap),
    ]
    for order, (name_ko, name_en, kind, themes_ko, themes_en, cap) in enumerate(tracks, 1):
        Track.objects.create(
            call=call,
            name_ko=name_ko,
            name_en=name_en,
            kind=kind,
            themes_ko=themes_ko,
            themes_en=themes_en,
            award_cap=cap,
            order=order,
        )
        created += 1
    for order, (name_ko, name_en, weight, text_ko, text_en) in enumerate(CRITERIA, 1):
        Criterion.objects.create(
            call=call,
            name_ko=name_ko,
            name_en=name_en,
            weight=weight,
            description_ko=text_ko,
            description_en=text_en,
            order=order,
        )
        created += 1
    for order, (key, label_ko, label_en, kind, required, limits) in enumerate(FIELDS, 1):
        FormField.objects.create(
            call=call,
            key=key,
            label_ko=label_ko,
            label_en=label_en,
            kind=kind,
            required=required,
            order=order,
            **limits,
        )
        created += 1
    return call, created


def _receipt(year: int) -> str:
    """The next receipt number of the year, from the counter row (as the applications' service)."""
    counter, _created = ReceiptCounter.objects.get_or_create(year=year)
    while True:
        counter.last += 1
        number = f"{year}-{counter.last:04d}"
        if not Application.objects.filter(receipt_number=number).exists():
            break
    counter.save(update_fields=["last"])
    return number


SUBMITTED_STATES = {s for s in ApplicationStatus.values if s != ApplicationStatus.DRAFT}
SCREENED_STATES = {
    ApplicationStatus.INELIGIBLE,
    ApplicationStatus.IN_REVIEW,
    ApplicationStatus.COMMITTEE,
    ApplicationStatus.AWARDED,
    ApplicationStatus.WAITLISTED,
    ApplicationStatus.REJECTED,
}


def _create_application(
    call: Call, spec: AppSpec, organization: Organization, owner: Any, staff: Any, age: int
) -> Application:
    """`age`: the days after the call opened when it was submitted."""
    track = call.tracks.get(kind=TrackKind.THEMED if spec.track == "themed" else TrackKind.FREE)
    submitted_at = call.opens_at + datetime.timedelta(days=age, hours=3)
    application = Application(
        call=call,
        track=track,
        organization=organization,
        title=spec.title,
        requested_amount=min(spec.requested, track.cap),
        answers={
            "plan": spec.plan,
            "impact": "한 해 동안 시민 1,000명 이상이 함께 나누는 것을 목표로 합니다.",
            "total_cost": spec.requested + spec.requested // 5,
            "schedule": "선정 후 1개월 준비, 10개월 운영, 1개월 정리",
        },
        status=spec.status,
        created_by=owner,
        created_at=submitted_at - datetime.timedelta(days=2),
    )
    if spec.status in SUBMITTED_STATES:
        application.submitted_at = submitted_at
        application.submitted_by = owner
        application.receipt_number = _receipt(submitted_at.year)
    if spec.status == ApplicationStatus.WITHDRAWN:
        application.withdrawn_at = submitted_at + datetime.timedelta(days=3)
    if spec.status in SCREENED_STATES:
        application.screened_at = max(call.closes_at, submitted_at) + datetime.timedelta(days=3)
        application.screened_by = staff
        application.screening_reason = spec.screening_reason
    if spec.status in (
        ApplicationStatus.AWARDED,
        ApplicationStatus.WAITLISTED,
        ApplicationStatus.REJECTED,
    ):
        application.decided_at = call.closes_at + datetime.timedelta(days=30)
        application.decided_by = staff
        application.decision_reason = spec.decision_reason
    application.save()
    return application


def _reviews(application: Application, spec: AppSpec, reviewers: list[Any], staff: Any) -> int:
    """Assignments and scores: each listed score triple is one reviewer's submitted review (0–5
    per criterion, in the criteria's order); a conflicted reviewer scores nothing."""
    created = 0
    criteria = list(application.call.criteria.order_by("order", "pk"))
    assigned_at = (application.screened_at or timezone.now()) + datetime.timedelta(days=1)
    pool = [r for r in reviewers if not (spec.conflict and r.email == CONFLICTED)]
    scorers = pool[: len(spec.scores)]
    for reviewer, triple in zip(scorers, spec.scores, strict=True):
        assignment = ReviewAssignment.objects.create(
            application=application,
            reviewer=reviewer,
            conflict=Conflict.NONE,
            declared_at=assigned_at + datetime.timedelta(days=1),
            comment="계획이 구체적이고 공유 효과가 분명합니다."
            if sum(triple) >= 12
            else "사업비 대비 공유 효과를 더 보여 주면 좋겠습니다.",
            submitted_at=assigned_at + datetime.timedelta(days=5),
            assigned_by=staff,
            assigned_at=assigned_at,
        )
        created += 1
        for criterion, score in zip(criteria, triple, strict=True):
            ReviewScore.objects.create(assignment=assignment, criterion=criterion, score=score)
            created += 1
        # The application's review columns, as services.review keeps them.
        application.reviews_submitted += 1
        application.review_points += sum(
            c.weight * score for c, score in zip(criteria, triple, strict=True)
        )
        application.review_mean = application.review_points / application.reviews_submitted / 100
    if spec.scores:
        application.save(update_fields=["reviews_submitted", "review_points", "review_mean"])
    if spec.pending_reviewer:
        waiting = next((r for r in pool if r not in scorers), None)
        if waiting is not None:
            ReviewAssignment.objects.create(
                application=application,
                reviewer=waiting,
                conflict=Conflict.NONE,
                declared_at=assigned_at + datetime.timedelta(days=2),
                assigned_by=staff,
                assigned_at=assigned_at,
            )
            created += 1
    if spec.conflict:
        conflicted = next((r for r in reviewers if r.email == CONFLICTED), None)
        if conflicted is not None:
            ReviewAssignment.objects.create(
                application=application,
                reviewer=conflicted,
                conflict=Conflict.DECLARED,
                conflict_note="이 단체의 자문위원으로 활동하고 있어 심사에서 빠집니다.",
                declared_at=assigned_at + datetime.timedelta(hours=5),
                assigned_by=staff,
                assigned_at=assigned_at,
            )
            created += 1
    return created


def _vote(application: Application, outcome: str, committee: Committee, staff: Any) -> int:
    approved = outcome == CommitteeOutcome.APPROVED
    CommitteeDecision.objects.create(
        application=application,
        committee=committee,
        meeting_on=(application.call.closes_at + datetime.timedelta(days=25)).date(),
        seats=committee.seats or 15,
        members_present=11,
        attendees="",
        votes_for=9 if approved else 3,
        votes_against=1 if approved else 7,
        votes_abstain=1,
        outcome=outcome,
        note="공유촉진위원회 심의" if approved else "공유촉진위원회 심의: 부결",
        recorded_by=staff,
    )
    return 1


def _award(application: Application, spec: AppSpec, staff: Any) -> int:
    cap = application.track.cap
    amount = min(spec.award, cap, application.requested_amount)
    award = Award.objects.create(
        application=application,
        call=application.call,
        amount=amount,
        cap=cap,
        awarded_on=(application.decided_at or timezone.now()).date(),
        identifier=Award.new_identifier(),
        decided_by=staff,
    )
    created = 1
    call = application.call
    for kind, due in (
        (ReportKind.INTERIM, call.interim_report_due),
        (ReportKind.FINAL, call.final_report_due),
    ):
        if due is None:
            continue
        status = spec.reports.get(kind, ReportStatus.DUE)
        report = Report(award=award, kind=kind, due_on=due, status=status)
        submitted = None
        if status != ReportStatus.DUE:
            submitted = min(
                timezone.now() - datetime.timedelta(days=2),
                timezone.make_aware(datetime.datetime.combine(due, datetime.time(15))),
            )
            report.body = REPORT_TEXTS[kind]
            report.spent = amount // 2 if kind == ReportKind.INTERIM else amount
            report.submitted_at = submitted
            report.submitted_by = application.submitted_by
        if submitted is not None and status != ReportStatus.SUBMITTED:
            report.reviewed_at = submitted + datetime.timedelta(days=1)
            report.reviewed_by = staff
            report.review_note = (
                "집행 내역을 확인했습니다."
                if status == ReportStatus.ACCEPTED
                else "참여 시민 수를 월별로 나누어 적고 영수증 사본을 붙여 주세요."
            )
        report.save()
        created += 1
    return created


def _owner_of(organization: Organization, fallback: Any) -> Any:
    membership = organization.memberships.select_related("user").order_by("pk").first()
    return membership.user if membership is not None else fallback


def _load_applications(
    call: Call, specs: list[AppSpec], *, reviewers: list[Any], staff: Any, committee: Committee
) -> int:
    created = 0
    for age, spec in enumerate(specs):
        organization = Organization.objects.filter(name_ko=spec.organization).first()
        if organization is None or current_designation_of(organization) is None:
            continue  # only designated organizations apply (the call is designated-only)
        if Application.objects.filter(call=call, organization=organization).exists():
            continue
        owner = _owner_of(organization, staff)
        application = _create_application(call, spec, organization, owner, staff, age + 1)
        created += 1
        if spec.scores or spec.conflict:
            created += _reviews(application, spec, reviewers, staff)
        awarded = spec.status == ApplicationStatus.AWARDED
        outcome = spec.vote or (CommitteeOutcome.APPROVED if awarded else "")
        if outcome:
            created += _vote(application, outcome, committee, staff)
        if spec.status == ApplicationStatus.AWARDED:
            created += _award(application, spec, staff)
    # The call's sum of awards, as the decisions' F() updates keep it.
    total = Award.objects.filter(call=call).aggregate(total=Sum("amount"))["total"] or 0
    Call.objects.filter(pk=call.pk).update(awarded_total=total)
    return created


def load(run: DemoRun) -> int:
    staff = run.accounts.get(STAFF)
    reviewers = [run.accounts[email] for email in REVIEWERS if email in run.accounts]
    committee = Committee.objects.filter(slug=COMMITTEE_SLUG).first()
    created = 0
    calls = {}
    for spec in (CLOSED, OPEN, UPCOMING):
        calls[spec.slug], made = _ensure_call(spec, staff)
        created += made
    if committee is None or len(reviewers) < len(REVIEWERS):
        return created
    created += _load_applications(
        calls[CLOSED.slug], CLOSED_APPS, reviewers=reviewers, staff=staff, committee=committee
    )
    created += _load_applications(
        calls[OPEN.slug], OPEN_APPS, reviewers=reviewers, staff=staff, committee=committee
    )
    return created
