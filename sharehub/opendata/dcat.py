"""The catalogue in DCAT-AP 3 (https://semiceu.github.io/DCAT-AP/releases/3.0.0/), as Turtle and
JSON-LD, for harvesters (the EU data portal, Korea's national portal, any CKAN with
ckanext-dcat): `/catalog.ttl`, `/catalog.jsonld` (paged with Hydra, `modified_since`) and each
dataset's `/catalog/<slug>.ttl|.jsonld`. Valid against the official shapes (data/
dcat-ap-3.0.0-shacl, tests/test_dcat_shacl.py).

What it says:

- the **catalogue** (`<site>/catalog`): titles and descriptions in Korean and English, the city
  as publisher, its home page, languages, themes taxonomy, its datasets and data services;
- each published **dataset** (`<site>/catalog/<slug>`): titles, descriptions and keywords in
  both languages, identifier, publisher (the city or the organization), contact point, EU data
  themes, spatial coverage (GeoNames' city, or the district with its bounding box and centre),
  temporal coverage, EU frequency, issued and modified, landing page, distributions, and the
  series it belongs to; a series is a `dcat:DatasetSeries` (and a `dcat:Dataset`); its members
  point at it with `dcat:inSeries` (DCAT 3 has no inverse);
- each **distribution** (`…#distribution-<pk>`): title, access and download address, EU file
  type, IANA media type, licence (the EU's licence IRIs; the Korea Open Government Licence by
  its own page), size and SHA-256 when known;
- two **data services**: the hub's REST API (`/api/v1/`, OpenAPI) serving the datasets made
  live from the hub's data, and the CKAN Action API (`/api/3/action/`) serving them all.

Every object DCAT-AP constrains by class is typed and, for a controlled vocabulary's concept,
labelled and put in its scheme, since validators (and harvesters) do not dereference IRIs.

Unpublished datasets never appear, nor a series that is not published (its members then say
nothing of it).

The graph is built with `Graph` below, not rdflib: rdflib takes about half a second for a page
of 100 datasets, far over the catalogue's budget. `Graph.to_rdflib()` gives it to rdflib.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, NamedTuple
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Count, Max, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.encoding import iri_to_uri
from django.utils.translation import gettext as _

from sharehub.core.i18n import city_name, hub_name
from sharehub.opendata import vocab
from sharehub.opendata.models import (
    Dataset,
    DatasetKind,
    Frequency,
    Resource,
    ResourceOrigin,
    Theme,
    label_of,
)
from sharehub.opendata.selectors.datasets import public_datasets
from sharehub.opendata.vocab import NAMESPACES, RDF_TYPE, Concept, Scheme, ns
from sharehub.places.models import District

if TYPE_CHECKING:
    import rdflib

PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000
LANGUAGES = ("ko", "en")  # the catalogue describes everything in both


# === A small RDF graph and its writers =====================================================


class IRI(str):
    """A named node, by its full IRI."""

    __slots__ = ()


class Lit(NamedTuple):
    """A literal: a language-tagged string, a typed value, or a plain string."""

    value: str
    lang: str | None = None
    datatype: str | None = None  # a full IRI


class Node:
    """A subject's description: its predicates (full IRIs) and their objects, in order. A Node
    without an `id` is a blank node, written nested where it is the object (each blank node is
    the object of one triple only)."""

    __slots__ = ("id", "props")

    def __init__(self, node_id: str | None = None) -> None:
        self.id = node_id
        self.props: dict[str, list[Term]] = {}

    def add(self, predicate: str, obj: Term) -> Node:
        objects = self.props.setdefault(predicate, [])
        if obj not in objects:
            objects.append(obj)
        return self

    def typed(self, *classes: str) -> Node:
        for cls in classes:
            self.add(RDF_TYPE, IRI(cls))
        return self


Term = IRI | Lit | Node


class Graph:
    """Named subjects, in the order they were first described."""

    def __init__(self) -> None:
        self.subjects: dict[str, Node] = {}

    def node(self, iri: str, *classes: str) -> Node:
        node = self.subjects.get(iri)
        if node is None:
            node = self.subjects[iri] = Node(iri)
        return node.typed(*classes)

    def __contains__(self, iri: object) -> bool:
        return iri in self.subjects

    def to_turtle(self) -> str:
        return _TurtleWriter().write(self)

    def to_jsonld(self) -> str:
        # Compact: json's C encoder only serves documents without indentation.
        return json.dumps(jsonld_document(self), ensure_ascii=False, separators=(",", ":"))

    def to_rdflib(self) -> rdflib.Graph:
        import rdflib  # noqa: PLC0415  only here: the pages never need it

        graph = rdflib.Graph()
        for prefix, namespace in NAMESPACES.items():
            graph.bind(prefix, namespace)

        def term(obj: Term) -> rdflib.term.Node:
            if isinstance(obj, Node):
                return emit(obj)
            if isinstance(obj, Lit):
                datatype = rdflib.URIRef(obj.datatype) if obj.datatype else None
                return rdflib.Literal(obj.value, lang=obj.lang, datatype=datatype)
            return rdflib.URIRef(obj)

        def emit(node: Node) -> rdflib.term.Node:
            subject = rdflib.URIRef(node.id) if node.id else rdflib.BNode()
            for predicate, objects in node.props.items():
                for obj in objects:
                    graph.add((subject, rdflib.URIRef(predicate), term(obj)))
            return subject

        for node in self.subjects.values():
            emit(node)
        return graph


# Local names written as prefix:local (a safe subset of Turtle's PN_LOCAL); others in full.
_LOCAL = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*\Z")
_BY_NAMESPACE = sorted(NAMESPACES.items(), key=lambda item: -len(item[1]))
_NAMESPACE_STARTS = tuple(NAMESPACES.values())
_compact_cache: dict[str, str | None] = {}


def compact(iri: str) -> str | None:
    """prefix:local for an IRI in a known namespace, else None."""
    if not iri.startswith(_NAMESPACE_STARTS):  # the datasets' own IRIs: at C speed
        return None
    try:
        return _compact_cache[iri]
    except KeyError:
        pass
    found = None
    for prefix, namespace in _BY_NAMESPACE:
        if iri.startswith(namespace) and _LOCAL.match(iri[len(namespace) :]):
            found = f"{prefix}:{iri[len(namespace) :]}"
            break
    if len(_compact_cache) < 4096:  # vocabulary terms: bounded whatever the data
        _compact_cache[iri] = found
    return found


_STRING_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_NEEDS_ESCAPE = re.compile(r'[\\"\x00-\x1f\x7f]')
# What an IRIREF may not hold (Turtle 1.1, §6.4), percent-encoded. The builder's IRIs are URIs
# already (iri_to_uri); this is the writer's own guarantee.
_NOT_IN_IRI = {code: f"%{code:02X}" for code in [*range(0x21), *map(ord, '<>"{}|^`\\')]}


def _escape_char(match: re.Match[str]) -> str:
    char = match.group(0)
    return _STRING_ESCAPES.get(char) or f"\\u{ord(char):04X}"


def turtle_string(value: str) -> str:
    return '"' + _NEEDS_ESCAPE.sub(_escape_char, value) + '"'


def turtle_iri(iri: str) -> str:
    if short := compact(iri):
        return short
    return "<" + iri.translate(_NOT_IN_IRI) + ">"


class _TurtleWriter:
    def write(self, graph: Graph) -> str:
        out = [f"@prefix {prefix}: <{namespace}> ." for prefix, namespace in NAMESPACES.items()]
        for node in graph.subjects.values():
            out.append("")
            out.append(turtle_iri(node.id or "") + " " + self._props(node, 1) + " .")
        out.append("")
        return "\n".join(out)

    def _props(self, node: Node, depth: int) -> str:
        parts = []
        for predicate, objects in node.props.items():
            verb = "a" if predicate == RDF_TYPE else turtle_iri(predicate)
            parts.append(verb + " " + ", ".join(self._object(obj, depth) for obj in objects))
        return f" ;\n{'    ' * depth}".join(parts)

    def _object(self, obj: Term, depth: int) -> str:
        if isinstance(obj, Lit):
            text = turtle_string(obj.value)
            if obj.lang:
                return f"{text}@{obj.lang}"
            if obj.datatype:
                return f"{text}^^{turtle_iri(obj.datatype)}"
            return text
        if isinstance(obj, Node):
            if obj.id:
                return turtle_iri(obj.id)
            inner = "    " * (depth + 1)
            return f"[\n{inner}{self._props(obj, depth + 1)}\n{'    ' * depth}]"
        return turtle_iri(obj)


def _jsonld_key(iri: str) -> str:
    return compact(iri) or iri


def _jsonld_value(obj: Term) -> object:
    if isinstance(obj, Lit):
        if obj.lang:
            return {"@value": obj.value, "@language": obj.lang}
        if obj.datatype:
            return {"@value": obj.value, "@type": _jsonld_key(obj.datatype)}
        return obj.value
    if isinstance(obj, Node):
        return {"@id": obj.id} if obj.id else _jsonld_node(obj)
    return {"@id": str(obj)}


def _jsonld_node(node: Node) -> dict[str, object]:
    data: dict[str, object] = {}
    if node.id:
        data["@id"] = node.id
    for predicate, objects in node.props.items():
        if predicate == RDF_TYPE:
            types = [_jsonld_key(obj) for obj in objects if isinstance(obj, str)]
            data["@type"] = types[0] if len(types) == 1 else types
        else:
            values = [_jsonld_value(obj) for obj in objects]
            data[_jsonld_key(predicate)] = values[0] if len(values) == 1 else values
    return data


def jsonld_document(graph: Graph) -> dict[str, object]:
    """The graph as compacted JSON-LD: the namespaces as its context, one object per subject
    (blank nodes nested)."""
    return {
        "@context": dict(NAMESPACES),
        "@graph": [_jsonld_node(node) for node in graph.subjects.values()],
    }


# === Terms ==================================================================================

A = ns  # ns("dcat", "Dataset")
XSD_DATE = ns("xsd", "date")
XSD_DATETIME = ns("xsd", "dateTime")
XSD_INTEGER = ns("xsd", "integer")
XSD_NONNEG = ns("xsd", "nonNegativeInteger")
XSD_HEX = ns("xsd", "hexBinary")
WKT = ns("gsp", "wktLiteral")

DCAT_DATASET = A("dcat", "Dataset")
DCAT_SERIES = A("dcat", "DatasetSeries")
DCT_TITLE = A("dct", "title")
DCT_DESCRIPTION = A("dct", "description")
SKOS_LABEL = A("skos", "prefLabel")
RESOURCE = A("rdfs", "Resource")  # what DCAT-AP's shapes ask URLs to be (rdfs:Resource)
DOCUMENT = A("foaf", "Document")


def _datetime(value: datetime) -> Lit:
    return Lit(timezone.localtime(value).isoformat(timespec="seconds"), datatype=XSD_DATETIME)


def _date(value: date) -> Lit:
    return Lit(value.isoformat(), datatype=XSD_DATE)


def _texts(obj: Any, field: str) -> Iterable[Lit]:
    """A translated field's texts, each tagged with its language (empty ones left out)."""
    for language in LANGUAGES:
        if value := (getattr(obj, f"{field}_{language}", "") or "").strip():
            yield Lit(value, lang=language)


