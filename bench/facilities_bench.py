"""Facilities (issue 15): a month of one space's availability with 10 and with 10,000 past
bookings, booking attempts per second on one contested slot, and the cross-space "free on this
date and time" search over 1,000 spaces and 1,000,000 bookings.

1. Availability (SQLite and PostgreSQL): `/api/v1/spaces/<slug>/availability?days=31` (a month of
   slots, five calls of `selectors.week`) for a space with 10 past bookings, then with 10,000: SQL
   queries of one request (target: equal), every request timed (at most REQUESTS or MAX_SECONDS),
   median and p95, and the ratio of the medians 10 / 10,000 (target ≥ 0.5).
2. Contested slot (PostgreSQL): 1,000 people at once for the same two hours of one space, through
   `services.book` (a period already booked is refused before the lock; else the space's row
   lock, the exclusion constraint): 50 connections (5 processes of 10 threads, `rushes.at_once`),
   released together, share the 1,000 people, one attempt each. Attempts per second and the p95 of one attempt.
   Targets: exactly one booking, every other attempt refused "taken", no other error; at least
   400 attempts per second; p95 under 1 s. The winner's notice is written as in production.
   In the same run, the machine's ceiling for such refusals (`refusal_ceiling`: one read and
   one durable upsert per attempt, psycopg alone, same connections); printed against it.
3. Free-space search (SQLite and PostgreSQL): `selectors.space_list(filters={day, start, end})`
   as the API's first page asks it (the count and the first 20) over 1,000 spaces (open 09–22,
   a few closed that day) and 1,000,000 bookings (1,000 per space, past and future, a tenth
   cancelled): median and p95 (target: p95 under 100 ms), and the query plan.

    .venv/bin/python bench/facilities_bench.py [--only sqlite|postgresql] [--keep]

Standalone: a temporary SQLite file, and a PostgreSQL database `$BENCH_PG_DATABASE` (default
`sharehub_facilities_bench`) on $BENCH_PG_URL (default postgres://postgres@127.0.0.1:5432),
created and dropped here (`--keep` keeps it). The rows are inserted with executemany in large
transactions, every column from a model instance (defaults included), as seed.insert_rows does.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timedelta
from datetime import time as clock
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_SERVER = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
PG_DATABASE = os.environ.get("BENCH_PG_DATABASE", "sharehub_facilities_bench")
SMALL, LARGE = 10, 10_000
REQUESTS = 60
MAX_SECONDS = 15.0
WARM_UP = 3
TARGET_RATIO = 0.5
TARGET_MS = 100.0
THREADS = 50
PEOPLE = 1_000
RUSH_RATE = 400  # attempts per second (issue 18)
RUSH_P95_MS = 1000
SPACES = 1_000
BOOKINGS_PER_SPACE = 1_000
CHUNK = 50_000


# --- rows ----------------------------------------------------------------------------------
def insert_many(model, template, changed: list[str], rows) -> None:
    """INSERT rows of `model`: the columns named in `changed` from each row (already prepared for
    the database), every other column the `template`'s value; executemany in chunks."""
    from django.db import connection

    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    base = [f.get_db_prep_save(f.pre_save(template, add=True), connection) for f in fields]
    where = [changed.index(f.attname) if f.attname in changed else -1 for f in fields]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    sql = (
        f"INSERT INTO {connection.ops.quote_name(model._meta.db_table)} ({columns})"
        f" VALUES ({', '.join(['%s'] * len(fields))})"
    )
    batch: list[list] = []
    with connection.cursor() as cursor:
        for row in rows:
            batch.append([base[i] if w < 0 else row[w] for i, w in enumerate(where)])
            if len(batch) >= CHUNK:
                cursor.executemany(sql, batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)


def _prep(model, name: str, value):
    from django.db import connection

    return model._meta.get_field(name).get_db_prep_save(value, connection)


def _analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def past_bookings(space, count: int, first: int) -> None:
    """`count` confirmed two-hour-apart bookings of one hour before today (from number `first`)."""
    from django.db import transaction
    from django.utils import timezone

    from sharehub.facilities.models import Booking

    end_of_past = timezone.make_aware(
        datetime.combine(timezone.localdate() - timedelta(days=1), clock(20))
    )
    template = Booking(
        space=space, purpose="meeting", purpose_detail="지난 모임", people=5, status="confirmed"
    )
    rows = (
        (
            f"p{space.pk:03d}{n:08d}",
            _prep(Booking, "starts_at", end_of_past - timedelta(hours=2 * n + 1)),
            _prep(Booking, "ends_at", end_of_past - timedelta(hours=2 * n)),
        )
        for n in range(first, first + count)
    )
    with transaction.atomic():
        insert_many(Booking, template, ["reference", "starts_at", "ends_at"], rows)
    _analyze()


