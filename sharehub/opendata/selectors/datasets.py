"""Reads of the data catalogue: the public catalogue (published datasets only), one dataset with
its resources and series, the staff's list (drafts too), and a resource's preview."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from openpyxl import load_workbook

from sharehub.core.actors import Actor
from sharehub.moderation.models import ModerationStatus
from sharehub.opendata import generators
from sharehub.opendata.models import Dataset, DatasetKind, Resource, ResourceVersion
from sharehub.opendata.permissions import runs_open_data

# A file larger than this is not opened for a preview (JSON and GeoJSON are read whole).
PREVIEW_MAX_BYTES = 5 * 1024 * 1024
SORTS = {
    "title": ("title_ko", "pk"),
    "-modified": ("-modified", "pk"),
    "-issued": ("-issued", "pk"),
}
DEFAULT_SORT = "title"


# What anyone may see: a published dataset or series whose publisher is the city or a public
# organization (a hidden organization's datasets leave every public read with it).
PUBLIC = Q(is_published=True) & (
    Q(publisher__isnull=True) | Q(publisher__moderation_status=ModerationStatus.PUBLISHED)
)


def public_datasets() -> QuerySet[Dataset]:
    """The one rule of every public read: pages, API, search index, DCAT, CKAN."""
    return Dataset.objects.filter(PUBLIC)


def is_public(dataset: Dataset) -> bool:
    """PUBLIC for one dataset already read (its publisher is read if not yet)."""
    publisher = dataset.publisher
    return dataset.is_published and (publisher is None or publisher.is_published)


def _resources() -> Prefetch:
    return Prefetch("resources", queryset=Resource.objects.order_by("position", "pk"))


def catalogue(
    *,
    q: str = "",
    theme: str = "",
    format: str = "",
    publisher: int | None = None,
    series: str = "",
    sort: str = DEFAULT_SORT,
    include_drafts: bool = False,
) -> QuerySet[Dataset]:
    """The catalogue's datasets matching the filters (a page of it is shown: three queries, the
    datasets, their resources and nothing per row). `q` looks in the titles, descriptions and
    keywords in both languages; `series` is a series' slug (its members), or "none" / "only"."""
    datasets = Dataset.objects.all() if include_drafts else public_datasets()
    if q := (q or "").strip():
        words = q.split()[:8]
        for word in words:
            datasets = datasets.filter(
                Q(title_ko__icontains=word)
                | Q(title_en__icontains=word)
                | Q(description_ko__icontains=word)
                | Q(description_en__icontains=word)
                | Q(keywords_ko__icontains=word)
                | Q(keywords_en__icontains=word)
            )
    if theme:
        # JSON list of codes: matched as text (works alike on SQLite and PostgreSQL).
        datasets = datasets.filter(themes__icontains=f'"{theme}"')
    if format:
        datasets = datasets.filter(resources__format=format).distinct()
    if publisher == 0:
        datasets = datasets.filter(publisher__isnull=True)
    elif publisher:
        datasets = datasets.filter(publisher_id=publisher)
    if series == "only":
        datasets = datasets.filter(kind=DatasetKind.SERIES)
    elif series == "none":
        datasets = datasets.filter(series__isnull=True)
    elif series:
        datasets = datasets.filter(series__slug=series)
    return (
        datasets.select_related("publisher", "series", "spatial")
        .prefetch_related(_resources())
        .order_by(*SORTS.get(sort, SORTS[DEFAULT_SORT]))
    )


def publishers() -> list[tuple[int, str]]:
    """Organizations publishing at least one public dataset (the filter's choices)."""
    return list(
        public_datasets()
        .filter(publisher__isnull=False)
        .values_list("publisher_id", "publisher__name_ko")
        .distinct()
        .order_by("publisher__name_ko")
    )


def public_series() -> QuerySet[Dataset]:
    return public_datasets().filter(kind=DatasetKind.SERIES).order_by("title_ko", "pk")


def may_see(actor: Actor, dataset: Dataset) -> bool:
    return is_public(dataset) or runs_open_data(actor)


def get_dataset(actor: Actor, slug: str) -> Dataset:
    """A dataset anyone may see, or a draft for staff; otherwise 404 (a draft's existence is not
    told)."""
    dataset = (
        Dataset.objects.select_related("publisher", "series", "spatial")
        .prefetch_related(_resources())
        .filter(slug=slug)
        .first()
    )
    if dataset is None or not may_see(actor, dataset):
        raise Http404
    return dataset