def _city(key: str) -> Any:
    """A setting of the city (settings.SHAREHUB_CITY), or None."""
    return settings.SHAREHUB_CITY.get(key)


def _in_language(language: str, message: Callable[[], str]) -> str:
    with translation.override(language):
        return message()


# === URLs ===================================================================================


def site_url() -> str:
    return settings.SHAREHUB_SITE_URL.rstrip("/")


def catalog_iri() -> str:
    return f"{site_url()}/catalog"


def dataset_iri(slug: str) -> str:
    return f"{site_url()}/catalog/{slug}"


def distribution_iri(slug: str, pk: int) -> str:
    return f"{dataset_iri(slug)}#distribution-{pk}"


_SLUG, _PK = "slugxqzslug", 987654321


def _url_pattern(name: str, kwargs: dict[str, Any], fallback: str) -> str:
    """An absolute URL pattern ("…/{slug}/…") of a named page in the default language, reversed
    once per document rather than once per row. `fallback` (a path pattern) while the page's URL
    name does not exist."""
    with translation.override(settings.LANGUAGE_CODE):
        try:
            path = reverse(name, kwargs=kwargs)
        except NoReverseMatch:
            return site_url() + fallback.format(lang=settings.LANGUAGE_CODE, slug="{slug}")
    path = path.replace(_SLUG, "{slug}").replace(str(_PK), "{pk}")
    return site_url() + path


