"""The demo's official statistics: only the project's own facts, through the import service,
loaded once."""

from __future__ import annotations

from decimal import Decimal

import pytest

from sharehub.core.demo import DemoRun, demo_loaders
from sharehub.opendata import (
    demo_statistics,
    manifest_statistics,  # noqa: F401  until manifest.py imports it
)
from sharehub.opendata.models import OfficialIndicator, Statistic, StatisticImport

pytestmark = pytest.mark.django_db


def test_registered_at_order_80():
    assert any(
        loader.name == "opendata_statistics" and loader.order == 80 for loader in demo_loaders()
    )


def test_loads_the_milestones_once(city_staff):
    run = DemoRun(accounts={demo_statistics.STAFF: city_staff})
    created = demo_statistics.load(run)
    designated = dict(
        Statistic.objects.filter(indicator__code="designated-sharing-organizations").values_list(
            "period", "value"
        )
    )
    assert designated == {
        "2013-04": Decimal(27),
        "2015-01": Decimal(50),
        "2015-04": Decimal(57),
        "2015-12": Decimal(64),
        "2018-05": Decimal(102),
        "2021-09": Decimal(195),
    }
    spaces = dict(
        Statistic.objects.filter(indicator__code="public-spaces-opened").values_list(
            "period", "value"
        )
    )
    assert spaces == {"2012-07": Decimal(216), "2013-01": Decimal(736), "2014-04": Decimal(779)}
    assert not Statistic.objects.filter(district__isnull=False).exists()
    first = Statistic.objects.get(
        indicator__code="designated-sharing-organizations", period="2013-04"
    )
    assert first.source.startswith("https://cm.asiae.co.kr/")
    population = OfficialIndicator.objects.get(code="population")
    assert population.source_ko == "행정안전부 주민등록 인구통계" and not population.values.exists()
    assert created == 3 + 9
    assert demo_statistics.load(run) == 0
    assert StatisticImport.objects.count() == 1 and Statistic.objects.count() == 9
