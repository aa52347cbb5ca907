"""/api/v1/data/datasets: the public catalogue (published datasets and series only).

- `GET /datasets`: paged, with the catalogue page's filters (`q`, `theme`, `format`,
  `publisher`, `series`, `sort`); a bad filter is a 422 naming it.
- `GET /datasets/{slug}`: one dataset with its resources (their download addresses) and its
  series or members; a draft is a 404 like an unknown slug.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.http import Http404, HttpRequest
from django.urls import reverse
from ninja import Query, Router, Schema

from sharehub.core.api_errors import ErrorOut
from sharehub.core.api_types import page_query
from sharehub.core.filters import api_filters, query_schema
from sharehub.core.pagination import ApiPage, api_page
from sharehub.opendata.forms_datasets import CatalogueFilterForm
from sharehub.opendata.models import Dataset, Resource
from sharehub.opendata.selectors import datasets as selectors
from sharehub.opendata.selectors.datasets import PUBLIC

router = Router(tags=["open data"])

PER_PAGE = 50


class ResourceOut(Schema):
    id: int
    title: str
    title_en: str
    format: str
    origin: str
    generator: str
    byte_size: int | None
    checksum: str
    version: int
    download_count: int
    modified_at: datetime.datetime
    download_url: str
    page_url: str


class DatasetSummaryOut(Schema):
    slug: str
    kind: str
    title: str
    title_en: str
    description: str
    description_en: str
    publisher: str | None
    licence: str
    themes: list[str]
    keywords: list[str]
    keywords_en: list[str]
    frequency: str
    spatial: str | None
    temporal_start: datetime.date | None
    temporal_end: datetime.date | None
    issued: datetime.datetime | None
    modified: datetime.datetime
    series: str | None
    formats: list[str]
    url: str


class DatasetOut(DatasetSummaryOut):
    contact_name: str
    contact_email: str
    resources: list[ResourceOut]
    members: list[str]


def _words(text: str | None) -> list[str]:
    return [word.strip() for word in (text or "").split(",") if word.strip()]


def _resource(request: HttpRequest, dataset: Dataset, resource: Resource) -> dict[str, Any]:
    return {
        "id": resource.pk,
        "title": resource.title_ko,
        "title_en": resource.title_en or "",
        "format": resource.format,
        "origin": resource.origin,
        "generator": resource.generator,
        "byte_size": resource.byte_size,
        "checksum": resource.checksum,
        "version": resource.version,
        "download_count": resource.download_count,
        "modified_at": resource.modified_at,
        "download_url": request.build_absolute_uri(
            reverse("opendata:resource_download", args=[dataset.slug, resource.pk])
        ),
        "page_url": request.build_absolute_uri(
            reverse("opendata:resource", args=[dataset.slug, resource.pk])
        ),
    }


def _summary(request: HttpRequest, dataset: Dataset) -> dict[str, Any]:
    return {
        "slug": dataset.slug,
        "kind": dataset.kind,
        "title": dataset.title_ko,
        "title_en": dataset.title_en or "",
        "description": dataset.description_ko,
        "description_en": dataset.description_en or "",
        "publisher": dataset.publisher.name_ko if dataset.publisher else None,
        "licence": dataset.licence,
        "themes": list(dataset.themes or []),
        "keywords": _words(dataset.keywords_ko),
        "keywords_en": _words(dataset.keywords_en),
        "frequency": dataset.frequency,
        "spatial": dataset.spatial.code if dataset.spatial else None,
        "temporal_start": dataset.temporal_start,
        "temporal_end": dataset.temporal_end,
        "issued": dataset.issued,
        "modified": dataset.modified,
        "series": dataset.series.slug if dataset.series and dataset.series.is_published else None,
        "formats": sorted({r.format for r in dataset.resources.all()}),
        "url": request.build_absolute_uri(reverse("opendata:dataset", args=[dataset.slug])),
    }


@router.get(
    "/datasets",
    response={200: ApiPage[DatasetSummaryOut], 422: ErrorOut},
    auth=None,
    summary="The data catalogue (public)",
    description="Published datasets and dataset series. Filters: `q` (titles, descriptions and "
    "keywords, Korean and English), `theme` (an EU data theme code), `format`, `publisher` "
    "(an organization's id; 0 the city), `series` (a series' slug, `only` or `none`), `sort`.",
)
def list_datasets(
    request: HttpRequest,
    query: Query[query_schema(CatalogueFilterForm)],  # type: ignore[valid-type]
    page: int = page_query(),
):
    filters = api_filters(CatalogueFilterForm, query).cleaned_data
    datasets = selectors.catalogue(
        q=filters.get("q") or "",
        theme=filters.get("theme") or "",
        format=filters.get("format") or "",
        publisher=filters.get("publisher"),
        series=filters.get("series") or "",
        sort=filters.get("sort") or selectors.DEFAULT_SORT,
    )
    return api_page(request, datasets, page, per_page=PER_PAGE, item=lambda d: _summary(request, d))


@router.get(
    "/datasets/{slug}",
    response={200: DatasetOut, 404: ErrorOut},
    auth=None,
    summary="One dataset with its resources (public)",
)
def get_dataset(request: HttpRequest, slug: str):
    dataset = selectors.catalogue().filter(slug=slug).first()
    if dataset is None:
        raise Http404
    members = (
        list(dataset.members.filter(PUBLIC).order_by("slug").values_list("slug", flat=True))
        if dataset.is_series
        else []
    )
    return {
        **_summary(request, dataset),
        "contact_name": dataset.contact_name,
        "contact_email": dataset.contact_email,
        "resources": [_resource(request, dataset, r) for r in dataset.resources.all()],
        "members": members,
    }