class Urls:
    """The pages a catalogue document links to."""

    def __init__(self) -> None:
        self.dataset_page = _url_pattern(
            "opendata:dataset", {"slug": _SLUG}, "/{lang}/data/datasets/{slug}/"
        )
        self.download = _url_pattern(
            "opendata:resource_download",
            {"slug": _SLUG, "pk": _PK},
            "/{lang}/data/datasets/{slug}/resources/{{pk}}/download/",
        )
        self.catalogue_page = _url_pattern("opendata:datasets", {}, "/{lang}/data/datasets/")

    def dataset(self, slug: str) -> str:
        return self.dataset_page.format(slug=slug)

    def resource_download(self, slug: str, pk: int) -> str:
        return self.download.format(slug=slug, pk=pk)


# === Reads ==================================================================================

# The catalogue reads plain rows (`values()`), not model instances: a page is 100 datasets and
# their resources, and building the instances and prefetching cost more than the whole document.
_DATASET_FIELDS = (
    "pk",
    "slug",
    "kind",
    "title_ko",
    "title_en",
    "description_ko",
    "description_en",
    "contact_name",
    "contact_email",
    "licence",
    "themes",
    "keywords_ko",
    "keywords_en",
    "spatial_id",
    "temporal_start",
    "temporal_end",
    "frequency",
    "issued",
    "modified",
    "publisher_id",
    "series_id",
)
_PUBLISHER_FIELDS = ("name_ko", "name_en", "kind", "website")
_SERIES_FIELDS = (
    "slug",
    "title_ko",
    "title_en",
    "description_ko",
    "description_en",
    "is_published",
)
_RESOURCE_FIELDS = (
    "pk",
    "dataset_id",
    "title_ko",
    "title_en",
    "origin",
    "format",
    "byte_size",
    "checksum",
    "created_at",
    "modified_at",
)


