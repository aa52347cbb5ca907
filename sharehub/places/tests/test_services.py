from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils import translation

from sharehub.places.models import District
from sharehub.places.services import LoadCounts, bundled_district_files, load_districts
from sharehub.places.tests.factories import DistrictFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    # Korean is the default language; the messages are asserted in their English source.
    with translation.override("en"):
        yield


SQUARE = [[[129.10, 35.15], [129.20, 35.15], [129.20, 35.25], [129.10, 35.25], [129.10, 35.15]]]


def feature(props: dict, geometry: dict | None = None) -> dict:
    return {
        "type": "Feature",
        "properties": props,
        "geometry": geometry or {"type": "Polygon", "coordinates": SQUARE},
    }


def write_geojson(tmp_path: Path, features: list, name: str = "city.geojson") -> Path:
    path = tmp_path / name
    path.write_text(
        json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False),
        encoding="utf-8",
    )
    return path


def busan(tmp_path: Path) -> Path:
    """A small city with its own property names, a numeric code and a MultiPolygon with an isle."""
    island = [[[129.30, 35.00], [129.31, 35.00], [129.31, 35.01], [129.30, 35.01], [129.30, 35.00]]]
    return write_geojson(
        tmp_path,
        [
            feature(
                {"gu_code": 26350, "kor": "해운대구", "eng": "Haeundae-gu"},
                {"type": "MultiPolygon", "coordinates": [island, SQUARE]},
            ),
            feature({"gu_code": "26110", "kor": "중구 🌊 Jung", "eng": "Jung-gu"}),
        ],
    )


def load_busan(path: Path, **kwargs) -> LoadCounts:
    return load_districts(
        geojson_path=path,
        code_property="gu_code",
        name_ko_property="kor",
        name_en_property="eng",
        **kwargs,
    )


def snapshot() -> list[tuple]:
    return list(
        District.objects.order_by("code").values_list(
            "code", "slug", "name_ko", "name_en", "latitude", "longitude", "boundary"
        )
    )


# --- the bundled Seoul files ------------------------------------------------------------


def test_loads_the_25_seoul_districts_with_centroids_from_the_csv():
    geojson, centroids = bundled_district_files()
    counts = load_districts(geojson_path=geojson, centroids_csv=centroids)

    assert counts == LoadCounts(created=25, updated=0, unchanged=0)
    assert District.objects.count() == 25
    jongno = District.objects.get(code="11110")
    assert (jongno.slug, jongno.name_ko, jongno.name_en) == ("jongno-gu", "종로구", "Jongno-gu")
    assert (jongno.latitude, jongno.longitude) == (Decimal("37.5949"), Decimal("126.9773"))
    assert jongno.boundary["type"] == "Polygon"
    assert set(jongno.boundary) == {"type", "coordinates"}


def test_second_run_changes_nothing():
    geojson, centroids = bundled_district_files()
    load_districts(geojson_path=geojson, centroids_csv=centroids)
    before = snapshot()

    counts = load_districts(geojson_path=geojson, centroids_csv=centroids)

    assert counts == LoadCounts(created=0, updated=0, unchanged=25)
    assert snapshot() == before


def test_without_csv_the_centroid_is_computed_close_to_the_published_one():
    geojson, centroids = bundled_district_files()
    load_districts(geojson_path=geojson)
    computed = {d.code: (d.latitude, d.longitude) for d in District.objects.all()}
    # The CSV was computed from the full-resolution file; the bundled one is simplified.
    for line in centroids.read_text(encoding="utf-8").splitlines()[1:]:
        code, _ko, _en, lat, lon = line.split(",")
        assert abs(computed[code][0] - Decimal(lat)) < Decimal("0.001")
        assert abs(computed[code][1] - Decimal(lon)) < Decimal("0.001")
    assert load_districts(geojson_path=geojson) == LoadCounts(unchanged=25)


# --- another city -----------------------------------------------------------------------


def test_another_city_with_its_own_property_names(tmp_path):
    counts = load_busan(busan(tmp_path))

    assert counts == LoadCounts(created=2)
    haeundae = District.objects.get(code="26350")
    assert haeundae.slug == "haeundae-gu"
    assert haeundae.boundary["type"] == "MultiPolygon"
    # The largest polygon (the square), not the small island, gives the pin.
    assert (haeundae.latitude, haeundae.longitude) == (Decimal("35.200000"), Decimal("129.150000"))
    assert District.objects.get(code="26110").name_ko == "중구 🌊 Jung"
    assert load_busan(busan(tmp_path)) == LoadCounts(unchanged=2)


