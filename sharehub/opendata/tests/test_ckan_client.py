"""The CKAN Action API read by the `ckanapi` client library against the running test server, as
a harvester reads it: its RemoteCKAN (which POSTs JSON to /api/action/) and its `dump` command."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import ckanapi
import pytest

from sharehub.opendata.models import Format, Licence
from sharehub.opendata.tests.factories import DatasetFactory, ResourceFactory
from sharehub.organizations.tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def catalogue():
    coop = OrganizationFactory(slug="sharing-coop")
    bikes = DatasetFactory(
        slug="bike-sharing",
        title_ko="공유자전거 대여소",
        title_en="Bike sharing stations",
        keywords_ko="자전거, 교통",
        keywords_en="bikes, transport",
        themes=["TRAN"],
        licence=Licence.CC0,
    )
    ResourceFactory(dataset=bikes, format=Format.CSV)
    ResourceFactory(dataset=bikes, format=Format.GEOJSON, position=1)
    spaces = DatasetFactory(slug="shared-spaces", publisher=coop, themes=["SOCI", "REGI"])
    ResourceFactory(dataset=spaces, format=Format.JSON)
    hidden = DatasetFactory(slug="draft-data", title_ko="비공개 자전거", is_published=False)
    ResourceFactory(dataset=hidden)
    return {"bikes": bikes, "spaces": spaces, "hidden": hidden, "coop": coop}


@pytest.fixture
def remote(live_server):
    return ckanapi.RemoteCKAN(live_server.url, user_agent="sharehub-tests/1.0")


def test_package_list_is_the_published_names(remote, catalogue):
    assert remote.action.package_list() == ["bike-sharing", "shared-spaces"]
    assert remote.action.package_list(limit=1, offset=1) == ["shared-spaces"]


def test_package_show_by_name_and_by_id(remote, catalogue):
    package = remote.action.package_show(id="bike-sharing")
    assert package["title"] == "공유자전거 대여소"
    assert package["title_translated"] == {"ko": "공유자전거 대여소", "en": "Bike sharing stations"}
    assert [r["format"] for r in package["resources"]] == ["CSV", "GeoJSON"]
    assert [r["position"] for r in package["resources"]] == [0, 1]
    assert package["license_id"] == "cc-zero"
    assert {t["name"] for t in package["tags"]} == {"자전거", "교통", "bikes", "transport"}
    assert [g["name"] for g in package["groups"]] == ["tran"]
    assert package["organization"]["name"] == "seoul-metropolitan-government"
    assert remote.action.package_show(id=package["id"])["name"] == "bike-sharing"


def test_an_unpublished_dataset_is_not_found(remote, catalogue):
    with pytest.raises(ckanapi.NotFound):
        remote.action.package_show(id="draft-data")
    with pytest.raises(ckanapi.NotFound):
        remote.action.package_show(id="no-such-dataset")


def test_package_search_q_fq_rows_start_sort(remote, catalogue):
    everything = remote.action.package_search()
    assert everything["count"] == 2
    assert {p["name"] for p in everything["results"]} == {"bike-sharing", "shared-spaces"}

    found = remote.action.package_search(q="자전거")
    assert [p["name"] for p in found["results"]] == ["bike-sharing"]  # not the draft's title
    assert remote.action.package_search(q="bikes")["count"] == 1

    by_org = remote.action.package_search(fq="organization:sharing-coop")
    assert [p["name"] for p in by_org["results"]] == ["shared-spaces"]
    assert remote.action.package_search(fq="-organization:sharing-coop")["count"] == 1
    assert remote.action.package_search(fq="res_format:GeoJSON")["count"] == 1
    assert remote.action.package_search(fq="tags:transport license_id:cc-zero")["count"] == 1
    assert remote.action.package_search(fq="groups:soci OR groups:tran")["count"] == 2

    by_name = remote.action.package_search(sort="name asc", rows=1)
    assert [p["name"] for p in by_name["results"]] == ["bike-sharing"]
    second = remote.action.package_search(sort="name asc", rows=1, start=1)
    assert [p["name"] for p in second["results"]] == ["shared-spaces"]
    assert second["sort"] == "name asc"

    faceted = remote.action.package_search(**{"facet.field": ["organization", "res_format"]})
    assert faceted["facets"]["organization"] == {
        "seoul-metropolitan-government": 1,
        "sharing-coop": 1,
    }
    items = faceted["search_facets"]["res_format"]["items"]
    assert {(i["name"], i["count"]) for i in items} == {("CSV", 1), ("GeoJSON", 1), ("JSON", 1)}


def test_organizations(remote, catalogue):
    names = remote.action.organization_list()
    assert set(names) == {"seoul-metropolitan-government", "sharing-coop"}
    full = remote.action.organization_list(all_fields=True, sort="name asc")
    assert [(o["name"], o["package_count"]) for o in full] == [
        ("seoul-metropolitan-government", 1),
        ("sharing-coop", 1),
    ]
    coop = remote.action.organization_show(id="sharing-coop", include_datasets=True)
    assert coop["title"] == catalogue["coop"].name_ko
    assert [p["name"] for p in coop["packages"]] == ["shared-spaces"]
    assert remote.action.organization_show(id=coop["id"])["name"] == "sharing-coop"
    other = OrganizationFactory(slug="not-a-publisher")
    with pytest.raises(ckanapi.NotFound):
        remote.action.organization_show(id=other.slug)


def test_status_show(remote, live_server, catalogue):
    status = remote.action.status_show()
    assert status["ckan_version"].startswith("2.10.")
    assert "dcat" in status["extensions"]
    assert status["site_title"]


def test_errors_raise_ckanapi_exceptions(remote, catalogue):
    with pytest.raises(ckanapi.ValidationError) as error:
        remote.action.package_search(rows=-1)
    assert "rows" in error.value.error_dict
    with pytest.raises(ckanapi.ValidationError):
        remote.action.package_show()
    with pytest.raises(ckanapi.SearchQueryError):
        remote.action.package_search(sort="colour asc")
    with pytest.raises(ckanapi.SearchError):
        remote.action.package_search(fq="organization:(a OR b")
    with pytest.raises(ckanapi.NotFound):
        remote.action.no_such_action()
    with pytest.raises(ckanapi.NotAuthorized):
        remote.action.package_create(name="mine")


def test_ckanapi_dump_gives_every_published_dataset(live_server, catalogue, tmp_path):
    """The `ckanapi dump datasets --all` command, as run by a harvester's operator: its workers
    are `ckanapi` processes, found on PATH beside this interpreter."""
    output = tmp_path / "datasets.jsonl"
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    result = subprocess.run(
        [
            str(Path(sys.executable).parent / "ckanapi"),
            "dump",
            "datasets",
            "--all",
            "-q",
            "-r",
            live_server.url,
            "-O",
            str(output),
        ],
        env=env,
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert result.returncode in (0, None), result.stderr.decode()
    records = [json.loads(line) for line in output.read_text().splitlines()]
    assert sorted(r["name"] for r in records) == ["bike-sharing", "shared-spaces"]
    assert all(r["state"] == "active" and not r["private"] for r in records)
    assert "draft-data" not in output.read_text()
    bikes = next(r for r in records if r["name"] == "bike-sharing")
    assert bikes["num_resources"] == 2
    assert all(r["url"].startswith(live_server.url) for r in bikes["resources"])
