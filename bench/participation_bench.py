"""Participation on PostgreSQL: the public proposal list at 100 and at 100,000 proposals with
1,000,000 supports, and supports per second under 50 concurrent people.

List: `/ko/participate/` (default order, most supported first) and the same list filtered by a
policy area, first with 100 published proposals (1,000 supports), then with 100,000 (1,000,000
supports in all, each proposal's supporters distinct people among 20,000, `supports_count`
equal to its rows, checked). For each page: SQL queries of one request (target: equal at both
sizes), then every request timed one by one with Django's test Client in-process (at most
REQUESTS requests or MAX_SECONDS): median and p95 ms, and the ratio small / large of the medians
(target ≥ 0.5), and at 100,000 a median and a p95 under 100 ms. The list counts its matches up
to `views.public.LIST_COUNT_CAP` (1,000: "more than 1,000 proposals"), so its count reads at most
that many index entries at any size; each timing notes the machine's load average.

Supports: 50 threads, each on its own connection and released together, act for 1,000 people
(20 each) with verified addresses: each supports PROPOSALS proposals through
`services.support_proposal` (the proposal's row lock), then withdraws one of them through
`services.withdraw_support`. One proposal crosses its threshold on the way (it goes on its
committee's agenda, once). Prints supports and withdrawals per second, errors, and for each
proposal its `supports_count` against its rows (target: equal, no error, the threshold once).

    .venv/bin/python bench/participation_bench.py [--only postgresql] [--keep]

Seeded with bulk SQL (INSERT … SELECT over generate_series, every other column taken from a
model instance as seed.insert_rows does), VACUUM ANALYZE after each load (as autovacuum would).
`--proposals` and `--supports` change the large size for a quick try. Standalone: a PostgreSQL
database `$BENCH_PG_DATABASE` (default `sharehub_participation_bench`) on $BENCH_PG_URL (default
postgres://postgres@127.0.0.1:5432), created and dropped here (`--keep` keeps it). On SQLite
(`--only sqlite`, as `make bench --only sqlite` asks) there is nothing to measure: it says so.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_SERVER = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
PG_DATABASE = os.environ.get("BENCH_PG_DATABASE", "sharehub_participation_bench")
SMALL, LARGE = 100, 100_000
SUPPORTS_TOTAL = 1_000_000
USERS = 20_000
# How many proposals in every hundred are not public (drafts, awaiting review): the list's filter
# has something to leave out.
HIDDEN_PER_HUNDRED = 3
REQUESTS = 60
MAX_SECONDS = 15.0
WARM_UP = 3
TARGET_RATIO = 0.5
TARGET_MS = 100.0
# The rush.
THREADS = 50
PEOPLE = 1_000
PROPOSALS = 4
RUSH_THRESHOLD = 600  # one proposal starts at 0 and crosses it during the rush

AREAS = [
    ("sharing-promotion", "공유 촉진", "Promotion of sharing"),
    ("enterprise-support", "공유기업 지원", "Support for sharing enterprises"),
    ("laws-institutions", "법·제도 개선", "Laws and institutions"),
    ("district-incentives", "자치구 인센티브", "District incentives"),
    ("public-facilities-data", "공공시설·데이터 개방", "Public facilities and data"),
]
PUBLIC_STATES = ["collecting"] * 14 + ["on_agenda", "answered", "not_enough_support", "withdrawn"]


# --- bulk SQL ------------------------------------------------------------------------------
def insert_series(model, template, count: int, start: int, sql: dict[str, str]) -> None:
    """INSERT `count` rows of `model` in one statement: row n (from `start`) has the columns of
    `sql` computed by those SQL expressions of n, every other column the `template`'s value
    (defaults included, as seed.insert_rows)."""
    from django.db import connection

    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    columns, values, params = [], [], []
    for f in fields:
        columns.append(connection.ops.quote_name(f.column))
        if f.attname in sql:
            values.append(sql[f.attname])
        else:
            values.append(f"CAST(%s AS {f.db_type(connection)})")
            params.append(f.get_db_prep_save(f.pre_save(template, add=True), connection))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {connection.ops.quote_name(model._meta.db_table)} ({', '.join(columns)})"
            f" SELECT {', '.join(values)} FROM generate_series(%s, %s) AS n",
            [*params, start, start + count - 1],
        )


def support_counts(proposals: int, total: int, seed: int) -> list[int]:
    """Supports per proposal, heavy-tailed (a few popular ones, many with a handful), summing to
    `total` exactly, none above the number of people."""
    rng = random.Random(seed)
    weights = [rng.paretovariate(1.2) for _ in range(proposals)]
    scale = total / sum(weights)
    counts = [min(USERS, int(w * scale)) for w in weights]
    missing, n = total - sum(counts), 0
    while missing > 0:
        if counts[n % proposals] < USERS:
            counts[n % proposals] += 1
            missing -= 1
        n += 1
    return counts


def seed_setup() -> list[str]:
    """The five policy areas with their committees, the districts and USERS people; the areas' slugs."""
    sys.path.insert(0, str(ROOT / "bench"))
    import seed
    from django.contrib.auth.hashers import make_password

    from sharehub.accounts.models import User
    from sharehub.participation.models import Committee, PolicyArea

    seed.load_districts()
    for order, (slug, ko, en) in enumerate(AREAS):
        committee = Committee.objects.create(
            slug=f"{slug}-committee",
            name_ko=f"{ko} 위원회",
            name_en=f"{en} committee",
            remit_ko=f"{ko} 분야의 정책 제안을 검토합니다.",
            remit_en=f"Reviews the proposals on {en.lower()}.",
            order=order,
        )
        PolicyArea.objects.create(
            slug=slug, name_ko=ko, name_en=en, committee=committee, order=order
        )
    insert_series(
        User,
        User(password=make_password(None)),
        USERS,
        0,
        {
            "email": "'person' || n || '@bench.example'",
            "display_name": "'시민 ' || n",
        },
    )
    return [slug for slug, _, _ in AREAS]


