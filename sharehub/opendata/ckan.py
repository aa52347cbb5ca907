"""The read part of CKAN's Action API over the published catalogue, so that any CKAN harvester
(ckanext-harvest's CKAN harvester, ckanapi, the national data portal's) reads the hub like a
CKAN site. `views/ckan.py` parses the request and answers; this module holds the actions, the
Solr-like `q`/`fq`/`sort` parser (translated to SQL: a page is a bounded number of queries
whatever the catalogue's size) and the CKAN-shaped dictionaries.

Only published datasets ever appear. Shapes follow CKAN 2.10/2.11 (`ckan/logic/action/get.py`
and `ckan/lib/dictization/model_dictize.py`), with ckanext-fluent's `*_translated` fields for
the Korean and English texts and ckanext-dcat's extras for DCAT-only fields.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    TextChoices,
    Value,
    When,
    Window,
)
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from sharehub.opendata.models import (
    Dataset,
    Format,
    Frequency,
    Licence,
    Resource,
    Theme,
    label_of,
)
from sharehub.opendata.selectors.datasets import public_datasets
from sharehub.organizations.models import Organization

# The CKAN release whose Action API this imitates: its read actions, parameters and shapes are
# those of CKAN 2.10 (the oldest supported release; 2.11 answers alike), so clients that check
# the version (ckanapi, ckanext-harvest) take the newer code paths.
CKAN_VERSION = "2.10.5"
ROWS_DEFAULT = 10
ROWS_MAX = 1000  # CKAN's ckan.search.rows_max default: larger values are clipped, not refused
FACET_LIMIT_DEFAULT = 50
ORG_LIST_MAX = 1000
ORG_LIST_ALL_FIELDS_MAX = 25
ORG_DATASETS_SHOWN = 10  # organization_show's include_datasets, as CKAN
DEFAULT_SORT = "score desc, metadata_modified desc"

MIMETYPES = {
    Format.CSV: "text/csv",
    Format.JSON: "application/json",
    Format.GEOJSON: "application/geo+json",
    Format.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    Format.PDF: "application/pdf",
    Format.ODS: "application/vnd.oasis.opendocument.spreadsheet",
    Format.ZIP: "application/zip",
}

# CKAN's own licence register ids (ckan/model/license.py), so that a harvesting CKAN recognises
# the licence (its title, `isopen`, its facet); the exact version is in license_url and title.
LICENCES: dict[str, tuple[str, str]] = {
    Licence.CC_BY_4_0: ("cc-by", "https://creativecommons.org/licenses/by/4.0/"),
    Licence.CC_BYSA_4_0: ("cc-by-sa", "https://creativecommons.org/licenses/by-sa/4.0/"),
    Licence.CC0: ("cc-zero", "https://creativecommons.org/publicdomain/zero/1.0/"),
    Licence.KOGL_1: ("other-at", "https://www.kogl.or.kr/info/licenseType1.do"),
}
LICENCE_BY_CKAN_ID = {ckan_id: code for code, (ckan_id, _url) in LICENCES.items()}

EU_THEME = "http://publications.europa.eu/resource/authority/data-theme/"
EU_FREQUENCY = "http://publications.europa.eu/resource/authority/frequency/"
TEXT_FIELDS = (
    "title_ko",
    "title_en",
    "description_ko",
    "description_en",
    "keywords_ko",
    "keywords_en",
)


# --- Errors, in CKAN's types (ckan/views/api.py: the type, the HTTP status) ----------------


class CkanError(Exception):
    status = 400
    type = "Bad Request"

    def __init__(self, message: str = "", errors: dict[str, list[str]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.errors = errors or {}

    def error_dict(self) -> dict[str, Any]:
        if self.errors:  # a Validation Error carries its fields, as CKAN's error_dict
            return {"__type": self.type, **self.errors}
        return {"__type": self.type, "message": self.message}


class NotFound(CkanError):
    status = 404
    type = "Not Found Error"


class UnknownAction(CkanError):
    # CKAN answers 400 with a bare JSON string here; an object with success=false is what every
    # client reads (ckanapi raises NotFound), and the status stays CKAN's.
    status = 400
    type = "Not Found Error"


class NotAuthorized(CkanError):
    status = 403
    type = "Authorization Error"


class ValidationError(CkanError):
    status = 409
    type = "Validation Error"


class SearchQueryError(CkanError):
    status = 400
    type = "Search Query Error"


class SearchError(CkanError):
    status = 409
    type = "Search Error"


# --- Identifiers --------------------------------------------------------------------------


@cache
def _id_prefix(kind: str, site_url: str) -> str:
    """The first 20 hex digits of this hub's ids of one kind: a UUID5 of the site's address, so
    two cities' hubs never share an id when a national portal harvests both."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"{site_url}/ckan/{kind}").hex[:20]


def make_id(kind: str, pk: int) -> str:
    return _make_id(kind, pk, settings.SHAREHUB_SITE_URL)


@lru_cache(maxsize=65536)
def _make_id(kind: str, pk: int, site_url: str) -> str:
    """A stable UUID-shaped id whose last 12 hex digits are the primary key: ids sort as the
    keys do (harvesters page with sort=id asc) and decode without a lookup table."""
    return str(uuid.UUID(hex=_id_prefix(kind, site_url) + f"{pk:012x}"))


def parse_id(kind: str, value: str) -> int | None:
    try:
        hex_ = uuid.UUID(str(value)).hex
    except ValueError:
        return None
    if hex_[:20] != _id_prefix(kind, settings.SHAREHUB_SITE_URL):
        return None
    return int(hex_[20:], 16)


# --- Organizations: the city, and each Organization publishing a published dataset ----------

_CKAN_NAME = re.compile(r"[a-z0-9-]{2,100}")


@lru_cache(maxsize=512)
def _label_in(choices: type[TextChoices], value: str, language: str) -> str:
    return str(label_of(choices, value))


