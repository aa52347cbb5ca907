"""Never double-booked on the embedded default (issue 15), end to end: the production server
(gunicorn, several workers × threads, as `make run` starts it) on a SQLite file, 30 people posting
overlapping bookings of one space to the API at once, 5 rounds. Each round exactly one 201, the
others 422 "taken" in the API's JSON error shape, never a 500, and one active booking in the file.

The file is a copy of the test database (migrated by pytest-django, with the people, their API
tokens and the space), made with SQLite's online backup: migrating a fresh file again would
cost more than the whole race. PostgreSQL has its own proof (test_concurrency.py)."""

from __future__ import annotations

import importlib.util
import json
import os
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta
from datetime import time as clock
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from sharehub.accounts.models import User
from sharehub.accounts.services import create_api_token

from .factories import SpaceFactory

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[3]
CLIENTS = 30
ROUNDS = 5
TAKEN = "This time is already taken."
START_SECONDS = 120


@pytest.fixture(autouse=True)
def sqlite_only():
    if os.environ.get("DATABASE_URL", "").startswith("postgres") or connection.vendor != "sqlite":
        pytest.skip("about the embedded default (SQLite); PostgreSQL: test_concurrency.py")


def _served():
    """bench/served.py: how the project starts gunicorn as `make run` does, on a database."""
    spec = importlib.util.spec_from_file_location("bench_served", ROOT / "bench" / "served.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _start_gunicorn(served, env: dict[str, str]) -> tuple[subprocess.Popen, int]:
    """gunicorn as `make run` and bench/served.py start it (its workers × threads), with more
    time to come up than the benchmark gives it: a busy test machine loads Django slowly."""
    port = served.free_port()
    process = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "sharehub.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            served.WORKERS,
            "--threads",
            served.THREADS,
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        assert process.poll() is None, f"gunicorn exited with status {process.returncode}"
        try:
            if served.get(port, "/health/")[0] == 200:
                return process, port
        except OSError:
            pass
        time.sleep(0.2)
    served.stop(process)
    raise AssertionError(f"gunicorn did not answer /health/ within {START_SECONDS} s")


def _copy_test_database(target: Path) -> None:
    connection.ensure_connection()
    with sqlite3.connect(target) as copy:
        connection.connection.backup(copy)
        # The test database lives in memory, so the copy starts in the rollback-journal mode; an
        # installed hub's file is in WAL mode from its first migrate (settings' init_command), and
        # so is this one before the server opens it. Otherwise the race's first connections all
        # switch it at once, and a switch refused under that contention is "database is locked".
        assert copy.execute("PRAGMA journal_mode=WAL").fetchone()[0] == "wal"
    copy.close()


def _post(port: int, path: str, token: str, body: dict) -> tuple[int, dict]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}",
        data=json.dumps(body).encode(),
        method="POST",
        headers={
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/json",
            "Accept-Language": "en",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        raw = error.read()
        try:
            return error.code, json.loads(raw)
        except ValueError:
            return error.code, {"raw": raw[:500].decode(errors="replace")}


def test_thirty_requests_for_one_slot_through_the_production_server(tmp_path):
    space = SpaceFactory(max_bookings_per_month=31, max_hours_per_day=12, opens_days_ahead=90)
    people = User.objects.bulk_create(
        [User(email=f"racer{i}@example.org", display_name=f"예약자 {i}") for i in range(CLIENTS)]
    )
    tokens = [create_api_token(actor=person, name="race")[1] for person in people]
    database = tmp_path / "race.sqlite3"
    _copy_test_database(database)

    served = _served()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "sharehub.settings",
        "DATABASE_URL": f"sqlite:///{database}",
        # Production settings over plain HTTP, as `make run`; the API needs no static manifest.
        "SHAREHUB_DEBUG": "0",
        "SHAREHUB_HTTPS": "0",
        "SHAREHUB_VAR_DIR": str(tmp_path),
        "SHAREHUB_LOG_LEVEL": "ERROR",
        "SHAREHUB_STATIC_STORAGE": "django.contrib.staticfiles.storage.StaticFilesStorage",
        "PYTHONPATH": str(ROOT),
    }
    env.pop("REDIS_URL", None)  # the embedded default: the cache is a table of the same file
    process, port = _start_gunicorn(served, env)
    path = f"/api/v1/spaces/{space.slug}/bookings"
    first_day = timezone.localdate() + timedelta(days=2)
    try:
        for round_ in range(ROUNDS):
            day = first_day + timedelta(days=round_)
            gate = threading.Barrier(CLIENTS)
            answers: list[tuple[int, dict] | None] = [None] * CLIENTS

            def client(i: int, day=day, gate=gate, answers=answers) -> None:
                start = 9 + i % 2  # half ask for 9–11, half for 10–12: every two overlap
                body = {
                    "starts_at": timezone.make_aware(
                        datetime.combine(day, clock(start))
                    ).isoformat(),
                    "ends_at": timezone.make_aware(
                        datetime.combine(day, clock(start + 2))
                    ).isoformat(),
                    "purpose": "meeting",
                    "purpose_detail": "모임",
                    "people": 3,
                }
                gate.wait(timeout=30)
                answers[i] = _post(port, path, tokens[i], body)

            threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=120)
            statuses = [answer[0] if answer else None for answer in answers]
            assert statuses.count(201) == 1, (round_, statuses, answers)
            for status, body in (answer for answer in answers if answer and answer[0] != 201):
                assert status == 422, (round_, status, body)
                assert body["errors"] == {"starts_at": [TAKEN]}, (round_, body)
            with sqlite3.connect(database) as db:
                active = db.execute(
                    "SELECT count(*) FROM facilities_booking WHERE space_id = ? AND status IN"
                    " ('requested', 'held', 'confirmed') AND starts_at >= ? AND starts_at < ?",
                    [
                        space.pk,
                        _utc(timezone.make_aware(datetime.combine(day, clock(0)))),
                        _utc(timezone.make_aware(datetime.combine(day, clock(23)))),
                    ],
                ).fetchone()[0]
            db.close()
            assert active == 1, (round_, active)
    finally:
        served.stop(process)


def _utc(moment: datetime) -> str:
    """How Django stores an aware datetime in SQLite (UTC, no offset)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")
