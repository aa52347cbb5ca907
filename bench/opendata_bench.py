"""Open data (issue 17): the dashboard and the indicator API at 1,000 listings against 100,000
listings and 1,000,000 bookings; the DCAT-AP catalogue and CKAN's package_search over 10,000
datasets.

1. Indicators (SQLite and PostgreSQL), two databases of their own:
   - small: 1,000 listings, 10 public spaces with 1,000 bookings each (10,000);
   - large: 100,000 listings, 1,000 public spaces with 1,000 bookings each (1,000,000),
   each space's past months published as facilities' monthly results (the bookings indicators'
   source) by `facilities.services.results.publish_due`. Measured: `/ko/data/` (the dashboard),
   `/api/v1/data/indicators/directory.listings?by=district` and
   `/api/v1/data/indicators/facilities.uses?by=period`: SQL queries of one request (target: equal
   at both sizes), every request timed after warm-up (the tables are cached, invalidated on
   change), median and p95, and the ratio of the medians small / large (target ≥ 0.5). The first
   request after a change (the table recomputed) is reported too, as "cold".
2. Catalogue (the large database): 10,000 published datasets with three resources each;
   `/catalog.jsonld?page=1`, `/catalog.jsonld?page=50`, `/api/3/action/package_search?rows=100`
   (and `start=5000`), `/api/3/action/package_search?q=공유&rows=10`: median per page (target:
   under 200 ms).

    .venv/bin/python bench/opendata_bench.py [--only sqlite|postgresql] [--keep]

Standalone: temporary SQLite files, and PostgreSQL databases `$BENCH_PG_DATABASE`_small/_large
(default `sharehub_opendata_bench`) on $BENCH_PG_URL (default postgres://postgres@127.0.0.1:5432),
created and dropped here (`--keep` keeps them).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_SERVER = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
PG_DATABASE = os.environ.get("BENCH_PG_DATABASE", "sharehub_opendata_bench")
SIZES = {"small": (1_000, 10), "large": (100_000, 1_000)}  # listings, spaces (1,000 bookings each)
DATASETS = 10_000
RESOURCES_PER_DATASET = 3
REQUESTS = 40
MAX_SECONDS = 12.0
WARM_UP = 3
TARGET_RATIO = 0.5
TARGET_MS = 200.0
PATHS = {
    "dashboard": "/ko/data/",
    "listings API": "/api/v1/data/indicators/directory.listings?by=district",
    "uses API": "/api/v1/data/indicators/facilities.uses?by=period",
}
CATALOGUE_PATHS = {
    "catalog.jsonld page 1": "/catalog.jsonld?page=1",
    "catalog.jsonld page 50": "/catalog.jsonld?page=50",
    "package_search rows=100": "/api/3/action/package_search?rows=100",
    "package_search start=5000": "/api/3/action/package_search?rows=100&start=5000",
    "package_search q=공유": "/api/3/action/package_search?q=%EA%B3%B5%EC%9C%A0&rows=10",
}


def _timed(client, path: str) -> dict:
    from inprocess import timed

    def run() -> None:
        response = client.get(path)
        if response.status_code != 200:
            raise RuntimeError(f"{path} answered {response.status_code}")

    return timed(run, requests=REQUESTS, max_seconds=MAX_SECONDS, warm_up=WARM_UP) | {"path": path}


def _cold(client, path: str) -> float:
    """One request right after the indicators' sources changed (their tables recomputed), in a
    process that has already served the page (its start-up is not counted)."""
    from django.db.models import F

    from sharehub.directory.models import Listing
    from sharehub.facilities.models import MonthlyResult

    client.get(path)
    for model in (Listing, MonthlyResult):
        # A write that changes nothing still moves the table's version (core.pagecache), as a
        # real edit would: every indicator built on the table is computed afresh.
        field = next(f.attname for f in model._meta.concrete_fields if not f.primary_key)
        first = model.objects.order_by("pk").values("pk")[:1]
        assert model.objects.filter(pk__in=first).update(**{field: F(field)}) == 1
    started = time.perf_counter()
    client.get(path)
    return (time.perf_counter() - started) * 1000


def seed_spaces(spaces: int) -> None:
    """`spaces` public spaces with 1,000 bookings each (facilities_bench's seeding, around today),
    created before their first booking, and every finished month of bookings published as
    monthly results (what the bookings indicators read)."""
    from datetime import timedelta

    import facilities_bench
    from django.db.models import Min
    from django.utils import timezone

    from sharehub.facilities.models import Booking, Space
    from sharehub.facilities.selectors.results import is_over, next_month
    from sharehub.facilities.services.results import compute_month

    facilities_bench.SPACES = spaces
    facilities_bench.many_spaces(timezone.localdate())
    first = Booking.objects.aggregate(first=Min("starts_at"))["first"]
    # Results cover the spaces that existed in a month: the seeded ones are dated back.
    Space.objects.update(created_at=first - timedelta(days=1))
    month = timezone.localtime(first).date().replace(day=1)
    while is_over(month):
        compute_month(month)
        month = next_month(month)


def seed_datasets() -> None:
    import seed
    from django.db import transaction
    from django.utils import timezone

    from sharehub.opendata.models import Dataset, Resource

    now = timezone.now()
    template = Dataset(
        slug="x",
        title="x",
        title_ko="x",
        description="x",
        description_ko="x",
        contact_name="공유도시 담당",
        contact_email="opendata@example.org",
        themes=["SOCI", "ECON"],
        keywords="공유, 공유경제",
        keywords_ko="공유, 공유경제",
        keywords_en="sharing, sharing economy",
        is_published=True,
        issued=now,
        modified=now,
    )
    with transaction.atomic():
        rows = [
            {
                "slug": f"bench-dataset-{n:05d}",
                "title": f"공유 데이터 {n:05d}",
                "title_ko": f"공유 데이터 {n:05d}",
                "title_en": f"Sharing data {n:05d}",
                "description": "공유 서비스의 현황을 담은 데이터입니다. " * 3,
                "description_ko": "공유 서비스의 현황을 담은 데이터입니다. " * 3,
                "description_en": "The state of sharing services. " * 3,
            }
            for n in range(DATASETS)
        ]
        for start in range(0, len(rows), 2000):
            seed.insert_rows(Dataset, template, rows[start : start + 2000])
        ids = list(
            Dataset.objects.filter(slug__startswith="bench-dataset-").values_list("pk", flat=True)
        )
        resource = Resource(
            dataset_id=ids[0],
            title="목록",
            title_ko="목록",
            title_en="List",
            origin="generated",
            generator="directory.listings",
            format="CSV",
        )
        formats = ["CSV", "JSON", "XLSX"][:RESOURCES_PER_DATASET]
        resources = [
            {"dataset_id": pk, "format": fmt, "position": i}
            for pk in ids
            for i, fmt in enumerate(formats)
        ]
        for start in range(0, len(resources), 5000):
            seed.insert_rows(Resource, resource, resources[start : start + 5000])


def worker(size: str) -> dict:
    import django

    django.setup()
    import seed
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from measure import server_version

    from sharehub.facilities.models import Booking, MonthlyResult

    listings, spaces = SIZES[size]
    began = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    call_command("createcachetable", verbosity=0)
    seed.load_districts()
    seed.grow_listings_to(listings)
    seed_spaces(spaces)
    if size == "large":
        seed_datasets()
    seed.analyze()
    result: dict = {
        "vendor": connection.vendor,
        "server_version": server_version(connection),
        "setup_seconds": time.perf_counter() - began,
        "listings": listings,
        "bookings": Booking.objects.count(),
        "monthly_results": MonthlyResult.objects.count(),
    }
    client = Client()
    result["cold"] = {name: _cold(client, path) for name, path in PATHS.items()}
    result["warm"] = {name: _timed(client, path) for name, path in PATHS.items()}
    if size == "large":
        result["catalogue"] = {name: _timed(client, path) for name, path in CATALOGUE_PATHS.items()}
    return result


def run_child(database_url: str, size: str) -> dict:
    with tempfile.TemporaryDirectory(prefix="opendata-bench-") as tmp:
        env = dict(
            os.environ,
            DATABASE_URL=database_url,
            DJANGO_SETTINGS_MODULE="sharehub.settings",
            SHAREHUB_VAR_DIR=tmp,
            PYTHONPATH=f"{ROOT}{os.pathsep}{ROOT / 'bench'}",
            SHAREHUB_TASKS_BACKEND="django.tasks.backends.immediate.ImmediateBackend",
            SHAREHUB_DEBUG="0",
            SHAREHUB_HTTPS="0",
            SHAREHUB_LOG_LEVEL="ERROR",
            SHAREHUB_STATIC_STORAGE="django.contrib.staticfiles.storage.StaticFilesStorage",
        )
        out = subprocess.run(
            [sys.executable, __file__, "--worker", size],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
    if out.returncode != 0:
        sys.stderr.write(out.stderr[-4000:])
        raise SystemExit("open-data benchmark worker failed")
    return json.loads(out.stdout.strip().splitlines()[-1])


def report(small: dict, large: dict) -> bool:
    from targets import check

    ok = True
    print(f"\n{large['vendor']} ({large['server_version']}): open data")
    print(
        f"  indicators: {small['listings']:,} listings and {small['bookings']:,} bookings"
        f" ({small['monthly_results']:,} monthly results) vs {large['listings']:,} listings and"
        f" {large['bookings']:,} bookings ({large['monthly_results']:,} monthly results)"
    )
    for name in PATHS:
        a, b = small["warm"][name], large["warm"][name]
        same = a["queries"] == b["queries"]
        ratio = a["p50"] / b["p50"]
        db = large["vendor"]
        ok &= check(
            "opendata",
            db,
            f"{name}: queries small = large",
            f"{a['queries']} / {b['queries']}",
            "equal",
            same,
        )
        ok &= check(
            "opendata",
            db,
            f"{name}: p50 small / large",
            f"{ratio:.2f}",
            f"≥ {TARGET_RATIO}",
            ratio >= TARGET_RATIO,
        )
        print(f"    {name}: {b['path']}")
        for label, result, figures in (("small", small, a), ("large", large, b)):
            print(
                f"      {label}: {figures['queries']} queries, p50 {figures['p50']:6.1f} ms,"
                f" p95 {figures['p95']:6.1f} ms ({figures['requests']} requests);"
                f" cold {result['cold'][name]:,.0f} ms"
            )
        print(
            f"      queries equal: {'yes' if same else 'NO'};  time ratio small/large"
            f" ×{ratio:.2f} [{'OK' if ratio >= TARGET_RATIO else 'MISSED'}: ≥ {TARGET_RATIO}]"
        )
    print(f"  catalogue: {DATASETS:,} published datasets, {RESOURCES_PER_DATASET} resources each")
    for name, figures in large["catalogue"].items():
        fast = figures["p50"] < TARGET_MS
        ok &= check(
            "opendata",
            large["vendor"],
            f"{name}: p50",
            f"{figures['p50']:.1f} ms",
            f"< {TARGET_MS:.0f} ms",
            fast,
        )
        print(
            f"    {name}: {figures['queries']} queries, p50 {figures['p50']:6.1f} ms,"
            f" p95 {figures['p95']:6.1f} ms  [{'OK' if fast else 'MISSED'}: under {TARGET_MS:.0f} ms]"
        )
    print(f"  seeding: small {small['setup_seconds']:.0f} s, large {large['setup_seconds']:.0f} s")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    parser.add_argument("--worker", choices=list(SIZES))
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL databases")
    args = parser.parse_args()
    if args.worker:
        sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
        print(json.dumps(worker(args.worker)))
        return 0
    ok = True
    if args.only in (None, "sqlite"):
        with tempfile.TemporaryDirectory(prefix="opendata-bench-") as tmp:
            small = run_child(f"sqlite:///{tmp}/small.sqlite3", "small")
            large = run_child(f"sqlite:///{tmp}/large.sqlite3", "large")
            ok &= report(small, large)
    if args.only in (None, "postgresql"):
        admin = ["psql", f"{PG_SERVER}/postgres", "-q", "-c"]
        results = {}
        for size in SIZES:
            name = f"{PG_DATABASE}_{size}"
            subprocess.run([*admin, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"], check=True)
            subprocess.run([*admin, f"CREATE DATABASE {name}"], check=True)
            try:
                results[size] = run_child(f"{PG_SERVER}/{name}", size)
            finally:
                if not args.keep:
                    subprocess.run(
                        [*admin, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"], check=True
                    )
        ok &= report(results["small"], results["large"])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