def many_spaces(day) -> None:
    """SPACES spaces over the 25 districts, open 09–22 every day, one in fifty closed on `day`,
    each with BOOKINGS_PER_SPACE bookings: four two-hour slots a day (09, 11, 14, 18), from days
    before to days after `day`, every tenth cancelled."""
    from django.db import transaction
    from django.utils import timezone

    from sharehub.facilities.models import Booking, Closure, OpeningHours, Space
    from sharehub.places.models import District

    districts = list(District.objects.order_by("pk").values_list("pk", flat=True))
    template = Space(
        name="공유 공간",
        name_ko="공유 공간",
        office="구청",
        office_ko="구청",
        road_address="서울특별시 중구 세종대로 110",
        capacity=20,
        closed_on_holidays=False,
        district_id=districts[0],
    )
    with transaction.atomic():
        insert_many(
            Space,
            template,
            ["slug", "name", "name_ko", "district_id", "capacity", "latitude", "longitude"],
            (
                (
                    f"bench-space-{n}",
                    f"공유 공간 {n}",
                    f"공유 공간 {n}",
                    districts[n % len(districts)],
                    10 + n % 60,
                    37.45 + (n % 40) * 0.005,
                    126.85 + (n // 40) * 0.01,
                )
                for n in range(SPACES)
            ),
        )
    ids = list(
        Space.objects.filter(slug__startswith="bench-space-")
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    opens, closes = clock(9), clock(22)
    hours = OpeningHours(opens=opens, closes=closes, weekday=0, space_id=ids[0])
    closure = Closure(starts_on=day, ends_on=day, reason="공사", space_id=ids[0])
    slots_per_day = ((9, 11), (11, 13), (14, 16), (18, 20))
    days = BOOKINGS_PER_SPACE // len(slots_per_day)
    first_day = day - timedelta(days=days * 3 // 4)
    times = [
        (
            _prep(
                Booking,
                "starts_at",
                timezone.make_aware(datetime.combine(first_day + timedelta(days=d), clock(start))),
            ),
            _prep(
                Booking,
                "ends_at",
                timezone.make_aware(datetime.combine(first_day + timedelta(days=d), clock(end))),
            ),
        )
        for d in range(days)
        for start, end in slots_per_day
    ]
    template_booking = Booking(
        space_id=ids[0], purpose="meeting", purpose_detail="모임", people=5, status="confirmed"
    )
    with transaction.atomic():
        insert_many(
            OpeningHours,
            hours,
            ["space_id", "weekday"],
            ((pk, weekday) for pk in ids for weekday in range(7)),
        )
        insert_many(Closure, closure, ["space_id"], ((pk,) for pk in ids[::50]))
    # A space's bookings in a row of the table, spaces one after the other, as they accumulate.
    for part in range(0, len(ids), 100):
        with transaction.atomic():
            insert_many(
                Booking,
                template_booking,
                ["space_id", "reference", "starts_at", "ends_at", "status"],
                (
                    (
                        pk,
                        f"s{pk:05d}{n:06d}",
                        start,
                        end,
                        "cancelled" if (pk + n) % 10 == 0 else "confirmed",
                    )
                    for pk in ids[part : part + 100]
                    for n, (start, end) in enumerate(times)
                ),
            )
    _analyze()


# --- the measures --------------------------------------------------------------------------
def availability(slug: str) -> dict:
    from django.test import Client
    from django.utils import timezone
    from inprocess import timed

    client = Client()
    path = f"/api/v1/spaces/{slug}/availability?start={timezone.localdate()}&days=31"

    def run() -> None:
        response = client.get(path)
        if response.status_code != 200:
            raise RuntimeError(f"{path} answered {response.status_code}")

    result = timed(run, requests=REQUESTS, max_seconds=MAX_SECONDS, warm_up=WARM_UP)
    result["path"] = path
    result["days"] = len(client.get(path).json())
    return result


def contested() -> dict:
    from django.core.exceptions import ValidationError
    from django.utils import timezone
    from rushes import at_once

    from sharehub.accounts.models import User
    from sharehub.facilities import services
    from sharehub.facilities.models import Booking
    from sharehub.facilities.tests.factories import SpaceFactory

    space = SpaceFactory(
        slug="contested", max_bookings_per_month=31, max_hours_per_day=12, closed_on_holidays=False
    )
    people = User.objects.bulk_create(
        [User(email=f"rush{i}@bench.example", display_name=f"예약자 {i}") for i in range(PEOPLE)]
    )
    day = timezone.localdate() + timedelta(days=3)
    ask = services.BookingAsk(
        starts_at=timezone.make_aware(datetime.combine(day, clock(14))),
        ends_at=timezone.make_aware(datetime.combine(day, clock(16))),
        purpose="meeting",
        purpose_detail="모임",
        people=3,
    )

    def attempt(person) -> str:
        try:
            services.book(actor=person, space=space, ask=ask)
            return "booked"
        except ValidationError as error:
            codes = {e.code for errors in error.error_dict.values() for e in errors}
            return "taken" if codes == {"taken"} else f"refused: {codes}"
        except Exception as error:
            return f"error: {type(error).__name__}: {error}"

    chunks = [people[i::THREADS] for i in range(THREADS)]
    outcomes, waits, seconds = at_once(chunks, attempt)
    others = [o for o in outcomes if o not in ("booked", "taken")]
    ordered = sorted(waits)
    return {
        "p50_ms": statistics.median(ordered) * 1000,
        "p95_ms": ordered[int(len(ordered) * 0.95) - 1] * 1000,
        "people": PEOPLE,
        "threads": THREADS,
        "attempts": len(outcomes),
        "seconds": seconds,
        "booked": outcomes.count("booked"),
        "taken": outcomes.count("taken"),
        "others": len(others),
        "first_other": others[0] if others else "",
        "rows": Booking.objects.filter(space=space).count(),
    }


def refusal_ceiling(attempts: int) -> dict:
    """The machine's ceiling for a contest's refusals, measured in the same run: what any
    counted refusal must do at least, one read of the period and one durable upsert of the
    person's attempt count in its own commit, written with psycopg alone on the same database
    and the same PROCESSES x THREADS connections (each attempt a different person, as in the
    contest). No attempt through `services.book` can be faster."""
    import psycopg
    from rushes import at_once, psycopg_params

    params = psycopg_params()
    with psycopg.connect(**params, autocommit=True) as admin:
        admin.execute("DROP TABLE IF EXISTS bench_slot, bench_attempts")
        admin.execute("CREATE TABLE bench_slot (id int PRIMARY KEY, taken bool NOT NULL)")
        admin.execute("INSERT INTO bench_slot VALUES (1, true)")
        admin.execute("CREATE TABLE bench_attempts (id int PRIMARY KEY, n int NOT NULL)")
    chunks = [list(range(i, attempts, THREADS)) for i in range(THREADS)]
    local = threading.local()

    def attempt(person: int) -> str:
        if getattr(local, "connection", None) is None:
            local.connection = psycopg.connect(**params, autocommit=True)
        db = local.connection
        db.execute("SELECT taken FROM bench_slot WHERE id = 1").fetchone()
        db.execute(
            "INSERT INTO bench_attempts VALUES (%s, 1) ON CONFLICT (id) DO UPDATE"
            " SET n = bench_attempts.n + 1 RETURNING n",
            [person],
        ).fetchone()
        return "ok"

    outcomes, _, seconds = at_once(chunks, attempt)
    with psycopg.connect(**params, autocommit=True) as admin:
        admin.execute("DROP TABLE bench_slot, bench_attempts")
    return {"attempts": len(outcomes), "per_second": len(outcomes) / seconds}


def free_search(day) -> dict:
    from django.db import connection
    from inprocess import timed

    from sharehub.facilities import selectors

    filters = {"day": day, "start": clock(14), "end": clock(16)}

    def run() -> None:
        spaces = selectors.space_list(filters=filters)
        spaces.count()
        list(spaces[:20])

    result = timed(run, requests=REQUESTS, max_seconds=MAX_SECONDS, warm_up=WARM_UP)
    spaces = selectors.space_list(filters=filters)
    result["free"] = spaces.count()
    result["plan"] = (
        spaces.explain(analyze=True) if connection.vendor == "postgresql" else spaces.explain()
    )
    return result


def worker() -> dict:
    import django

    django.setup()
    import seed
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone
    from measure import server_version

    from sharehub.facilities.models import Booking
    from sharehub.facilities.tests.factories import SpaceFactory

    began = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    seed.load_districts()
    result: dict = {
        "vendor": connection.vendor,
        "server_version": server_version(connection),
        "setup_seconds": time.perf_counter() - began,
    }
    space = SpaceFactory(slug="month-view", closed_on_holidays=False)
    past_bookings(space, SMALL, 0)
    result["small"] = availability(space.slug)
    past_bookings(space, LARGE - SMALL, SMALL)
    result["past_bookings"] = Booking.objects.filter(space=space).count()
    result["large"] = availability(space.slug)
    if connection.vendor == "postgresql":
        result["contested"] = contested()
        result["refusal_ceiling"] = refusal_ceiling(PEOPLE)
    day = timezone.localdate() + timedelta(days=10)
    began = time.perf_counter()
    many_spaces(day)
    result["search_seed_seconds"] = time.perf_counter() - began
    result["bookings"] = Booking.objects.count()
    result["search"] = free_search(day)
    return result


def run_child(database_url: str) -> dict:
    with tempfile.TemporaryDirectory(prefix="facilities-bench-") as tmp:
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
        raise SystemExit("facilities benchmark worker failed")
    return json.loads(out.stdout.strip().splitlines()[-1])


def report(result: dict) -> bool:
    from targets import check

    ok = True
    db = result["vendor"]
    print(f"\n{result['vendor']} ({result['server_version']}): facilities")
    a, b = result["small"], result["large"]
    same = a["queries"] == b["queries"]
    ratio = a["p50"] / b["p50"]
    ok &= check(
        "facilities",
        db,
        f"a month of one space: queries {SMALL} = {LARGE:,}",
        f"{a['queries']} / {b['queries']}",
        "equal",
        same,
    )
    ok &= check(
        "facilities",
        db,
        f"a month of one space: p50 {SMALL} / {LARGE:,}",
        f"{ratio:.2f}",
        f"≥ {TARGET_RATIO}",
        ratio >= TARGET_RATIO,
    )
    print(f"  a month of one space: {b['path']} ({b['days']} days)")
    for size, figures in ((SMALL, a), (result["past_bookings"], b)):
        print(
            f"    {size:>7,} past bookings: {figures['queries']} queries,"
            f" p50 {figures['p50']:6.1f} ms, p95 {figures['p95']:6.1f} ms ({figures['requests']} requests)"
        )
    print(
        f"    queries equal: {'yes' if same else 'NO'};  time ratio {SMALL}/{LARGE:,}"
        f" ×{ratio:.2f} [{'OK' if ratio >= TARGET_RATIO else 'MISSED'}: ≥ {TARGET_RATIO}]"
    )
    if "contested" in result:
        r = result["contested"]
        good = r["booked"] == 1 and r["rows"] == 1 and r["others"] == 0
        ok &= check(
            "facilities",
            db,
            "contested slot: bookings, other errors",
            f"{r['booked']}, {r['others']}",
            "1, 0",
            good,
        )
        rate = r["attempts"] / r["seconds"]
        ok &= check(
            "facilities",
            db,
            "contested slot: attempts per second",
            f"{rate:.0f}",
            f"≥ {RUSH_RATE}",
            rate >= RUSH_RATE,
        )
        ok &= check(
            "facilities",
            db,
            "contested slot: one attempt, p95",
            f"{r['p95_ms']:.0f} ms",
            f"< {RUSH_P95_MS} ms",
            r["p95_ms"] < RUSH_P95_MS,
        )
        print(
            f"  one contested slot: {r['people']:,} people at once on {r['threads']} connections"
            f" through services.book: {r['attempts']:,} attempts in {r['seconds']:.2f} s,"
            f" {rate:.0f} attempts per second; one attempt p50 {r['p50_ms']:.0f} ms,"
            f" p95 {r['p95_ms']:.0f} ms"
        )
        print(
            f"    booked {r['booked']} (rows {r['rows']}), taken {r['taken']:,}, other {r['others']}"
            f"  [{'OK' if good else 'MISSED'}: exactly one winner]"
        )
        if r["first_other"]:
            print(f"    first other outcome: {r['first_other']}")
        ceiling = result["refusal_ceiling"]["per_second"]
        print(
            f"    the machine's ceiling for such refusals (one read and one durable upsert each,"
            f" psycopg alone, same connections): {ceiling:.0f} per second;"
            f" attempts / ceiling ×{rate / ceiling:.2f}"
        )
    s = result["search"]
    fast = s["p95"] < TARGET_MS
    ok &= check(
        "facilities",
        db,
        f"free across {SPACES:,} spaces: p95",
        f"{s['p95']:.1f} ms",
        f"< {TARGET_MS:.0f} ms",
        fast,
    )
    print(
        f"  free on a date 14:00–16:00 across {SPACES:,} spaces and {result['bookings']:,} bookings:"
        f" {s['free']} free, {s['queries']} queries,"
        f" p50 {s['p50']:.1f} ms, p95 {s['p95']:.1f} ms ({s['requests']} runs)"
        f"  [{'OK' if fast else 'MISSED'}: p95 under {TARGET_MS:.0f} ms]"
    )
    if not fast:
        print("    plan:\n      " + s["plan"].replace("\n", "\n      "))
    print(
        f"  seeding: setup {result['setup_seconds']:.0f} s,"
        f" search data {result['search_seed_seconds']:.0f} s"
    )
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
        with tempfile.TemporaryDirectory(prefix="facilities-bench-") as tmp:
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
