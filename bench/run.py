"""`make bench`: on SQLite and on PostgreSQL, the organization list (page and API) at 20 and at
10,000 rows with the page served by gunicorn under load against a static file from the same
server; the directory (list page, map data, API) at 100 and at 100,000 listings; then the apps' own
benchmark scripts (bench/search_bench.py, bench/events_bench.py, bench/news_bench.py,
bench/newsletters_bench.py, bench/participation_bench.py, bench/facilities_bench.py,
bench/http_rush.py, bench/programmes_bench.py, bench/opendata_bench.py, bench/pages_bench.py,
bench/lighthouse_bench.py, bench/load_bench.py), each
taking `--only sqlite|postgresql` and exiting non-zero when it misses its target.

Every figure comes from this one run on this machine; the ratios are what to read (bench/README.md).
Ends with one table of every target and its figure (bench/targets.py), and exits with status 1
when any target is missed, a script fails, or a list's query count grows with its table.
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
import targets

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"
PG_SERVER = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
PG_DATABASE = "sharehub_bench"
PG_DIRECTORY_DATABASE = "sharehub_bench_dir"
PARTS = (
    "organizations",
    "directory",
    "search",
    "events",
    "news",
    "newsletters",
    "participation",
    "facilities",
    "http-rush",
    "programmes",
    "opendata",
    "pages",
    "lighthouse",
    "load",
)
# Parts that are one standalone script each, run as they are and reporting their own figures.
SCRIPTS = {
    "search": "search_bench.py",
    "events": "events_bench.py",
    "news": "news_bench.py",
    "newsletters": "newsletters_bench.py",
    "participation": "participation_bench.py",
    "facilities": "facilities_bench.py",
    "http-rush": "http_rush.py",
    "programmes": "programmes_bench.py",
    "opendata": "opendata_bench.py",
    "pages": "pages_bench.py",
    "lighthouse": "lighthouse_bench.py",
    "load": "load_bench.py",
}


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


def run_measure(name: str, script: str, env: dict[str, str], *, serve: bool = False) -> dict:
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as out:
        out_path = Path(out.name)
    try:
        command = [sys.executable, str(ROOT / "bench" / script), "--out", str(out_path)]
        if script == "measure.py" and not serve:
            command.append("--no-serve")
        print(f"· {name}: migrating, seeding and measuring ({script}) …", flush=True)
        began = time.perf_counter()
        subprocess.run(command, cwd=ROOT, env=env, check=True)
        result = json.loads(out_path.read_text())
        result["total_seconds"] = round(time.perf_counter() - began, 1)
        return result
    finally:
        out_path.unlink(missing_ok=True)


def bench_sqlite(script: str, *, serve: bool = False) -> dict:
    with tempfile.TemporaryDirectory(prefix="sharehub-bench-") as tmp:
        return run_measure(
            "SQLite", script, bench_env(f"sqlite:///{tmp}/bench.sqlite3", tmp), serve=serve
        )


def _pg_admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True, connect_timeout=5) as conn:
        conn.execute(sql)


def bench_postgres(script: str, database: str, *, serve: bool = False) -> dict:
    """A dedicated database, created empty and dropped at the end whatever happens."""
    import psycopg

    drop = f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'
    try:
        _pg_admin(drop)
        _pg_admin(f"CREATE DATABASE \"{database}\" ENCODING 'UTF8' TEMPLATE template0")
    except psycopg.OperationalError as exc:
        # `make bench` starts PostgreSQL first; run alone, say plainly what is missing.
        return {"skipped": f"PostgreSQL at {PG_SERVER} unreachable: {exc}".strip()}
    try:
        with tempfile.TemporaryDirectory(prefix="sharehub-bench-") as tmp:
            return run_measure(
                "PostgreSQL", script, bench_env(f"{PG_SERVER}/{database}", tmp), serve=serve
            )
    finally:
        _pg_admin(drop)


def run_script(part: str, only: str | None) -> dict:
    """One app's own benchmark script (SCRIPTS), its output shown as it comes. Its targets go to
    the run's targets file (bench/targets.py); a non-zero exit fails `make bench`."""
    script = ROOT / "bench" / SCRIPTS[part]
    if not script.exists():
        return {"skipped": f"bench/{SCRIPTS[part]} is missing"}
    command = [sys.executable, str(script)] + (["--only", only] if only else [])
    print(f"· {part}: {' '.join(command[1:])} …", flush=True)
    began = time.perf_counter()
    completed = subprocess.run(command, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    return {"exit_status": completed.returncode, "seconds": round(time.perf_counter() - began, 1)}


def collect_static() -> None:
    """The production static storage (hashed, compressed), as `make run` prepares it."""
    print("· collecting static files for gunicorn …", flush=True)
    with tempfile.TemporaryDirectory(prefix="sharehub-bench-") as tmp:
        env = bench_env(f"sqlite:///{tmp}/static.sqlite3", tmp)
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
            cwd=ROOT,
            env=env,
            check=True,
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=["sqlite", "postgresql"], help="one database only")
    parser.add_argument("--no-serve", action="store_true", help="skip the gunicorn measurement")
    parser.add_argument(
        "--part", choices=PARTS, action="append", help="run only this part (repeatable)"
    )
    args = parser.parse_args()
    serve = not args.no_serve
    parts = args.part or list(PARTS)
    databases = [args.only] if args.only else ["sqlite", "postgresql"]

    began = time.perf_counter()
    # Every script run from here (and this process) writes its targets there (bench/targets.py).
    targets_file = Path(tempfile.mkdtemp(prefix="sharehub-bench-")) / "targets.jsonl"
    os.environ[targets.ENV] = str(targets_file)
    # The pages link their static files through the hashed manifest: they need it even without gunicorn.
    collect_static()
    results: dict = {}
    directory: dict = {}
    for database in databases:
        if "organizations" in parts:
            results[database] = (
                bench_sqlite("measure.py", serve=serve)
                if database == "sqlite"
                else bench_postgres("measure.py", PG_DATABASE, serve=serve)
            )
        if "directory" in parts:
            directory[database] = (
                bench_sqlite("directory_measure.py")
                if database == "sqlite"
                else bench_postgres("directory_measure.py", PG_DIRECTORY_DATABASE)
            )
    scripts = {part: run_script(part, args.only) for part in SCRIPTS if part in parts}

    summary = report.summarize(results)
    directory_summary = report.summarize_directory(directory)
    document = {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "python": sys.version.split()[0],
        "cpus": os.cpu_count(),
        "seconds": round(time.perf_counter() - began, 1),
        "databases": results,
        "ratios": summary["ratios"],
        "directory": directory,
        "directory_ratios": directory_summary["ratios"],
        "search": scripts.get("search"),
        "events": scripts.get("events"),
        "news": scripts.get("news"),
        "newsletters": scripts.get("newsletters"),
        "participation": scripts.get("participation"),
        "facilities": scripts.get("facilities"),
        "query_counts_constant": summary["ok"] and directory_summary["ok"],
    }
    measured = targets.read(targets_file)
    document["targets"] = measured
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps(document, indent=2, ensure_ascii=False))
    print(report.render(document))
    print(f"\nWritten to {RESULTS / 'latest.json'} in {document['seconds']} s.")
    print("\nEvery target of this run:\n")
    print(targets.render(measured))
    failed = [
        part for part, result in scripts.items() if result.get("exit_status") not in (None, 0)
    ]
    missed = [t for t in measured if not t["ok"]]
    if not document["query_counts_constant"]:
        print(
            "FAIL: a list runs more queries on a large table than on a small one (or could not be measured).",
            file=sys.stderr,
        )
    if failed:
        print(
            f"FAIL: these benchmarks failed or missed a target: {', '.join(failed)}.",
            file=sys.stderr,
        )
    if missed:
        print(f"FAIL: {len(missed)} target(s) missed (table above).", file=sys.stderr)
    return 0 if document["query_counts_constant"] and not failed and not missed else 1


if __name__ == "__main__":
    sys.exit(main())
