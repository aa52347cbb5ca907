"""The catalogue validated against the official DCAT-AP 3.0.0 SHACL shapes (data/
dcat-ap-3.0.0-shacl, unmodified copies; see its NOTICE.md and data/SOURCES.md) with pyshacl:
`/catalog.ttl`, `/catalog.jsonld` (parsed back) and a dataset's own description, on a fixture
covering every field, a series, both data services, every format, licence, theme and frequency.

The shapes are validated without inference (`inference="none"`): the catalogue types every
object the shapes constrain by class, as the validators do not dereference IRIs. Besides the
profile's shapes (`dcat-ap-SHACL.ttl`), the controlled-vocabulary shapes
(`mdr-vocabularies.shape.ttl`: themes, frequencies, file types, languages, licence and
publisher types in their EU/ADMS schemes), the range shapes and the deprecated-URI shapes hold
too; their warnings (a publisher outside the EU's corporate bodies, a district that is not a
GeoNames place) are allowed, violations are not.
"""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path

import pytest
import rdflib
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from pyshacl import validate
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, RDF, SH

from sharehub.opendata import dcat
from sharehub.opendata.models import (
    Dataset,
    DatasetKind,
    Format,
    Frequency,
    Licence,
    Resource,
    Theme,
)
from sharehub.opendata.tests.factories import DatasetFactory, ResourceFactory
from sharehub.organizations.models import OrganizationKind
from sharehub.organizations.tests.factories import OrganizationFactory
from sharehub.places.tests.factories import DistrictFactory

SHAPES_DIR = Path(settings.BASE_DIR) / "data" / "dcat-ap-3.0.0-shacl"
# rdflib's JSON-LD parser uses its own deprecated ConjunctiveGraph.
pytestmark = pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")

SITE = "https://share.seoul.example"
# Not rdflib.namespace.DCAT: a closed namespace warns when pytest looks at its attributes.
DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")


@functools.cache
def _shapes(*names: str) -> rdflib.Graph:
    graph = rdflib.Graph()
    for name in names:
        graph.parse(SHAPES_DIR / name, format="turtle")
    return graph


def profile_shapes() -> rdflib.Graph:
    return _shapes("dcat-ap-SHACL.ttl")


def all_shapes() -> rdflib.Graph:
    return _shapes(
        "dcat-ap-SHACL.ttl", "range.ttl", "mdr-vocabularies.shape.ttl", "deprecateduris.ttl"
    )


def results(data: rdflib.Graph, shapes: rdflib.Graph) -> tuple[list[str], list[str]]:
    """(violations, warnings) as readable lines."""
    _conforms, report, _text = validate(
        data, shacl_graph=shapes, inference="none", allow_warnings=True, advanced=True
    )
    violations, warnings = [], []
    # The report's own results only: a failed sh:node's nested details (sh:detail) carry
    # their inner shape's severity, not the property shape's.
    for result in report.objects(None, SH.result):
        line = " | ".join(
            str(report.value(result, key))
            for key in (SH.focusNode, SH.resultPath, SH.resultMessage)
        )
        severity = report.value(result, SH.resultSeverity)
        (violations if severity == SH.Violation else warnings).append(line)
    return violations, warnings


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SHAREHUB_SITE_URL = SITE


@pytest.fixture
def full_catalogue(db):
    """A small catalogue with everything the catalogue can say."""
    district = DistrictFactory(code="11110", name_ko="종로구", name_en="Jongno-gu")
    organization = OrganizationFactory(
        kind=OrganizationKind.NONPROFIT, website="https://sharing.example.org/"
    )
    series = DatasetFactory(
        slug="listings-by-year",
        kind=DatasetKind.SERIES,
        title_ko="연도별 공유 목록",
        title_en="Sharing listings by year",
        themes=["ECON", "SOCI"],
        frequency=Frequency.ANNUAL,
        licence=Licence.CC0,
    )
    member = DatasetFactory(
        slug="listings-2025",
        series=series,
        publisher=organization,
        spatial=district,
        licence=Licence.CC_BY_4_0,
        themes=list(Theme.values),
        temporal_start=dt.date(2025, 1, 1),
        temporal_end=dt.date(2025, 12, 31),
        keywords_ko="공유, 목록",
        keywords_en="sharing, listings",
        issued=timezone.now() - dt.timedelta(days=30),
    )
    for position, fmt in enumerate(Format.values):
        if fmt in (Format.CSV, Format.JSON, Format.GEOJSON):
            ResourceFactory(dataset=member, position=position, format=fmt, title_ko=f"목록 {fmt}")
        else:
            ResourceFactory(
                dataset=member,
                position=position,
                format=fmt,
                origin="upload",
                generator="",
                title_ko=f"파일 {fmt}",
                title_en=f"File {fmt}",
                original_name=f"file.{fmt.lower()}",
                byte_size=1234 + position,
                checksum="ab" * 32,
            )
    # Every other licence and frequency, and a dataset covering only a start.
    for licence, frequency in zip(
        [Licence.CC_BYSA_4_0, Licence.KOGL_1, *[Licence.CC_BY_4_0] * 4],
        [f for f in Frequency.values if f not in (Frequency.ANNUAL, Frequency.MONTHLY)],
        strict=True,
    ):
        ResourceFactory(
            dataset=DatasetFactory(
                licence=licence, frequency=frequency, temporal_start=dt.date(2024, 1, 1)
            )
        )
    # Never in the catalogue: a draft, and the published member of a draft series says nothing
    # of its series.
    draft = DatasetFactory(slug="draft-data", is_published=False, issued=None)
    draft_series = DatasetFactory(
        slug="draft-series", kind=DatasetKind.SERIES, is_published=False, issued=None
    )
    orphan = DatasetFactory(slug="orphan-member", series=draft_series)
    return {
        "series": series,
        "member": member,
        "draft": draft,
        "draft_series": draft_series,
        "orphan": orphan,
    }


