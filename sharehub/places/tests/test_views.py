from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from sharehub.places.models import District
from sharehub.places.tests.factories import DistrictFactory

pytestmark = pytest.mark.django_db


# --- the page-side GeoJSON ----------------------------------------------------------------


def test_geojson_has_every_boundary_with_localized_names_and_links(client):
    DistrictFactory(code="11110", slug="jongno-gu", name_ko="종로구", name_en="Jongno-gu")
    DistrictFactory(code="11140", slug="jung-gu", name_ko="중구", name_en="Jung-gu", boundary=None)

    with translation.override("ko"):
        assert reverse("places:geojson") == "/ko/districts/districts.geojson"
    response = client.get("/ko/districts/districts.geojson")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    assert "public" in response["Cache-Control"] and "max-age=3600" in response["Cache-Control"]
    data = response.json()
    assert data["type"] == "FeatureCollection"
    [jongno] = data["features"]  # a district without a boundary has nothing to draw
    assert jongno["geometry"]["type"] == "Polygon"
    assert jongno["properties"] == {
        "code": "11110",
        "slug": "jongno-gu",
        "name": "종로구",
        "name_ko": "종로구",
        "name_en": "Jongno-gu",
        "url": "/ko/districts/jongno-gu/",
    }
    en = client.get("/en/districts/districts.geojson").json()["features"][0]["properties"]
    assert (en["name"], en["url"]) == ("Jongno-gu", "/en/districts/jongno-gu/")


def test_geojson_falls_back_to_korean_when_the_english_name_is_missing(client):
    DistrictFactory(name_ko="종로구", name_en=None)
    assert (
        client.get("/en/districts/districts.geojson").json()["features"][0]["properties"]["name"]
        == "종로구"
    )


def test_geojson_answers_304_to_a_matching_etag(client, district):
    first = client.get("/ko/districts/districts.geojson")
    again = client.get("/ko/districts/districts.geojson", headers={"if-none-match": first["ETag"]})
    assert again.status_code == 304 and again.content == b""
    assert "max-age=3600" in again["Cache-Control"]


def test_geojson_is_cached_until_a_district_changes(
    client, district, django_assert_num_queries, django_capture_on_commit_callbacks
):
    client.get("/ko/districts/districts.geojson")
    with django_assert_num_queries(0):
        cached = client.get("/ko/districts/districts.geojson")
    with django_capture_on_commit_callbacks(execute=True):
        district.name_ko = "새이름구"
        district.save()
    fresh = client.get("/ko/districts/districts.geojson")
    assert fresh.json()["features"][0]["properties"]["name"] == "새이름구"
    assert fresh["ETag"] != cached["ETag"]


def test_geojson_route_is_not_taken_for_a_district(client):
    District.objects.all().delete()
    DistrictFactory(slug="districts")
    assert client.get("/en/districts/districts.geojson")["Content-Type"] == "application/geo+json"
    assert client.get("/en/districts/districts/").status_code == 200
