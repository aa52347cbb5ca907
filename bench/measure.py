"""One database's benchmark, run by bench/run.py in a subprocess with DATABASE_URL set.

Migrates the (empty) database, loads the districts, measures the organization list page and
API with 20 organizations (a full first page), grows the table to 10,000 and measures again; then, unless told
not to, serves the same page with gunicorn under load. Writes the figures as JSON.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(Path(__file__).resolve().parent)]

# 20: the list's first page is full at both sizes.
SIZES = (20, 10_000)
PAGE = "/ko/organizations/"
API = "/api/v1/organizations"
STATIC = "/static/core/css/hub.css"


# Issue 18: a list at 10,000 rows keeps at least half its speed at 20.
LIST_SPEED_TARGET = 0.5


def uncached():
    """The in-process figures measure the work of building a page: the whole-page cache for
    anonymous visitors (core.pagecache, `PAGE_CACHE_SECONDS`; 0 turns it off) would otherwise
    answer every request after the first. The served figures keep it, as production does."""
    from django.test import override_settings

    return override_settings(PAGE_CACHE_SECONDS=0)


def server_version(connection) -> str:
    if connection.vendor == "sqlite":
        return f"SQLite {connection.Database.sqlite_version}"
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return f"PostgreSQL {cursor.fetchone()[0]}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", required=True)
    parser.add_argument("--no-serve", action="store_true", help="skip the gunicorn measurement")
    args = parser.parse_args()

    import django

    django.setup()
    import inprocess
    import seed
    from django.core.management import call_command
    from django.db import connection
    from targets import check

    began = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    result: dict = {
        "vendor": connection.vendor,
        "server_version": server_version(connection),
        "migrate_seconds": round(time.perf_counter() - began, 1),
        "districts": seed.load_districts(),
        "sizes": {},
    }
    for size in SIZES:
        began = time.perf_counter()
        count = seed.grow_organizations_to(size)
        seed.analyze()  # as the other benchmarks do after loading: the planner knows the size
        seeded = round(time.perf_counter() - began, 1)
        with uncached():
            result["sizes"][str(size)] = {
                "organizations": count,
                "seed_seconds": seeded,
                "page": inprocess.measure(PAGE).as_dict(),
                "api": inprocess.measure(API).as_dict(),
            }
    small, large = result["sizes"][str(SIZES[0])], result["sizes"][str(SIZES[1])]
    for endpoint in ("page", "api"):
        ratio = large[endpoint]["rps"] / small[endpoint]["rps"] if small[endpoint]["rps"] else 0
        check(
            "organizations",
            connection.vendor,
            f"{endpoint}: req/s 10,000 / 20",
            f"{ratio:.2f}",
            f"≥ {LIST_SPEED_TARGET}",
            ratio >= LIST_SPEED_TARGET,
        )
    if not args.no_serve:
        import served

        result["served"] = served.measure_served(page=PAGE, static=STATIC)
    Path(args.out).write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
