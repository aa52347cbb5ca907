"""Support programmes: the ranked review table of a call with 100 applications and of one with
5,000 applications and 20,000 reviews (four reviewers each, every review scoring the call's three
criteria: 60,000 scores).

On SQLite and PostgreSQL, the staff's page `/ko/support/manage/<slug>/applications/` and the API
`/api/v1/programmes/calls/<slug>/table` (first page of 50, ranked by the weighted mean): SQL
queries of one request (target: equal for both calls), every request timed (at most REQUESTS or
MAX_SECONDS), median and p95, and the ratio of the medians small / large (target ≥ 0.5).

    .venv/bin/python bench/programmes_bench.py [--only sqlite|postgresql] [--keep]

Standalone: a temporary SQLite file, and a PostgreSQL database `$BENCH_PG_DATABASE` (default
`sharehub_programmes_bench`) on $BENCH_PG_URL (default postgres://postgres@127.0.0.1:5432),
created and dropped here (`--keep` keeps it). Rows are inserted with seed.insert_rows.
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
PG_DATABASE = os.environ.get("BENCH_PG_DATABASE", "sharehub_programmes_bench")
# 100, as issue 18 sets every list's small size: both calls fill the first page of 50, so the
# ratio is what the call's size costs, not how many rows the page shows.
SMALL, LARGE = 100, 5_000
REVIEWERS_PER_APPLICATION = 4  # 20,000 reviews for the large call
REVIEWER_POOL = 40
REQUESTS = 60
MAX_SECONDS = 15.0
WARM_UP = 3
TARGET_RATIO = 0.5
CHUNK = 5_000


def _insert(model, template, rows) -> None:
    """seed.insert_rows in chunks, from a generator of dicts."""
    import seed

    batch: list[dict] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= CHUNK:
            seed.insert_rows(model, template, batch)
            batch = []
    if batch:
        seed.insert_rows(model, template, batch)


def fill(call, organizations: list[int], reviewers: list[int], *, prefix: str) -> int:
    """One in-review application per organization, each reviewed (submitted) by four people of
    the pool with a score 0–5 per criterion; returns the number of reviews."""
    from django.db import transaction
    from django.utils import timezone

    from sharehub.programmes.models import (
        Application,
        ApplicationStatus,
        Conflict,
        ReviewAssignment,
        ReviewScore,
    )
    from sharehub.programmes.services.review import refresh_call_review_figures

    now = timezone.now()
    track = call.tracks.first()
    criteria = list(call.criteria.order_by("order", "pk").values_list("pk", flat=True))
    with transaction.atomic():
        _insert(
            Application,
            Application(call=call, track=track, organization_id=organizations[0], title="x"),
            (
                {
                    "organization_id": org,
                    "title": f"공유 사업 {prefix}{n:05d}",
                    "requested_amount": 1_000_000 * (1 + n % 30),
                    "status": ApplicationStatus.IN_REVIEW,
                    "submitted_at": now,
                    "screened_at": now,
                    "receipt_number": f"{prefix}-{n:05d}",
                }
                for n, org in enumerate(organizations)
            ),
        )
        applications = list(
            Application.objects.filter(call=call).order_by("pk").values_list("pk", flat=True)
        )
        _insert(
            ReviewAssignment,
            ReviewAssignment(application_id=applications[0], conflict=Conflict.NONE),
            (
                {
                    "application_id": pk,
                    "reviewer_id": reviewers[(i + k * 7) % len(reviewers)],
                    "submitted_at": now,
                    "declared_at": now,
                    "comment": "검토 의견",
                }
                for i, pk in enumerate(applications)
                for k in range(REVIEWERS_PER_APPLICATION)
            ),
        )
        assignments = list(
            ReviewAssignment.objects.filter(application__call=call)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        _insert(
            ReviewScore,
            ReviewScore(assignment_id=assignments[0], criterion_id=criteria[0], score=0),
            (
                {"assignment_id": pk, "criterion_id": c, "score": (pk * 7 + j * 3) % 6}
                for pk in assignments
                for j, c in enumerate(criteria)
            ),
        )
        # The application's review columns, as the review services keep them.
        refresh_call_review_figures(call)
    return len(assignments)


def table(client, slug: str) -> dict:
    from inprocess import timed

    page = f"/ko/support/manage/{slug}/applications/"
    api = f"/api/v1/programmes/calls/{slug}/table"
    results = {}
    for name, path in (("page", page), ("api", api)):

        def run(path=path) -> None:
            response = client.get(path)
            if response.status_code != 200:
                raise RuntimeError(f"{path} answered {response.status_code}")

        results[name] = timed(run, requests=REQUESTS, max_seconds=MAX_SECONDS, warm_up=WARM_UP) | {
            "path": path
        }
    return results


def worker() -> dict:
    import django

    django.setup()
    import seed
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from measure import server_version

    from sharehub.accounts.models import User
    from sharehub.organizations.models import Organization
    from sharehub.programmes.models import ReviewScore
    from sharehub.programmes.tests.factories import open_call

    began = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    seed.load_districts()
    seed.grow_organizations_to(SMALL + LARGE)
    organizations = list(Organization.objects.order_by("pk").values_list("pk", flat=True))
    staff = User.objects.create_user(email="runner@bench.example", display_name="담당")
    User.objects.bulk_create(
        [
            User(email=f"reviewer{i}@bench.example", display_name=f"심사위원 {i}")
            for i in range(REVIEWER_POOL)
        ]
    )
    reviewers = list(
        User.objects.filter(email__startswith="reviewer")
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    small = open_call(slug="bench-small")
    large = open_call(slug="bench-large")
    for call in (small, large):
        call.staff.add(staff)
    result: dict = {"vendor": connection.vendor, "server_version": server_version(connection)}
    result["small_reviews"] = fill(small, organizations[:SMALL], reviewers, prefix="S")
    result["large_reviews"] = fill(large, organizations[SMALL:], reviewers, prefix="L")
    result["scores"] = ReviewScore.objects.count()
    seed.analyze()
    result["setup_seconds"] = time.perf_counter() - began
    client = Client()
    client.force_login(staff)
    result["small"] = table(client, small.slug)
    result["large"] = table(client, large.slug)
    return result


def run_child(database_url: str) -> dict:
    with tempfile.TemporaryDirectory(prefix="programmes-bench-") as tmp:
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
            [sys.executable, __file__, "--worker"],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
    if out.returncode != 0:
        sys.stderr.write(out.stderr[-4000:])
        raise SystemExit("programmes benchmark worker failed")
    return json.loads(out.stdout.strip().splitlines()[-1])


def report(result: dict) -> bool:
    from targets import check

    ok = True
    print(f"\n{result['vendor']} ({result['server_version']}): programmes")
    print(
        f"  the ranked review table: {SMALL} applications ({result['small_reviews']} reviews)"
        f" vs {LARGE:,} ({result['large_reviews']:,} reviews, {result['scores']:,} scores"
        " in all), first page of 50"
    )
    for name in ("page", "api"):
        a, b = result["small"][name], result["large"][name]
        same = a["queries"] == b["queries"]
        ratio = a["p50"] / b["p50"]
        db = result["vendor"]
        ok &= check(
            "programmes",
            db,
            f"table {name}: queries {SMALL} = {LARGE:,}",
            f"{a['queries']} / {b['queries']}",
            "equal",
            same,
        )
        ok &= check(
            "programmes",
            db,
            f"table {name}: p50 {SMALL} / {LARGE:,}",
            f"{ratio:.2f}",
            f"≥ {TARGET_RATIO}",
            ratio >= TARGET_RATIO,
        )
        print(f"    {b['path'].replace('bench-large', '<slug>')}")
        for size, figures in ((SMALL, a), (LARGE, b)):
            print(
                f"      {size:>6,} applications: {figures['queries']} queries,"
                f" p50 {figures['p50']:6.1f} ms, p95 {figures['p95']:6.1f} ms"
                f" ({figures['requests']} requests)"
            )
        print(
            f"      queries equal: {'yes' if same else 'NO'};  time ratio {SMALL}/{LARGE:,}"
            f" ×{ratio:.2f} [{'OK' if ratio >= TARGET_RATIO else 'MISSED'}: ≥ {TARGET_RATIO}]"
        )
    print(f"  seeding: {result['setup_seconds']:.0f} s")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    parser.add_argument("--worker", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL database")
    args = parser.parse_args()
    if args.worker:
        sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
        print(json.dumps(worker()))
        return 0
    ok = True
    if args.only in (None, "sqlite"):
        with tempfile.TemporaryDirectory(prefix="programmes-bench-") as tmp:
            ok &= report(run_child(f"sqlite:///{tmp}/bench.sqlite3"))
    if args.only in (None, "postgresql"):
        admin = ["psql", f"{PG_SERVER}/postgres", "-q", "-c"]
        drop = f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)"
        subprocess.run([*admin, drop], check=True)
        subprocess.run([*admin, f"CREATE DATABASE {PG_DATABASE}"], check=True)
        try:
            ok &= report(run_child(f"{PG_SERVER}/{PG_DATABASE}"))
        finally:
            if not args.keep:
                subprocess.run([*admin, drop], check=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
