"""The CKAN Action API with a plain HTTP client: both URL prefixes, GET and POST, CKAN's envelope
and error shapes, the query language, paging, only published datasets, bounded queries."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client
from django.utils import timezone

from sharehub.opendata import ckan
from sharehub.opendata.models import Format
from sharehub.opendata.tests.factories import DatasetFactory, ResourceFactory
from sharehub.organizations.tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db

CITY = "seoul-metropolitan-government"


def call(client: Client, action: str, prefix: str = "/api/3/action/", /, **params):
    response = client.get(prefix + action, params)
    assert response["Content-Type"].startswith("application/json")
    return response, response.json()


def post(client: Client, action: str, data, prefix: str = "/api/action/"):
    response = client.post(prefix + action, json.dumps(data), content_type="application/json")
    assert response["Content-Type"].startswith("application/json")
    return response, response.json()


@pytest.fixture
def datasets():
    coop = OrganizationFactory(slug="sharing-coop")
    old = DatasetFactory(
        slug="old-data",
        title_ko="오래된 공간 자료",
        modified=timezone.now() - dt.timedelta(days=40),
    )
    new = DatasetFactory(slug="new-data", title_ko="새 공간 자료", publisher=coop)
    ResourceFactory(dataset=new, format=Format.XLSX)
    draft = DatasetFactory(slug="draft-data", title_ko="비공개 공간 자료", is_published=False)
    ResourceFactory(dataset=draft)
    return {"old": old, "new": new, "draft": draft, "coop": coop}


# --- Prefixes, methods, envelope ------------------------------------------------------------


@pytest.mark.parametrize("prefix", ["/api/3/action/", "/api/action/"])
def test_both_prefixes_answer_get_and_post(client, datasets, prefix):
    response, body = call(client, "package_list", prefix)
    assert response.status_code == 200
    assert body["success"] is True
    assert body["result"] == ["new-data", "old-data"]
    assert body["help"].endswith("/api/3/action/help_show?name=package_list")

    response, body = post(client, "package_show", {"id": "new-data"}, prefix)
    assert response.status_code == 200
    assert body["result"]["name"] == "new-data"


def test_post_form_bodies_as_ckan_reads_them(datasets):
    client = Client(enforce_csrf_checks=True)  # a harvester has no CSRF token
    response = client.post("/api/action/package_show", {"id": "old-data"})
    assert response.status_code == 200
    assert response.json()["result"]["name"] == "old-data"
    # Old clients post the JSON text as the form's only key.
    response = client.post(
        "/api/action/package_show",
        json.dumps({"id": "old-data"}) + "=1",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.json()["result"]["name"] == "old-data"


def test_api_version_root(client):
    assert client.get("/api/3").json() == {"version": 3}


def test_help_show(client):
    response, body = call(client, "help_show", name="package_search")
    assert "fq" in body["result"]
    response, body = call(client, "help_show", name="nope")
    assert response.status_code == 404


# --- Errors in CKAN's shapes ----------------------------------------------------------------


def test_unknown_action_is_a_400_in_ckans_envelope(client):
    response, body = call(client, "package_explode")
    assert response.status_code == 400
    assert body["success"] is False
    assert body["error"]["__type"] == "Not Found Error"
    assert "package_explode" in body["error"]["message"]


def test_write_actions_are_refused(client, datasets):
    response, body = post(client, "package_delete", {"id": "old-data"})
    assert response.status_code == 403
    assert body["error"]["__type"] == "Authorization Error"
    assert client.get("/api/action/package_list").json()["result"] == ["new-data", "old-data"]


def test_not_found_is_404(client, datasets):
    response, body = call(client, "package_show", id="nothing-here")
    assert response.status_code == 404
    assert body == {
        "help": body["help"],
        "success": False,
        "error": {"__type": "Not Found Error", "message": body["error"]["message"]},
    }


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"rows": "-1"}, "rows", "Must be a natural number"),
        ({"rows": "abc"}, "rows", "Invalid integer"),
        ({"start": "-5"}, "start", "Must be a natural number"),
        ({"facet.field": '["colour"]'}, "facet.field", "Unknown facet field: colour"),
    ],
)
def test_bad_search_parameters_are_validation_errors(client, params, field, message):
    client.cookies["django_language"] = "en"
    response = client.get("/api/3/action/package_search", params, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 409
    body = response.json()
    assert body["success"] is False
    assert body["error"] == {"__type": "Validation Error", field: [message]}


def test_missing_id_is_a_validation_error(client):
    response, body = call(client, "package_show")
    assert response.status_code == 409
    assert set(body["error"]) == {"__type", "id"}


def test_unknown_sort_is_a_search_query_error(client):
    response, body = call(client, "package_search", sort="colour desc")
    assert response.status_code == 400
    assert body["error"]["__type"] == "Search Query Error"
    response, body = call(client, "package_search", sort="name sideways")
    assert response.status_code == 400


@pytest.mark.parametrize("fq", ["organization:(a OR b", 'name:"open', "colour:red", "name:[a b]"])
def test_malformed_filters_are_search_errors(client, fq):
    response, body = call(client, "package_search", fq=fq)
    assert response.status_code == 409
    assert body["error"]["__type"] == "Search Error"


@pytest.mark.parametrize(
    "body",
    [b"{not json", b"[1, 2]", b'"text"'],
)
def test_a_body_that_is_not_a_json_object_is_a_400(client, body):
    response = client.post("/api/action/package_list", body, content_type="application/json")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["success"] is False


def test_other_methods_are_405_in_json(client):
    response = client.put("/api/3/action/package_list")
    assert response.status_code == 405
    assert response.json()["success"] is False
    assert "POST" in response["Allow"]


# --- Paging and searching -------------------------------------------------------------------


def test_package_list_paging(client, datasets):
    assert call(client, "package_list", limit=1)[1]["result"] == ["new-data"]
    assert call(client, "package_list", limit=1, offset=1)[1]["result"] == ["old-data"]
    assert call(client, "package_list", limit=5, offset=5)[1]["result"] == []
    response, _body = call(client, "package_list", limit="x")
    assert response.status_code == 409


def test_search_rows_start_and_clipping(client, datasets):
    body = call(client, "package_search", rows=1, sort="name asc")[1]["result"]
    assert body["count"] == 2 and [p["name"] for p in body["results"]] == ["new-data"]
    body = call(client, "package_search", rows=1, start=1, sort="name asc")[1]["result"]
    assert [p["name"] for p in body["results"]] == ["old-data"]
    body = call(client, "package_search", rows=0)[1]["result"]
    assert body["count"] == 2 and body["results"] == []
    body = call(client, "package_search", start=50)[1]["result"]
    assert body["count"] == 2 and body["results"] == []
    response, body = call(client, "package_search", rows=5000)
    assert response.status_code == 200  # clipped to 1000, as CKAN's rows_max
    assert body["result"]["sort"] == ckan.DEFAULT_SORT


def test_sorts(client, datasets):
    def names(sort):
        return [
            p["name"] for p in call(client, "package_search", sort=sort)[1]["result"]["results"]
        ]

    assert names("metadata_modified desc") == ["new-data", "old-data"]
    assert names("metadata_modified asc") == ["old-data", "new-data"]
    assert names("name desc") == ["old-data", "new-data"]
    assert names("title_string asc") == ["new-data", "old-data"]  # 새 before 오
    # The harvester pages by id: ids sort as the datasets were created.
    assert names("id asc") == ["old-data", "new-data"]


def test_harvester_filters(client, datasets):
    """ckanext-harvest's CKAN harvester: organizations in or out, modified since its last run."""
    since = (timezone.now() - dt.timedelta(days=1)).astimezone(dt.UTC).replace(tzinfo=None)
    fq = f"organization:sharing-coop OR organization:{CITY} metadata_modified:[{since.isoformat()}Z TO *]"
    body = call(client, "package_search", fq=fq, sort="id asc", rows=100)[1]["result"]
    assert [p["name"] for p in body["results"]] == ["new-data"]
    body = call(client, "package_search", fq=f"-organization:{CITY}")[1]["result"]
    assert [p["name"] for p in body["results"]] == ["new-data"]
    body = call(client, "package_search", fq="metadata_modified:[* TO NOW-30DAYS]")[1]["result"]
    assert [p["name"] for p in body["results"]] == ["old-data"]


