"""The hub's main public pages at demo size: their server time, and what the production server
serves of them to anonymous visitors (kept pages, core.pagecache) and to signed-in people.

On SQLite and PostgreSQL, a database filled by `manage.py load_demo` (on PostgreSQL then
`VACUUM ANALYZE`, as autovacuum would), then for each main page
(home, directory, listing, events, event, news, article, district, proposals, spaces, calls,
data; the one listing, event, article and district are the first each list page links):

1. **Server time**, in-process with Django's test Client, anonymous, the page cache off (what
   building the page costs): SQL queries of one request, then each request timed (at most 40 or
   5 s, after 3 warm-up ones). Target: median ≤ 10 ms.
2. **Served** by gunicorn as `make run` starts it (2 workers × 4 threads; bench/served.py), 8
   keep-alive clients, 1 s warm-up then 3 s: requests per second and p95, anonymous (the page
   cache on, as in production) and signed in (a citizen's session cookie: every request built),
   against a static file from the same server measured before and after the pages (the higher of
   the two is the reference). Targets: anonymous ≥ 0.25× the static file with p95 < 50 ms;
   signed in ≥ 0.08× with p95 < 150 ms.

    .venv/bin/python bench/pages_bench.py [--only sqlite|postgresql] [--keep]

Standalone: a temporary SQLite file, and a PostgreSQL database `$BENCH_PG_DATABASE` (default
`sharehub_pages_bench`) on $BENCH_PG_URL (default postgres://postgres@127.0.0.1:5432), created and
dropped here (`--keep` keeps it).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_SERVER = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
PG_DATABASE = os.environ.get("BENCH_PG_DATABASE", "sharehub_pages_bench")
STATIC = "/static/core/css/hub.css"
SERVER_MS = 10.0
ANONYMOUS_RATIO, ANONYMOUS_P95 = 0.25, 50.0
SIGNED_IN_RATIO, SIGNED_IN_P95 = 0.08, 150.0
LOAD_SECONDS = 3.0

# (name, list page, pattern of the detail page it links first or None)
PAGES = [
    ("home", "/ko/", None),
    ("directory", "/ko/directory/", None),
    ("listing", "/ko/directory/", r'href="(/ko/directory/(?!map/|suggest/|export)[^/"?]+/)"'),
    ("events", "/ko/events/", None),
    ("event", "/ko/events/", r'href="(/ko/events/\d+/)"'),
    ("news", "/ko/news/", None),
    ("article", "/ko/news/", r'href="(/ko/news/articles/[^/"]+/)"'),
    ("district", "/ko/districts/", r'href="(/ko/districts/[^/".]+/)"'),
    ("proposals", "/ko/participate/", None),
    ("spaces", "/ko/spaces/", None),
    ("calls", "/ko/support/", None),
    ("data", "/ko/data/", None),
]


def find_pages(client) -> dict[str, str]:
    found = {}
    for name, listed, pattern in PAGES:
        if pattern is None:
            found[name] = listed
            continue
        page = client.get(listed).content.decode()
        match = re.search(pattern, page)
        if match is None:
            raise RuntimeError(f"{listed} links no {name}")
        found[name] = match.group(1)
    return found


def worker() -> dict:
    import django

    django.setup()
    import served
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client, override_settings
    from inprocess import timed
    from measure import server_version

    from sharehub.accounts.models import User

    began = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    call_command("load_demo", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    if connection.vendor == "postgresql":
        # What autovacuum does after a load (the statistics, the visibility map), done before the
        # pages are timed, as the other benchmarks do, not left to start beside the measures on
        # one of this machine's two CPUs. SQLite has no such thing, and the hub runs no ANALYZE
        # there. (Four runs each way showed no steady difference: the spread is the machine's.)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    result: dict = {"vendor": connection.vendor, "server_version": server_version(connection)}
    result["setup_seconds"] = time.perf_counter() - began

    anonymous = Client()
    pages = find_pages(anonymous)
    result["pages"] = pages
    person = User.objects.create_user(email="bench-citizen@bench.example", display_name="시민")
    signed_in = Client()
    signed_in.force_login(person)
    cookie = {"Cookie": f"sessionid={signed_in.cookies['sessionid'].value}"}

    result["server"] = {}
    with override_settings(PAGE_CACHE_SECONDS=0):
        for name, path in pages.items():

            def run(path: str = path) -> None:
                response = anonymous.get(path)
                if response.status_code != 200:
                    raise RuntimeError(f"{path} answered {response.status_code}")

            result["server"][name] = timed(run, requests=40, max_seconds=5.0)

    env = dict(os.environ)
    env.pop("SHAREHUB_STATIC_STORAGE", None)  # hashed static files, as in production
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        env=env,
        cwd=ROOT,
        check=True,
    )
    connection.close()
    process, port = served.start_gunicorn(env)
    try:
        for path in [STATIC, *pages.values()]:
            for headers in (None, cookie):
                status, _ = served.get(port, path, headers=headers)
                if status != 200:
                    raise RuntimeError(f"gunicorn answered {status} for {path}")
        static = [served.load(port, STATIC, duration=LOAD_SECONDS)]
        result["anonymous"], result["signed_in"] = {}, {}
        for name, path in pages.items():
            result["anonymous"][name] = served.load(port, path, duration=LOAD_SECONDS)
            result["signed_in"][name] = served.load(
                port, path, duration=LOAD_SECONDS, headers=cookie
            )
        static.append(served.load(port, STATIC, duration=LOAD_SECONDS))
        result["static"] = max(static, key=lambda figures: figures["rps"])
        result["static_runs"] = [figures["rps"] for figures in static]
    finally:
        served.stop(process)
    return result


def run_child(database_url: str) -> dict:
    with tempfile.TemporaryDirectory(prefix="pages-bench-") as tmp:
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
        raise SystemExit("pages benchmark worker failed")
    return json.loads(out.stdout.strip().splitlines()[-1])


def report(result: dict) -> bool:
    from targets import check

    db = result["vendor"]
    static = result["static"]
    ok = True
    print(f"\n{db} ({result['server_version']}): the main pages at demo size")
    print(
        f"  static file {STATIC}: {static['rps']:.0f} requests/s (runs before and after the"
        f" pages: {', '.join(f'{rps:.0f}' for rps in result['static_runs'])}),"
        f" p95 {static['p95_ms']:.1f} ms"
    )
    print(
        f"  {'page':10} {'path':42} {'queries':>7} {'server p50':>10}"
        f" {'anonymous':>22} {'signed in':>22}"
    )
    for name, path in result["pages"].items():
        server = result["server"][name]
        anonymous = result["anonymous"][name]
        signed = result["signed_in"][name]
        a_ratio = anonymous["rps"] / static["rps"]
        s_ratio = signed["rps"] / static["rps"]
        ok &= check(
            "pages",
            db,
            f"{name}: server time p50 (uncached)",
            f"{server['p50']:.1f} ms",
            f"≤ {SERVER_MS:.0f} ms",
            server["p50"] <= SERVER_MS,
        )
        ok &= check(
            "pages",
            db,
            f"{name}: anonymous served / static",
            f"{a_ratio:.2f}×, p95 {anonymous['p95_ms']:.0f} ms",
            f"≥ {ANONYMOUS_RATIO}×, p95 < {ANONYMOUS_P95:.0f} ms",
            a_ratio >= ANONYMOUS_RATIO
            and anonymous["p95_ms"] < ANONYMOUS_P95
            and not anonymous["failures"],
        )
        ok &= check(
            "pages",
            db,
            f"{name}: signed-in served / static",
            f"{s_ratio:.2f}×, p95 {signed['p95_ms']:.0f} ms",
            f"≥ {SIGNED_IN_RATIO}×, p95 < {SIGNED_IN_P95:.0f} ms",
            s_ratio >= SIGNED_IN_RATIO
            and signed["p95_ms"] < SIGNED_IN_P95
            and not signed["failures"],
        )
        print(
            f"  {name:10} {path[:42]:42} {server['queries']:>7} {server['p50']:>7.1f} ms"
            f"  {anonymous['rps']:>6.0f}/s ×{a_ratio:.2f} p95 {anonymous['p95_ms']:>4.0f}"
            f"  {signed['rps']:>6.0f}/s ×{s_ratio:.2f} p95 {signed['p95_ms']:>4.0f}"
        )
    print(f"  loading the demo: {result['setup_seconds']:.0f} s")
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
        with tempfile.TemporaryDirectory(prefix="pages-bench-") as tmp:
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
