"""A busy day on the production profile, with locust (issue 19, Load).

`prepare()` seeds, in a child with the stack's environment: `seed()` makes the people (each with an API token and a signed-in session), the popular event,
the contested slots of a space and the proposals to support; then `discover()` finds by the
hub's own links what the visitors will read; `run_locust()` runs sharehub/core/tests/locustfile.py against the
proxy of a `production.Stack` (loopback, bounded in time) and reads locust's figures back;
`held()` reads what the database holds (`verify()`, in a child) and `problems()` compares it with
what the citizens were told: no error, no oversold event, no two bookings over the same time,
the supports counted exactly.

Used by sharehub/core/tests/test_load.py (`make test`, a short run) and bench/load_bench.py
(`make bench`, 200 users for 60 s, with the ratio to a static file from the same proxy).
"""

from __future__ import annotations

import csv
import itertools
import json
import os
import re
import shutil
import subprocess
import sys
from datetime import datetime, timedelta
from datetime import time as clock
from pathlib import Path
from typing import Any

from sharehub.core.tests.production import HOST, Stack

ROOT = Path(__file__).resolve().parents[3]
LOCUSTFILE = Path(__file__).with_name("locustfile.py")
STATIC = "/static/core/css/hub.css"
SEARCH_WORDS = [
    "공유",
    "공구",
    "도서관",
    "주차",
    "아이 옷",
    "자전거",
    "마을",
    "sharing",
    "카셰어링",
]
# Where the visitors start, and the links that lead from each list to what they read.
LISTS = {
    "directory": "/ko/directory/",
    "events": "/ko/events/",
    "news": "/ko/news/",
    "proposals": "/ko/participate/",
    "spaces": "/ko/spaces/",
    "search": "/ko/search/",
}
DETAILS = {
    "listing": ("directory", r'href="(/ko/directory/(?!map/|suggest/|export)[^/"?]+/)"'),
    "event": ("events", r'href="(/ko/events/\d+/)"'),
    "article": ("news", r'href="(/ko/news/articles/[^/"]+/)"'),
    "proposal": ("proposals", r'href="(/ko/participate/\d+/)"'),
}
SLOT_HOURS = (10, 14, 18)
# facilities' message for a slot just taken, translated here (a variable: no catalogue of the
# core app takes it as its own).
TAKEN = "This time is already taken."


def seed(
    *, people: int, places: int, slot_days: int = 2, proposals: int = 2, content: bool = False
) -> dict[str, Any]:
    """The load's people and objects, committed; returns the plan locustfile.py reads.
    `content`: also a few listings, events and articles (a test database has none; the bench's
    has the demo)."""
    from allauth.account.models import EmailAddress
    from django.conf import settings
    from django.test import Client
    from django.utils import timezone, translation
    from django.utils.crypto import get_random_string
    from django.utils.translation import gettext

    from sharehub.accounts.models import User
    from sharehub.accounts.services import create_api_token
    from sharehub.events.tests.factories import EventFactory
    from sharehub.facilities.tests.factories import SpaceFactory
    from sharehub.participation.tests.factories import ProposalFactory

    if content:
        _content()
    run = get_random_string(6).lower()
    users = User.objects.bulk_create(
        [User(email=f"load{run}{i}@example.org", display_name=f"시민 {i}") for i in range(people)]
    )
    EmailAddress.objects.bulk_create(
        [EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users]
    )
    plan_people = []
    for user in users:
        browser = Client()  # one each: a second sign-in on one client would end the first
        browser.force_login(user)
        plan_people.append(
            {
                "token": create_api_token(actor=user, name="load")[1],
                "session": browser.cookies[settings.SESSION_COOKIE_NAME].value,
            }
        )
    event = EventFactory(capacity=places, title_ko="인기 행사", title_en="Popular event")
    space = SpaceFactory(
        slug=f"contested-{run}",
        max_bookings_per_month=31,
        max_hours_per_day=12,
        closed_on_holidays=False,
    )
    slots = []
    for days in range(3, 3 + slot_days):
        day = timezone.localdate() + timedelta(days=days)
        for hour in SLOT_HOURS:
            starts = timezone.make_aware(datetime.combine(day, clock(hour)))
            slots.append(
                {
                    "starts_at": starts.isoformat(),
                    "ends_at": (starts + timedelta(hours=2)).isoformat(),
                    "purpose": "meeting",
                    "purpose_detail": "동네 모임",
                    "people": 4,
                }
            )
    supported = [ProposalFactory(support_threshold=10_000) for _ in range(proposals)]
    # What a later one is told about a slot just taken, in the citizens' languages.
    taken = []
    for language in ("ko", "en"):
        with translation.override(language):
            taken.append(gettext(TAKEN))
    return {
        "taken": taken,
        "session_cookie": settings.SESSION_COOKIE_NAME,
        "people": plan_people,
        "register": f"/api/v1/events/{event.pk}/registration",
        "event": event.pk,
        "places": places,
        "book": f"/api/v1/spaces/{space.slug}/bookings",
        "space": space.slug,
        "slots": slots,
        "support": [f"/api/v1/participation/proposals/{p.pk}/support" for p in supported],
        "proposals": [p.pk for p in supported],
        "lists": LISTS,
        "search_words": SEARCH_WORDS,
        "static": STATIC,
    }