def test_q_words_and_fields(client, datasets):
    def names(**params):
        return sorted(
            p["name"] for p in call(client, "package_search", **params)[1]["result"]["results"]
        )

    assert names(q="공간") == ["new-data", "old-data"]
    assert names(q="오래된 공간") == ["old-data"]  # every word must match
    assert names(q='"새 공간"') == ["new-data"]
    assert names(q="name:old-data") == ["old-data"]
    assert names(q="sharing") == ["new-data", "old-data"]  # English keywords
    assert names(q="*:*") == ["new-data", "old-data"]
    assert names(q="colour:red") == []  # in q an unknown field is text (edismax), no error
    assert names(fq="res_format:xlsx") == ["new-data"]
    assert names(fq="name:new-data OR name:old-data") == ["new-data", "old-data"]
    assert names(fq="NOT name:new-data") == ["old-data"]
    assert names(fq="tags:공유경제") == ["new-data", "old-data"]
    assert names(fq="tags:공유경") == []  # a whole tag, not a part of one
    assert names(fq="groups:soci", q="새") == ["new-data"]
    assert names(fq="license_id:cc-by") == ["new-data", "old-data"]
    assert names(fq="capacity:public +state:active") == ["new-data", "old-data"]


def test_score_sort_ranks_title_matches_first(client, datasets):
    DatasetFactory(slug="mention", title_ko="기타", description_ko="공간 이야기")
    results = call(client, "package_search", q="공간", sort="score desc")[1]["result"]["results"]
    assert results[-1]["name"] == "mention"