def members_of(actor: Actor, dataset: Dataset) -> list[Dataset]:
    if not dataset.is_series:
        return []
    members = dataset.members.all() if runs_open_data(actor) else dataset.members.filter(PUBLIC)
    return list(members.order_by("-temporal_start", "title_ko", "pk"))


def get_resource(actor: Actor, slug: str, pk: int) -> Resource:
    dataset = get_dataset(actor, slug)
    resource = next((r for r in dataset.resources.all() if r.pk == pk), None)
    if resource is None:
        raise Http404
    resource.dataset = dataset
    return resource


def versions_of(resource: Resource) -> list[ResourceVersion]:
    return list(resource.versions.select_related(None).order_by("-number"))


def get_version(resource: Resource, number: int) -> ResourceVersion:
    version = resource.versions.filter(number=number).first()
    if version is None:
        raise Http404
    return version


def staff_datasets(actor: Actor, *, q: str = "") -> QuerySet[Dataset]:
    """The staff's list: drafts and published, with their number of resources."""
    datasets = catalogue(q=q, include_drafts=True, sort="-modified")
    return datasets.prefetch_related(None).annotate(resource_count=Count("resources"))


# --- preview --------------------------------------------------------------------------------


@dataclass
class Preview:
    columns: list[str] = field(default_factory=list)
    rows: list[list[Any]] = field(default_factory=list)
    # Why there is none: "format" (PDF, ODS, ZIP), "size", "unreadable", "" when shown.
    missing: str = ""


def preview(resource: Resource, limit: int = generators.PREVIEW_ROWS) -> Preview:
    """The first rows of a resource, as a table."""
    if resource.is_generated:
        generator = generators.resolve(resource.generator)
        if generator is None:
            return Preview(missing="unreadable")
        return Preview(
            columns=[str(label) for _key, label in generator.columns],
            rows=generators.preview(generator, limit),
        )
    if resource.format not in ("CSV", "JSON", "GEOJSON", "XLSX"):
        return Preview(missing="format")
    if not resource.file:
        return Preview(missing="unreadable")
    if resource.format in ("JSON", "GEOJSON") and (resource.byte_size or 0) > PREVIEW_MAX_BYTES:
        return Preview(missing="size")
    try:
        with resource.file.open("rb") as handle:
            return _read_preview(resource.format, handle, limit)
    except (OSError, ValueError, KeyError, csv.Error):
        return Preview(missing="unreadable")


def _cell(value: Any) -> Any:
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return "" if value is None else value


def _read_preview(fmt: str, handle: Any, limit: int) -> Preview:
    if fmt == "CSV":
        head = handle.read(256 * 1024)
        try:
            text = head.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = head.decode("cp949", errors="replace")
        lines = list(csv.reader(io.StringIO(text)))
        if not lines:
            return Preview()
        return Preview(columns=lines[0], rows=lines[1 : limit + 1])
    if fmt == "XLSX":
        workbook = load_workbook(handle, read_only=True, data_only=True)
        try:
            sheet = workbook.worksheets[0]
            found = [
                [_cell(value) for value in row]
                for row in sheet.iter_rows(max_row=limit + 1, values_only=True)
            ]
        finally:
            workbook.close()
        if not found:
            return Preview()
        return Preview(columns=[str(c) for c in found[0]], rows=found[1:])
    data = json.loads(handle.read().decode("utf-8-sig"))
    if fmt == "GEOJSON" or (isinstance(data, dict) and data.get("type") == "FeatureCollection"):
        items = [
            {**(f.get("properties") or {}), "geometry": (f.get("geometry") or {}).get("type")}
            for f in (data.get("features") or [])[:limit]
            if isinstance(f, dict)
        ]
    elif isinstance(data, list):
        items = data[:limit]
    elif isinstance(data, dict):
        # {"data": [...]} and the like: the first list of objects in it.
        lists = [v for v in data.values() if isinstance(v, list)]
        items = lists[0][:limit] if lists else [data]
    else:
        items = [{"value": data}]
    columns: list[str] = []
    for item in items:
        if isinstance(item, dict):
            columns += [key for key in item if key not in columns]
    if not columns:
        return Preview(columns=["value"], rows=[[_cell(item)] for item in items])
    rows = [
        [_cell(item.get(key)) if isinstance(item, dict) else "" for key in columns]
        for item in items
    ]
    return Preview(columns=columns, rows=rows)