def _content() -> None:
    from sharehub.directory.tests.factories import ServiceFactory
    from sharehub.events.tests.factories import EventFactory
    from sharehub.news.tests.factories import ArticleFactory

    for n in range(6):
        ServiceFactory()
        EventFactory(title_ko=f"공유 학교 {n}", title_en=f"Sharing school {n}")
        ArticleFactory()


def discover(stack: Stack) -> dict[str, list[str]]:
    """What each list links to, found as a visitor finds it: by the list's own links, through
    the proxy."""
    session = stack.session()
    found: dict[str, list[str]] = {}
    for kind, (listed, pattern) in DETAILS.items():
        page = session.get(stack.url + LISTS[listed], timeout=60)
        page.raise_for_status()
        found[kind] = sorted(set(re.findall(pattern, page.text)))[:20]
    return found


def prepare(stack: Stack, out: Path, *, people: int, places: int, content: bool) -> Path:
    """Seeds in a child with the stack's environment (its secret key signs the sessions), adds
    what the visitors will read and the proxy's static file; returns the plan's path."""
    out.mkdir(parents=True, exist_ok=True)
    plan_path = out / "plan.json"
    args = ["seed", str(plan_path), str(people), str(places), "content" if content else ""]
    done = subprocess.run(
        [sys.executable, "-m", "sharehub.core.tests.load", *args],
        cwd=ROOT,
        env=stack.env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    plan = json.loads(plan_path.read_text())
    plan["host"] = HOST
    plan["reads"] = discover(stack)
    plan_path.write_text(json.dumps(plan, ensure_ascii=False))
    put_static_file(stack.tmp / "static")
    return plan_path


def held(stack: Stack, plan_path: Path) -> dict[str, Any]:
    """`verify()` in a child with the stack's environment."""
    out = plan_path.with_name("held.json")
    done = subprocess.run(
        [sys.executable, "-m", "sharehub.core.tests.load", "verify", str(plan_path), str(out)],
        cwd=ROOT,
        env=stack.env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return json.loads(out.read_text())


def verify(plan: dict[str, Any]) -> dict[str, Any]:
    """What the database holds after the run: the event's confirmed registrations and its kept
    count, the space's active bookings and any two of them over the same time, each proposal's
    supports (rows and kept count)."""
    from sharehub.events.models import Event, Registration, RegistrationStatus
    from sharehub.facilities.models import ACTIVE_STATUSES, Booking
    from sharehub.participation.models import Proposal, Support

    event = Event.objects.get(pk=plan["event"])
    registrations = Registration.objects.filter(event=event)
    bookings = list(
        Booking.objects.filter(space__slug=plan["space"], status__in=ACTIVE_STATUSES)
        .order_by("starts_at")
        .values_list("starts_at", "ends_at")
    )
    overlaps = sum(1 for (_, ends), (starts, _) in itertools.pairwise(bookings) if starts < ends)
    return {
        "confirmed": registrations.filter(status=RegistrationStatus.CONFIRMED).count(),
        "waitlisted": registrations.filter(status=RegistrationStatus.WAITLISTED).count(),
        "seats_taken": event.seats_taken,
        "bookings": len(bookings),
        "overlapping_bookings": overlaps,
        "supports": {
            str(pk): {
                "rows": Support.objects.filter(proposal_id=pk).count(),
                "kept": Proposal.objects.get(pk=pk).supports_count,
            }
            for pk in plan["proposals"]
        },
    }


def put_static_file(static_root: Path) -> None:
    """The yardstick file, where the proxy serves /static/ from."""
    target = static_root / STATIC.removeprefix("/static/")
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "sharehub/core/static/core/css/hub.css", target)


def run_locust(
    url: str,
    plan_path: Path,
    out: Path,
    *,
    users: int,
    seconds: int,
    classes: list[str],
    wait: str = "0",
) -> dict[str, Any]:
    """locust, headless, against `url` for `seconds`: the run's totals and each request's
    figures (requests, failures, requests per second, p50/p95/p99 in ms), its failures, and the
    outcome the citizens were told."""
    out.mkdir(parents=True, exist_ok=True)
    prefix = out / "locust"
    outcome = out / "outcome.json"
    env = {
        **os.environ,
        "SHAREHUB_LOAD_PLAN": str(plan_path),
        "SHAREHUB_LOAD_OUTCOME": str(outcome),
        "SHAREHUB_LOAD_WAIT": wait,
    }
    done = subprocess.run(
        [
            str(Path(sys.executable).with_name("locust")),
            "-f",
            str(LOCUSTFILE),
            "--headless",
            "--users",
            str(users),
            "--spawn-rate",
            str(max(1, users // 2)),
            "--run-time",
            f"{seconds}s",
            "--stop-timeout",
            "30",
            "--host",
            url,
            "--csv",
            str(prefix),
            "--only-summary",
            "--loglevel",
            "WARNING",
            *classes,
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=seconds + 180,
    )
    rows = {row["Name"]: row for row in _csv(prefix.with_name("locust_stats.csv"))}
    if "Aggregated" not in rows:
        raise RuntimeError(f"locust gave no figures:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return {
        "total": _figures(rows.pop("Aggregated")),
        "requests": {name: _figures(row) for name, row in rows.items()},
        "failures": [
            f"{row['Occurrences']}× {row['Method']} {row['Name']}: {row['Error']}"
            for row in _csv(prefix.with_name("locust_failures.csv"))
        ],
        "told": json.loads(outcome.read_text()) if outcome.exists() else {},
    }


def _csv(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        return []
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


def _figures(row: dict[str, str]) -> dict[str, float]:
    return {
        "requests": int(row["Request Count"]),
        "failures": int(row["Failure Count"]),
        "rps": float(row["Requests/s"]),
        "p50": float(row["50%"]),
        "p95": float(row["95%"]),
        "p99": float(row["99%"]),
    }


def problems(plan: dict[str, Any], run: dict[str, Any], held: dict[str, Any]) -> list[str]:
    """What the issue forbids, read from one run: errors, an oversold event, two bookings over
    the same time, a support count that is not the number of supports given."""
    found = list(run["failures"])
    if run["total"]["failures"]:
        found.append(f"{run['total']['failures']} failed requests")
    told = run["told"]
    registration = told.get("registration", {})
    if held["confirmed"] > plan["places"] or held["seats_taken"] != held["confirmed"]:
        found.append(f"event oversold or miscounted: {held}")
    if registration.get("confirmed", 0) != held["confirmed"]:
        found.append(f"told confirmed {registration} but the database holds {held['confirmed']}")
    if registration.get("waitlisted", 0) != held["waitlisted"]:
        found.append(f"told waitlisted {registration} but the database holds {held['waitlisted']}")
    if held["overlapping_bookings"] or held["bookings"] > len(plan["slots"]):
        found.append(
            f"double bookings: {held['bookings']} active, {held['overlapping_bookings']} overlap"
        )
    if told.get("booking", {}).get("booked", 0) != held["bookings"]:
        found.append(f"told booked {told.get('booking')} but {held['bookings']} active bookings")
    for path, pk in zip(plan["support"], plan["proposals"], strict=True):
        given = told.get("support", {}).get(path, 0)
        counted = held["supports"][str(pk)]
        if not given == counted["rows"] == counted["kept"]:
            found.append(f"proposal {pk}: {given} supports given, the database holds {counted}")
    return found


def main() -> None:
    import django

    django.setup()
    action, path = sys.argv[1], Path(sys.argv[2])
    if action == "seed":
        people, places, content = int(sys.argv[3]), int(sys.argv[4]), sys.argv[5] == "content"
        plan = seed(people=people, places=places, content=content)
        path.write_text(json.dumps(plan, ensure_ascii=False))
    elif action == "verify":
        plan = json.loads(path.read_text())
        Path(sys.argv[3]).write_text(json.dumps(verify(plan)))
    else:
        raise SystemExit(f"unknown action {action}")


if __name__ == "__main__":
    main()