def test_facets(client, datasets):
    body = call(
        client, "package_search", **{"facet.field": '["organization", "groups", "license_id"]'}
    )[1]["result"]
    assert body["facets"]["organization"] == {CITY: 1, "sharing-coop": 1}
    orgs = {i["name"]: i["display_name"] for i in body["search_facets"]["organization"]["items"]}
    assert orgs["sharing-coop"] == datasets["coop"].name_ko
    assert body["facets"]["groups"] == {"soci": 2}
    assert body["search_facets"]["license_id"]["items"][0]["name"] == "cc-by"


# --- Only published datasets --------------------------------------------------------------


def test_unpublished_never_appear(client, datasets):
    draft = datasets["draft"]
    assert "draft-data" not in call(client, "package_list")[1]["result"]
    for params in (
        {"q": "비공개"},
        {"fq": "name:draft-data"},
        {"fq": f"id:{ckan.make_id('dataset', draft.pk)}"},
    ):
        assert call(client, "package_search", **params)[1]["result"]["count"] == 0
    response, _body = call(client, "package_show", id=ckan.make_id("dataset", draft.pk))
    assert response.status_code == 404
    resource = draft.resources.get()
    response, _body = call(client, "resource_show", id=ckan.make_id("resource", resource.pk))
    assert response.status_code == 404
    # An organization whose only dataset is a draft is no CKAN organization.
    hidden_publisher = OrganizationFactory(slug="draft-only")
    DatasetFactory(slug="draft-two", publisher=hidden_publisher, is_published=False)
    assert "draft-only" not in call(client, "organization_list")[1]["result"]
    response, _body = call(client, "organization_show", id="draft-only")
    assert response.status_code == 404


def test_staff_see_no_more_than_anyone(client, city_staff, datasets):
    client.force_login(city_staff)
    assert call(client, "package_list")[1]["result"] == ["new-data", "old-data"]


# --- Shapes ---------------------------------------------------------------------------------


def test_package_shape(client, datasets):
    package = call(client, "package_show", id="new-data")[1]["result"]
    for key in (
        "id", "name", "title", "notes", "url", "author", "maintainer", "maintainer_email",
        "license_id", "license_title", "license_url", "metadata_created", "metadata_modified",
        "state", "private", "type", "owner_org", "organization", "tags", "groups", "resources",
        "num_resources", "num_tags", "extras",
    ):  # fmt: skip
        assert key in package, key
    assert package["state"] == "active" and package["private"] is False
    assert package["type"] == "dataset"
    assert package["maintainer_email"] == "opendata@example.org"
    # CKAN's timestamps: UTC, without an offset.
    modified = dt.datetime.fromisoformat(package["metadata_modified"])
    assert modified.tzinfo is None
    assert abs(modified.replace(tzinfo=dt.UTC) - datasets["new"].modified) < dt.timedelta(seconds=1)
    resource = package["resources"][0]
    assert resource["package_id"] == package["id"]
    assert resource["format"] == "XLSX"
    assert resource["mimetype"].endswith("spreadsheetml.sheet")
    assert resource["url"].startswith("http://testserver/")
    extras = {e["key"]: e["value"] for e in package["extras"]}
    assert extras["frequency"].endswith("/frequency/MONTHLY")
    assert json.loads(extras["theme"]) == [
        "http://publications.europa.eu/resource/authority/data-theme/SOCI"
    ]
    assert package["organization"]["name"] == "sharing-coop"


def test_series_members_point_at_their_series(client, datasets):
    series = DatasetFactory(slug="monthly-series", kind="series")
    DatasetFactory(slug="member-2025", series=series)
    package = call(client, "package_show", id="member-2025")[1]["result"]
    extras = {e["key"]: e["value"] for e in package["extras"]}
    assert extras["in_series"] == ckan.make_id("dataset", series.pk)
    shown = call(client, "package_show", id="monthly-series")[1]["result"]
    assert {e["key"]: e["value"] for e in shown["extras"]}["dataset_kind"] == "series"