def grow_proposals(start: int, end: int, supports: int, seed: int) -> None:
    """Proposals number `start` to `end - 1` (most published, spread over the areas, states and
    districts) and `supports` supports among the public ones; then `supports_count` from the rows."""
    from django.db import connection, transaction
    from django.utils import timezone

    from sharehub.accounts.models import User
    from sharehub.participation.models import PolicyArea, Proposal, Support
    from sharehub.places.models import District

    areas = list(PolicyArea.objects.order_by("order").values_list("pk", flat=True))
    districts = list(District.objects.order_by("pk").values_list("pk", flat=True))
    states = ", ".join(f"'{s}'" for s in PUBLIC_STATES)
    now = timezone.now()
    template = Proposal(
        body="<p>동네마다 공구도서관과 공유 창고를 만들어 이웃이 함께 쓰게 해 주세요.</p>",
        language="ko",
        created_at=now,
        support_threshold=100,
    )
    hidden = f"(n %% 100 < {HIDDEN_PER_HUNDRED})"
    with transaction.atomic():
        insert_series(
            Proposal,
            template,
            end - start,
            start,
            {
                "title": "'공유 정책 제안 ' || n",
                "area_id": f"(ARRAY{areas})[n %% {len(areas)} + 1]",
                "moderation_status": f"CASE WHEN {hidden} THEN 'pending' ELSE 'published' END",
                "state": f"CASE WHEN {hidden} THEN 'submitted'"
                f" ELSE (ARRAY[{states}])[n %% {len(PUBLIC_STATES)} + 1] END",
                "withdrawal_reason": f"CASE WHEN NOT {hidden} AND"
                f" (ARRAY[{states}])[n %% {len(PUBLIC_STATES)} + 1] = 'withdrawn'"
                " THEN '다른 제안과 합쳤습니다.' ELSE '' END",
                "submitted_at": "now() - make_interval(mins => n + 60)",
                "published_at": f"CASE WHEN {hidden} THEN NULL"
                " ELSE now() - make_interval(mins => n) END",
                "support_deadline": "now() + interval '30 days'",
            },
        )
        ids = list(
            Proposal.objects.filter(title__startswith="공유 정책 제안 ")
            .order_by("pk")
            .values_list("pk", "moderation_status")[start:end]
        )
        with connection.cursor() as cursor:
            # Two of every three concern one district, the others the whole city.
            cursor.execute(
                f"INSERT INTO {Proposal.districts.through._meta.db_table} (proposal_id, district_id)"
                " SELECT p, (%s::bigint[])[p %% %s + 1] FROM unnest(%s::bigint[]) AS p WHERE p %% 3 <> 0",
                [districts, len(districts), [pk for pk, _ in ids]],
            )
        public = [pk for pk, status in ids if status == "published"]
        counts = support_counts(len(public), supports, seed)
        users = User.objects.filter(email__endswith="@bench.example").order_by("pk")
        first, last = (
            users.values_list("pk", flat=True)[0],
            users.reverse().values_list("pk", flat=True)[0],
        )
        assert last - first + 1 == USERS, "the people's ids are not one range"
        with connection.cursor() as cursor:
            # Proposal k's supporters: USERS consecutive people (modulo) from its own offset,
            # so no one supports a proposal twice.
            cursor.execute(
                f"INSERT INTO {Support._meta.db_table} (proposal_id, user_id, created_at)"
                " SELECT s.p, %s + (s.o + g) %% %s, now() - make_interval(secs => g)"
                " FROM unnest(%s::bigint[], %s::int[], %s::int[]) AS s(p, c, o),"
                " generate_series(0, s.c - 1) AS g",
                [
                    first,
                    USERS,
                    public,
                    counts,
                    [(pk * 7919) % USERS for pk in public],
                ],
            )
            cursor.execute(
                f"UPDATE {Proposal._meta.db_table} p SET supports_count = s.c FROM"
                f" (SELECT proposal_id, count(*) AS c FROM {Support._meta.db_table}"
                " WHERE proposal_id = ANY(%s) GROUP BY proposal_id) s WHERE p.id = s.proposal_id",
                [public],
            )
    with connection.cursor() as cursor:
        # What autovacuum does after a load this size (a fifth of the table inserted): the
        # statistics, and the visibility map that lets a count read an index only.
        cursor.execute("VACUUM ANALYZE")


