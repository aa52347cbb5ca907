"""What the search index holds for a dataset, how the hub's search page shows one. Only published
datasets and series (selectors.datasets.public_datasets): a draft is never found."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from sharehub.search.documents import SearchDocument
from sharehub.search.registry import SearchKind

from .models import Dataset, Format, Theme, label_of
from .selectors.datasets import public_datasets

# Saved alone, these may make a dataset public or not.
DATASET_STATE_FIELDS = ("is_published",)


def dataset_document(dataset: Dataset) -> SearchDocument:
    """Titles, descriptions in both languages; keywords, theme names and the resources' formats
    as keywords; the district it covers (none: the whole city)."""
    themes = " ".join(str(label_of(Theme, code)) for code in dataset.themes or [])
    resource_formats = " ".join(
        sorted({str(Format(r.format).label) for r in dataset.resources.all()})
    )
    keywords = " ".join(
        part
        for part in (dataset.keywords_ko, dataset.keywords_en, themes, resource_formats)
        if part
    )
    display = {}
    for lang in ("ko", "en"):
        title = getattr(dataset, f"title_{lang}") or dataset.title_ko or ""
        description = getattr(dataset, f"description_{lang}") or dataset.description_ko or ""
        display[lang] = (title, description)
    return SearchDocument(
        title=" ".join(part for part in (dataset.title_ko, dataset.title_en) if part),
        body="\n".join(part for part in (dataset.description_ko, dataset.description_en) if part),
        keywords=keywords,
        display=display,
        districts=(dataset.spatial.code,) if dataset.spatial_id and dataset.spatial else (),
        city_wide=dataset.spatial_id is None,
    )


def describe_dataset(dataset: Dataset) -> str:
    """The line under a dataset on the hub's search page: its kind and when it last changed."""
    modified = formats.date_format(timezone.localtime(dataset.modified), "DATE_FORMAT")
    return f"{dataset.get_kind_display()} · {modified}"


def searchable_datasets() -> QuerySet[Dataset]:
    return public_datasets().select_related("spatial").prefetch_related("resources")


DATASET_KIND = SearchKind(
    "datasets", _("Open data"), order=70, queryset=searchable_datasets, describe=describe_dataset
)
