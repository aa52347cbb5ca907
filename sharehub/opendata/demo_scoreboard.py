"""Demo data of the district scoreboard, modelled on Seoul's 2014 evaluation of the 25 districts
(자치구 공유촉진 평가): opened public spaces, their use and other sharing projects, scored partly
by comparison with the best district and partly against a target; 13 districts rewarded in three
tiers, 500 million won in all (here 3 × 50M, 5 × 40M, 5 × 30M). The criteria, weights, targets
and split of the prize are examples.

A published scoring of the last complete year (frozen when the demo is loaded) and a draft for
this year, compared with it. Criteria use live indicators that exist when the demo is loaded
(`indicators.all_indicators()`): a missing one is left out and the others' weights are scaled
to total 100. Looked up before created (by slug): loading twice creates nothing.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone

from sharehub.accounts.models import User
from sharehub.core.demo import DemoRun
from sharehub.opendata import indicators
from sharehub.opendata.models import Normalisation, Scoring, ScoringCriterion, ScoringTier
from sharehub.opendata.services.scoreboard import publish_scoring

STAFF = "staff@sharehub.example"
MILLION = 1_000_000
# (indicator, weight, normalisation, target of the normalised value or None)
CRITERIA: list[tuple[str, int, str, Decimal | None]] = [
    ("facilities.spaces", 25, Normalisation.AREA, Decimal("0.5")),
    ("facilities.uses", 25, Normalisation.SPACE, Decimal(20)),
    ("directory.services", 20, Normalisation.AREA, Decimal("0.5")),
    ("events.events", 15, Normalisation.NONE, None),
    ("designation.current", 15, Normalisation.NONE, None),
]
TIERS = [
    ("최우수", "Excellent", 3, 50 * MILLION),
    ("우수", "Very good", 5, 40 * MILLION),
    ("장려", "Commended", 5, 30 * MILLION),
]


def _criteria() -> list[tuple[str, int, str, Decimal | None]]:
    """The criteria whose indicators exist, weights scaled to total 100 (the rounding's rest to
    the first)."""
    present = {i.code for i in indicators.all_indicators()}
    chosen = [c for c in CRITERIA if c[0] in present]
    if not chosen:
        return []
    total = sum(c[1] for c in chosen)
    weights = [max(1, c[1] * 100 // total) for c in chosen]
    weights[0] += 100 - sum(weights)
    return [(c[0], w, c[2], c[3]) for c, w in zip(chosen, weights, strict=True)]


def _ensure(slug: str, year: int, fields: dict[str, Any]) -> tuple[Scoring, int]:
    found = Scoring.objects.filter(slug=slug).first()
    if found is not None:
        return found, 0
    scoring = Scoring.objects.create(
        slug=slug,
        period_start=datetime.date(year, 1, 1),
        period_end=datetime.date(year, 12, 31),
        relative_share=50,
        **fields,
    )
    criteria = _criteria()
    ScoringCriterion.objects.bulk_create(
        ScoringCriterion(
            scoring=scoring,
            position=position,
            indicator=code,
            weight=weight,
            normalisation=normalisation,
            target=target,
        )
        for position, (code, weight, normalisation, target) in enumerate(criteria, start=1)
    )
    ScoringTier.objects.bulk_create(
        ScoringTier(
            scoring=scoring, position=position, name_ko=ko, name_en=en, districts=n, prize=prize
        )
        for position, (ko, en, n, prize) in enumerate(TIERS, start=1)
    )
    return scoring, 1 + len(criteria) + len(TIERS)


def load(run: DemoRun) -> int:
    this_year = timezone.localdate().year
    last_year = this_year - 1
    created = 0
    last, made = _ensure(
        f"districts-{last_year}",
        last_year,
        {
            "title_ko": f"{last_year}년 자치구 공유촉진 평가",
            "title_en": f"District sharing evaluation {last_year}",
            "description_ko": "25개 자치구의 공공시설 개방과 이용, 공유 사업을 상대평가와 절대평가로 "
            "평가해 13개 자치구에 3개 등급으로 포상금 5억원을 지급합니다.",
            "description_en": "The 25 districts evaluated on opened public spaces, their use and "
            "sharing projects, with relative and absolute scoring; 13 districts rewarded in "
            "three tiers, 500 million won in all.",
        },
    )
    created += made
    staff = run.accounts.get(STAFF) or User.objects.filter(is_city_staff=True).first()
    if not last.is_published and staff is not None and last.criteria.exists():
        publish_scoring(actor=staff, scoring=last)
        created += last.entries.count()
    _draft, made = _ensure(
        f"districts-{this_year}",
        this_year,
        {
            "title_ko": f"{this_year}년 자치구 공유촉진 평가 (초안)",
            "title_en": f"District sharing evaluation {this_year} (draft)",
            "description_ko": "올해 평가의 초안입니다. 현재 데이터로 미리 보기를 계산합니다.",
            "description_en": "This year's evaluation, in draft: its preview is computed from "
            "the current data.",
        },
    )
    return created + made
