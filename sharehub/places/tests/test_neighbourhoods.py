"""The neighbourhoods: loaded from the bundled Seoul file (or another city's), served as the base
map's GeoJSON (cached, compressed, revalidated), listed in the admin."""

from __future__ import annotations

import gzip
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db.models import Count
from django.utils import translation

from sharehub.accounts.tests.factories import UserFactory, give_totp
from sharehub.places.api import NeighbourhoodFeatureCollection
from sharehub.places.models import Neighbourhood
from sharehub.places.services import (
    LoadCounts,
    bundled_district_files,
    bundled_neighbourhood_file,
    load_districts,
    load_neighbourhoods,
)
from sharehub.places.tests.factories import DistrictFactory

pytestmark = pytest.mark.django_db

URL = "/{lang}/districts/neighbourhoods.geojson"
SQUARE = [[[129.10, 35.15], [129.20, 35.15], [129.20, 35.25], [129.10, 35.25], [129.10, 35.15]]]


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def seoul(db):
    geojson, centroids = bundled_district_files()
    load_districts(geojson_path=geojson, centroids_csv=centroids)
    load_neighbourhoods(geojson_path=bundled_neighbourhood_file())


def write(tmp_path: Path, features: list) -> Path:
    path = tmp_path / "dongs.geojson"
    path.write_text(
        json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False),
        encoding="utf-8",
    )
    return path


def dong(code, ko="해운동", en: str | None = "Haeun-dong", coordinates=SQUARE) -> dict:
    properties = {"EMD_CD": code, "EMD_KOR_NM": ko}
    if en is not None:
        properties["EMD_ENG_NM"] = en
    return {
        "type": "Feature",
        "properties": properties,
        "geometry": {"type": "Polygon", "coordinates": coordinates},
    }


# --- loading -------------------------------------------------------------------------------


def test_loads_the_467_seoul_neighbourhoods_each_in_its_district(seoul):
    assert Neighbourhood.objects.count() == 467
    # Every neighbourhood's code begins with its district's.
    for code, district_code in Neighbourhood.objects.values_list("code", "district__code"):
        assert code.startswith(district_code)
    counts = dict(
        Neighbourhood.objects.filter(district__code__in=["11110", "11440"])
        .values_list("district__code")
        .order_by()
        .annotate(n=Count("pk"))
    )
    assert counts == {"11110": 87, "11440": 26}
    daebang = Neighbourhood.objects.get(code="11590108")
    assert (daebang.name_ko, daebang.name_en, daebang.district.name_en) == (
        "대방동",
        "Daebang-dong",
        "Dongjak-gu",
    )
    # Its name is written near its middle, inside its district's box.
    assert Decimal("37.49") < daebang.latitude < Decimal("37.52")
    assert Decimal("126.91") < daebang.longitude < Decimal("126.94")


def test_loading_again_changes_nothing(seoul):
    before = list(Neighbourhood.objects.order_by("code").values())
    assert load_neighbourhoods(geojson_path=bundled_neighbourhood_file()) == LoadCounts(
        unchanged=467
    )
    assert list(Neighbourhood.objects.order_by("code").values()) == before


def test_another_city_without_english_names_and_a_changed_feature(tmp_path):
    DistrictFactory(code="26350", name_en="Haeundae-gu")
    path = write(tmp_path, [dong("26350101", en=None), dong("26350102", ko="우동", en="")])
    assert load_neighbourhoods(geojson_path=path) == LoadCounts(created=2)
    assert Neighbourhood.objects.get(code="26350101").name_en == ""
    # The English name is written in Korean on an English map when it is missing.
    assert load_neighbourhoods(geojson_path=write(tmp_path, [dong("26350101", en="U-dong")])) == (
        LoadCounts(updated=1)
    )
    assert Neighbourhood.objects.get(code="26350101").name_en == "U-dong"


def test_a_bad_file_lists_every_problem_and_writes_nothing(tmp_path):
    DistrictFactory(code="26350")
    path = write(
        tmp_path,
        [
            dong("26350101"),  # fine, but the file is refused as a whole
            dong("99999101"),  # no district begins this code
            {"type": "Feature", "properties": {"EMD_CD": "26350103"}, "geometry": None},
        ],
    )
    with pytest.raises(ValidationError) as error:
        load_neighbourhoods(geojson_path=path)
    messages = " ".join(error.value.messages)
    assert "Feature 2 (99999101): no district has a code that begins this code." in messages
    assert 'Feature 3: The property "EMD_KOR_NM" is missing' in messages
    assert "The feature has no geometry." in messages
    assert not Neighbourhood.objects.exists()