def _get(client, url: str) -> rdflib.Graph:
    response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    fmt = "json-ld" if url.split("?")[0].endswith(".jsonld") else "turtle"
    return rdflib.Graph().parse(data=response.content.decode(), format=fmt)


@pytest.mark.parametrize("name", ["catalog:ttl", "catalog:jsonld"])
def test_catalogue_conforms_to_dcat_ap_3(client, full_catalogue, name):
    graph = _get(client, reverse(name))
    violations, _warnings = results(graph, profile_shapes())
    assert violations == []
    # It is the whole fixture: every published dataset, both services, the series, no draft.
    datasets = set(graph.subjects(RDF.type, DCAT.Dataset))
    assert len(datasets) == Dataset.objects.filter(is_published=True).count() == 9
    assert len(set(graph.subjects(RDF.type, DCAT.DataService))) == 2
    assert rdflib.URIRef(f"{SITE}/catalog/listings-by-year") in set(
        graph.subjects(RDF.type, DCAT.DatasetSeries)
    )
    assert rdflib.URIRef(f"{SITE}/catalog/draft-data") not in datasets
    assert rdflib.URIRef(f"{SITE}/catalog/draft-series") not in set(graph.all_nodes())


# mdr-vocabularies.shape.ttl wants a checksum's algorithm to start with "https://spdx.org/rdf/
# terms", but SPDX's namespace, DCAT-AP 3's own text and the profile's shapes (sh:class
# spdx:ChecksumAlgorithm) have http://spdx.org/rdf/terms#checksumAlgorithm_sha256: the
# catalogue keeps SPDX's IRI, which harvesters (ckanext-dcat, udata) read.
KNOWN_SHAPE_DEFECT = "ChecksumAlgorithmRestriction"


def test_catalogue_conforms_to_every_shape_file(client, full_catalogue):
    """The controlled-vocabulary, range and deprecation shapes too: no violation but the shape
    defect above (one per checksum); their warnings are about IRIs outside the EU's tables,
    which a Korean city's publishers and districts are."""
    graph = _get(client, reverse("catalog:ttl"))
    violations, warnings = results(graph, all_shapes())
    assert [v for v in violations if KNOWN_SHAPE_DEFECT not in v] == []
    checksums = Resource.objects.exclude(checksum="").count()
    assert len(violations) == checksums == 4
    assert warnings
    assert all(str(DCTERMS.publisher) in w or str(DCTERMS.spatial) in w for w in warnings), warnings


@pytest.mark.parametrize("name", ["catalog:dataset_ttl", "catalog:dataset_jsonld"])
@pytest.mark.parametrize("slug", ["listings-2025", "listings-by-year", "orphan-member"])
def test_dataset_description_conforms(client, full_catalogue, name, slug):
    graph = _get(client, reverse(name, kwargs={"slug": slug}))
    violations, _warnings = results(graph, all_shapes())
    assert [v for v in violations if KNOWN_SHAPE_DEFECT not in v] == []
    assert (rdflib.URIRef(f"{SITE}/catalog/{slug}"), RDF.type, DCAT.Dataset) in graph


def test_validation_can_fail(client, full_catalogue):
    """The shapes are really applied: without a dataset's title, or with a distribution lacking
    its access URL, the validation reports the violation."""
    graph = _get(client, reverse("catalog:dataset_ttl", kwargs={"slug": "listings-2025"}))
    dataset = rdflib.URIRef(f"{SITE}/catalog/listings-2025")
    distribution = next(graph.objects(dataset, DCAT.distribution))
    graph.remove((dataset, DCTERMS.title, None))
    graph.remove((distribution, DCAT.accessURL, None))
    violations, _warnings = results(graph, profile_shapes())
    assert any(str(dataset) in v and str(DCTERMS.title) in v for v in violations), violations
    assert any(str(distribution) in v and str(DCAT.accessURL) in v for v in violations)


def test_a_vocabulary_outside_its_scheme_is_a_violation(client, full_catalogue):
    """The controlled-vocabulary shapes bite too: a frequency that is not the EU's."""
    graph = _get(client, reverse("catalog:dataset_ttl", kwargs={"slug": "listings-2025"}))
    dataset = rdflib.URIRef(f"{SITE}/catalog/listings-2025")
    frequency = next(graph.objects(dataset, DCTERMS.accrualPeriodicity))
    graph.remove((frequency, rdflib.URIRef("http://www.w3.org/2004/02/skos/core#inScheme"), None))
    violations, _warnings = results(graph, all_shapes())
    assert any(str(DCTERMS.accrualPeriodicity) in v for v in violations), violations


def test_turtle_and_json_ld_say_the_same(client, full_catalogue):
    """Both documents are one graph: what the builder made, written twice."""
    turtle = _get(client, reverse("catalog:dataset_ttl", kwargs={"slug": "listings-2025"}))
    json_ld = _get(client, reverse("catalog:dataset_jsonld", kwargs={"slug": "listings-2025"}))
    built = dcat.dataset_graph(dcat.published_dataset("listings-2025")).to_rdflib()
    assert len(turtle) > 100
    assert isomorphic(turtle, json_ld)
    assert isomorphic(turtle, built)