def _label(choices: type[TextChoices], value: str) -> str:
    """A choice's label in the active language, looked up once a process (a page of 1,000
    datasets asks the same few thousand times)."""
    return _label_in(choices, value, translation.get_language() or settings.LANGUAGE_CODE)


def _city(key: str) -> str:
    return str(settings.SHAREHUB_CITY[key])


def city_org_name() -> str:
    return slugify(_city("name_en"))[:100] or "city"


def org_name(org: Organization) -> str:
    """CKAN's name of an organization: its slug when CKAN accepts it, else `org__<pk>` (never a
    slug of that rule, which has no underscore)."""
    return _org_name_of(org.pk, org.slug)


def _org_name_of(pk: int, slug: str) -> str:
    if _CKAN_NAME.fullmatch(slug) and slug != city_org_name():
        return slug
    return f"org__{pk}"


def _org_q(name: str) -> Q:
    """Datasets published by the organization of this CKAN name or id."""
    if name == city_org_name():
        return Q(publisher__isnull=True)
    pk = parse_id("organization", name)
    if pk is not None:
        return Q(publisher__isnull=True) if pk == 0 else Q(publisher_id=pk)
    if match := re.fullmatch(r"org__(\d+)", name):
        return Q(publisher_id=int(match.group(1)))
    if _CKAN_NAME.fullmatch(name):
        return Q(publisher__slug=name)
    return Q(pk__in=[])


def _iso(value: dt.datetime | dt.date | None) -> str | None:
    """CKAN's timestamps: ISO 8601 in UTC without an offset."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        return value.isoformat()
    return value.isoformat()


def _absolute(base_url: str, path: str | None) -> str | None:
    return f"{base_url}{path}" if path else None


_SLUG_MARK = "h6-slug-mark"
_PK_MARK = 987654321


@cache
def _path_template(name: str, with_pk: bool) -> str | None:
    """A page's path in the default language (stable for harvesters whatever the request's
    Accept-Language) with marks for the slug and key, reversed once a process: a page of 1,000
    datasets would otherwise reverse 5,000 times. None while that page does not exist."""
    kwargs: dict[str, Any] = {"slug": _SLUG_MARK}
    if with_pk:
        kwargs["pk"] = _PK_MARK
    try:
        with translation.override(settings.LANGUAGE_CODE):
            return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return None


def _reverse(name: str, slug: str, pk: int | None = None) -> str | None:
    template = _path_template(name, pk is not None)
    if template is None:
        return None
    # The key first, so that digits in a slug are never taken for the key's mark; dataset
    # slugs are ASCII slugs, nothing in them needs quoting.
    if pk is not None:
        template = template.replace(str(_PK_MARK), str(pk))
    return template.replace(_SLUG_MARK, slug)


def city_org_dict(base_url: str, count: int | None = None) -> dict[str, Any]:
    city = settings.SHAREHUB_CITY
    data: dict[str, Any] = {
        "id": make_id("organization", 0),
        "name": city_org_name(),
        "title": city["name_ko"],
        "title_translated": {"ko": city["name_ko"], "en": city["name_en"]},
        "display_name": city["name_ko"],
        "description": "",
        "image_url": "",
        "image_display_url": "",
        "created": None,
        "is_organization": True,
        "approval_status": "approved",
        "state": "active",
        "type": "organization",
    }
    if count is not None:
        data["package_count"] = count
    return data


def org_dict(org: Organization | None, base_url: str, count: int | None = None) -> dict[str, Any]:
    if org is None:
        return city_org_dict(base_url, count)
    # A hidden organization keeps only its name: its own texts were withdrawn by moderation.
    public = org.is_published
    image = _absolute(base_url, org.logo.url) if public and org.logo else ""
    data: dict[str, Any] = {
        "id": make_id("organization", org.pk),
        "name": org_name(org),
        "title": org.name_ko,
        "title_translated": {"ko": org.name_ko, "en": org.name_en or ""},
        "display_name": org.name_ko,
        "description": (org.description_ko or "") if public else "",
        "image_url": image or "",
        "image_display_url": image or "",
        "created": _iso(org.created_at),
        "is_organization": True,
        "approval_status": "approved",
        "state": "active",
        "type": "organization",
    }
    if count is not None:
        data["package_count"] = count
    return data


# --- Datasets -----------------------------------------------------------------------------


def published() -> QuerySet[Dataset]:
    return public_datasets()


def _with_relations(datasets: QuerySet[Dataset]) -> QuerySet[Dataset]:
    """What package_dict reads, in two queries whatever the number of datasets."""
    return datasets.select_related("publisher", "spatial", "series").prefetch_related(
        Prefetch("resources", queryset=Resource.objects.order_by("position", "pk"))
    )


def _tags(dataset: Dataset) -> tuple[list[str], list[str]]:
    def split(text: str | None) -> list[str]:
        return [word.strip() for word in (text or "").split(",") if word.strip()]

    return split(dataset.keywords_ko), split(dataset.keywords_en)


def _theme_group(code: str) -> dict[str, Any]:
    title = _label(Theme, code)
    return {
        "id": make_id("group", list(Theme.values).index(code) + 1)
        if code in Theme.values
        else code.lower(),
        "name": code.lower(),
        "title": title,
        "display_name": title,
        "description": "",
        "image_display_url": "",
        "uri": EU_THEME + code,
    }


def resource_dict(resource: Resource, dataset: Dataset, position: int, base_url: str) -> dict:
    download = _reverse("opendata:resource_download", slug=dataset.slug, pk=resource.pk)
    preview = _reverse("opendata:resource", slug=dataset.slug, pk=resource.pk)
    url = _absolute(base_url, download) or _absolute(base_url, preview) or ""
    return {
        "id": make_id("resource", resource.pk),
        "package_id": make_id("dataset", dataset.pk),
        "name": resource.title_ko,
        "name_translated": {"ko": resource.title_ko, "en": resource.title_en or ""},
        "description": resource.description_ko or "",  # type: ignore[attr-defined]
        "description_translated": {
            "ko": resource.description_ko or "",  # type: ignore[attr-defined]
            "en": resource.description_en or "",  # type: ignore[attr-defined]
        },
        "format": _label(Format, resource.format),
        "mimetype": MIMETYPES.get(resource.format),  # type: ignore[call-overload]
        "url": url,
        "download_url": url,  # ckanext-dcat: dcat:downloadURL
        "access_url": _absolute(base_url, preview) or url,  # the preview page: dcat:accessURL
        "url_type": None,  # served by the hub, not by a CKAN upload store
        "size": None if resource.is_generated else resource.byte_size,
        "hash": "" if resource.is_generated else resource.checksum,
        "created": _iso(resource.created_at),
        "last_modified": _iso(resource.modified_at),
        "metadata_modified": _iso(resource.modified_at),
        "position": position,
        "state": "active",
        "resource_type": "generated" if resource.is_generated else "file",
        "datastore_active": False,
        "cache_url": None,
    }


def package_dicts(datasets: Iterable[Dataset], base_url: str) -> list[dict[str, Any]]:
    """Published datasets in CKAN's package shape (the default language's texts as CKAN's
    single ones, both languages in ckanext-fluent's `*_translated`)."""
    with translation.override(settings.LANGUAGE_CODE):
        return [_package_dict(dataset, base_url) for dataset in datasets]


