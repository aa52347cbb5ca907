"""Demo data of places: the city's real districts and neighbourhoods, from the files in data/."""

from __future__ import annotations

from sharehub.core.demo import DemoRun

from . import services


def load_demo_districts(run: DemoRun) -> int:
    geojson, centroids = services.bundled_district_files()
    return services.load_districts(geojson_path=geojson, centroids_csv=centroids).created


def load_demo_neighbourhoods(run: DemoRun) -> int:
    return services.load_neighbourhoods(geojson_path=services.bundled_neighbourhood_file()).created
