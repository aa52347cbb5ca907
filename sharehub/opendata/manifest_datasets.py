"""The datasets part's registrations with the kernel (imported by manifest.py): published datasets
are searchable, the indicator series are kept in step with the live indicators every day, and
the demo publishes the standard datasets."""

from __future__ import annotations

from datetime import timedelta

from django.tasks import task

from sharehub.core.demo import register_demo
from sharehub.core.periodic import register_periodic
from sharehub.organizations.models import Organization
from sharehub.search.registry import register_searchable

from . import demo_datasets
from .models import Dataset
from .search_index import DATASET_KIND, DATASET_STATE_FIELDS, dataset_document
from .selectors.datasets import public_datasets
from .services.datasets import refresh_generated_content, sync_indicator_series


@task()
def sync_indicator_series_task() -> dict[str, int]:
    return sync_indicator_series()


@task()
def refresh_generated_content_task() -> int:
    return refresh_generated_content()


register_searchable(
    Dataset,
    document=dataset_document,
    public=public_datasets,
    state_fields=DATASET_STATE_FIELDS,
    # A hidden organization's datasets leave the index with it (selectors.datasets.PUBLIC).
    follows={Organization: "publisher"},
    by_district=True,
    kind=DATASET_KIND,
)
register_periodic("opendata.indicator_series", sync_indicator_series_task, every=timedelta(days=1))
register_periodic(
    "opendata.generated_content", refresh_generated_content_task, every=timedelta(days=1)
)
register_demo("opendata_datasets", demo_datasets.load, label="open data: datasets", order=84)