def _package_dict(dataset: Dataset, base_url: str) -> dict[str, Any]:
    tags_ko, tags_en = _tags(dataset)
    tag_names = list(dict.fromkeys(tags_ko + tags_en))
    licence_id, licence_url = LICENCES.get(dataset.licence, ("other-at", ""))
    organization = org_dict(dataset.publisher, base_url)
    publisher_title = organization["title"]
    resources = [
        resource_dict(resource, dataset, position, base_url)
        for position, resource in enumerate(dataset.resources.all())
    ]
    themes = [code for code in dataset.themes or [] if isinstance(code, str)]
    spatial = dataset.spatial
    extras: dict[str, str] = {
        "dataset_kind": dataset.kind,
        "frequency": EU_FREQUENCY + dataset.frequency,
        "frequency_label": _label(Frequency, dataset.frequency),
        "issued": _iso(dataset.issued) or "",
        "modified": _iso(dataset.modified) or "",
        "language": json.dumps(["ko", "en"] if dataset.title_en else ["ko"]),
        "theme": json.dumps([EU_THEME + code for code in themes]),
        "publisher_name": publisher_title,
        "contact_name": dataset.contact_name,
        "contact_email": dataset.contact_email,
        "spatial_text": str(spatial) if spatial else _city("name_ko"),
    }
    if dataset.temporal_start:
        extras["temporal_start"] = dataset.temporal_start.isoformat()
    if dataset.temporal_end:
        extras["temporal_end"] = dataset.temporal_end.isoformat()
    if dataset.series_id and dataset.series and dataset.series.is_published:
        extras["in_series"] = make_id("dataset", dataset.series_id)
        extras["in_series_name"] = dataset.series.slug
    page = _absolute(base_url, _reverse("opendata:dataset", slug=dataset.slug))
    return {
        "id": make_id("dataset", dataset.pk),
        "name": dataset.slug,
        "title": dataset.title_ko,
        "title_translated": {"ko": dataset.title_ko, "en": dataset.title_en or ""},
        "notes": dataset.description_ko,
        "notes_translated": {"ko": dataset.description_ko, "en": dataset.description_en or ""},
        "url": page or "",
        "author": publisher_title,
        "author_email": None,
        "maintainer": dataset.contact_name,
        "maintainer_email": dataset.contact_email,
        "license_id": licence_id,
        "license_title": _label(Licence, dataset.licence),
        "license_url": licence_url,
        "isopen": True,
        "version": None,
        "metadata_created": _iso(dataset.created_at),
        "metadata_modified": _iso(dataset.modified),
        "state": "active",
        "private": False,
        "type": "dataset",
        "creator_user_id": None,
        "owner_org": organization["id"],
        "organization": organization,
        "tags": [
            {"name": name, "display_name": name, "state": "active", "vocabulary_id": None}
            for name in tag_names
        ],
        "tags_translated": {"ko": tags_ko, "en": tags_en},
        "num_tags": len(tag_names),
        "groups": [_theme_group(code) for code in themes],
        "resources": resources,
        "num_resources": len(resources),
        "extras": [{"key": key, "value": value} for key, value in extras.items()],
        "relationships_as_object": [],
        "relationships_as_subject": [],
    }


# --- Parameters ---------------------------------------------------------------------------


def _natural(data: dict[str, Any], key: str, default: int | None) -> int | None:
    """CKAN's natural_number_validator: a non-negative whole number (int or its text)."""
    value = data.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        return default
    try:
        if isinstance(value, bool):
            raise ValueError
        if isinstance(value, float):
            if not value.is_integer():
                raise ValueError
            number = int(value)
        else:
            number = int(str(value).strip())
    except (TypeError, ValueError):
        raise ValidationError(errors={key: [_("Invalid integer")]}) from None
    if number < 0:
        raise ValidationError(errors={key: [_("Must be a natural number")]})
    return number


def _integer(data: dict[str, Any], key: str, default: int) -> int:
    value = data.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        return default
    try:
        return int(str(value).strip())
    except ValueError:
        raise ValidationError(errors={key: [_("Invalid integer")]}) from None


def _boolean(data: dict[str, Any], key: str, default: bool) -> bool:
    value = data.get(key)
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "1", "yes", "on", "t", "y"):
        return True
    if text in ("false", "0", "no", "off", "f", "n"):
        return False
    raise ValidationError(errors={key: [_("Must be a boolean")]})


