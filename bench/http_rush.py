"""Rushes through the HTTP API on the embedded default: SQLite under the production server.

gunicorn as `make run` starts it (bench/served.py: 2 workers × 4 threads, production settings,
the database-backed task queue and cache of the embedded install) serves a fresh SQLite file.
1,000 people, each with their own API token and their own connection, post at once:

1. **An event's registration rush**: `POST /api/v1/events/<id>/registration` for an event with
   100 places. Target: exactly 100 answered `confirmed` (and 100 in the file, `seats_taken` 100),
   the others `waitlisted`, no error: a 5xx, a timeout (60 s) or a refused connection is an error.
2. **A contested slot**: `POST /api/v1/spaces/<slug>/bookings` for the same two hours of one
   space. Target: exactly one 201 (one active booking in the file), every other answer a 422 whose
   only error is `taken`, no other answer.

After each rush: how many answered per second (first request sent to last answer) and the p95 of
a person's wait, and the server's log searched for "database is locked" (target: none; SQLite's
IMMEDIATE transactions with a busy timeout should queue writers, never refuse them). The
registrations' notices are the worker's job: each registration enqueued its task exactly once
(counted in the task table).

    .venv/bin/python bench/http_rush.py [--people 1000] [--places 100]

Standalone: a temporary SQLite file; no PostgreSQL (that database has its own rushes,
events_bench.py and facilities_bench.py).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import served  # noqa: E402  (bench/served.py: how the project starts gunicorn)
from targets import check  # noqa: E402

TIMEOUT = 60.0
TAKEN = "This time is already taken."
START_SECONDS = 120


def seed(people: int, places: int, out: str) -> None:
    """In a child process: migrate the file, then the people, their tokens, the event, the space."""
    import django

    django.setup()
    from datetime import datetime, timedelta
    from datetime import time as clock

    from django.core.management import call_command
    from django.utils import timezone

    from sharehub.accounts.models import User
    from sharehub.accounts.services import create_api_token
    from sharehub.events.tests.factories import EventFactory
    from sharehub.facilities.tests.factories import SpaceFactory

    call_command("migrate", interactive=False, verbosity=0)
    users = User.objects.bulk_create(
        [User(email=f"rush{i}@bench.example", display_name=f"참가자 {i}") for i in range(people)]
    )
    tokens = [create_api_token(actor=user, name="rush")[1] for user in users]
    event = EventFactory(capacity=places, title_ko="인기 행사", title_en="Popular event")
    space = SpaceFactory(
        slug="contested", max_bookings_per_month=31, max_hours_per_day=12, closed_on_holidays=False
    )
    day = timezone.localdate() + timedelta(days=3)
    starts = timezone.make_aware(datetime.combine(day, clock(14)))
    Path(out).write_text(
        json.dumps(
            {
                "tokens": tokens,
                "event": event.pk,
                "space": space.slug,
                "starts_at": starts.isoformat(),
                "ends_at": (starts + timedelta(hours=2)).isoformat(),
            }
        )
    )


def verify(out: str) -> None:
    """In a child process: what the file holds after the rushes."""
    import django

    django.setup()
    from django_tasks_db.models import DBTaskResult

    from sharehub.events.models import Event, Registration
    from sharehub.facilities.models import ACTIVE_STATUSES, Booking

    event = Event.objects.get(title_ko="인기 행사")
    Path(out).write_text(
        json.dumps(
            {
                "confirmed_in_db": Registration.objects.filter(
                    event=event, status="confirmed"
                ).count(),
                "registrations": Registration.objects.filter(event=event).count(),
                "seats_taken": event.seats_taken,
                "notice_tasks": DBTaskResult.objects.filter(
                    task_path="sharehub.events.tasks.tell_new_registration"
                ).count(),
                "bookings": Booking.objects.filter(
                    space__slug="contested", status__in=ACTIVE_STATUSES
                ).count(),
            }
        )
    )


def child(env: dict[str, str], action: str, *args: str) -> dict:
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        out = handle.name
    try:
        subprocess.run(
            [sys.executable, __file__, f"--{action}", out, *args], cwd=ROOT, env=env, check=True
        )
        return json.loads(Path(out).read_text())
    finally:
        Path(out).unlink(missing_ok=True)


def start(env: dict[str, str], log: Path) -> tuple[subprocess.Popen, int]:
    """gunicorn as `make run` starts it, its log to a file (searched afterwards)."""
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
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with status {process.returncode}")
        try:
            if served.get(port, "/health/")[0] == 200:
                return process, port
        except OSError:
            pass
        time.sleep(0.2)
    served.stop(process)
    raise RuntimeError(f"gunicorn did not answer /health/ within {START_SECONDS} s")


def post(port: int, path: str, token: str, body: dict) -> tuple[int, dict]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
    try:
        connection.request(
            "POST",
            path,
            body=json.dumps(body),
            headers={
                "Authorization": f"Bearer {token}",
                "Content-Type": "application/json",
                "Accept-Language": "en",
                "Host": "127.0.0.1",
            },
        )
        response = connection.getresponse()
        raw = response.read()
        try:
            return response.status, json.loads(raw)
        except ValueError:
            return response.status, {"raw": raw[:300].decode(errors="replace")}
    finally:
        connection.close()


def rush(port: int, path: str, tokens: list[str], body: dict) -> dict:
    """Everyone at once, each on their own connection; answers, per-person waits, wall time."""
    answers: list[tuple[int, dict]] = [(0, {})] * len(tokens)
    waits = [0.0] * len(tokens)
    gate = threading.Barrier(len(tokens) + 1)

    def person(i: int) -> None:
        gate.wait(timeout=120)
        began = time.perf_counter()
        try:
            answers[i] = post(port, path, tokens[i], body)
        except (OSError, http.client.HTTPException) as error:  # a timeout or a refusal
            answers[i] = (0, {"error": f"{type(error).__name__}: {error}"})
        waits[i] = time.perf_counter() - began

    threads = [threading.Thread(target=person, args=(i,)) for i in range(len(tokens))]
    for thread in threads:
        thread.start()
    gate.wait(timeout=120)
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - began
    ordered = sorted(waits)
    return {
        "answers": answers,
        "seconds": seconds,
        "per_second": len(tokens) / seconds,
        "p50_ms": statistics.median(ordered) * 1000,
        "p95_ms": ordered[int(len(ordered) * 0.95) - 1] * 1000,
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=1000)
    parser.add_argument("--places", type=int, default=100)
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    parser.add_argument("--seed", metavar="OUT")
    parser.add_argument("--verify", metavar="OUT")
    parser.add_argument("rest", nargs="*")
    args = parser.parse_args()
    if args.seed:
        seed(int(args.rest[0]), int(args.rest[1]), args.seed)
        return 0
    if args.verify:
        verify(args.verify)
        return 0

    if args.only == "postgresql":
        print(
            "HTTP rushes: SQLite only (PostgreSQL's rushes are in events_bench.py and facilities_bench.py)"
        )
        return 0
    ok = True
    with tempfile.TemporaryDirectory(prefix="http-rush-") as tmp:
        env = dict(
            os.environ,
            DJANGO_SETTINGS_MODULE="sharehub.settings",
            DATABASE_URL=f"sqlite:///{tmp}/rush.sqlite3",
            # Production settings over plain HTTP, as `make run`; the API needs no static manifest.
            SHAREHUB_DEBUG="0",
            SHAREHUB_HTTPS="0",
            SHAREHUB_VAR_DIR=tmp,
            SHAREHUB_LOG_LEVEL="WARNING",
            SHAREHUB_STATIC_STORAGE="django.contrib.staticfiles.storage.StaticFilesStorage",
            PYTHONPATH=f"{ROOT}{os.pathsep}{ROOT / 'bench'}",
        )
        # The embedded default: the cache and the task queue are tables of the same file.
        for name in ("REDIS_URL", "SHAREHUB_TASKS_BACKEND"):
            env.pop(name, None)
        print(
            f"HTTP rushes on SQLite under gunicorn ({served.WORKERS} workers × {served.THREADS} threads)"
        )
        print(f"  seeding {args.people:,} people with API tokens …", flush=True)
        data = child(env, "seed", str(args.people), str(args.places))
        log = Path(tmp) / "gunicorn.log"
        process, port = start(env, log)
        try:
            event_rush = rush(
                port, f"/api/v1/events/{data['event']}/registration", data["tokens"], {}
            )
            booking = {
                "starts_at": data["starts_at"],
                "ends_at": data["ends_at"],
                "purpose": "meeting",
                "purpose_detail": "모임",
                "people": 3,
            }
            slot_rush = rush(
                port, f"/api/v1/spaces/{data['space']}/bookings", data["tokens"], booking
            )
        finally:
            served.stop(process)
        state = child(env, "verify")
        locked = log.read_text(errors="replace").count("database is locked")
        server_errors = log.read_text(errors="replace").count("Internal Server Error")

    people, places = args.people, args.places
    # 1. The event.
    statuses = [a[1].get("status") if a[0] == 201 else None for a in event_rush["answers"]]
    errors = [a for a in event_rush["answers"] if a[0] != 201]
    confirmed, waitlisted = statuses.count("confirmed"), statuses.count("waitlisted")
    exact = confirmed == places == state["confirmed_in_db"] == state["seats_taken"]
    exact &= waitlisted == people - places and state["registrations"] == people
    print(f"\n  registration rush: {people:,} people at once for {places} places")
    print(
        f"    confirmed {confirmed} (in the file {state['confirmed_in_db']}, places taken"
        f" {state['seats_taken']}), waitlisted {waitlisted}, errors {len(errors)}"
    )
    if errors:
        print(
            f"    first error: {errors[0][0]} {json.dumps(errors[0][1], ensure_ascii=False)[:300]}"
        )
    print(
        f"    {event_rush['seconds']:.2f} s, {event_rush['per_second']:.0f} registrations per"
        f" second; a person's wait p50 {event_rush['p50_ms']:.0f} ms, p95 {event_rush['p95_ms']:.0f} ms"
    )
    print(f"    notice tasks enqueued: {state['notice_tasks']:,} (one per registration)")
    ok &= check(
        "http rush",
        "sqlite",
        "registration rush: confirmed = places, errors",
        f"{confirmed} of {places}, {len(errors)}",
        "equal, 0",
        exact and not errors,
    )
    ok &= check(
        "http rush",
        "sqlite",
        "registration rush: notice tasks",
        f"{state['notice_tasks']:,}",
        f"= {people:,}",
        state["notice_tasks"] == people,
    )
    # 2. The slot.
    booked = [a for a in slot_rush["answers"] if a[0] == 201]
    # The API's error body has no codes: the refusal is recognised by its only message (English).
    taken = [
        a
        for a in slot_rush["answers"]
        if a[0] == 422 and a[1].get("errors") == {"starts_at": [TAKEN]}
    ]
    others = [a for a in slot_rush["answers"] if a[0] not in (201, 422)] + [
        a for a in slot_rush["answers"] if a[0] == 422 and a not in taken
    ]
    print(f"\n  contested slot: {people:,} people at once for one two-hour period")
    print(
        f"    booked {len(booked)} (active in the file {state['bookings']}), taken {len(taken):,},"
        f" other {len(others)}"
    )
    if others:
        print(
            f"    first other: {others[0][0]} {json.dumps(others[0][1], ensure_ascii=False)[:300]}"
        )
    print(
        f"    {slot_rush['seconds']:.2f} s, {slot_rush['per_second']:.0f} attempts per second;"
        f" a person's wait p50 {slot_rush['p50_ms']:.0f} ms, p95 {slot_rush['p95_ms']:.0f} ms"
    )
    ok &= check(
        "http rush",
        "sqlite",
        "contested slot: bookings, other answers",
        f"{len(booked)}, {len(others)}",
        "1, 0",
        len(booked) == 1 == state["bookings"] and not others,
    )
    print(f'\n  server log: "database is locked" {locked}×, 500s {server_errors}×')
    ok &= check(
        "http rush",
        "sqlite",
        '"database is locked" in the server log',
        f"{locked}",
        "0",
        locked == 0 and server_errors == 0,
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
