"""The vocabularies the catalogue speaks (DCAT-AP 3, `opendata.dcat`; schema.org,
`opendata.schemaorg`): namespaces and the URI tables of the controlled vocabularies for
languages, data themes, frequencies, file types, media types, licences, access rights, publisher
types and places.

The EU vocabularies are the Publications Office's authority tables
(http://publications.europa.eu/resource/authority/…); licence and publisher types are ADMS's
(http://purl.org/adms/…); media types are IANA's. Every concept is written into the catalogue
with its scheme (`skos:inScheme`) and English label, as DCAT-AP's controlled-vocabulary shapes
check them (data/dcat-ap-3.0.0-shacl/mdr-vocabularies.shape.ttl).
"""

from __future__ import annotations

from dataclasses import dataclass

# --- Namespaces ----------------------------------------------------------------------------

NAMESPACES: dict[str, str] = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "spdx": "http://spdx.org/rdf/terms#",
    "adms": "http://www.w3.org/ns/adms#",
    "hydra": "http://www.w3.org/ns/hydra/core#",
    "gsp": "http://www.opengis.net/ont/geosparql#",
    "dcatap": "http://data.europa.eu/r5r/",
}


def ns(prefix: str, local: str) -> str:
    """The full IRI of prefix:local."""
    return NAMESPACES[prefix] + local


RDF_TYPE = ns("rdf", "type")

AUTHORITY = "http://publications.europa.eu/resource/authority/"


@dataclass(frozen=True)
class Concept:
    """A concept of a controlled vocabulary: its IRI, its scheme and its English label (the
    vocabulary's own)."""

    uri: str
    scheme: str
    label: str


@dataclass(frozen=True)
class Scheme:
    uri: str
    title: str


# --- Languages -----------------------------------------------------------------------------

LANGUAGE_SCHEME = Scheme(AUTHORITY + "language", "Language")
LANGUAGES: dict[str, Concept] = {
    "ko": Concept(AUTHORITY + "language/KOR", LANGUAGE_SCHEME.uri, "Korean"),
    "en": Concept(AUTHORITY + "language/ENG", LANGUAGE_SCHEME.uri, "English"),
}

# --- Data themes (the codes of models.Theme) -----------------------------------------------

THEME_SCHEME = Scheme(AUTHORITY + "data-theme", "Data theme")
_THEME_LABELS = {
    "AGRI": "Agriculture, fisheries, forestry and food",
    "ECON": "Economy and finance",
    "EDUC": "Education, culture and sport",
    "ENER": "Energy",
    "ENVI": "Environment",
    "GOVE": "Government and public sector",
    "HEAL": "Health",
    "INTR": "International issues",
    "JUST": "Justice, legal system and public safety",
    "REGI": "Regions and cities",
    "SOCI": "Population and society",
    "TECH": "Science and technology",
    "TRAN": "Transport",
}
THEMES: dict[str, Concept] = {
    code: Concept(f"{THEME_SCHEME.uri}/{code}", THEME_SCHEME.uri, label)
    for code, label in _THEME_LABELS.items()
}

# --- Frequencies (the codes of models.Frequency) -------------------------------------------

FREQUENCY_SCHEME = Scheme(AUTHORITY + "frequency", "Frequency")
_FREQUENCY_LABELS = {
    "UPDATE_CONT": "continuously updated",
    "DAILY": "daily",
    "WEEKLY": "weekly",
    "MONTHLY": "monthly",
    "QUARTERLY": "quarterly",
    "ANNUAL": "annual",
    "IRREG": "irregular",
    "UNKNOWN": "unknown",
}
FREQUENCIES: dict[str, Concept] = {
    code: Concept(f"{FREQUENCY_SCHEME.uri}/{code}", FREQUENCY_SCHEME.uri, label)
    for code, label in _FREQUENCY_LABELS.items()
}

# --- File types and media types (the codes of models.Format) -------------------------------

FILE_TYPE_SCHEME = Scheme(AUTHORITY + "file-type", "File type")
IANA_MEDIA_TYPES = "https://www.iana.org/assignments/media-types/"


@dataclass(frozen=True)
class FileType:
    concept: Concept  # the EU file type
    media_type: str  # the IANA media type, "text/csv"

    @property
    def media_type_uri(self) -> str:
        return IANA_MEDIA_TYPES + self.media_type


