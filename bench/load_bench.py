"""A busy day on the production profile, with locust (issue 19, Load).

PostgreSQL (`sharehub_bench_load` on $BENCH_PG_URL, migrated and given the demo, dropped at the
end) behind the production profile as `make test` brings it up (sharehub/core/tests/production.py:
2 gunicorn processes behind nginx with TLS, 2 RQ workers on Redis, uploads on S3, an SMTP sink):

1. **The yardstick**: 200 locust users ask the proxy for one static file (`/static/core/css/hub.css`)
   for 20 s, each as soon as the last answer came (no think time).
2. **The day**: 200 users for 60 s, likewise, of the mix in sharehub/core/tests/locustfile.py:
   three in five read anonymously (the directory, a listing, search, events, an event, news, an
   article, proposals, a proposal, spaces), two in five are signed in and read the same pages as
   themselves, and each once registers for the popular event (50 places), tries to book one of
   six contested slots (a second try if the first was taken) and supports one of two proposals,
   through the API with their own token.

Targets: no failed request (any answer but the expected one: a 5xx, a timeout, a refused
connection, a 4xx other than "this time is already taken"), the event not oversold (confirmed
≤ places, its kept count equal), no two active bookings over the same time, each proposal's
supports equal to the supports the citizens were given (rows and kept count), and every answer
told to a citizen equal to what the database holds. Reported as ratios to the yardstick:
requests per second, and p50/p95/p99 of the wait. Without think time the day runs at the
capacity of this machine, where locust, nginx, Redis, PostgreSQL and both web processes share 2
CPUs; the yardstick is bounded by locust's own CPU as much as by nginx's.

    .venv/bin/python bench/load_bench.py [--users 200] [--seconds 60]
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
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

from targets import check  # noqa: E402

PG_SERVER = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
DATABASE = "sharehub_bench_load"
STATIC_SECONDS = 20
PLACES = 50


def _database(action: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        if action == "create":
            connection.execute(f'CREATE DATABASE "{DATABASE}"')


def _prepare_database(url: str, var_dir: str) -> None:
    """Migrated and given the demo, as `make run` does, before the profile starts."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "sharehub.settings",
        "DATABASE_URL": url,
        "SHAREHUB_VAR_DIR": var_dir,
        "SHAREHUB_LOG_LEVEL": "ERROR",
        "PYTHONPATH": str(ROOT),
    }
    for command in (["migrate", "--noinput", "-v", "0"], ["load_demo"]):
        subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )


def _row(name: str, figures: dict) -> str:
    return (
        f"{name:<32} {figures['requests']:>8} {figures['failures']:>6} {figures['rps']:>9.1f} "
        f"{figures['p50']:>8.0f} {figures['p95']:>8.0f} {figures['p99']:>8.0f}"
    )


def main() -> int:
    from sharehub.core.tests import load
    from sharehub.core.tests.production import production_profile

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    options = parser.parse_args()
    if options.only == "sqlite":
        print("load: the production profile runs on PostgreSQL only; skipped")
        return 0
    began = time.perf_counter()
    _database("create")
    url = f"{PG_SERVER}/{DATABASE}"
    try:
        with tempfile.TemporaryDirectory(prefix="load-bench-") as tmp:
            out = Path(tmp)
            print("· load: migrating and loading the demo …", flush=True)
            _prepare_database(url, str(out / "var"))
            print("· load: starting the production profile …", flush=True)
            with production_profile(url) as stack:
                plan_path = load.prepare(
                    stack, out, people=options.users, places=PLACES, content=False
                )
                plan = json.loads(plan_path.read_text())
                print(
                    f"· load: the yardstick, {options.users} users for {STATIC_SECONDS} s …",
                    flush=True,
                )
                static = load.run_locust(
                    stack.url,
                    plan_path,
                    out / "static",
                    users=options.users,
                    seconds=STATIC_SECONDS,
                    classes=["StaticVisitor"],
                )
                print(
                    f"· load: the day, {options.users} users for {options.seconds} s …", flush=True
                )
                day = load.run_locust(
                    stack.url,
                    plan_path,
                    out / "day",
                    users=options.users,
                    seconds=options.seconds,
                    classes=["Visitor", "Citizen"],
                )
                held = load.held(stack, plan_path)
    finally:
        _database("drop")

    header = f"{'request':<32} {'count':>8} {'failed':>6} {'req/s':>9} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}"
    print(f"\nLoad: {options.users} users, no think time, PostgreSQL, the production profile")
    print(header)
    print(_row("static file (the yardstick)", static["total"]))
    for name, figures in sorted(day["requests"].items()):
        print(_row(name, figures))
    print(_row("the day, all requests", day["total"]))
    ratio = day["total"]["rps"] / static["total"]["rps"] if static["total"]["rps"] else 0.0
    print(
        f"\nthroughput {ratio:.3f}× the static file; wait p50 {day['total']['p50']:.0f} ms "
        f"(static {static['total']['p50']:.0f}), p95 {day['total']['p95']:.0f} "
        f"({static['total']['p95']:.0f}), p99 {day['total']['p99']:.0f} ({static['total']['p99']:.0f})"
    )
    print(f"told: {json.dumps(day['told'], ensure_ascii=False)}")
    print(f"held: {json.dumps(held)}")
    for failure in day["failures"] + static["failures"]:
        print(f"  failed: {failure}")
    found = load.problems(plan, day, held)
    for problem in found:
        print(f"  problem: {problem}")
    told = day["told"]
    db = "postgresql"
    verdicts = [
        check(
            "load",
            db,
            "failed requests (day and yardstick)",
            str(day["total"]["failures"] + static["total"]["failures"]),
            "0",
            day["total"]["failures"] + static["total"]["failures"] == 0,
        ),
        check(
            "load",
            db,
            "event oversold (confirmed over places)",
            f"{held['confirmed']}/{PLACES}",
            f"≤ {PLACES}, kept count equal",
            held["confirmed"] <= PLACES and held["seats_taken"] == held["confirmed"],
        ),
        check(
            "load",
            db,
            "overlapping active bookings",
            str(held["overlapping_bookings"]),
            "0",
            held["overlapping_bookings"] == 0 and held["bookings"] <= len(plan["slots"]),
        ),
        check(
            "load",
            db,
            "supports counted exactly",
            f"{sum(told.get('support', {}).values())} given",
            "rows = kept = given",
            not any("supports given" in p for p in found),
        ),
        check("load", db, "answers told = database", f"{len(found)} differences", "0", not found),
        check("load", db, "throughput vs static file", f"{ratio:.3f}×", "reported", True),
    ]
    print(f"\n(load bench: {time.perf_counter() - began:.0f} s)")
    return 0 if all(verdicts) else 1


if __name__ == "__main__":
    raise SystemExit(main())
