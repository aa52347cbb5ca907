"""/api/v1/data/indicators and /api/v1/data/statistics: public reads, 422 for bad filters, 404 for
unknown codes, both languages."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from sharehub.directory.tests.factories import CategoryFactory, ListingFactory
from sharehub.opendata import indicators
from sharehub.opendata.models import Period
from sharehub.opendata.tests.factories import OfficialIndicatorFactory, StatisticFactory
from sharehub.organizations.tests.factories import OrganizationFactory
from sharehub.places.tests.factories import DistrictFactory

pytestmark = pytest.mark.django_db


def at(year: int, month: int) -> datetime:
    return timezone.make_aware(datetime(year, month, 15, 12))


@pytest.fixture
def listings():
    a = DistrictFactory(code="11110")
    b = DistrictFactory(code="11140")
    tools = CategoryFactory(slug="t-tools")
    one = ListingFactory(organization=OrganizationFactory(district=a), created_at=at(2025, 1))
    one.categories.set([tools])
    ListingFactory(organization=OrganizationFactory(district=b), created_at=at(2025, 3))
    return a, b


def test_list_in_both_languages(client, listings):
    response = client.get("/api/v1/data/indicators", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    body = {item["code"]: item for item in response.json()}
    assert set(body) == {i.code for i in indicators.all_indicators()}
    listing = body["directory.listings"]
    assert listing["name"] == "Listings in the directory"
    with translation.override("ko"):
        korean = str(indicators.get("directory.listings").name)
    assert listing["translations"] == {
        "ko": {**listing["translations"]["ko"], "name": korean},
        "en": {**listing["translations"]["en"], "name": "Listings in the directory"},
    }
    assert listing["dimensions"] == ["period", "district", "category"]
    assert "t-tools" in listing["categories"]
    assert listing["updated_at"]
    assert body["facilities.utilisation"]["ratio_of"] == [
        "facilities.booked_hours",
        "facilities.open_hours",
    ]
    ko = client.get("/api/v1/data/indicators", HTTP_ACCEPT_LANGUAGE="ko").json()
    assert {i["code"]: i["name"] for i in ko}["directory.listings"] == (
        listing["translations"]["ko"]["name"]
    )


def test_rows_grouped_and_filtered(client, listings):
    url = "/api/v1/data/indicators/directory.listings"
    assert client.get(url).json()["rows"] == [
        {"period": "2025-01", "district": None, "category": None, "value": 1},
        {"period": "2025-03", "district": None, "category": None, "value": 1},
    ]
    rows = client.get(url, {"by": "district,category"}).json()["rows"]
    assert rows == [
        {"period": None, "district": "11110", "category": "t-tools", "value": 1},
        {"period": None, "district": "11140", "category": None, "value": 1},
    ]
    rows = client.get(url, {"by": "district", "start": "2025-02", "end": "2025-12"}).json()["rows"]
    assert rows == [{"period": None, "district": "11140", "category": None, "value": 1}]
    rows = client.get(url, {"category": "t-tools"}).json()["rows"]
    assert rows == [{"period": "2025-01", "district": None, "category": None, "value": 1}]
    total = client.get(
        "/api/v1/data/indicators/directory.listings_total", {"district": "11110"}
    ).json()["rows"]
    assert [row["value"] for row in total] == [1, 1, 1]  # January to March


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"by": "colour"}, "by"),
        ({"start": "2025-13"}, "start"),
        ({"end": "March"}, "end"),
        ({"start": "2025-05", "end": "2025-01"}, "end"),
        ({"district": "99999"}, "district"),
        ({"category": "nothing"}, "category"),
    ],
)
def test_bad_filters_are_422(client, listings, params, field):
    response = client.get("/api/v1/data/indicators/directory.listings", params)
    assert response.status_code == 422
    assert field in response.json()["errors"]


def test_category_of_an_indicator_without_categories_is_422(client, listings):
    response = client.get("/api/v1/data/indicators/newsletters.subscribers", {"category": "x"})
    assert response.status_code == 422 and "category" in response.json()["errors"]
    response = client.get("/api/v1/data/indicators/newsletters.subscribers", {"by": "category"})
    assert response.status_code == 422 and "by" in response.json()["errors"]


def test_unknown_codes_are_404(client):
    for url in ("/api/v1/data/indicators/nothing.here", "/api/v1/data/statistics/nothing"):
        response = client.get(url)
        assert response.status_code == 404
        assert response.json()["detail"]


def test_ratio_value_is_a_number(client):
    response = client.get("/api/v1/data/indicators/facilities.utilisation")
    assert response.status_code == 200 and response.json()["rows"] == []


def test_statistics(client):
    gangnam = DistrictFactory(code="11680")
    population = OfficialIndicatorFactory(
        code="population", name_ko="인구", name_en="Population", source_ko="행정안전부"
    )
    OfficialIndicatorFactory(code="empty", name_ko="빈 지표", name_en="Empty")
    StatisticFactory(
        indicator=population,
        district=gangnam,
        period="2024",
        starts=date(2024, 1, 1),
        value=Decimal("556000"),
        unit="명",
    )
    StatisticFactory(
        indicator=population,
        district=None,
        period="2024-03",
        period_kind=Period.MONTH,
        starts=date(2024, 3, 1),
        value=Decimal("12.5"),
    )
    listed = client.get("/api/v1/data/statistics", HTTP_ACCEPT_LANGUAGE="en").json()
    assert [(i["code"], i["values"], i["latest_period"]) for i in listed] == [
        ("empty", 0, None),
        ("population", 2, "2024-03-01"),
    ]
    assert listed[1]["name"] == "Population" and listed[1]["translations"]["ko"]["name"] == "인구"
    body = client.get("/api/v1/data/statistics/population").json()
    assert body["values"] == [
        {
            "period": "2024-03",
            "period_kind": "month",
            "starts": "2024-03-01",
            "district": None,
            "value": 12.5,
            "unit": "",
            "source": "",
        },
        {
            "period": "2024",
            "period_kind": "year",
            "starts": "2024-01-01",
            "district": "11680",
            "value": 556000,
            "unit": "명",
            "source": "",
        },
    ]
    filtered = client.get(
        "/api/v1/data/statistics/population", {"district": "11680", "end": "2024"}
    )
    assert [v["period"] for v in filtered.json()["values"]] == ["2024"]
    for params in ({"start": "24"}, {"district": "00000"}, {"start": "2025", "end": "2024"}):
        assert client.get("/api/v1/data/statistics/population", params).status_code == 422
