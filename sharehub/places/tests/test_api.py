from __future__ import annotations

import pytest

from sharehub.places.api import DistrictFeatureCollection
from sharehub.places.services import bundled_district_files, load_districts
from sharehub.places.tests.factories import DistrictFactory

pytestmark = pytest.mark.django_db


def test_list_has_no_boundaries(client):
    DistrictFactory(
        code="11140",
        slug="jung-gu",
        name_ko="중구",
        name_en="Jung-gu",
        latitude="37.5601",
        longitude="126.9960",
    )
    DistrictFactory(
        code="11110",
        slug="jongno-gu",
        name_ko="종로구",
        name_en="Jongno-gu",
        latitude="37.5949",
        longitude="126.9773",
    )

    response = client.get("/api/v1/districts")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert body["items"][0] == {
        "code": "11110",
        "slug": "jongno-gu",
        "name_ko": "종로구",
        "name_en": "Jongno-gu",
        "latitude": 37.5949,
        "longitude": 126.9773,
    }
    assert [d["code"] for d in body["items"]] == ["11110", "11140"]


@pytest.mark.parametrize("rows", [3, 30])
def test_list_runs_a_bounded_number_of_queries(client, django_assert_max_num_queries, rows):
    DistrictFactory.create_batch(rows)
    with django_assert_max_num_queries(2):
        body = client.get("/api/v1/districts").json()
    assert len(body["items"]) == body["count"] == rows


def test_list_pages(client):
    DistrictFactory.create_batch(3)
    body = client.get("/api/v1/districts?page=2&page_size=2").json()
    assert body["count"] == 3 and len(body["items"]) == 1


def test_bad_page_is_a_422_with_field_errors(client):
    response = client.get("/api/v1/districts?page=zero")
    assert response.status_code == 422
    assert "page" in response.json()["errors"]


def test_detail_includes_the_boundary(client):
    district = DistrictFactory(code="11110")
    response = client.get("/api/v1/districts/11110")
    assert response.status_code == 200
    body = response.json()
    assert body["slug"] == district.slug
    assert body["boundary"] == district.boundary


def test_unknown_code_is_a_404_with_the_error_shape(client):
    response = client.get("/api/v1/districts/99999")
    assert response.status_code == 404
    assert set(response.json()) == {"detail", "errors"}


def test_geojson_route_wins_over_a_code(client):
    DistrictFactory(code="geojson", slug="odd")
    response = client.get("/api/v1/districts/geojson")
    assert response.json()["type"] == "FeatureCollection"


def test_geojson_of_the_bundled_city_matches_its_schema(client):
    geojson, centroids = bundled_district_files()
    load_districts(geojson_path=geojson, centroids_csv=centroids)

    response = client.get("/api/v1/districts/geojson", headers={"accept-language": "en"})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    assert "max-age=3600" in response["Cache-Control"]
    collection = DistrictFeatureCollection.model_validate(response.json())
    assert len(collection.features) == 25
    jongno = next(f for f in collection.features if f.properties.code == "11110")
    assert (jongno.properties.name, jongno.properties.url) == (
        "Jongno-gu",
        "/en/districts/jongno-gu/",
    )


def test_geojson_follows_the_request_language(client, district):
    ko = client.get("/api/v1/districts/geojson", headers={"accept-language": "ko"}).json()
    assert ko["features"][0]["properties"]["name"] == district.name_ko


def test_reads_need_no_authentication_and_writes_do_not_exist(client, district):
    for url in (
        "/api/v1/districts",
        "/api/v1/districts/geojson",
        f"/api/v1/districts/{district.code}",
    ):
        assert client.get(url).status_code == 200
        assert client.post(url, {}).status_code == 405


def test_openapi_documents_the_district_endpoints(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert {"/api/v1/districts", "/api/v1/districts/geojson", "/api/v1/districts/{code}"} <= set(
        paths
    )