def test_a_changed_feature_is_updated_and_keeps_its_slug(tmp_path):
    load_busan(busan(tmp_path))
    path = write_geojson(
        tmp_path, [feature({"gu_code": "26350", "kor": "해운대구", "eng": "Haeundae District"})]
    )

    counts = load_busan(path)

    assert counts == LoadCounts(updated=1)
    haeundae = District.objects.get(code="26350")
    assert (haeundae.name_en, haeundae.slug) == ("Haeundae District", "haeundae-gu")
    assert haeundae.boundary["type"] == "Polygon"
    assert District.objects.count() == 2  # the district missing from the file is left alone


def test_centroids_csv_with_custom_city(tmp_path):
    csv = tmp_path / "pins.csv"
    csv.write_text(
        "\ufeffcode,lat,lon,note\n26350,35.1631,129.1636,x\n26110,35.1064,129.0324,\n",
        encoding="utf-8",
    )
    load_busan(busan(tmp_path), centroids_csv=csv)
    assert District.objects.get(code="26110").latitude == Decimal("35.1064")


def test_same_english_name_as_another_district_gets_the_code_in_its_slug(tmp_path):
    DistrictFactory(code="11140", slug="jung-gu")
    load_busan(busan(tmp_path))
    assert District.objects.get(code="26110").slug == "jung-gu-26110"


# --- bad files: an error that says why, and nothing written -------------------------------


def assert_rejected(match: str, **kwargs) -> None:
    before = snapshot()
    with pytest.raises(ValidationError) as excinfo:
        load_districts(**kwargs)
    assert any(match in message for message in excinfo.value.messages), excinfo.value.messages
    assert snapshot() == before


@pytest.fixture
def existing(db):
    # A district already in the hub, to prove a failed load does not touch it either.
    return DistrictFactory(code="26350", name_en="Old name")


def test_invalid_json(tmp_path, existing):
    path = tmp_path / "broken.geojson"
    path.write_text('{"type": "FeatureCollection", "features": [', encoding="utf-8")
    assert_rejected("not valid JSON", geojson_path=path)


def test_missing_file(tmp_path):
    assert_rejected("File not found", geojson_path=tmp_path / "nope.geojson")


def test_not_a_feature_collection(tmp_path, existing):
    path = tmp_path / "point.geojson"
    path.write_text(
        json.dumps({"type": "Feature", "properties": {}, "geometry": None}), encoding="utf-8"
    )
    assert_rejected("not a GeoJSON FeatureCollection", geojson_path=path)


def test_empty_feature_collection(tmp_path):
    assert_rejected("has no features", geojson_path=write_geojson(tmp_path, []))


def test_missing_property_names_the_property_and_lists_what_is_there(tmp_path, existing):
    path = write_geojson(
        tmp_path,
        [
            feature({"SIG_CD": "26350", "SIG_KOR_NM": "해운대구", "SIG_ENG_NM": "Haeundae-gu"}),
            feature({"SIG_CD": "26110", "SIG_KOR_NM": "중구"}),
        ],
    )
    assert_rejected(
        'Feature 2: The property "SIG_ENG_NM" is missing (the feature has: SIG_CD, SIG_KOR_NM)',
        geojson_path=path,
    )
    assert District.objects.get(code="26350").name_en == "Old name"


def test_point_geometry_is_refused(tmp_path, existing):
    path = write_geojson(
        tmp_path,
        [
            feature({"SIG_CD": "26110", "SIG_KOR_NM": "중구", "SIG_ENG_NM": "Jung-gu"}),
            feature(
                {"SIG_CD": "26350", "SIG_KOR_NM": "해운대구", "SIG_ENG_NM": "Haeundae-gu"},
                {"type": "Point", "coordinates": [129.1, 35.1]},
            ),
        ],
    )
    assert_rejected("The geometry type is Point", geojson_path=path)
    assert not District.objects.filter(code="26110").exists()