def test_the_command_loads_the_bundled_file_and_reports_errors(tmp_path, capsys):
    geojson, centroids = bundled_district_files()
    load_districts(geojson_path=geojson, centroids_csv=centroids)
    call_command("load_neighbourhoods")
    assert "467 created, 0 updated, 0 unchanged" in capsys.readouterr().out
    with pytest.raises(CommandError, match="Nothing was loaded"):
        call_command("load_neighbourhoods", str(write(tmp_path, [dong("99999101")])))


# --- the base map's GeoJSON -------------------------------------------------------------------


def test_geojson_names_each_neighbourhood_in_the_page_language(client, seoul):
    ko = client.get(URL.format(lang="ko"))
    assert ko.status_code == 200 and ko["Content-Type"] == "application/geo+json"
    assert "public" in ko["Cache-Control"] and "max-age=86400" in ko["Cache-Control"]
    feature = next(f for f in ko.json()["features"] if f["id"] == "11590108")
    assert feature["properties"] == {
        "code": "11590108",
        "name": "대방동",
        "name_ko": "대방동",
        "name_en": "Daebang-dong",
        "district": "11590",
    }
    en = client.get(URL.format(lang="en")).json()
    assert len(en["features"]) == 467
    assert next(f for f in en["features"] if f["id"] == "11590108")["properties"]["name"] == (
        "Daebang-dong"
    )
    # Five decimals (a metre) are enough to draw an outline.
    ring = feature["geometry"]["coordinates"][0]
    assert all(len(str(value).split(".")[1]) <= 5 for point in ring for value in point)


def test_geojson_is_small_compressed_and_revalidated(client, seoul):
    plain = client.get(URL.format(lang="ko"))
    packed = client.get(URL.format(lang="ko"), headers={"accept-encoding": "gzip, deflate, br"})
    assert packed["Content-Encoding"] == "gzip" and "Accept-Encoding" in packed["Vary"]
    assert gzip.decompress(packed.content) == plain.content
    # Measured on the bundled 467 boundaries: about 340 kB as JSON, 62 kB sent compressed.
    assert len(plain.content) < 400_000 and len(packed.content) < 80_000
    assert packed["ETag"] != plain["ETag"]
    again = client.get(
        URL.format(lang="ko"),
        headers={"accept-encoding": "gzip", "if-none-match": packed["ETag"]},
    )
    assert again.status_code == 304 and again.content == b""
    refused = client.get(URL.format(lang="ko"), headers={"accept-encoding": "gzip;q=0"})
    assert "Content-Encoding" not in refused


def test_geojson_is_built_once_until_a_place_changes(
    client, seoul, django_assert_num_queries, django_capture_on_commit_callbacks
):
    first = client.get(URL.format(lang="en"))
    with django_assert_num_queries(0):
        client.get(URL.format(lang="en"))
    daebang = Neighbourhood.objects.get(code="11590108")
    with django_capture_on_commit_callbacks(execute=True):
        daebang.name_en = "Daebang"
        daebang.save()
    fresh = client.get(URL.format(lang="en"))
    assert fresh["ETag"] != first["ETag"]
    assert '"Daebang"' in fresh.content.decode()


def test_api_serves_the_same_collection_by_accept_language(client, seoul):
    response = client.get(
        "/api/v1/districts/neighbourhoods/geojson",
        headers={"accept-language": "en", "accept-encoding": "gzip"},
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/geo+json"
    # The API leaves encodings to the proxy in front of it.
    assert "Content-Encoding" not in response
    collection = NeighbourhoodFeatureCollection.model_validate(response.json())
    names = {feature.id: feature.properties.name for feature in collection.features}
    assert len(names) == 467 and names["11590108"] == "Daebang-dong"
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/districts/neighbourhoods/geojson" in paths
    assert client.post("/api/v1/districts/neighbourhoods/geojson").status_code == 405


def test_admin_lists_neighbourhoods_by_district(client, seoul):
    client.force_login(give_totp(UserFactory(is_staff=True, is_superuser=True)))
    response = client.get("/en/admin/places/neighbourhood/?q=대방동")
    assert response.status_code == 200
    assert "Daebang-dong" in response.content.decode()
    daebang = Neighbourhood.objects.get(code="11590108")
    assert client.get(f"/en/admin/places/neighbourhood/{daebang.pk}/change/").status_code == 200
