"""Publishing a scoring twice at once writes one ranking, on real PostgreSQL connections: two
staff (then eight) publish the same draft at the same moment, ten rounds (a fresh draft each
round). Exactly one publishing succeeds, the others are refused with code `published`, and the
scoring has one entry per district."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from sharehub.core.tests.rush import Rush
from sharehub.opendata.models import RankingEntry, Scoring, ScoringStatus
from sharehub.opendata.services import scoreboard as services
from sharehub.opendata.tests.factories import (
    OfficialIndicatorFactory,
    ScoringCriterionFactory,
    ScoringFactory,
    ScoringTierFactory,
    StatisticFactory,
)
from sharehub.places.tests.factories import DistrictFactory

from .test_scoreboard import staff_user

pytestmark = pytest.mark.django_db(transaction=True)

ROUNDS = 10


@pytest.fixture(autouse=True)
def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL and parallel connections (SQLite serialises writers)")


def _draft() -> Scoring:
    scoring = ScoringFactory(period_start=dt.date(2025, 1, 1), period_end=dt.date(2025, 12, 31))
    ScoringCriterionFactory(scoring=scoring, indicator="official:rooms", weight=100)
    ScoringTierFactory(scoring=scoring, districts=2, prize=1_000_000)
    return scoring


@pytest.mark.parametrize("threads", [2, 8])
def test_publishing_at_once_writes_one_ranking(threads):
    districts = [DistrictFactory() for _ in range(5)]
    indicator = OfficialIndicatorFactory(code="rooms")
    for i, district in enumerate(districts):
        StatisticFactory(indicator=indicator, district=district, value=Decimal(i + 1))
    staff = [staff_user() for _ in range(threads)]
    rush = Rush(threads)
    try:
        for _round in range(ROUNDS):
            scoring = _draft()
            results = rush.round(
                [
                    lambda i=i, scoring=scoring: services.publish_scoring(
                        actor=staff[i], scoring=Scoring.objects.get(pk=scoring.pk)
                    )
                    for i in range(threads)
                ]
            )
            won = [r for r in results if isinstance(r, Scoring)]
            lost = [r for r in results if isinstance(r, ValidationError)]
            assert len(won) == 1, results
            assert len(lost) == threads - 1, results
            assert all(e.error_list[0].code == "published" for e in lost)
            scoring.refresh_from_db()
            assert scoring.status == ScoringStatus.PUBLISHED
            assert RankingEntry.objects.filter(scoring=scoring).count() == len(districts)
            assert scoring.published_by == won[0].published_by
    finally:
        rush.close()