class Row(SimpleNamespace):
    """A dataset, resource, publisher or series as the catalogue reads it: the model's field
    names as attributes (a dataset's `publisher` and `series` are Rows or None, its `resources`
    a list of Rows)."""


def dataset_rows(datasets: QuerySet[Dataset]) -> list[Row]:
    """The datasets with their publisher and series (one query) and their resources (one)."""
    fields = (
        *_DATASET_FIELDS,
        *(f"publisher__{name}" for name in _PUBLISHER_FIELDS),
        *(f"series__{name}" for name in _SERIES_FIELDS),
    )
    rows: list[Row] = []
    for values in datasets.values(*fields):
        row = Row(**{name: values[name] for name in _DATASET_FIELDS}, resources=[])
        row.publisher = (
            Row(pk=row.publisher_id, **{n: values[f"publisher__{n}"] for n in _PUBLISHER_FIELDS})
            if row.publisher_id
            else None
        )
        row.series = (
            Row(pk=row.series_id, **{n: values[f"series__{n}"] for n in _SERIES_FIELDS})
            if row.series_id
            else None
        )
        rows.append(row)
    if rows:
        by_id = {row.pk: row for row in rows}
        resources = Resource.objects.filter(dataset_id__in=by_id).order_by(
            "dataset_id", "position", "pk"
        )
        for values in resources.values(*_RESOURCE_FIELDS):
            by_id[values["dataset_id"]].resources.append(Row(**values))
    return rows