def _text(data: dict[str, Any], key: str) -> str:
    value = data.get(key)
    if value is None:
        return ""
    if isinstance(value, list):  # a GET parameter given twice
        return " ".join(str(item) for item in value)
    if isinstance(value, (dict, bool)):
        raise ValidationError(errors={key: [_("Must be a string")]})
    return str(value)


def _required_id(data: dict[str, Any]) -> str:
    value = data.get("id")
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ValidationError(errors={"id": [_("Missing value")]})
    if not isinstance(value, (str, int)):
        raise ValidationError(errors={"id": [_("Must be a string")]})
    return str(value).strip()


def _string_list(data: dict[str, Any], key: str) -> list[str]:
    """CKAN's convert_to_json_if_string + list_of_strings (`facet.field`, `fq_list`)."""
    value = data.get(key)
    if value is None or value == "":
        return []
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            value = [value]
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValidationError(errors={key: [_("Not a list of strings")]})
    return value


# --- The Solr-like query language, in SQL ----------------------------------------------------


@dataclass
class _Token:
    kind: str  # "(" ")" "op" "term"
    value: str = ""
    field: str | None = None
    sign: str = ""  # "+", "-" or ""
    quoted: bool = False
    range: tuple[str, str, bool, bool] | None = None  # low, high, low inclusive, high incl.


_FIELD = re.compile(r"([A-Za-z_][\w.]*):")
_RANGE = re.compile(r"\s*(\S+)\s+TO\s+(\S+)\s*$")


