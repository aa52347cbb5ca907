"""schema.org `Dataset` markup for a dataset's page (https://schema.org/Dataset; the properties
search engines read for datasets), as JSON-LD safe to put in a `<script>` element.

The texts are the page's language (falling back to the other one, as the page does); the
addresses are absolute (`SHAREHUB_SITE_URL`). A series member says which series it is part of
(`isPartOf`) when the series is published.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.urls import NoReverseMatch, reverse

from sharehub.core.i18n import city_name
from sharehub.opendata import vocab
from sharehub.opendata.dcat import (
    Urls,
    catalogue_title,
    dataset_iri,
    district_bbox,
    site_url,
)
from sharehub.opendata.models import Dataset

# As django.utils.html.json_script: no "<", ">" or "&" can end the script element or start
# markup, whatever the texts hold.
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def script_json(data: Any) -> str:
    """JSON for the inside of a `<script type="application/ld+json">` element."""
    return json.dumps(data, ensure_ascii=False).translate(_SCRIPT_ESCAPES)


def _page_url(name: str, **kwargs: Any) -> str | None:
    try:
        return site_url() + reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return None


def _publisher(dataset: Dataset) -> dict[str, Any]:
    organization = dataset.publisher if dataset.publisher_id else None
    if organization is None:
        return {"@type": "GovernmentOrganization", "name": city_name(), "url": f"{site_url()}/"}
    data: dict[str, Any] = {"@type": "Organization", "name": organization.name}
    if organization.is_published:
        data["url"] = site_url() + organization.get_absolute_url()
    elif organization.website:
        data["url"] = organization.website
    return data


def _place(dataset: Dataset) -> dict[str, Any]:
    district = dataset.spatial if dataset.spatial_id else None
    if district is None:
        city = settings.SHAREHUB_CITY
        return {
            "@type": "Place",
            "name": city_name(),
            "sameAs": city.get("geonames_uri") or vocab.SEOUL_GEONAMES,
        }
    place: dict[str, Any] = {"@type": "Place", "name": district.name}
    if box := district_bbox(district):
        west, south, east, north = box
        place["geo"] = {
            "@type": "GeoShape",
            "box": f"{south:.6f} {west:.6f} {north:.6f} {east:.6f}",
        }
    else:
        place["geo"] = {
            "@type": "GeoCoordinates",
            "latitude": float(district.latitude),
            "longitude": float(district.longitude),
        }
    return place


def dataset_markup(dataset: Dataset) -> dict[str, Any]:
    """The schema.org description of a published dataset. Reads its resources, publisher,
    district and series (prefetch them on the page)."""
    urls = Urls()
    licence = vocab.LICENCES.get(dataset.licence)
    publisher = _publisher(dataset)
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "@id": dataset_iri(dataset.slug),
        "name": dataset.title,
        "description": dataset.description,
        "url": _page_url("opendata:dataset", slug=dataset.slug) or urls.dataset(dataset.slug),
        "identifier": dataset_iri(dataset.slug),
        "keywords": dataset.keyword_list(),
        "isAccessibleForFree": True,
        "creator": publisher,
        "publisher": publisher,
        "inLanguage": "ko",
        "spatialCoverage": _place(dataset),
        "dateModified": dataset.modified.isoformat(timespec="seconds"),
        "includedInDataCatalog": {
            "@type": "DataCatalog",
            "name": catalogue_title(),
            "url": _page_url("opendata:datasets") or urls.catalogue_page,
        },
    }
    if licence:
        data["license"] = licence.deed
    if dataset.issued:
        data["datePublished"] = dataset.issued.isoformat(timespec="seconds")
    if dataset.temporal_start or dataset.temporal_end:
        start = dataset.temporal_start.isoformat() if dataset.temporal_start else ".."
        end = dataset.temporal_end.isoformat() if dataset.temporal_end else ".."
        data["temporalCoverage"] = f"{start}/{end}"
    if dataset.contact_email:
        data["maintainer"] = {
            "@type": "Organization",
            "name": dataset.contact_name or str(publisher["name"]),
            "email": dataset.contact_email,
        }
    distributions = []
    for resource in dataset.resources.all():
        item: dict[str, Any] = {
            "@type": "DataDownload",
            "name": resource.title,
            "contentUrl": urls.resource_download(dataset.slug, resource.pk),
        }
        if file_type := vocab.FILE_TYPES.get(resource.format):
            item["encodingFormat"] = file_type.media_type
        if resource.byte_size and not resource.is_generated:
            item["contentSize"] = f"{resource.byte_size} B"
        distributions.append(item)
    if distributions:
        data["distribution"] = distributions
    series = dataset.series if dataset.series_id else None
    if series is not None and series.is_published:
        data["isPartOf"] = {
            "@type": "Dataset",
            "@id": dataset_iri(series.slug),
            "name": series.title,
            "url": _page_url("opendata:dataset", slug=series.slug) or urls.dataset(series.slug),
        }
    return data