_FILE_TYPES = {
    "CSV": ("CSV", "text/csv"),
    "JSON": ("JSON", "application/json"),
    "GEOJSON": ("GeoJSON", "application/geo+json"),
    "XLSX": ("XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "PDF": ("PDF", "application/pdf"),
    "ODS": ("ODS", "application/vnd.oasis.opendocument.spreadsheet"),
    "ZIP": ("ZIP", "application/zip"),
}
FILE_TYPES: dict[str, FileType] = {
    code: FileType(Concept(f"{FILE_TYPE_SCHEME.uri}/{code}", FILE_TYPE_SCHEME.uri, label), media)
    for code, (label, media) in _FILE_TYPES.items()
}

# --- Licences (the codes of models.Licence) ------------------------------------------------

LICENCE_TYPE_SCHEME = Scheme("http://purl.org/adms/licencetype/1.0", "Licence type")
_LICENCE_TYPE = "http://purl.org/adms/licencetype/"
LICENCE_TYPES: dict[str, Concept] = {
    "Attribution": Concept(_LICENCE_TYPE + "Attribution", LICENCE_TYPE_SCHEME.uri, "Attribution"),
    "ShareAlike": Concept(
        _LICENCE_TYPE + "ViralEffect-ShareAlike",
        LICENCE_TYPE_SCHEME.uri,
        "Viral effect (a.k.a. Share-alike)",
    ),
    "PublicDomain": Concept(
        _LICENCE_TYPE + "PublicDomain", LICENCE_TYPE_SCHEME.uri, "Public domain"
    ),
}


@dataclass(frozen=True)
class LicenceDocument:
    uri: str  # the EU licence vocabulary's IRI where it has one, else the licence's own page
    title: str  # the licence's own name (not translated)
    deed: str  # the human-readable licence, for schema.org and links
    types: tuple[str, ...]  # keys of LICENCE_TYPES


LICENCES: dict[str, LicenceDocument] = {
    "CC_BY_4_0": LicenceDocument(
        AUTHORITY + "licence/CC_BY_4_0",
        "Creative Commons Attribution 4.0 International",
        "https://creativecommons.org/licenses/by/4.0/",
        ("Attribution",),
    ),
    "CC_BYSA_4_0": LicenceDocument(
        AUTHORITY + "licence/CC_BYSA_4_0",
        "Creative Commons Attribution-ShareAlike 4.0 International",
        "https://creativecommons.org/licenses/by-sa/4.0/",
        ("Attribution", "ShareAlike"),
    ),
    "CC0": LicenceDocument(
        AUTHORITY + "licence/CC0",
        "Creative Commons CC0 1.0 Universal",
        "https://creativecommons.org/publicdomain/zero/1.0/",
        ("PublicDomain",),
    ),
    # The EU vocabulary has no entry for the Korea Open Government Licence (공공누리); its
    # official page names it.
    "KOGL_1": LicenceDocument(
        "https://www.kogl.or.kr/info/licenseType1.do",
        "Korea Open Government Licence, Type 1 (공공누리 제1유형: 출처표시)",
        "https://www.kogl.or.kr/info/licenseType1.do",
        ("Attribution",),
    ),
}

# --- Access rights: every dataset the catalogue lists is public -----------------------------

ACCESS_RIGHT_SCHEME = Scheme(AUTHORITY + "access-right", "Access right")
PUBLIC_ACCESS = Concept(AUTHORITY + "access-right/PUBLIC", ACCESS_RIGHT_SCHEME.uri, "public")

# --- Publisher types (ADMS), for the city and by organizations.models.OrganizationKind -----

PUBLISHER_TYPE_SCHEME = Scheme("http://purl.org/adms/publishertype/1.0", "Publisher type")
_PUBLISHER_TYPE = "http://purl.org/adms/publishertype/"
_PUBLISHER_LABELS = {
    "Company": "Company",
    "LocalAuthority": "Local Authority",
    "NonGovernmentalOrganisation": "Non-Governmental Organisation",
    "NonProfitOrganisation": "Non-Profit Organisation",
}
PUBLISHER_TYPES: dict[str, Concept] = {
    code: Concept(_PUBLISHER_TYPE + code, PUBLISHER_TYPE_SCHEME.uri, label)
    for code, label in _PUBLISHER_LABELS.items()
}
CITY_PUBLISHER_TYPE = "LocalAuthority"  # a 지방자치단체
ORGANIZATION_PUBLISHER_TYPES = {
    "enterprise": "Company",
    "cooperative": "Company",
    "nonprofit": "NonProfitOrganisation",
    "public": "LocalAuthority",
    "community": "NonGovernmentalOrganisation",
}

# --- Places ---------------------------------------------------------------------------------

# The city as a whole (a dataset without a district): GeoNames' Seoul, which DCAT-AP accepts for
# dct:spatial. Another city sets SHAREHUB_CITY["geonames_uri"].
SEOUL_GEONAMES = "https://sws.geonames.org/1835848/"

# --- Checksums ------------------------------------------------------------------------------

SHA256 = ns("spdx", "checksumAlgorithm_sha256")

# --- Standards the data services conform to -------------------------------------------------

OPENAPI_3 = "https://spec.openapis.org/oas/v3.1.0"
CKAN_API_DOCS = "https://docs.ckan.org/en/latest/api/"