@pytest.mark.parametrize(
    ("coordinates", "message"),
    [
        ([[[129.1, 35.1], [129.2, 35.1], [129.2, 35.2]]], "at least 4 positions"),
        (
            [[[129.1, 35.1], [129.2, 35.1], [129.2, 35.2], [129.1, 35.2]]],
            "must end where it starts",
        ),
        ([[[129.1, 35.1], [129.2, "35.1"], [129.2, 35.2], [129.1, 35.1]]], "two numbers"),
        ([[[229.1, 35.1], [229.2, 35.1], [229.2, 35.2], [229.1, 35.1]]], "outside longitude"),
        ([], "at least one ring"),
        ([[[129.1, 35.1], [129.2, 35.1], [129.3, 35.1], [129.1, 35.1]]], "no area"),
    ],
)
def test_bad_polygons_are_refused(tmp_path, coordinates, message):
    path = write_geojson(
        tmp_path,
        [
            feature(
                {"SIG_CD": "1", "SIG_KOR_NM": "가", "SIG_ENG_NM": "A"},
                {"type": "Polygon", "coordinates": coordinates},
            )
        ],
    )
    assert_rejected(message, geojson_path=path)


def test_duplicate_code_in_the_file(tmp_path):
    props = {"SIG_CD": "26110", "SIG_KOR_NM": "중구", "SIG_ENG_NM": "Jung-gu"}
    assert_rejected(
        "the code is used twice",
        geojson_path=write_geojson(tmp_path, [feature(props), feature(props)]),
    )


def test_a_database_check_failing_late_rolls_back_the_districts_saved_before_it(tmp_path):
    # The first feature is saved before full_clean() refuses the 81-character name of the second.
    path = write_geojson(
        tmp_path,
        [
            feature({"SIG_CD": "26110", "SIG_KOR_NM": "중구", "SIG_ENG_NM": "Jung-gu"}),
            feature({"SIG_CD": "26350", "SIG_KOR_NM": "가" * 81, "SIG_ENG_NM": "Haeundae-gu"}),
        ],
    )
    assert_rejected("Feature 2 (26350)", geojson_path=path)
    assert District.objects.count() == 0


def test_centroids_file_without_a_row_for_a_district(tmp_path):
    csv = tmp_path / "pins.csv"
    csv.write_text("code,lat,lon\n26350,35.16,129.16\n", encoding="utf-8")
    assert_rejected(
        "no row for this code in the centroids file",
        geojson_path=busan(tmp_path),
        centroids_csv=csv,
        code_property="gu_code",
        name_ko_property="kor",
        name_en_property="eng",
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("code,latitude,longitude\n26350,35.16,129.16\n", "lacks the columns: lat, lon"),
        ("code,lat,lon\n26350,north,129.16\n", "line 2: lat and lon must be numbers"),
        ("code,lat,lon\n26350,NaN,129.16\n", "line 2: lat and lon must be numbers"),
        ("code,lat,lon\n26350,135.16,129.16\n", "line 2: the coordinates are out of range"),
    ],
)
def test_bad_centroids_file(tmp_path, text, message):
    csv = tmp_path / "pins.csv"
    csv.write_text(text, encoding="utf-8")
    assert_rejected(
        message,
        geojson_path=busan(tmp_path),
        centroids_csv=csv,
        code_property="gu_code",
        name_ko_property="kor",
        name_en_property="eng",
    )


# --- the management command -------------------------------------------------------------


def test_command_without_arguments_loads_the_bundled_seoul_files(capsys):
    call_command("load_districts")
    assert "25 created, 0 updated, 0 unchanged" in capsys.readouterr().out
    call_command("load_districts")
    assert "0 created, 0 updated, 25 unchanged" in capsys.readouterr().out
    assert District.objects.count() == 25
    assert District.objects.get(code="11110").latitude == Decimal("37.5949")


def test_command_loads_another_city_with_its_property_names(tmp_path):
    call_command(
        "load_districts",
        str(busan(tmp_path)),
        "--code-property=gu_code",
        "--name-ko-property=kor",
        "--name-en-property=eng",
    )
    assert set(District.objects.values_list("code", flat=True)) == {"26110", "26350"}


def test_command_reports_every_problem_and_writes_nothing(tmp_path):
    with pytest.raises(CommandError) as excinfo:
        call_command("load_districts", str(busan(tmp_path)))  # default property names: all missing
    assert "SIG_CD" in str(excinfo.value) and "Feature 2" in str(excinfo.value)
    assert District.objects.count() == 0
