"""The review the city starts with (Seoul's procedure), as data city staff then edit:
stages, the score sheet (the organization 50 points, its sharing value 50) and the committee
(one of participation's committees, found by its slug `COMMITTEE_SLUG`).

The data migrations install them; `install_defaults` installs them again into a database that
lost them (a test database flushed between transactional tests), and never changes rows that
exist.
"""

from __future__ import annotations

from typing import Any

# code, Korean name, English name, order, committee stage
STAGES = [
    ("document_review", "서류 심사", "Document review", 10, False),
    ("site_visit", "현장 실사", "Site visit", 20, False),
    ("presentation", "발표 심사", "Presentation", 30, False),
    ("committee", "공유촉진위원회 심의", "Committee deliberation", 40, True),
]
# code, section, Korean name, English name, maximum points
CRITERIA = [
    (
        "org_purpose",
        "organization",
        "설립 목적과 공유 사업의 부합성",
        "Fit of the purpose with sharing",
        15,
    ),
    (
        "org_capacity",
        "organization",
        "조직 운영 역량과 인력",
        "Organizational capacity and staff",
        15,
    ),
    (
        "org_finance",
        "organization",
        "재정 건전성과 지속 가능성",
        "Financial soundness and sustainability",
        10,
    ),
    ("org_record", "organization", "공유 활동 실적", "Record of sharing activities", 10),
    ("share_public", "sharing_value", "공공성과 사회적 가치", "Public and social value", 15),
    (
        "share_access",
        "sharing_value",
        "시민 참여와 이용 편의",
        "Citizen participation and ease of use",
        15,
    ),
    ("share_spread", "sharing_value", "확산 가능성과 파급 효과", "Potential to spread", 10),
    (
        "share_plan",
        "sharing_value",
        "사업 계획의 구체성과 실현 가능성",
        "Concrete and feasible plan",
        10,
    ),
]
# The ordinance's committee: at most 15 members, the chair included. Participation's demo uses
# the same slug, so the demo's 공유촉진위원회 is this one.
COMMITTEE_SLUG = "sharing-promotion"
COMMITTEE = {
    "name_ko": "공유촉진위원회",
    "name_en": "Sharing Promotion Committee",
    "remit_ko": (
        "「서울특별시 공유 촉진 조례」에 따라 공유단체·공유기업의 지정과 공유촉진 사업의 "
        "주요 사항을 심의합니다."
    ),
    "remit_en": (
        "Under the Seoul Metropolitan City Ordinance on Promoting Sharing, deliberates on the "
        "designation of sharing organizations and enterprises and on the main matters of the "
        "city's sharing programmes."
    ),
    "seats": 15,
    "order": 20,
}


def install_defaults(review_stage: Any, score_criterion: Any, committee: Any = None) -> None:
    """Create the default rows that are missing (the models may be a migration's); `committee`
    is participation's Committee model."""
    for code, ko, en, order, is_committee in STAGES:
        review_stage.objects.get_or_create(
            code=code,
            defaults={
                "name": ko,
                "name_ko": ko,
                "name_en": en,
                "order": order,
                "is_committee": is_committee,
            },
        )
    for order, (code, section, ko, en, points) in enumerate(CRITERIA, start=1):
        score_criterion.objects.get_or_create(
            code=code,
            defaults={
                "section": section,
                "name": ko,
                "name_ko": ko,
                "name_en": en,
                "max_points": points,
                "order": order * 10,
            },
        )
    if committee is not None:
        install_committee(committee)


def install_committee(committee: Any) -> Any:
    """The designation committee among participation's committees, created when missing."""
    found, _created = committee.objects.get_or_create(
        slug=COMMITTEE_SLUG,
        defaults={"name": COMMITTEE["name_ko"], "remit": COMMITTEE["remit_ko"], **COMMITTEE},
    )
    return found
