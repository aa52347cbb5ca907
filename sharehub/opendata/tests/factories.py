"""Factories of open data's models (datasets, resources, official statistics, scorings)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone

from sharehub.opendata.models import (
    Dataset,
    DatasetKind,
    Frequency,
    Licence,
    OfficialIndicator,
    Period,
    Resource,
    ResourceOrigin,
    Scoring,
    ScoringCriterion,
    ScoringTier,
    Statistic,
)


class DatasetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Dataset

    slug = factory.Sequence(lambda n: f"dataset-{n}")
    kind = DatasetKind.DATASET
    title_ko = factory.Sequence(lambda n: f"공유 데이터 {n}")
    title_en = factory.Sequence(lambda n: f"Sharing data {n}")
    description_ko = "공유 서비스에 관한 데이터입니다."
    description_en = "Data about sharing services."
    contact_name = "공유도시 담당"
    contact_email = "opendata@example.org"
    licence = Licence.CC_BY_4_0
    themes = factory.LazyFunction(lambda: ["SOCI"])
    keywords_ko = "공유, 공유경제"
    keywords_en = "sharing, sharing economy"
    frequency = Frequency.MONTHLY
    is_published = True
    issued = factory.LazyFunction(timezone.now)


class ResourceFactory(factory.django.DjangoModelFactory):
    """A generated resource by default (no file needed)."""

    class Meta:
        model = Resource

    dataset = factory.SubFactory(DatasetFactory)
    title_ko = "목록 (CSV)"
    title_en = "List (CSV)"
    origin = ResourceOrigin.GENERATED
    generator = "directory.listings"
    format = "CSV"


class OfficialIndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OfficialIndicator
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"stat-{n}")
    name_ko = factory.Sequence(lambda n: f"통계 {n}")
    name_en = factory.Sequence(lambda n: f"Statistic {n}")
    unit_ko = "명"
    unit_en = "people"


class StatisticFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Statistic

    indicator = factory.SubFactory(OfficialIndicatorFactory)
    district = None
    period = "2025"
    period_kind = Period.YEAR
    starts = dt.date(2025, 1, 1)
    value = Decimal("100")


class ScoringFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Scoring

    slug = factory.Sequence(lambda n: f"scoring-{n}")
    title_ko = factory.Sequence(lambda n: f"자치구 공유촉진 평가 {n}")
    title_en = factory.Sequence(lambda n: f"District sharing evaluation {n}")
    period_start = dt.date(2025, 1, 1)
    period_end = dt.date(2025, 12, 31)
    relative_share = 50


class ScoringCriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ScoringCriterion

    scoring = factory.SubFactory(ScoringFactory)
    indicator = "directory.listings"
    weight = 100


class ScoringTierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ScoringTier

    scoring = factory.SubFactory(ScoringFactory)
    name_ko = "최우수"
    name_en = "Excellent"
    districts = 3
    prize = 50_000_000