def counts_exact() -> tuple[int, int, int]:
    """(rows of supports, sum of supports_count, proposals whose count differs from their rows)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT count(*) FROM participation_support),"
            " (SELECT coalesce(sum(supports_count), 0) FROM participation_proposal),"
            " (SELECT count(*) FROM participation_proposal p WHERE p.supports_count <>"
            "  (SELECT count(*) FROM participation_support s WHERE s.proposal_id = p.id))"
        )
        rows, total, wrong = cursor.fetchone()
    return int(rows), int(total), int(wrong)


# --- the list ------------------------------------------------------------------------------
def measure_page(path: str) -> dict:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    for _ in range(WARM_UP):
        client.get(path)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    queries = len(captured.captured_queries)
    if response.status_code != 200:
        raise RuntimeError(f"{path} answered {response.status_code}")
    times = []
    load_before = os.getloadavg()[0]
    deadline = time.perf_counter() + MAX_SECONDS
    while len(times) < REQUESTS and time.perf_counter() < deadline:
        started = time.perf_counter()
        client.get(path)
        times.append((time.perf_counter() - started) * 1000)
    ordered = sorted(times)
    return {
        "path": path,
        "queries": queries,
        "cards": response.content.count(b'class="card proposal-card"'),
        "requests": len(times),
        "p50": statistics.median(times),
        "p95": ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))],
        # The machine's 1-minute load average around the timing: figures taken on a busy machine
        # (other processes on the same CPUs) are slower and say so.
        "load": (load_before, os.getloadavg()[0]),
    }


def measure_list(area: str) -> dict:
    from sharehub.participation.models import Proposal

    rows, total, wrong = counts_exact()
    return {
        "proposals": Proposal.objects.count(),
        "public": Proposal.objects.filter(moderation_status="published").count(),
        "supports": rows,
        "supports_count_sum": total,
        "counts_wrong": wrong,
        "pages": {
            "default": measure_page("/ko/participate/"),
            "area": measure_page(f"/ko/participate/?area={area}"),
        },
    }


# --- the rush ------------------------------------------------------------------------------
def rush() -> dict:
    from allauth.account.models import EmailAddress
    from django.db import connections
    from django.utils import timezone

    from sharehub.accounts.models import User
    from sharehub.participation import notices, services
    from sharehub.participation.models import PolicyArea, Proposal, Support

    # Mail and notifications are the worker's job, measured elsewhere.
    notices.tell_threshold_reached = lambda proposal: None
    people = list(User.objects.filter(email__endswith="@bench.example").order_by("-pk")[:PEOPLE])
    EmailAddress.objects.bulk_create(
        [EmailAddress(user=p, email=p.email, verified=True, primary=True) for p in people]
    )
    area = PolicyArea.objects.order_by("order").first()
    now = timezone.now()
    proposals = [
        Proposal.objects.create(
            title=f"동시 지지 제안 {n}",
            body="<p>지지가 한꺼번에 몰리는 제안입니다.</p>",
            area=area,
            state="collecting",
            moderation_status="published",
            submitted_at=now,
            published_at=now,
            support_threshold=RUSH_THRESHOLD if n == 0 else PEOPLE * 10,
            support_deadline=now + timedelta(days=30),
        )
        for n in range(PROPOSALS)
    ]
    chunks = [people[i::THREADS] for i in range(THREADS)]
    ready = threading.Barrier(THREADS + 1)
    phase = threading.Barrier(THREADS + 1)
    finished = threading.Barrier(THREADS + 1)
    errors: list[str] = []
    guard = threading.Lock()

    def work(chunk: list) -> None:
        mine: list[str] = []
        try:
            Support.objects.filter(pk=0).exists()  # connect before the start
            ready.wait(timeout=120)
            for person in chunk:
                for proposal in proposals:
                    try:
                        services.support_proposal(actor=person, proposal=proposal)
                    except Exception as error:
                        mine.append(f"support: {type(error).__name__}: {error}")
            phase.wait(timeout=600)
            for n, person in enumerate(chunk):
                try:
                    services.withdraw_support(actor=person, proposal=proposals[n % len(proposals)])
                except Exception as error:
                    mine.append(f"withdraw: {type(error).__name__}: {error}")
            finished.wait(timeout=600)
        finally:
            connections.close_all()
            with guard:
                errors.extend(mine)

    threads = [threading.Thread(target=work, args=(chunk,)) for chunk in chunks]
    for thread in threads:
        thread.start()
    ready.wait(timeout=120)
    started = time.perf_counter()
    phase.wait(timeout=600)
    support_seconds = time.perf_counter() - started
    started = time.perf_counter()
    finished.wait(timeout=600)
    withdraw_seconds = time.perf_counter() - started
    for thread in threads:
        thread.join()
    per_proposal = []
    for proposal in proposals:
        proposal.refresh_from_db()
        per_proposal.append(
            {
                "count": proposal.supports_count,
                "rows": Support.objects.filter(proposal=proposal).count(),
                "state": proposal.state,
                "threshold_reached": proposal.threshold_reached_at is not None,
            }
        )
    from sharehub.core.audit import AuditEntry

    return {
        "threads": THREADS,
        "people": PEOPLE,
        "proposals": PROPOSALS,
        "supports": PEOPLE * PROPOSALS,
        "withdrawals": PEOPLE,
        "support_seconds": support_seconds,
        "withdraw_seconds": withdraw_seconds,
        "errors": len(errors),
        "first_error": errors[0] if errors else "",
        "per_proposal": per_proposal,
        "threshold_events": AuditEntry.objects.filter(
            action__endswith="threshold", object_id__in=[str(p.pk) for p in proposals]
        ).count(),
    }


def worker(large: int, supports_total: int) -> dict:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from measure import server_version

    began = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    result: dict = {"server_version": server_version(connection), "large_size": large}
    areas = seed_setup()
    result["setup_seconds"] = time.perf_counter() - began
    began = time.perf_counter()
    small_supports = supports_total * SMALL // large
    grow_proposals(0, SMALL, small_supports, seed=1)
    result["small_seed_seconds"] = time.perf_counter() - began
    result["small"] = measure_list(areas[1])
    began = time.perf_counter()
    grow_proposals(SMALL, large, supports_total - small_supports, seed=2)
    result["large_seed_seconds"] = time.perf_counter() - began
    result["large"] = measure_list(areas[1])
    result["rush"] = rush()
    return result


def run_child(database_url: str, large: int, supports_total: int) -> dict:
    import tempfile

    with tempfile.TemporaryDirectory(prefix="participation-bench-") as tmp:
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
            [sys.executable, __file__, "--worker", f"{large},{supports_total}"],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
    if out.returncode != 0:
        sys.stderr.write(out.stderr[-4000:])
        raise SystemExit("participation benchmark worker failed")
    return json.loads(out.stdout.strip().splitlines()[-1])


def report(result: dict) -> bool:
    from targets import check

    ok = True
    small, large = result["small"], result["large"]
    big = result["large_size"]
    print(f"\npostgresql ({result['server_version']}): the proposal list")
    for size in (small, large):
        exact = size["counts_wrong"] == 0 and size["supports"] == size["supports_count_sum"]
        ok &= check(
            "participation",
            "postgresql",
            f"{size['proposals']:,} proposals: supports_count = rows",
            f"{size['counts_wrong']} wrong",
            "0 wrong",
            exact,
        )
        print(
            f"  {size['proposals']:>7,} proposals ({size['public']:,} public), {size['supports']:>9,} supports,"
            f" supports_count = rows: {'yes' if exact else 'NO'}"
        )
    for name, label in (("default", "most supported"), ("area", "one area")):
        a, b = small["pages"][name], large["pages"][name]
        same = a["queries"] == b["queries"]
        ratio = a["p50"] / b["p50"]
        fast = b["p50"] < TARGET_MS and b["p95"] < TARGET_MS
        ok &= check(
            "participation",
            "postgresql",
            f"list ({label}): queries {SMALL} = {big:,}",
            f"{a['queries']} / {b['queries']}",
            "equal",
            same,
        )
        ok &= check(
            "participation",
            "postgresql",
            f"list ({label}): p50 {SMALL} / {big:,}",
            f"{ratio:.2f}",
            f"≥ {TARGET_RATIO}",
            ratio >= TARGET_RATIO,
        )
        ok &= check(
            "participation",
            "postgresql",
            f"list ({label}): p50, p95 at {big:,}",
            f"{b['p50']:.1f}, {b['p95']:.1f} ms",
            f"< {TARGET_MS:.0f} ms",
            fast,
        )
        print(f"  {b['path']} ({label}):")
        for size, figures in ((SMALL, a), (big, b)):
            print(
                f"    {size:>7,}: {figures['queries']} queries, {figures['cards']} cards,"
                f" p50 {figures['p50']:6.1f} ms, p95 {figures['p95']:6.1f} ms ({figures['requests']} requests,"
                f" load {figures['load'][0]:.1f}→{figures['load'][1]:.1f} on {os.cpu_count()} CPUs)"
            )
        print(
            f"    queries equal: {'yes' if same else 'NO'};  time ratio {SMALL}/{big:,} ×{ratio:.2f}"
            f" [{'OK' if ratio >= TARGET_RATIO else 'MISSED'}: ≥ {TARGET_RATIO}];"
            f"  {big:,} under {TARGET_MS:.0f} ms [{'OK' if fast else 'MISSED'}]"
        )
    r = result["rush"]
    exact = all(p["count"] == p["rows"] for p in r["per_proposal"])
    expected_rows = [r["people"] - r["withdrawals"] // r["proposals"]] * r["proposals"]
    good = (
        exact
        and not r["errors"]
        and [p["rows"] for p in r["per_proposal"]] == expected_rows
        and r["threshold_events"] == 1
    )
    ok &= check(
        "participation",
        "postgresql",
        "supports at once: counts exact, errors, threshold events",
        f"{'exact' if exact else 'WRONG'}, {r['errors']}, {r['threshold_events']}",
        "exact, 0, 1",
        good,
    )
    print(
        f"  supports: {r['people']:,} people on {r['threads']} connections at once, each supporting"
        f" {r['proposals']} proposals, then withdrawing one"
    )
    print(
        f"    {r['supports']:,} supports in {r['support_seconds']:.2f} s: {r['supports'] / r['support_seconds']:.0f} per second;"
        f"  {r['withdrawals']:,} withdrawals in {r['withdraw_seconds']:.2f} s:"
        f" {r['withdrawals'] / r['withdraw_seconds']:.0f} per second"
    )
    print(
        "    supports_count / rows: "
        + ", ".join(f"{p['count']}/{p['rows']}" for p in r["per_proposal"])
        + f";  errors {r['errors']};  threshold events {r['threshold_events']} (expected 1)"
        + f"  [{'OK' if good else 'MISSED'}]"
    )
    if r["first_error"]:
        print(f"    first error: {r['first_error']}")
    print(
        f"  seeding: setup {result['setup_seconds']:.0f} s, {SMALL} proposals {result['small_seed_seconds']:.1f} s,"
        f" {big:,} proposals {result['large_seed_seconds']:.0f} s"
    )
    return ok


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    parser.add_argument("--worker")
    parser.add_argument("--proposals", type=int, default=LARGE, help="the large list's size")
    parser.add_argument("--supports", type=int, default=SUPPORTS_TOTAL, help="supports in all")
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL database")
    args = parser.parse_args()
    if args.worker:
        sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
        large, supports_total = (int(x) for x in args.worker.split(","))
        print(json.dumps(worker(large, supports_total)))
        return 0
    if args.only == "sqlite":
        print("participation: PostgreSQL only (the list at 100,000 and the concurrent supports)")
        return 0
    admin = ["psql", f"{PG_SERVER}/postgres", "-q", "-c"]
    drop = f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)"
    subprocess.run([*admin, drop], check=True)
    subprocess.run([*admin, f"CREATE DATABASE {PG_DATABASE}"], check=True)
    try:
        result = run_child(f"{PG_SERVER}/{PG_DATABASE}", args.proposals, args.supports)
    finally:
        if not args.keep:
            subprocess.run([*admin, drop], check=True)
    return 0 if report(result) else 1


if __name__ == "__main__":
    sys.exit(main())
