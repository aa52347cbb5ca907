"""/api/v1/data/scoreboard: the published district scorings (paged, latest period first) and one
ranking with each district's breakdown and the rules as published. Read-only and public; a draft
is a 404 like a scoring that does not exist (its preview is city staff's page)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from ninja import Router, Schema

from sharehub.core.api_errors import ERRORS
from sharehub.core.api_types import page_query
from sharehub.core.pagination import ApiPage, api_page
from sharehub.opendata.models import Scoring
from sharehub.opendata.selectors import scoreboard as selectors

router = Router(tags=["open data"])

PER_PAGE = 20


class RankedDistrictOut(Schema):
    code: str
    name: str
    name_ko: str
    name_en: str | None


class ScoringOut(Schema):
    slug: str
    title: str
    title_ko: str
    title_en: str | None
    period_start: date
    period_end: date
    relative_share: int
    published_at: datetime
    url: str
    api_url: str


class LineOut(Schema):
    indicator: str
    raw: Decimal | None
    divisor: Decimal | None
    normalised: Decimal | None
    best: Decimal | None
    relative: Decimal | None
    absolute: Decimal | None
    points: Decimal
    note: str


class RankingEntryOut(Schema):
    rank: int
    district: RankedDistrictOut
    score: Decimal
    tier: int | None
    tier_name: str
    prize: int
    previous_rank: int | None
    previous_score: Decimal | None
    breakdown: list[LineOut]


class RankingOut(ScoringOut):
    description: str
    rules: dict[str, Any]
    total_prize: int
    entries: list[RankingEntryOut]


def _scoring(request: HttpRequest, scoring: Scoring) -> dict[str, Any]:
    return {
        "slug": scoring.slug,
        "title": scoring.title,
        "title_ko": scoring.title_ko,
        "title_en": scoring.title_en,
        "period_start": scoring.period_start,
        "period_end": scoring.period_end,
        "relative_share": scoring.relative_share,
        "published_at": scoring.published_at,
        "url": request.build_absolute_uri(reverse("opendata:scoring", args=[scoring.slug])),
        "api_url": request.build_absolute_uri(reverse("api:opendata_scoring", args=[scoring.slug])),
    }


@router.get(
    "/scoreboard",
    response={200: ApiPage[ScoringOut], 422: ERRORS[422]},
    auth=None,
    summary="Published district scorings",
    description="Latest period first. Drafts are never listed.",
)
def list_scorings(request: HttpRequest, page: int = page_query()):
    return api_page(
        request,
        selectors.published_scorings().prefetch_related(None),
        page,
        per_page=PER_PAGE,
        item=lambda scoring: _scoring(request, scoring),
    )


@router.get(
    "/scoreboard/{slug}",
    response={200: RankingOut, **ERRORS},
    auth=None,
    url_name="opendata_scoring",
    summary="A published ranking with each district's breakdown and the rules as published",
    description="Frozen when published: later data never changes it. A draft is a 404.",
)
def get_scoring(request: HttpRequest, slug: str):
    scoring = selectors.published_scoring(slug)
    ranking = selectors.frozen_ranking(scoring)
    return {
        **_scoring(request, scoring),
        "description": scoring.description or "",
        "rules": ranking.rules,
        "total_prize": ranking.total_prize,
        "entries": [
            {
                "rank": entry.rank,
                "district": {
                    "code": entry.district.code,
                    "name": entry.district.name,
                    "name_ko": entry.district.name_ko,
                    "name_en": entry.district.name_en,
                },
                "score": entry.score,
                "tier": entry.tier,
                "tier_name": entry.tier_name,
                "prize": entry.prize,
                "previous_rank": entry.previous_rank,
                "previous_score": entry.previous_score,
                "breakdown": [
                    {
                        "indicator": line["criterion"]["indicator"],
                        **{
                            key: line[key]
                            for key in (
                                "raw",
                                "divisor",
                                "normalised",
                                "best",
                                "relative",
                                "absolute",
                                "points",
                                "note",
                            )
                        },
                    }
                    for line in entry.lines
                ],
            }
            for entry in ranking.entries
        ],
    }