def _tokenize(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    groups: list[str | None] = []  # the field of each open parenthesis, None for plain ones
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if char.isspace():
            i += 1
            continue
        if char == ")":
            if not groups:
                raise SearchError(_("Unbalanced parentheses in the query."))
            groups.pop()
            tokens.append(_Token(")"))
            i += 1
            continue
        if text.startswith("&&", i) or text.startswith("||", i):
            tokens.append(_Token("op", "AND" if char == "&" else "OR"))
            i += 2
            continue
        sign = ""
        if char in "+-!":
            sign = "-" if char in "-!" else "+"
            i += 1
            if i >= n or text[i].isspace():
                raise SearchError(_("A sign must be followed by a term."))
        name = None
        if match := _FIELD.match(text, i):
            name = match.group(1)
            i = match.end()
        elif groups and groups[-1]:
            name = groups[-1]
        if i < n and text[i] == "(":
            groups.append(match.group(1) if match else None)
            if sign:
                tokens.append(_Token("op", "NOT" if sign == "-" else "AND"))
            tokens.append(_Token("("))
            i += 1
            continue
        if i < n and text[i] == '"':
            end = i + 1
            chars: list[str] = []
            while end < n and text[end] != '"':
                if text[end] == "\\" and end + 1 < n:
                    end += 1
                chars.append(text[end])
                end += 1
            if end >= n:
                raise SearchError(_("Unterminated quotation in the query."))
            tokens.append(_Token("term", "".join(chars), name, sign, quoted=True))
            i = end + 1
            continue
        if i < n and text[i] in "[{":
            closing = text.find("]", i)
            closing_brace = text.find("}", i)
            ends = [pos for pos in (closing, closing_brace) if pos != -1]
            if not ends:
                raise SearchError(_("Unterminated range in the query."))
            end = min(ends)
            bounds = _RANGE.match(text[i + 1 : end])
            if not bounds:
                raise SearchError(_("A range is written [from TO until]."))
            tokens.append(
                _Token(
                    "term",
                    text[i : end + 1],
                    name,
                    sign,
                    range=(
                        bounds.group(1),
                        bounds.group(2),
                        text[i] == "[",
                        text[end] == "]",
                    ),
                )
            )
            i = end + 1
            continue
        end = i
        while end < n and not text[end].isspace() and text[end] not in "()":
            if text[end] == "\\" and end + 1 < n:
                end += 1
            end += 1
        word = text[i:end].replace("\\", "")
        i = end
        if not word:
            raise SearchError(_("A field must be followed by a value."))
        if word in ("AND", "OR", "NOT") and not sign and match is None:
            tokens.append(_Token("op", word))
        else:
            tokens.append(_Token("term", word, name, sign))
    if groups:
        raise SearchError(_("Unbalanced parentheses in the query."))
    return tokens


def _parse_time(value: str, *, upper: bool) -> dt.datetime | None:
    if value == "*":
        return None
    now = timezone.now()
    if value.startswith("NOW"):
        if match := re.fullmatch(r"NOW(?:([-+])(\d+)(DAYS?|HOURS?|MINUTES?))?(?:/DAY)?", value):
            if match.group(1):
                amount = int(match.group(2)) * (-1 if match.group(1) == "-" else 1)
                unit = match.group(3).rstrip("S").lower() + "s"
                now += dt.timedelta(**{unit: amount})
            return now
        raise SearchError(_("Invalid date in the query: %(value)s") % {"value": value})
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        raise SearchError(_("Invalid date in the query: %(value)s") % {"value": value}) from None
    if len(value) == 10 and upper:  # a whole day when only a date is given
        parsed += dt.timedelta(days=1) - dt.timedelta(microseconds=1)
    if timezone.is_naive(parsed):
        parsed = parsed.replace(tzinfo=dt.UTC)  # CKAN's (Solr's) times are UTC
    return parsed


def _time_q(column: str, token: _Token) -> Q:
    if token.range is None:
        if token.value == "*":
            return Q()
        start = _parse_time(token.value, upper=False)
        end = _parse_time(token.value, upper=True)
        return Q(**{f"{column}__gte": start, f"{column}__lte": end})
    low, high, low_incl, high_incl = token.range
    condition = Q()
    low_value = _parse_time(low, upper=False)
    high_value = _parse_time(high, upper=True)
    if low_value is not None:
        condition &= Q(**{f"{column}__{'gte' if low_incl else 'gt'}": low_value})
    if high_value is not None:
        condition &= Q(**{f"{column}__{'lte' if high_incl else 'lt'}": high_value})
    return condition


def _text_q(value: str, fields: Iterable[str] = TEXT_FIELDS) -> Q:
    if value in ("*", "*:*"):
        return Q()
    value = value.strip("*")
    condition = Q()
    for name in fields:
        condition |= Q(**{f"{name}__icontains": value})
    return condition


def _keyword_q(value: str) -> Q:
    # `keywords` is a comma-separated text; a tag is one whole item of it, in either language.
    pattern = r"(^|,)\s*" + re.escape(value) + r"\s*(,|$)"
    return Q(keywords_ko__iregex=pattern) | Q(keywords_en__iregex=pattern)


def _exact_or_prefix(column: str, value: str) -> Q:
    if value == "*":
        return Q()
    if value.endswith("*"):
        return Q(**{f"{column}__startswith": value[:-1]})
    return Q(**{column: value})


def _licence_q(value: str) -> Q:
    code = LICENCE_BY_CKAN_ID.get(value.lower()) or next(
        (code for code in Licence.values if code.lower() == value.lower()), None
    )
    if value == "*":
        return Q()
    if code is None:
        return Q(pk__in=[])
    # other-at is also what an unknown licence reads as; the KOGL is the only one today.
    return Q(licence=code)


def _constant_q(value: str, accepted: str) -> Q:
    return Q() if value.lower() in (accepted, "*") else Q(pk__in=[])


def _theme_q(value: str) -> Q:
    if value == "*":
        return Q(themes__icontains='"')
    code = value.rsplit("/", 1)[-1].upper()  # a name (soci) or an EU theme URI
    if code not in Theme.values:
        return Q(pk__in=[])
    # Portable across SQLite and PostgreSQL (JSON `contains` is PostgreSQL's only); codes are
    # fixed four-letter words, so the quoted code matches only that item.
    return Q(themes__icontains=f'"{code}"')


def _id_q(value: str) -> Q:
    if value == "*":
        return Q()
    pk = parse_id("dataset", value)
    return Q(pk=pk) if pk is not None else Q(pk__in=[])


def _format_q(value: str) -> Q:
    if value == "*":
        return Q(Exists(Resource.objects.filter(dataset=OuterRef("pk"))))
    return Q(Exists(Resource.objects.filter(dataset=OuterRef("pk"), format__iexact=value.strip())))


FIELDS: dict[str, Callable[[_Token], Q]] = {
    "text": lambda t: _text_q(t.value),
    "title": lambda t: _text_q(t.value, ("title_ko", "title_en")),
    "title_string": lambda t: _text_q(t.value, ("title_ko", "title_en")),
    "notes": lambda t: _text_q(t.value, ("description_ko", "description_en")),
    "name": lambda t: _exact_or_prefix("slug", t.value),
    "id": lambda t: _id_q(t.value),
    "organization": lambda t: Q() if t.value == "*" else _org_q(t.value),
    "owner_org": lambda t: Q() if t.value == "*" else _org_q(t.value),
    "tags": lambda t: Q() if t.value == "*" else _keyword_q(t.value),
    "res_format": lambda t: _format_q(t.value),
    "license_id": lambda t: _licence_q(t.value),
    "groups": lambda t: _theme_q(t.value),
    "metadata_modified": lambda t: _time_q("modified", t),
    "metadata_created": lambda t: _time_q("created_at", t),
    "capacity": lambda t: _constant_q(t.value, "public"),
    "state": lambda t: _constant_q(t.value, "active"),
    "private": lambda t: _constant_q(t.value, "false"),
    "type": lambda t: _constant_q(t.value, "dataset"),
    "dataset_type": lambda t: _constant_q(t.value, "dataset"),
    "entity_type": lambda t: _constant_q(t.value, "package"),
    "site_id": lambda t: Q(),
}


class _Parser:
    """expr := group (AND? group)* ; group := unary (OR unary)* ; unary := (NOT|-|+)? primary.
    Terms side by side must all hold (CKAN's q.op AND); OR binds its neighbours, as the
    harvester's `organization:a OR organization:b metadata_modified:[… TO *]` expects."""

    def __init__(self, tokens: list[_Token], *, strict: bool) -> None:
        self.tokens = tokens
        self.strict = strict  # fq: an unknown field is an error; q: it is text, as edismax
        self.pos = 0
        self.words: list[str] = []  # the free-text words, for the score

    def peek(self) -> _Token | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def parse(self) -> Q:
        condition = self.expr()
        if self.peek() is not None:
            raise SearchError(_("Unbalanced parentheses in the query."))
        return condition

    def expr(self) -> Q:
        condition = Q()
        while (token := self.peek()) is not None and token.kind != ")":
            if token.kind == "op" and token.value == "AND":
                self.pos += 1
                continue
            condition &= self.group()
        return condition

    def group(self) -> Q:
        condition = self.unary()
        while (token := self.peek()) is not None and token.kind == "op" and token.value == "OR":
            self.pos += 1
            condition |= self.unary()
        return condition

    def unary(self) -> Q:
        token = self.peek()
        if token is None:
            raise SearchError(_("The query ends with an operator."))
        if token.kind == "op":
            self.pos += 1
            if token.value == "NOT":
                return ~self.unary()
            if token.value == "AND":
                return self.unary()
            raise SearchError(_("The query has an operator without a term."))
        if token.kind == "(":
            self.pos += 1
            condition = self.expr()
            if self.peek() is None:
                raise SearchError(_("Unbalanced parentheses in the query."))
            self.pos += 1
            return condition
        self.pos += 1
        condition = self.term(token)
        return ~condition if token.sign == "-" else condition

    def term(self, token: _Token) -> Q:
        name = token.field
        if name is None or name == "text":
            if token.value in ("*", "*:*"):
                return Q()
            if token.sign != "-":
                self.words.append(token.value.strip("*"))
            return _text_q(token.value)
        if name == "*" or (name and token.value == "*" and name not in FIELDS):
            return Q()
        handler = FIELDS.get(name)
        if handler is None and not self.strict:
            words = [name, token.value.strip("*")]
            if token.sign != "-":
                self.words.extend(words)
            return _text_q(words[0]) & _text_q(words[1])
        if handler is None:
            raise SearchError(
                _("Unknown field %(field)s. Fields: %(fields)s")
                % {"field": name, "fields": ", ".join(sorted(FIELDS))}
            )
        return handler(token)


def parse_query(text: str, *, strict: bool = True) -> tuple[Q, list[str]]:
    text = text.strip()
    if text in ("", "*:*", "*"):
        return Q(), []
    parser = _Parser(_tokenize(text), strict=strict)
    return parser.parse(), [word for word in parser.words if word]


SORT_COLUMNS = {
    "metadata_modified": "modified",
    "metadata_created": "created_at",
    "name": "slug",
    "title_string": "title_ko",
    "title": "title_ko",
    "id": "pk",
    "score": "score",
}


def parse_sort(text: str) -> list[tuple[str, bool]]:
    """`field dir[, field dir]…` into (column, descending) pairs; CKAN answers an unknown one
    with a Search Query Error."""
    keys: list[tuple[str, bool]] = []
    for part in text.split(","):
        words = part.split()
        if not words:
            continue
        direction = words[1].lower() if len(words) > 1 else "asc"
        if len(words) > 2 or words[0] not in SORT_COLUMNS or direction not in ("asc", "desc"):
            raise SearchQueryError(
                _('Search Query is invalid: Invalid "sort" parameter (%(sort)s)') % {"sort": text}
            )
        keys.append((SORT_COLUMNS[words[0]], direction == "desc"))
    return keys


def _score(words: list[str]) -> Case | Value:
    """A relevance without a search engine: a word in a title counts 2, elsewhere 1."""
    if not words:
        return Value(0, output_field=IntegerField())
    total: Any = Value(0, output_field=IntegerField())
    for word in words[:10]:
        in_title = Q(title_ko__icontains=word) | Q(title_en__icontains=word)
        total = total + Case(
            When(in_title, then=Value(2)), default=Value(1), output_field=IntegerField()
        )
    return total


# --- Facets -------------------------------------------------------------------------------

FACET_FIELDS = ("organization", "tags", "res_format", "license_id", "groups")


def _raw_rows(datasets: QuerySet[Dataset], *columns: str) -> list[tuple[Any, ...]]:
    """The columns' rows without building a model or modeltranslation's per-row work: a facet
    reads every matching dataset, up to the whole catalogue."""
    sql, params = datasets.order_by().values_list(*columns).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _facet_counts(datasets: QuerySet[Dataset], name: str) -> dict[str, int]:
    """One query a field, over the whole result set (not only the page)."""
    counts: Counter[str] = Counter()
    if name == "organization":
        rows = (
            datasets.order_by()
            .values_list("publisher_id", "publisher__slug")
            .annotate(n=Count("pk"))
        )
        for publisher_id, slug, number in rows:
            key = city_org_name() if publisher_id is None else _org_name_of(publisher_id, slug)
            counts[key] += number
    elif name == "tags":
        words: list[str] = []
        for ko, en in _raw_rows(datasets, "keywords_ko", "keywords_en"):
            # Each tag once a dataset, though it be in both languages.
            words.extend({w.strip() for text in (ko, en) if text for w in text.split(",")})
        counts = Counter(words)
        counts.pop("", None)
    elif name == "res_format":
        formats = (
            Resource.objects.filter(dataset__in=datasets.order_by().values("pk"))
            .order_by()
            .values_list("format")
            .annotate(n=Count("dataset_id", distinct=True))
        )
        for fmt, number in formats:
            counts[_label(Format, fmt)] += number
    elif name == "license_id":
        licences = datasets.order_by().values_list("licence").annotate(n=Count("pk"))
        for code, number in licences:
            counts[LICENCES.get(code, ("other-at", ""))[0]] += number
    elif name == "groups":
        codes: list[str] = []
        for (themes,) in _raw_rows(datasets, "themes"):
            if isinstance(themes, str):  # SQLite gives the JSON text, PostgreSQL the list
                themes = json.loads(themes)
            codes.extend({code for code in themes or [] if isinstance(code, str)})
        counts = Counter(code.lower() for code in codes)
    return dict(counts)


def _facet_display_names(name: str, keys: Iterable[str]) -> dict[str, str]:
    keys = list(keys)
    if name == "organization":
        names = {city_org_name(): _city("name_ko")}
        slugs = [key for key in keys if key != city_org_name() and not key.startswith("org__")]
        pks = [int(key[5:]) for key in keys if re.fullmatch(r"org__\d+", key)]
        for org in Organization.objects.filter(Q(slug__in=slugs) | Q(pk__in=pks)):
            names[org_name(org)] = org.name_ko
        return names
    if name == "license_id":
        return {
            ckan_id: _label(Licence, LICENCE_BY_CKAN_ID[ckan_id])
            for ckan_id in keys
            if ckan_id in LICENCE_BY_CKAN_ID
        }
    if name == "groups":
        return {key: _label(Theme, key.upper()) for key in keys}
    return {}


# --- The actions --------------------------------------------------------------------------


@dataclass
class Context:
    base_url: str  # scheme and host of the request, for absolute links
    help_url: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def package_list(context: Context, data: dict[str, Any]) -> list[str]:
    """Return a list of the names of the site's published datasets.

    :param limit: if given, the list is broken into pages of at most ``limit`` names
    :param offset: when ``limit`` is given, the offset to start from
    """
    limit = _natural(data, "limit", None)
    offset = _natural(data, "offset", None) or 0
    names = published().order_by("slug").values_list("slug", flat=True)
    if limit:  # CKAN: a limit of 0 or none means all
        return list(names[offset : offset + limit])
    return list(names[offset:])


def _find_dataset(value: str) -> Dataset:
    pk = parse_id("dataset", value)
    condition = Q(pk=pk) if pk is not None else Q(slug=value)
    dataset = _with_relations(published().filter(condition)).first()
    if dataset is None:
        raise NotFound(_("Not found: %(what)s") % {"what": _("Dataset not found")})
    return dataset


def package_show(context: Context, data: dict[str, Any]) -> dict[str, Any]:
    """Return the metadata of a published dataset and its resources.

    :param id: the id or name of the dataset
    """
    return package_dicts([_find_dataset(_required_id(data))], context.base_url)[0]


def resource_show(context: Context, data: dict[str, Any]) -> dict[str, Any]:
    """Return the metadata of a resource of a published dataset.

    :param id: the id of the resource
    """
    pk = parse_id("resource", _required_id(data))
    resource = (
        Resource.objects.filter(pk=pk, dataset__in=public_datasets())
        .select_related("dataset")
        .first()
        if pk is not None
        else None
    )
    if resource is None:
        raise NotFound(_("Not found: %(what)s") % {"what": _("Resource not found")})
    position = resource.dataset.resources.filter(
        Q(position__lt=resource.position) | Q(position=resource.position, pk__lt=resource.pk)
    ).count()
    with translation.override(settings.LANGUAGE_CODE):
        return resource_dict(resource, resource.dataset, position, context.base_url)


def package_search(context: Context, data: dict[str, Any]) -> dict[str, Any]:
    """Search the published datasets (CKAN's Solr parameters, answered from the database).

    :param q: the query: words (each must appear in a title, description or keyword, in
        Korean or English) and ``field:value`` terms; default ``*:*``
    :param fq: filter terms: organization, tags, res_format, license_id, groups, name, id,
        metadata_modified and metadata_created (``[2025-01-01T00:00:00Z TO *]``), with
        ``OR``, ``AND``, ``NOT``, ``-``, ``+``, parentheses and quotes
    :param fq_list: more filters, each ANDed
    :param sort: ``score``, ``metadata_modified``, ``metadata_created``, ``name``,
        ``title_string`` or ``id``, each ``asc`` or ``desc``, comma-separated
        (default ``score desc, metadata_modified desc``)
    :param rows: datasets a page (default 10, at most 1000)
    :param start: offset of the page's first dataset
    :param facet.field: fields to count: organization, tags, res_format, license_id, groups
    :param facet.limit: values a facet (default 50; negative: all)
    :param facet.mincount: the least count shown (default 1)
    """
    rows = min(_natural(data, "rows", ROWS_DEFAULT) or 0, ROWS_MAX)
    if data.get("rows") in (None, ""):
        rows = ROWS_DEFAULT
    start = _natural(data, "start", 0) or 0
    facet_fields = _string_list(data, "facet.field")
    facet_limit = _integer(data, "facet.limit", FACET_LIMIT_DEFAULT)
    facet_mincount = _natural(data, "facet.mincount", 1) or 0
    facet_on = _boolean(data, "facet", True)
    unknown_facets = [name for name in facet_fields if name not in FACET_FIELDS]
    if unknown_facets:
        raise ValidationError(
            errors={
                "facet.field": [
                    _("Unknown facet field: %(fields)s") % {"fields": ", ".join(unknown_facets)}
                ]
            }
        )
    sort_text = _text(data, "sort").strip() or DEFAULT_SORT
    if sort_text == "rank":
        sort_text = DEFAULT_SORT
    order = parse_sort(sort_text)

    condition, words = parse_query(_text(data, "q"), strict=False)
    for fq in [_text(data, "fq"), *_string_list(data, "fq_list")]:
        fq_condition, _words = parse_query(fq)
        condition &= fq_condition
    matches = published().filter(condition)

    ordering: list[Any] = []
    for column, descending in order:
        if column == "score" and not words:
            continue  # every dataset scores alike without free-text words
        ordering.append(f"-{column}" if descending else column)
    if "pk" not in ordering and "-pk" not in ordering:
        ordering.append("pk")  # a total order, so that pages never overlap
    page_query = matches
    if any(key.lstrip("-") == "score" for key in ordering):
        page_query = page_query.annotate(score=_score(words))
    page: list[Dataset] = []
    count: int | None = None
    if rows:
        # The page's keys with the total (a window count: one scan, not two), then the page
        # with its relations: three queries in all.
        keyed = list(
            page_query.order_by(*ordering)
            .annotate(total=Window(Count("pk")))
            .values_list("pk", "total")[start : start + rows]
        )
        if keyed:
            count = keyed[0][1]
            by_pk = {
                d.pk: d
                for d in _with_relations(Dataset.objects.filter(pk__in=[k for k, _t in keyed]))
            }
            page = [by_pk[pk] for pk, _total in keyed if pk in by_pk]
    if count is None:  # no rows asked, or a start past the end
        count = matches.count()

    facets: dict[str, dict[str, int]] = {}
    if facet_on:
        for name in dict.fromkeys(facet_fields):
            counts = {k: v for k, v in _facet_counts(matches, name).items() if v >= facet_mincount}
            top = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
            if facet_limit >= 0:
                top = top[:facet_limit]
            facets[name] = dict(top)
    search_facets: dict[str, Any] = {}
    with translation.override(settings.LANGUAGE_CODE):
        for name, counts in facets.items():
            display = _facet_display_names(name, counts)
            items: list[dict[str, Any]] = [
                {"name": key, "display_name": display.get(key, key), "count": value}
                for key, value in counts.items()
            ]
            items.sort(key=lambda item: item["display_name"], reverse=True)  # as CKAN
            search_facets[name] = {"title": name, "items": items}
    return {
        "count": count,
        "sort": sort_text,
        "facets": facets,
        "results": package_dicts(page, context.base_url),
        "search_facets": search_facets,
    }


def _publishers() -> tuple[int, dict[int, tuple[Organization, int]]]:
    """The city's count of published datasets, and each publishing organization with its count:
    two queries."""
    rows: Counter[int] = Counter()
    city_count = 0
    for publisher_id in published().order_by().values_list("publisher_id", flat=True):
        if publisher_id is None:
            city_count += 1
        else:
            rows[publisher_id] += 1
    orgs = Organization.objects.in_bulk(list(rows))
    return city_count, {pk: (org, rows[pk]) for pk, org in orgs.items()}


def organization_list(context: Context, data: dict[str, Any]) -> list[Any]:
    """Return the names of the publishers of published datasets: the city and each organization.

    :param all_fields: return organization dictionaries instead of names
    :param sort: ``name``, ``title`` or ``package_count``, ``asc`` or ``desc``
        (default ``title asc``)
    :param limit: at most this many (default 1000; 25 with ``all_fields``)
    :param offset: the offset to start from
    :param organizations: only these names
    """
    all_fields = _boolean(data, "all_fields", False)
    limit = _natural(data, "limit", None)
    offset = _natural(data, "offset", None) or 0
    most = ORG_LIST_ALL_FIELDS_MAX if all_fields else ORG_LIST_MAX
    limit = most if limit is None or limit > most else limit
    sort_text = _text(data, "sort").strip() or "title asc"
    words = sort_text.split()
    if sort_text in ("packages", "package_count"):
        words = ["package_count", "desc"]
    column = words[0] if words else "title"
    descending = len(words) > 1 and words[1].lower() == "desc"
    if column == "packages":
        column = "package_count"
    if (
        column not in ("name", "title", "package_count")
        or len(words) > 2
        or (len(words) == 2 and words[1].lower() not in ("asc", "desc"))
    ):
        raise ValidationError(errors={"sort": [_("Invalid sort: %(sort)s") % {"sort": sort_text}]})
    only = set(_string_list(data, "organizations") or _string_list(data, "groups"))

    city_count, orgs = _publishers()
    with translation.override(settings.LANGUAGE_CODE):
        dicts = [city_org_dict(context.base_url, city_count)]
        dicts += [org_dict(org, context.base_url, count) for org, count in orgs.values()]
    if only:
        dicts = [item for item in dicts if item["name"] in only]

    def key(item: dict[str, Any]) -> tuple[Any, str]:
        return (item[column], item["name"])

    dicts.sort(key=key, reverse=descending)
    dicts = dicts[offset : offset + limit] if limit else dicts[offset:]
    return dicts if all_fields else [item["name"] for item in dicts]


def organization_show(context: Context, data: dict[str, Any]) -> dict[str, Any]:
    """Return a publisher: the city or an organization that publishes a published dataset.

    :param id: the id or name of the organization
    :param include_datasets: include its first 10 datasets (default false)
    :param include_dataset_count: include ``package_count`` (default true)
    """
    value = _required_id(data)
    include_datasets = _boolean(data, "include_datasets", False)
    include_count = _boolean(data, "include_dataset_count", True)
    condition = _org_q(value)
    datasets = published().filter(condition)
    is_city = value == city_org_name() or parse_id("organization", value) == 0
    org: Organization | None = None
    if not is_city:
        publisher_id = datasets.values_list("publisher_id", flat=True).first()
        org = Organization.objects.filter(pk=publisher_id).first() if publisher_id else None
        if org is None:
            raise NotFound(_("Not found: %(what)s") % {"what": _("Organization not found")})
    count = datasets.count() if include_count or include_datasets else None
    with translation.override(settings.LANGUAGE_CODE):
        result = org_dict(org, context.base_url, count)
    result.update({"users": [], "groups": [], "tags": [], "extras": [], "num_followers": 0})
    if include_datasets:
        shown = _with_relations(datasets.order_by("-modified", "pk"))[:ORG_DATASETS_SHOWN]
        result["packages"] = package_dicts(shown, context.base_url)
    return result


def status_show(context: Context, data: dict[str, Any]) -> dict[str, Any]:
    """Return what this site is: its title, address, the CKAN version it answers as, and the
    extensions whose fields it serves."""
    city = settings.SHAREHUB_CITY
    return {
        "ckan_version": CKAN_VERSION,
        "site_title": f"{city['hub_name_ko']} · {city['name_ko']}",
        "site_description": "",
        "site_url": settings.SHAREHUB_SITE_URL,
        "error_emails_to": None,
        "locale_default": settings.LANGUAGE_CODE,
        "extensions": ["dcat", "fluent"],
    }


def help_show(context: Context, data: dict[str, Any]) -> str | None:
    """Return the help text of an action.

    :param name: the action's name
    """
    name = data.get("name")
    if not name or not isinstance(name, str):
        raise ValidationError(errors={"name": [_("Missing value")]})
    action = ACTIONS.get(name)
    if action is None:
        raise NotFound(_("Not found: %(what)s") % {"what": _("Action function not found")})
    return action.__doc__


ACTIONS: dict[str, Callable[[Context, dict[str, Any]], Any]] = {
    "package_list": package_list,
    "package_show": package_show,
    "package_search": package_search,
    "resource_show": resource_show,
    "organization_list": organization_list,
    "organization_show": organization_show,
    "status_show": status_show,
    "help_show": help_show,
}
WRITE_SUFFIXES = ("_create", "_update", "_patch", "_delete", "_purge", "_revise")


def run(name: str, context: Context, data: dict[str, Any]) -> Any:
    """The action's result, or a CkanError for the view to answer."""
    action = ACTIONS.get(name)
    if action is None:
        if name.endswith(WRITE_SUFFIXES):
            raise NotAuthorized(
                _("Access denied: %(why)s") % {"why": _("this catalogue is read-only")}
            )
        raise UnknownAction(
            _("Bad request: %(why)s")
            % {"why": _("Action name not known: %(name)s") % {"name": name}}
        )
    return action(context, data)
