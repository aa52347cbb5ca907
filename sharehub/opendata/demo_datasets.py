"""Demo data of the catalogue: the standard datasets (directory, designation register, events,
public spaces and their use, awards, indicators, official statistics, scoreboard), each with
live CSV, JSON and XLSX resources (and GeoJSON where the rows have coordinates), and one dataset
series per live indicator with a member per year. Looked up before created: loading twice
creates nothing."""

from __future__ import annotations

from sharehub.core.demo import DemoRun

from .services.datasets import ensure_standard_datasets, sync_indicator_series


def load(run: DemoRun) -> int:
    created = ensure_standard_datasets()
    counts = sync_indicator_series()
    return created + counts["series"] + counts["members"]
