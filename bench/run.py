"""`make bench`: the organization list (page and API) at 10 and at 10,000 rows, on SQLite and on
PostgreSQL, and the page served by gunicorn under load against a static file from the same server.

Every figure comes from this one run on this machine; the ratios are what to read (bench/README.md).
Exits with status 1 when a list's query count grows with its table.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import report

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"
PG_SERVER = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
PG_DATABASE = "sharehub_bench"


def bench_env(database_url: str, var_dir: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="sharehub.settings",
        DATABASE_URL=database_url,
        # A production configuration, served over plain HTTP on loopback like `make run`.
        SHAREHUB_DEBUG="0",
        SHAREHUB_HTTPS="0",
        SHAREHUB_VAR_DIR=var_dir,
        SHAREHUB_LOG_LEVEL="ERROR",
        PYTHONPATH=str(ROOT),
    )
    env.pop("SHAREHUB_STATIC_STORAGE", None)
    return env


def run_measure(name: str, env: dict[str, str], *, serve: bool) -> dict:
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as out:
        out_path = Path(out.name)
    try:
        command = [sys.executable, str(ROOT / "bench" / "measure.py"), "--out", str(out_path)]
        if not serve:
            command.append("--no-serve")
        print(f"· {name}: migrating, seeding and measuring …", flush=True)
        began = time.perf_counter()
        subprocess.run(command, cwd=ROOT, env=env, check=True)
        result = json.loads(out_path.read_text())
        result["total_seconds"] = round(time.perf_counter() - began, 1)
        return result
    finally:
        out_path.unlink(missing_ok=True)


def bench_sqlite(*, serve: bool) -> dict:
    with tempfile.TemporaryDirectory(prefix="sharehub-bench-") as tmp:
        return run_measure("SQLite", bench_env(f"sqlite:///{tmp}/bench.sqlite3", tmp), serve=serve)


def _pg_admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True, connect_timeout=5) as conn:
        conn.execute(sql)


def bench_postgres(*, serve: bool) -> dict:
    drop = f'DROP DATABASE IF EXISTS "{PG_DATABASE}" WITH (FORCE)'
    _pg_admin(drop)
    _pg_admin(f'CREATE DATABASE "{PG_DATABASE}" ENCODING \'UTF8\' TEMPLATE template0')
    try:
        with tempfile.TemporaryDirectory(prefix="sharehub-bench-") as tmp:
            return run_measure("PostgreSQL", bench_env(f"{PG_SERVER}/{PG_DATABASE}", tmp), serve=serve)
    finally:
        _pg_admin(drop)


def collect_static() -> None:
    """The production static storage (hashed, compressed), as `make run` prepares it."""
    print("· collecting static files for gunicorn …", flush=True)
    with tempfile.TemporaryDirectory(prefix="sharehub-bench-") as tmp:
        env = bench_env(f"sqlite:///{tmp}/static.sqlite3", tmp)
        subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=["sqlite", "postgresql"], help="one database only")
    parser.add_argument("--no-serve", action="store_true", help="skip the gunicorn measurement")
    args = parser.parse_args()
    serve = not args.no_serve

    began = time.perf_counter()
    if serve:
        collect_static()
    results: dict = {}
    if args.only in (None, "sqlite"):
        results["sqlite"] = bench_sqlite(serve=serve)
    if args.only in (None, "postgresql"):
        import psycopg

        try:
            results["postgresql"] = bench_postgres(serve=serve)
        except psycopg.OperationalError as exc:
            # `make bench` starts PostgreSQL first; run alone, say plainly what is missing.
            results["postgresql"] = {"skipped": f"PostgreSQL at {PG_SERVER} unreachable: {exc}".strip()}

    summary = report.summarize(results)
    document = {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "python": sys.version.split()[0],
        "cpus": os.cpu_count(),
        "seconds": round(time.perf_counter() - began, 1),
        "databases": results,
        "ratios": summary["ratios"],
        "query_counts_constant": summary["ok"],
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps(document, indent=2, ensure_ascii=False))
    print(report.render(document))
    print(f"\nWritten to {RESULTS / 'latest.json'} in {document['seconds']} s.")
    if not summary["ok"]:
        print("FAIL: a list runs more queries at 10,000 rows than at 10.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
