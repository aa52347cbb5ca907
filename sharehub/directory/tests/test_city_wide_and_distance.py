"""Listings that serve the whole city, in every district's filter; sorting by distance, which
needs a point and says so when it has none."""

from __future__ import annotations

import pytest

from sharehub.directory.filters import ListingFilterForm
from sharehub.directory.selectors import browse_listings, district_listing_counts
from sharehub.places.tests.factories import DistrictFactory

from .factories import AddressFactory, ListingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def city(db):
    """Mapo with a local listing, Jongno with its own, and one listing serving the whole city."""
    mapo, jongno = DistrictFactory(slug="mapo-gu"), DistrictFactory(slug="jongno-gu")
    local = ListingFactory(organization__name_ko="가 마포 공구도서관")
    local.districts_served.add(mapo)
    elsewhere = ListingFactory(organization__name_ko="나 종로 옷장")
    elsewhere.districts_served.add(jongno)
    whole = ListingFactory(organization__name_ko="다 전역 카셰어링")
    return {"mapo": mapo, "local": local, "elsewhere": elsewhere, "whole": whole}


def browsed(params: dict) -> list:
    return list(browse_listings(**ListingFilterForm(params).applied()).queryset)


def test_a_district_filter_keeps_its_own_listings_first_then_the_city_wide_ones(city):
    listings = browsed({"district": "mapo-gu"})
    assert listings == [city["local"], city["whole"]]
    assert [listing.city_wide for listing in listings] == [False, True]
    # An explicit sort by name mixes them, still without the other district's.
    assert set(browsed({"district": "mapo-gu", "sort": "name"})) == {city["local"], city["whole"]}
    assert district_listing_counts(city["mapo"]) == {"local": 1, "city_wide": 1}


def test_city_wide_listings_are_marked_on_the_list_and_in_the_api(client, city):
    html = client.get("/ko/directory/?district=mapo-gu").content.decode()
    assert html.index("가 마포 공구도서관") < html.index("다 전역 카셰어링")
    assert html.count('class="tag city-wide">서울 전역<') == 1
    assert "나 종로 옷장" not in html
    items = client.get("/api/v1/directory/listings?district=mapo-gu").json()["results"]
    assert [(item["name"], item["city_wide"]) for item in items] == [
        ("가 마포 공구도서관", False),
        ("다 전역 카셰어링", True),
    ]


def test_distance_sort_without_a_point_says_so_on_the_page_and_in_the_api(client, city):
    html = client.get("/ko/directory/?sort=distance").content.decode()
    # In the results (htmx swaps only them), not only next to the field.
    results = html[html.index('id="results"') :]
    assert 'class="notice" role="status"' in results
    assert "거리순으로 정렬하려면 기준 위치가 필요합니다" in results
    fragment = client.get("/en/directory/?sort=distance", headers={"HX-Request": "true"})
    assert "To sort by distance the list needs a point" in fragment.content.decode()
    # The near field offers its map (a click or "my location" fills it).
    assert 'data-pick-point="id_near"' in html and "vendor/leaflet/leaflet.js" in html
    response = client.get("/api/v1/directory/listings?sort=distance")
    assert response.status_code == 422 and "near" in response.json()["errors"]


def test_distance_sort_from_a_point_says_what_it_did(client, city):
    AddressFactory(listing=city["elsewhere"], latitude=37.5700, longitude=126.9790)
    AddressFactory(listing=city["local"], latitude=37.5560, longitude=126.9220)
    html = client.get("/ko/directory/?near=37.5665,126.9780").content.decode()
    assert "입력한 위치에서 가까운 순서입니다" in html and 'class="notice"' not in html
    assert (
        html.index("나 종로 옷장")
        < html.index("가 마포 공구도서관")
        < html.index("다 전역 카셰어링")
    )
    assert html.count(" km") >= 2  # the two with a place show how far they are