def test_resource_show(client, datasets):
    resource = datasets["new"].resources.get()
    body = call(client, "resource_show", id=ckan.make_id("resource", resource.pk))[1]["result"]
    assert body["format"] == "XLSX" and body["position"] == 0


def test_ids_are_stable_decodable_and_site_specific(settings):
    first = ckan.make_id("dataset", 42)
    assert ckan.make_id("dataset", 42) == first
    assert ckan.parse_id("dataset", first) == 42
    assert ckan.parse_id("resource", first) is None
    assert ckan.parse_id("dataset", "not-an-id") is None
    settings.SHAREHUB_SITE_URL = "https://data.other-city.example"
    assert ckan.make_id("dataset", 42) != first


def test_organization_names_that_ckan_refuses():
    korean = OrganizationFactory(slug="나눔-조합")
    assert ckan.org_name(korean) == f"org__{korean.pk}"
    city_clash = OrganizationFactory(slug=CITY)
    assert ckan.org_name(city_clash) == f"org__{city_clash.pk}"


def test_organization_show_and_list(client, datasets):
    body = call(client, "organization_show", id=CITY, include_datasets="true")[1]["result"]
    assert body["package_count"] == 1
    assert [p["name"] for p in body["packages"]] == ["old-data"]
    assert body["id"] == ckan.make_id("organization", 0)
    listed = call(client, "organization_list", sort="package_count desc", all_fields="true")[1]
    assert {o["name"] for o in listed["result"]} == {CITY, "sharing-coop"}
    assert call(client, "organization_list", limit=1, sort="name desc")[1]["result"] == [
        "sharing-coop"
    ]
    response, body = call(client, "organization_list", sort="colour")
    assert response.status_code == 409


def test_status_show(client):
    body = call(client, "status_show")[1]["result"]
    assert body["ckan_version"] == ckan.CKAN_VERSION
    assert body["site_url"]
    assert body["locale_default"] == "ko"


# --- Bounded queries ----------------------------------------------------------------------


def _catalogue(size: int) -> None:
    for n in range(size):
        org = OrganizationFactory() if n % 2 else None
        dataset = DatasetFactory(publisher=org, themes=["SOCI", "ECON"])
        ResourceFactory(dataset=dataset)
        ResourceFactory(dataset=dataset, format=Format.JSON)


@pytest.mark.parametrize("size", [3, 30])
def test_search_runs_a_bounded_number_of_queries(client, django_assert_max_num_queries, size):
    _catalogue(size)
    params = {
        "q": "공유",
        "fq": "groups:soci -organization:nobody",
        "rows": 1000,
        "sort": "score desc, metadata_modified desc",
        "facet.field": json.dumps(list(ckan.FACET_FIELDS)),
    }
    # keys with the count, page, resources, 5 facets, the organizations' names: same at any size
    with django_assert_max_num_queries(9):
        body = client.get("/api/3/action/package_search", params).json()
    assert body["result"]["count"] == size
    assert len(body["result"]["results"]) == size


@pytest.mark.parametrize("size", [3, 30])
def test_lists_run_a_bounded_number_of_queries(client, django_assert_max_num_queries, size):
    _catalogue(size)
    with django_assert_max_num_queries(2):
        assert len(client.get("/api/3/action/package_list").json()["result"]) == size
    with django_assert_max_num_queries(3):
        client.get("/api/3/action/organization_list", {"all_fields": "true"})
    with django_assert_max_num_queries(5):
        client.get("/api/3/action/organization_show", {"id": CITY, "include_datasets": True})


def test_resource_urls_are_the_hubs_download_addresses(client):
    from django.urls import reverse
    from django.utils import translation

    dataset = DatasetFactory(slug="data-987654321")  # digits like the path template's mark
    resource = ResourceFactory(dataset=dataset)
    package = call(client, "package_show", id=dataset.slug)[1]["result"]
    with translation.override("ko"):
        download = reverse(
            "opendata:resource_download", kwargs={"slug": dataset.slug, "pk": resource.pk}
        )
        page = reverse("opendata:dataset", kwargs={"slug": dataset.slug})
    assert package["resources"][0]["url"] == f"http://testserver{download}"
    assert package["url"] == f"http://testserver{page}"


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/api/3/action/", 400),
        ("/api/action", 400),
        ("/api/3/action/a/b", 400),
        ("/api/3/action/package_list/", 200),
    ],
)
def test_odd_addresses_answer_in_ckans_json(client, path, status):
    response = client.get(path)
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    assert "success" in response.json()
