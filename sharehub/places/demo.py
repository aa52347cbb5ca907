"""Demo data of places: the city's real districts, from the files bundled in data/."""

from __future__ import annotations

from sharehub.core.demo import DemoRun

from . import services


def load_demo_districts(run: DemoRun) -> int:
    geojson, centroids = services.bundled_district_files()
    return services.load_districts(geojson_path=geojson, centroids_csv=centroids).created
