"""The directory's benchmark for one database, run by bench/run.py in a subprocess with DATABASE_URL set.

Migrates the (empty) database, loads the districts, measures the list page, the map data
(GeoJSON) and the API list with 100 listings, grows the directory to 100,000 and measures again.
Writes the figures as JSON.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(Path(__file__).resolve().parent)]

SIZES = (100, 100_000)
ENDPOINTS = {
    "page": "/ko/directory/",
    "map": "/ko/directory/listings.geojson",
    "api": "/api/v1/directory/listings",
}
# Each figure is timed for at most this long: the capped map data is slow by design at 100,000.
MAX_SECONDS = 5.0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", required=True)
    args = parser.parse_args()

    import django

    django.setup()
    import inprocess
    import seed
    from django.core.management import call_command
    from django.db import connection
    from measure import server_version, uncached

    from sharehub.directory.selectors import GEOJSON_MAX_FEATURES

    began = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    result: dict = {
        "vendor": connection.vendor,
        "server_version": server_version(connection),
        "migrate_seconds": round(time.perf_counter() - began, 1),
        "districts": seed.load_districts(),
        "geojson_cap": GEOJSON_MAX_FEATURES,
        "sizes": {},
    }
    for size in SIZES:
        began = time.perf_counter()
        count = seed.grow_listings_to(size)
        seed.analyze()
        figures: dict = {"listings": count, "seed_seconds": round(time.perf_counter() - began, 1)}
        with uncached():  # the work of each request, not the page cache's copy
            for name, path in ENDPOINTS.items():
                figures[name] = inprocess.measure(path, max_seconds=MAX_SECONDS).as_dict()
        result["sizes"][str(size)] = figures
    Path(args.out).write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
