"""The DCAT-AP catalogue's addresses: Hydra paging, `modified_since`, bad parameters, what is
never listed, query bounds, conditional requests, content negotiation on the IRIs, and the
machine-readable tags of a dataset's page (schema.org markup, alternates)."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
import rdflib
from django.template import Context, Template
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from rdflib.namespace import DCTERMS, RDF

from sharehub.opendata.models import Dataset, DatasetKind, Licence
from sharehub.opendata.tests.factories import DatasetFactory, ResourceFactory
from sharehub.organizations.tests.factories import OrganizationFactory
from sharehub.places.tests.factories import DistrictFactory

# rdflib's JSON-LD parser uses its own deprecated ConjunctiveGraph.
pytestmark = pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")

SITE = "https://share.seoul.example"
DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")
HYDRA = rdflib.Namespace("http://www.w3.org/ns/hydra/core#")
CATALOG = rdflib.URIRef(f"{SITE}/catalog")


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SHAREHUB_SITE_URL = SITE


def _graph(response) -> rdflib.Graph:
    assert response.status_code == 200, response.content[:300]
    fmt = "json-ld" if response["Content-Type"].startswith("application/ld+json") else "turtle"
    return rdflib.Graph().parse(data=response.content.decode(), format=fmt)


def _datasets(graph: rdflib.Graph) -> set[str]:
    return {str(o).rsplit("/", 1)[1] for o in graph.objects(CATALOG, DCAT.dataset)}


def _view(graph: rdflib.Graph) -> rdflib.term.Node:
    return next(graph.subjects(RDF.type, HYDRA.PartialCollectionView))


# --- Paging ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["catalog:jsonld", "catalog:ttl"])
def test_hydra_paging_walks_the_whole_catalogue(client, db, name):
    slugs = {DatasetFactory().slug for _ in range(5)}
    url = reverse(name)
    first = _graph(client.get(url, {"page_size": 2}))
    view = _view(first)
    assert first.value(view, HYDRA.totalItems).toPython() == 5
    assert first.value(CATALOG, HYDRA.totalItems).toPython() == 5
    assert first.value(view, HYDRA.itemsPerPage).toPython() == 2
    assert str(first.value(view, HYDRA.first)) == f"{SITE}{url}?page_size=2&page=1"
    assert str(first.value(view, HYDRA.last)) == f"{SITE}{url}?page_size=2&page=3"
    assert first.value(view, HYDRA.previous) is None
    seen: list[str] = []
    graph, pages = first, 0
    while True:
        pages += 1
        seen += sorted(_datasets(graph))
        following = graph.value(_view(graph), HYDRA.next)
        if following is None:
            break
        graph = _graph(client.get(str(following).removeprefix(SITE)))
    assert pages == 3
    assert len(seen) == 5 and set(seen) == slugs
    last = _view(graph)
    assert str(graph.value(last, HYDRA.previous)) == f"{SITE}{url}?page_size=2&page=2"


def test_default_page_size_and_link_headers(client, db):
    for _ in range(3):
        DatasetFactory()
    response = client.get(reverse("catalog:ttl"))
    graph = _graph(response)
    assert graph.value(_view(graph), HYDRA.itemsPerPage).toPython() == 100
    assert 'rel="first"' in response["Link"] and 'rel="next"' not in response["Link"]
    response = client.get(reverse("catalog:ttl"), {"page_size": 1, "page": 2})
    assert f'<{SITE}/catalog.ttl?page_size=1&page=3>; rel="next"' in response["Link"]
    assert f'<{SITE}/catalog.ttl?page_size=1&page=1>; rel="prev"' in response["Link"]


def test_an_empty_catalogue_has_one_empty_page(client, db):
    graph = _graph(client.get(reverse("catalog:jsonld")))
    assert _datasets(graph) == set()
    assert graph.value(_view(graph), HYDRA.totalItems).toPython() == 0
    assert client.get(reverse("catalog:jsonld"), {"page": 2}).status_code == 404


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"page": "0"}, "page"),
        ({"page": "two"}, "page"),
        ({"page": "-1"}, "page"),
        ({"page": "²"}, "page"),
        ({"page": "9" * 40}, "page"),
        ({"page_size": "1001"}, "page_size"),
        ({"page_size": "0"}, "page_size"),
        ({"modified_since": "yesterday"}, "modified_since"),
        ({"modified_since": "2025-13-01"}, "modified_since"),
        ({"modified_since": "2025-02-30T10:00:00"}, "modified_since"),
        ({"modified_since": "0001-01-01T00:00:00+14:00"}, "modified_since"),
    ],
)
def test_bad_parameters_answer_400_with_a_message(client, db, params, field):
    response = client.get(reverse("catalog:jsonld"), params)
    assert response.status_code == 400
    body = response.json()
    assert body["errors"][field] == [body["detail"]]
    assert field in body["detail"]
    response = client.get(reverse("catalog:ttl"), params)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")
    assert field in response.content.decode()


def test_a_page_past_the_last_is_404(client, db):
    DatasetFactory()
    response = client.get(reverse("catalog:jsonld"), {"page": 2})
    assert response.status_code == 404
    assert response.json()["errors"] == {"page": [response.json()["detail"]]}


# --- modified_since --------------------------------------------------------------------------


def test_modified_since_keeps_what_changed_then_or_later(client, db):
    seoul = dt.timezone(dt.timedelta(hours=9))
    old = DatasetFactory(modified=dt.datetime(2025, 1, 10, 12, 0, tzinfo=seoul))
    edge = DatasetFactory(modified=dt.datetime(2025, 3, 1, 0, 0, tzinfo=seoul))
    new = DatasetFactory(modified=dt.datetime(2025, 6, 1, 9, 30, tzinfo=seoul))

    def listed(value: str) -> set[str]:
        graph = _graph(client.get(reverse("catalog:ttl"), {"modified_since": value}))
        # The filter stays in the paging links.
        assert "modified_since=" in str(graph.value(_view(graph), HYDRA.first))
        return _datasets(graph)

    # A date is its first moment in Seoul; a date-time without offset is Seoul's time.
    assert listed("2025-03-01") == {edge.slug, new.slug}
    assert listed("2025-03-01T00:00:01") == {new.slug}
    # 2025-02-28T15:00Z is 2025-03-01T00:00 in Seoul.
    assert listed("2025-02-28T15:00:00Z") == {edge.slug, new.slug}
    assert listed("2025-06-01T09:30:00+09:00") == {new.slug}
    # An offset's "+" sent unencoded arrives as a space.
    response = client.get(f"{reverse('catalog:ttl')}?modified_since=2025-06-01T09:30:00+09:00")
    assert _datasets(_graph(response)) == {new.slug}
    assert listed("2020-01-01") == {old.slug, edge.slug, new.slug}
    assert listed("2030-01-01") == set()


# --- What is never listed --------------------------------------------------------------------


def test_unpublished_datasets_and_series_never_appear(client, db):
    shown = DatasetFactory(slug="shown")
    ResourceFactory(dataset=shown)
    draft = DatasetFactory(slug="draft", is_published=False, issued=None)
    ResourceFactory(dataset=draft)
    draft_series = DatasetFactory(
        slug="draft-series", kind=DatasetKind.SERIES, is_published=False, issued=None
    )
    DatasetFactory(slug="member", series=draft_series)
    for name in ("catalog:ttl", "catalog:jsonld"):
        response = client.get(reverse(name))
        assert b"draft" not in response.content
        assert _datasets(_graph(response)) == {"shown", "member"}
    for name in ("catalog:dataset_ttl", "catalog:dataset_jsonld"):
        assert client.get(reverse(name, kwargs={"slug": "draft"})).status_code == 404
        assert client.get(reverse(name, kwargs={"slug": "draft-series"})).status_code == 404
        assert client.get(reverse(name, kwargs={"slug": "nothing"})).status_code == 404
        assert b"draft" not in client.get(reverse(name, kwargs={"slug": "member"})).content
    assert client.get(reverse("catalog:dataset", kwargs={"slug": "draft"})).status_code == 404


def test_a_series_lists_its_published_members_only(client, db):
    series = DatasetFactory(slug="by-year", kind=DatasetKind.SERIES)
    DatasetFactory(slug="year-2024", series=series)
    DatasetFactory(slug="year-2025", series=series, is_published=False, issued=None)
    graph = _graph(client.get(reverse("catalog:dataset_ttl", kwargs={"slug": "by-year"})))
    series_iri = rdflib.URIRef(f"{SITE}/catalog/by-year")
    assert (series_iri, RDF.type, DCAT.DatasetSeries) in graph
    members = set(graph.subjects(DCAT.inSeries, series_iri))
    assert members == {rdflib.URIRef(f"{SITE}/catalog/year-2024")}


# --- Content ---------------------------------------------------------------------------------


def test_a_dataset_says_what_it_is(client, db):
    organization = OrganizationFactory(name_ko="나눔가게", name_en="Sharing Shop")
    district = DistrictFactory(code="11140", name_ko="중구", name_en="Jung-gu")
    dataset = DatasetFactory(
        slug="shop-data",
        publisher=organization,
        spatial=district,
        licence=Licence.KOGL_1,
        themes=["REGI"],
        temporal_start=dt.date(2024, 1, 1),
        # Whatever the texts hold, the documents stay well-formed.
        description_ko='따옴표 " 와 역슬래시 \\ 와\n줄바꿈 </script> & <b>',
    )
    upload = ResourceFactory(
        dataset=dataset,
        origin="upload",
        generator="",
        format="XLSX",
        byte_size=2048,
        checksum="0F" * 32,
    )
    for name in ("catalog:dataset_ttl", "catalog:dataset_jsonld"):
        graph = _graph(client.get(reverse(name, kwargs={"slug": "shop-data"})))
        subject = rdflib.URIRef(f"{SITE}/catalog/shop-data")
        assert rdflib.Literal(dataset.description_ko, lang="ko") in set(
            graph.objects(subject, DCTERMS.description)
        )
        publisher = graph.value(subject, DCTERMS.publisher)
        assert {str(n) for n in graph.objects(publisher, rdflib.FOAF.name)} == {
            "나눔가게",
            "Sharing Shop",
        }
        licence = next(
            graph.objects(next(graph.objects(subject, DCAT.distribution)), DCTERMS.license)
        )
        assert str(licence) == "https://www.kogl.or.kr/info/licenseType1.do"
        assert str(graph.value(subject, DCAT.theme)).endswith("/data-theme/REGI")
        place = graph.value(subject, DCTERMS.spatial)
        assert str(graph.value(place, DCAT.bbox)).startswith("POLYGON((126.970000 37.540000")
        distribution = rdflib.URIRef(f"{SITE}/catalog/shop-data#distribution-{upload.pk}")
        assert graph.value(distribution, DCAT.byteSize).toPython() == 2048
        assert str(graph.value(distribution, DCAT.mediaType)).endswith(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        checksum = graph.value(distribution, rdflib.URIRef("http://spdx.org/rdf/terms#checksum"))
        value = graph.value(checksum, rdflib.URIRef("http://spdx.org/rdf/terms#checksumValue"))
        assert str(value) == "0f" * 32
    # A dataset of the whole city covers GeoNames' city.
    city = DatasetFactory(slug="city-data")
    graph = _graph(client.get(reverse("catalog:dataset_ttl", kwargs={"slug": "city-data"})))
    assert str(graph.value(rdflib.URIRef(f"{SITE}/catalog/{city.slug}"), DCTERMS.spatial)) == (
        "https://sws.geonames.org/1835848/"
    )


def test_the_data_services_serve_the_page_datasets(client, db):
    live = DatasetFactory(slug="live")
    ResourceFactory(dataset=live)  # generated live from the hub
    uploaded = DatasetFactory(slug="uploaded")
    ResourceFactory(dataset=uploaded, origin="upload", generator="", format="PDF")
    graph = _graph(client.get(reverse("catalog:jsonld")))
    api = rdflib.URIRef(f"{SITE}/catalog#api")
    ckan = rdflib.URIRef(f"{SITE}/catalog#ckan")
    assert set(graph.objects(CATALOG, DCAT.service)) == {api, ckan}
    assert str(graph.value(api, DCAT.endpointURL)) == f"{SITE}/api/v1/"
    assert str(graph.value(api, DCAT.endpointDescription)) == f"{SITE}/api/v1/openapi.json"
    assert str(graph.value(ckan, DCAT.endpointURL)) == f"{SITE}/api/3/action/"
    served = {str(o).rsplit("/", 1)[1] for o in graph.objects(ckan, DCAT.servesDataset)}
    assert served == {"live", "uploaded"}
    served = {str(o).rsplit("/", 1)[1] for o in graph.objects(api, DCAT.servesDataset)}
    assert served == {"live"}


# --- Queries, caching, negotiation -----------------------------------------------------------


def _fill(count: int) -> None:
    district = DistrictFactory()
    organization = OrganizationFactory()
    series = DatasetFactory(kind=DatasetKind.SERIES)
    for index in range(count):
        dataset = DatasetFactory(
            series=series if index % 2 else None,
            publisher=organization if index % 3 else None,
            spatial=district if index % 4 else None,
        )
        ResourceFactory(dataset=dataset)
        ResourceFactory(dataset=dataset, format="JSON")


@pytest.mark.parametrize("count", [3, 30])
@pytest.mark.parametrize("name", ["catalog:jsonld", "catalog:ttl"])
def test_a_page_runs_a_fixed_number_of_queries(
    client, db, django_assert_max_num_queries, count, name
):
    _fill(count)
    # The count and latest change, the page, its resources, its districts.
    with django_assert_max_num_queries(4):
        response = client.get(reverse(name))
    assert len(_datasets(_graph(response))) == count + 1


@pytest.mark.parametrize("count", [2, 10])
def test_a_dataset_document_runs_a_fixed_number_of_queries(
    client, db, django_assert_max_num_queries, count
):
    _fill(count)
    series = Dataset.objects.get(kind=DatasetKind.SERIES)
    member = Dataset.objects.filter(series=series).first()
    assert member is not None
    for slug in (series.slug, member.slug):
        # The dataset with its publisher and series, its resources, its district, its members.
        with django_assert_max_num_queries(4):
            response = client.get(reverse("catalog:dataset_ttl", kwargs={"slug": slug}))
        assert response.status_code == 200


def test_an_unchanged_document_answers_304(client, db):
    dataset = DatasetFactory()
    response = client.get(reverse("catalog:ttl"))
    etag = response["ETag"]
    assert response["Cache-Control"] == "public, max-age=300"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert client.get(reverse("catalog:ttl"), headers={"If-None-Match": etag}).status_code == 304
    Dataset.objects.filter(pk=dataset.pk).update(title_en="Renamed", modified=timezone.now())
    assert client.get(reverse("catalog:ttl"), headers={"If-None-Match": etag}).status_code == 200


def test_the_iris_redirect_to_what_the_client_accepts(client, db):
    DatasetFactory(slug="data-1")
    url = reverse("catalog:dataset", kwargs={"slug": "data-1"})
    assert url == "/catalog/data-1"
    response = client.get(url, headers={"Accept": "text/turtle"})
    assert response.status_code == 303
    assert response["Location"] == "/catalog/data-1.ttl"
    assert "Accept" in response["Vary"]
    response = client.get(url, headers={"Accept": "application/ld+json"})
    assert response["Location"] == "/catalog/data-1.jsonld"
    response = client.get(url, headers={"Accept": "text/html"})
    assert response.status_code == 303
    assert "data-1" in response["Location"] and not response["Location"].endswith(".jsonld")
    response = client.get(reverse("catalog:catalog"), headers={"Accept": "text/turtle"})
    assert response["Location"] == "/catalog.ttl"
    assert client.post(reverse("catalog:ttl")).status_code == 405


# --- The dataset page's tags -----------------------------------------------------------------


def _render(template: str, **context) -> str:
    return Template("{% load opendata_ld %}" + template).render(Context(context))


def _schema(html: str) -> dict:
    match = re.search(
        r'<script type="application/ld\+json" nonce="n0nce">(.*?)</script>', html, re.S
    )
    assert match, html
    return json.loads(match.group(1))


def test_schema_org_markup_of_a_dataset(db):
    series = DatasetFactory(slug="series", kind=DatasetKind.SERIES, title_ko="시리즈")
    organization = OrganizationFactory(name_ko="나눔가게")
    dataset = DatasetFactory(
        slug="member",
        series=series,
        publisher=organization,
        title_ko="공유 </script><script>alert(1)</script> & 목록",
        keywords_ko="공유, 목록",
        temporal_start=dt.date(2024, 1, 1),
        temporal_end=dt.date(2024, 12, 31),
        licence=Licence.CC_BY_4_0,
    )
    resource = ResourceFactory(dataset=dataset, format="GEOJSON")
    html = _render("{% dataset_schema_org dataset %}", dataset=dataset, csp_nonce="n0nce")
    # Nothing in the texts closes the element or starts markup.
    assert html.count("</script>") == 1 and "<script>alert" not in html and " & " not in html
    data = _schema(html)
    assert data["@type"] == "Dataset"
    assert data["name"] == dataset.title_ko
    assert data["keywords"] == ["공유", "목록"]
    assert data["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert data["identifier"] == f"{SITE}/catalog/member"
    assert data["temporalCoverage"] == "2024-01-01/2024-12-31"
    assert data["creator"] == data["publisher"]
    assert data["publisher"]["name"] == "나눔가게"
    assert data["inLanguage"] == "ko"
    assert data["spatialCoverage"]["sameAs"] == "https://sws.geonames.org/1835848/"
    assert data["isPartOf"]["name"] == "시리즈"
    assert data["distribution"] == [
        {
            "@type": "DataDownload",
            "name": resource.title_ko,
            "contentUrl": data["distribution"][0]["contentUrl"],
            "encodingFormat": "application/geo+json",
        }
    ]
    assert f"/member/resources/{resource.pk}/" in data["distribution"][0]["contentUrl"]


def test_no_markup_for_a_draft(db):
    draft = DatasetFactory(is_published=False, issued=None)
    assert _render("{% dataset_schema_org d %}{% dataset_alternates d %}", d=draft) == ""
    assert _render("{% dataset_schema_org d %}{% dataset_alternates d %}", d=None) == ""


def test_alternates_point_at_the_dataset_descriptions(client, db):
    dataset = DatasetFactory(slug="alt")
    html = _render("{% dataset_alternates dataset %}", dataset=dataset)
    links = re.findall(r'<link rel="alternate" type="([^"]+)" href="([^"]+)"', html)
    assert links == [
        ("application/ld+json", "/catalog/alt.jsonld"),
        ("text/turtle", "/catalog/alt.ttl"),
    ]
    for kind, href in links:
        response = client.get(href)
        assert response.status_code == 200 and response["Content-Type"].startswith(kind)
    html = _render("{% catalogue_alternates %}")
    assert 'href="/catalog.jsonld"' in html and 'href="/catalog.ttl"' in html


def test_the_dataset_page_carries_the_markup(client, db):
    """Once the catalogue's dataset page exists (opendata:dataset), its head has both."""
    dataset = DatasetFactory(slug="paged")
    try:
        url = reverse("opendata:dataset", kwargs={"slug": dataset.slug})
    except NoReverseMatch:  # the page is another part's; it may not be there yet
        pytest.skip("opendata:dataset is not routed yet")
    html = client.get(url).content.decode()
    assert 'type="application/ld+json" href="/catalog/paged.jsonld"' in html
    match = re.search(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', html, re.S)
    assert match and json.loads(match.group(1))["identifier"] == f"{SITE}/catalog/paged"