@dataclass
class Page:
    """One page of the catalogue."""

    datasets: list[Row]
    districts: dict[int, District]
    total: int
    number: int
    size: int
    latest: datetime | None  # the latest `modified` among every matching dataset

    @property
    def last(self) -> int:
        return max(1, -(-self.total // self.size))


class PageOutOfRange(Exception):
    pass


def _districts(datasets: Iterable[Row]) -> dict[int, District]:
    """The page's districts, each read once (their boundaries give the bounding boxes)."""
    ids = {dataset.spatial_id for dataset in datasets if dataset.spatial_id}
    if not ids:
        return {}
    return {district.pk: district for district in District.objects.filter(pk__in=ids)}


def catalogue_page(
    *, number: int = 1, size: int = PAGE_SIZE, modified_since: datetime | None = None
) -> Page:
    """A page of the published datasets (and series), in the order they were created, so pages
    stay put while a harvester walks them: four queries whatever the catalogue's size (the
    count and latest change, the datasets, their resources, their districts)."""
    datasets = public_datasets()
    if modified_since is not None:
        datasets = datasets.filter(modified__gte=modified_since)
    summary = datasets.aggregate(total=Count("pk"), latest=Max("modified"))
    total = summary["total"] or 0
    if number > max(1, -(-total // size)):
        raise PageOutOfRange(number)
    start = (number - 1) * size
    # The page's ids first (the primary key's index), then only their rows are joined with
    # their publisher and series: a late page costs what the first does.
    page_ids = datasets.order_by("pk").values("pk")[start : start + size]
    rows = dataset_rows(Dataset.objects.filter(pk__in=page_ids).order_by("pk"))
    return Page(rows, _districts(rows), total, number, size, summary["latest"])


def published_dataset(slug: str) -> Row | None:
    rows = dataset_rows(public_datasets().filter(slug=slug))
    return rows[0] if rows else None


def series_members(series: Row) -> list[Dataset]:
    """A published series' published members, for its own description."""
    return list(
        public_datasets()
        .filter(series_id=series.pk, kind=DatasetKind.DATASET)
        .only("pk", "slug", "title_ko", "title_en", "description_ko", "description_en")
        .order_by("pk")
    )


# === The builder ============================================================================


def _bbox(geometry: Any) -> tuple[float, float, float, float] | None:
    """(west, south, east, north) of a GeoJSON Polygon or MultiPolygon."""
    if not isinstance(geometry, dict):
        return None
    coordinates = geometry.get("coordinates")
    polygons: Any
    if geometry.get("type") == "Polygon":
        polygons = [coordinates]
    elif geometry.get("type") == "MultiPolygon":
        polygons = coordinates
    else:
        return None
    try:
        xs = [point[0] for polygon in polygons for ring in polygon for point in ring]
        ys = [point[1] for polygon in polygons for ring in polygon for point in ring]
    except (TypeError, IndexError):
        return None
    if not xs:
        return None
    return min(xs), min(ys), max(xs), max(ys)


def _wkt_box(box: tuple[float, float, float, float]) -> str:
    west, south, east, north = box
    corners = [(west, south), (east, south), (east, north), (west, north), (west, south)]
    return "POLYGON((" + ", ".join(f"{x:.6f} {y:.6f}" for x, y in corners) + "))"


def district_bbox(district: District) -> tuple[float, float, float, float] | None:
    return _bbox(district.boundary)


class CatalogueBuilder:
    """Writes catalogue documents into a Graph; shared nodes (the city, concepts, schemes,
    places) are described once per document."""

    def __init__(self) -> None:
        self.graph = Graph()
        self.urls = Urls()
        self.site = site_url()
        self._korean_labels: dict[str, str] = {}

    # --- Vocabularies ----------------------------------------------------------------------

    def scheme(self, scheme: Scheme) -> IRI:
        if scheme.uri not in self.graph:
            node = self.graph.node(scheme.uri, A("skos", "ConceptScheme"))
            node.add(DCT_TITLE, Lit(scheme.title, lang="en"))
        return IRI(scheme.uri)

    def concept(self, concept: Concept, *classes: str, korean: str = "") -> IRI:
        if concept.uri not in self.graph:
            node = self.graph.node(concept.uri, A("skos", "Concept"), *classes)
            node.add(SKOS_LABEL, Lit(concept.label, lang="en"))
            if korean:
                node.add(SKOS_LABEL, Lit(korean, lang="ko"))
            node.add(A("skos", "inScheme"), self.scheme(self._scheme_of(concept)))
        return IRI(concept.uri)

    _SCHEMES = {
        scheme.uri: scheme
        for scheme in (
            vocab.LANGUAGE_SCHEME,
            vocab.THEME_SCHEME,
            vocab.FREQUENCY_SCHEME,
            vocab.FILE_TYPE_SCHEME,
            vocab.LICENCE_TYPE_SCHEME,
            vocab.ACCESS_RIGHT_SCHEME,
            vocab.PUBLISHER_TYPE_SCHEME,
        )
    }

    def _scheme_of(self, concept: Concept) -> Scheme:
        return self._SCHEMES[concept.scheme]

    def _korean(self, choices: Any, code: str) -> str:
        """A choice's label in Korean (the models' labels), once per document; "" while it has
        no Korean translation."""
        key = f"{choices.__name__}.{code}"
        if key not in self._korean_labels:
            korean = _in_language("ko", lambda: str(label_of(choices, code)))
            english = _in_language("en", lambda: str(label_of(choices, code)))
            self._korean_labels[key] = korean if korean != english else ""
        return self._korean_labels[key]

    def language(self, code: str) -> IRI:
        return self.concept(vocab.LANGUAGES[code], A("dct", "LinguisticSystem"))

    def theme(self, code: str) -> IRI | None:
        concept = vocab.THEMES.get(code)
        if concept is None:
            return None
        return self.concept(concept, korean=self._korean(Theme, code))

    def frequency(self, code: str) -> IRI | None:
        concept = vocab.FREQUENCIES.get(code)
        if concept is None:
            return None
        return self.concept(concept, A("dct", "Frequency"), korean=self._korean(Frequency, code))

    def licence(self, code: str) -> IRI | None:
        licence = vocab.LICENCES.get(code)
        if licence is None:
            return None
        if licence.uri not in self.graph:
            node = self.graph.node(licence.uri, A("dct", "LicenseDocument"))
            node.add(DCT_TITLE, Lit(licence.title))
            for kind in licence.types:
                node.add(A("dct", "type"), self.concept(vocab.LICENCE_TYPES[kind]))
            if licence.deed != licence.uri:
                node.add(A("foaf", "page"), self.document(licence.deed))
        return IRI(licence.uri)

    def document(self, url: str) -> IRI:
        self.graph.node(url, DOCUMENT)
        return IRI(url)

    def resource(self, url: str) -> IRI:
        self.graph.node(url, RESOURCE)
        return IRI(url)

    def standard(self, url: str, title: str) -> IRI:
        if url not in self.graph:
            self.graph.node(url, A("dct", "Standard")).add(DCT_TITLE, Lit(title, lang="en"))
        return IRI(url)

    # --- Agents, places, contact ------------------------------------------------------------

    def _agent_type(self, code: str) -> IRI:
        return self.concept(vocab.PUBLISHER_TYPES[code])

    def city(self) -> IRI:
        iri = f"{catalog_iri()}#publisher"
        if iri not in self.graph:
            node = self.graph.node(iri, A("foaf", "Agent"), A("foaf", "Organization"))
            for language in LANGUAGES:
                node.add(A("foaf", "name"), Lit(city_name(language), lang=language))
            node.add(
                A("dct", "type"), self._agent_type(_city("publisher_type") or "LocalAuthority")
            )
            node.add(A("foaf", "homepage"), self.document(f"{self.site}/"))
        return IRI(iri)

    def organization(self, organization: Row) -> IRI:
        iri = f"{catalog_iri()}#organization-{organization.pk}"
        if iri not in self.graph:
            node = self.graph.node(iri, A("foaf", "Agent"), A("foaf", "Organization"))
            # foaf:name is required; an organization always has its Korean name.
            names = list(_texts(organization, "name")) or [Lit(f"#{organization.pk}")]
            for name in names:
                node.add(A("foaf", "name"), name)
            kind = vocab.ORGANIZATION_PUBLISHER_TYPES.get(
                organization.kind, "NonProfitOrganisation"
            )
            node.add(A("dct", "type"), self._agent_type(kind))
            if organization.website:
                node.add(A("foaf", "homepage"), self.document(iri_to_uri(organization.website)))
        return IRI(iri)

    def publisher(self, dataset: Row) -> IRI:
        if dataset.publisher is not None:
            return self.organization(dataset.publisher)
        return self.city()

    def contact(self, name: str, email: str) -> Node:
        node = Node().typed(A("vcard", "Kind"))
        if name:
            node.add(A("vcard", "fn"), Lit(name))
        if email:
            node.add(A("vcard", "hasEmail"), IRI(iri_to_uri(f"mailto:{email}")))
        return node

    def city_place(self) -> IRI:
        iri = _city("geonames_uri") or vocab.SEOUL_GEONAMES
        if iri not in self.graph:
            node = self.graph.node(iri, A("dct", "Location"))
            for language in LANGUAGES:
                node.add(SKOS_LABEL, Lit(city_name(language), lang=language))
            centre = _city("map_center")
            if centre and len(centre) == 2:
                node.add(
                    A("dcat", "centroid"), Lit(f"POINT({centre[1]} {centre[0]})", datatype=WKT)
                )
        return IRI(iri)

    def district_place(self, district: District) -> IRI:
        iri = f"{catalog_iri()}#district-{iri_to_uri(district.code)}"
        if iri not in self.graph:
            node = self.graph.node(iri, A("dct", "Location"))
            for name in _texts(district, "name"):
                node.add(SKOS_LABEL, name)
            if box := district_bbox(district):
                node.add(A("dcat", "bbox"), Lit(_wkt_box(box), datatype=WKT))
            point = f"POINT({float(district.longitude):.6f} {float(district.latitude):.6f})"
            node.add(A("dcat", "centroid"), Lit(point, datatype=WKT))
        return IRI(iri)

    # --- Datasets ---------------------------------------------------------------------------

    def series_stub(self, series: Row) -> IRI:
        """A series a dataset belongs to, named (DCAT-AP wants its title and description) even
        when its own description is on another page."""
        iri = dataset_iri(series.slug)
        node = self.graph.node(iri, DCAT_SERIES)
        if DCT_TITLE not in node.props:
            for text in _texts(series, "title"):
                node.add(DCT_TITLE, text)
            for text in _texts(series, "description"):
                node.add(DCT_DESCRIPTION, text)
        return IRI(iri)

    def dataset(self, dataset: Row, districts: dict[int, District]) -> IRI:
        iri = dataset_iri(dataset.slug)
        classes = (
            (DCAT_DATASET, DCAT_SERIES) if dataset.kind == DatasetKind.SERIES else (DCAT_DATASET,)
        )
        node = self.graph.node(iri, *classes)
        # A series described as a stub first (its member came earlier on the page) is now
        # described in full: its title and description stay, the rest is added.
        for text in _texts(dataset, "title"):
            node.add(DCT_TITLE, text)
        for text in _texts(dataset, "description"):
            node.add(DCT_DESCRIPTION, text)
        node.add(A("dct", "identifier"), Lit(iri))
        node.add(A("dct", "publisher"), self.publisher(dataset))
        node.add(
            A("dcat", "contactPoint"), self.contact(dataset.contact_name, dataset.contact_email)
        )
        for code in dataset.themes or []:
            if theme := self.theme(code):
                node.add(A("dcat", "theme"), theme)
        for language in LANGUAGES:
            words = getattr(dataset, f"keywords_{language}", "") or ""
            for word in words.split(","):
                if word := word.strip():
                    node.add(A("dcat", "keyword"), Lit(word, lang=language))
        district = districts.get(dataset.spatial_id) if dataset.spatial_id else None
        node.add(
            A("dct", "spatial"),
            self.district_place(district) if district else self.city_place(),
        )
        if dataset.temporal_start or dataset.temporal_end:
            period = Node().typed(A("dct", "PeriodOfTime"))
            if dataset.temporal_start:
                period.add(A("dcat", "startDate"), _date(dataset.temporal_start))
            if dataset.temporal_end:
                period.add(A("dcat", "endDate"), _date(dataset.temporal_end))
            node.add(A("dct", "temporal"), period)
        if frequency := self.frequency(dataset.frequency):
            node.add(A("dct", "accrualPeriodicity"), frequency)
        if dataset.issued:
            node.add(A("dct", "issued"), _datetime(dataset.issued))
        node.add(A("dct", "modified"), _datetime(dataset.modified))
        node.add(A("dct", "language"), self.language("ko"))
        node.add(
            A("dct", "accessRights"),
            self.concept(vocab.PUBLIC_ACCESS, A("dct", "RightsStatement")),
        )
        node.add(A("dcat", "landingPage"), self.document(self.urls.dataset(dataset.slug)))
        series = dataset.series
        if series is not None and series.is_published:
            node.add(A("dcat", "inSeries"), self.series_stub(series))
        licence = self.licence(dataset.licence)
        for resource in dataset.resources:
            node.add(A("dcat", "distribution"), self.distribution(dataset, resource, licence))
        return IRI(iri)

    def distribution(self, dataset: Row, resource: Row, licence: IRI | None) -> IRI:
        iri = distribution_iri(dataset.slug, resource.pk)
        node = self.graph.node(iri, A("dcat", "Distribution"))
        for text in _texts(resource, "title"):
            node.add(DCT_TITLE, text)
        url = self.urls.resource_download(dataset.slug, resource.pk)
        node.add(A("dcat", "accessURL"), self.resource(url))
        node.add(A("dcat", "downloadURL"), IRI(url))
        if file_type := vocab.FILE_TYPES.get(resource.format):
            node.add(
                A("dct", "format"), self.concept(file_type.concept, A("dct", "MediaTypeOrExtent"))
            )
            media = file_type.media_type_uri
            self.graph.node(media, A("dct", "MediaType"))
            node.add(A("dcat", "mediaType"), IRI(media))
        if licence:
            node.add(A("dct", "license"), licence)
        if resource.byte_size is not None and resource.origin == ResourceOrigin.UPLOAD:
            node.add(A("dcat", "byteSize"), Lit(str(resource.byte_size), datatype=XSD_NONNEG))
        if re.fullmatch(r"[0-9a-fA-F]{64}", resource.checksum or ""):
            checksum = Node().typed(A("spdx", "Checksum"))
            self.graph.node(vocab.SHA256, A("spdx", "ChecksumAlgorithm"))
            checksum.add(A("spdx", "algorithm"), IRI(vocab.SHA256))
            checksum.add(
                A("spdx", "checksumValue"), Lit(resource.checksum.lower(), datatype=XSD_HEX)
            )
            node.add(A("spdx", "checksum"), checksum)
        node.add(A("dct", "issued"), _datetime(resource.created_at))
        node.add(A("dct", "modified"), _datetime(resource.modified_at))
        return IRI(iri)

    def members(self, series: Row, members: list[Dataset]) -> None:
        """A series' members, named, each pointing at it (DCAT 3 links members to the series)."""
        series_iri = IRI(dataset_iri(series.slug))
        for member in members:
            node = self.graph.node(dataset_iri(member.slug), DCAT_DATASET)
            for text in _texts(member, "title"):
                node.add(DCT_TITLE, text)
            for text in _texts(member, "description"):
                node.add(DCT_DESCRIPTION, text)
            node.add(A("dcat", "inSeries"), series_iri)
            node.add(A("dcat", "landingPage"), self.document(self.urls.dataset(member.slug)))

    # --- The catalogue and its services -----------------------------------------------------

    def services(self, datasets: list[Row]) -> tuple[IRI, IRI]:
        """The REST API (serving the datasets generated live from the hub, whose data it also
        serves) and the CKAN Action API (serving every dataset)."""
        api = self.graph.node(f"{catalog_iri()}#api", A("dcat", "DataService"))
        for language in LANGUAGES:
            api.add(DCT_TITLE, Lit(_in_language(language, _api_title), lang=language))
            api.add(DCT_DESCRIPTION, Lit(_in_language(language, _api_description), lang=language))
        api.add(A("dcat", "endpointURL"), self.resource(f"{self.site}/api/v1/"))
        api.add(A("dcat", "endpointDescription"), self.resource(f"{self.site}/api/v1/openapi.json"))
        api.add(A("dct", "conformsTo"), self.standard(vocab.OPENAPI_3, "OpenAPI 3.1"))
        api.add(A("dcat", "landingPage"), self.document(f"{self.site}/api/v1/docs"))
        ckan = self.graph.node(f"{catalog_iri()}#ckan", A("dcat", "DataService"))
        for language in LANGUAGES:
            ckan.add(DCT_TITLE, Lit(_in_language(language, _ckan_title), lang=language))
            ckan.add(DCT_DESCRIPTION, Lit(_in_language(language, _ckan_description), lang=language))
        ckan.add(A("dcat", "endpointURL"), self.resource(f"{self.site}/api/3/action/"))
        ckan.add(A("dcat", "endpointDescription"), self.resource(vocab.CKAN_API_DOCS))
        contact = _city("contact_email")
        for service in (api, ckan):
            service.add(A("dct", "publisher"), self.city())
            if contact:
                service.add(A("dcat", "contactPoint"), self.contact(hub_name("ko"), contact))
        for dataset in datasets:
            iri = IRI(dataset_iri(dataset.slug))
            ckan.add(A("dcat", "servesDataset"), iri)
            if any(r.origin == ResourceOrigin.GENERATED for r in dataset.resources):
                api.add(A("dcat", "servesDataset"), iri)
        return IRI(api.id or ""), IRI(ckan.id or "")

    def catalogue(self, page: Page) -> Node:
        node = self.graph.node(catalog_iri(), A("dcat", "Catalog"))
        for language in LANGUAGES:
            node.add(DCT_TITLE, Lit(_in_language(language, catalogue_title), lang=language))
            node.add(
                DCT_DESCRIPTION,
                Lit(_in_language(language, _catalogue_description), lang=language),
            )
        node.add(A("dct", "publisher"), self.city())
        node.add(A("foaf", "homepage"), self.document(self.urls.catalogue_page))
        for language in LANGUAGES:
            node.add(A("dct", "language"), self.language(language))
        node.add(A("dct", "spatial"), self.city_place())
        node.add(A("dcat", "themeTaxonomy"), self.scheme(vocab.THEME_SCHEME))
        if page.latest:
            node.add(A("dct", "modified"), _datetime(page.latest))
        for dataset in page.datasets:
            node.add(A("dcat", "dataset"), self.dataset(dataset, page.districts))
        for service in self.services(page.datasets):
            node.add(A("dcat", "service"), service)
        return node

    def paging(self, catalogue: Node, page: Page, page_url: Callable[[int], str]) -> None:
        """Hydra paging: the catalogue is the collection; this document is one view of it."""
        total = Lit(str(page.total), datatype=XSD_INTEGER)
        catalogue.typed(A("hydra", "Collection"))
        catalogue.add(A("hydra", "totalItems"), total)
        view_iri = page_url(page.number)
        catalogue.add(A("hydra", "view"), IRI(view_iri))
        view = self.graph.node(view_iri, A("hydra", "PartialCollectionView"))
        view.add(A("hydra", "totalItems"), total)
        view.add(A("hydra", "itemsPerPage"), Lit(str(page.size), datatype=XSD_INTEGER))
        view.add(A("hydra", "first"), IRI(page_url(1)))
        view.add(A("hydra", "last"), IRI(page_url(page.last)))
        if page.number > 1:
            view.add(A("hydra", "previous"), IRI(page_url(page.number - 1)))
        if page.number < page.last:
            view.add(A("hydra", "next"), IRI(page_url(page.number + 1)))


def catalogue_title() -> str:
    return _("%(hub)s open data catalogue") % {"hub": hub_name()}


def _catalogue_description() -> str:
    return _(
        "Open data of %(city)s on the sharing economy: the hub's live indicators, official "
        "statistics, the district incentive scoreboard and the data of sharing organizations, "
        "spaces and events."
    ) % {"city": city_name()}


def _api_title() -> str:
    return _("%(hub)s REST API") % {"hub": hub_name()}


def _api_description() -> str:
    return _(
        "The hub's public REST API: organizations, listings, events, spaces, indicators and the "
        "scoreboard, as JSON (OpenAPI 3)."
    )


def _ckan_title() -> str:
    return _("%(hub)s CKAN Action API") % {"hub": hub_name()}


def _ckan_description() -> str:
    return _(
        "The catalogue through CKAN's Action API (read only): package_list, package_show, "
        "package_search, organization_list, organization_show and status_show."
    )


# === Documents ==============================================================================


def catalogue_graph(page: Page, page_url: Callable[[int], str]) -> Graph:
    """A page of the catalogue: the catalogue, its datasets on this page and their
    distributions, the data services, and the Hydra view of the page."""
    builder = CatalogueBuilder()
    catalogue = builder.catalogue(page)
    builder.paging(catalogue, page, page_url)
    return builder.graph


def dataset_graph(dataset: Row) -> Graph:
    """One dataset (or series, with its members) and its distributions."""
    builder = CatalogueBuilder()
    districts = _districts([dataset])
    builder.dataset(dataset, districts)
    if dataset.kind == DatasetKind.SERIES:
        builder.members(dataset, series_members(dataset))
    return builder.graph


def page_url_builder(document_url: str, *, size: int, modified_since: str) -> Callable[[int], str]:
    """The address of page n of a catalogue document, keeping the request's own parameters."""

    def page_url(number: int) -> str:
        params: dict[str, str] = {}
        if modified_since:
            params["modified_since"] = modified_since
        if size != PAGE_SIZE:
            params["page_size"] = str(size)
        params["page"] = str(number)
        return f"{document_url}?{urlencode(params)}"

    return page_url
