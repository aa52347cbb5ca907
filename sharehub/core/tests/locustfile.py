"""A busy day of the hub, for locust (sharehub/core/tests/load.py runs it; issue 19).

Visitors browse the directory, search, read events, news and proposals, anonymously. Citizens
do the same signed in (their session cookie), and each of them also, once, registers for the
popular event, tries to book one of the contested slots of a space and supports a proposal,
through the API with their own token. An answer the hub should give is a success (a full event
waitlists, a taken slot is a 422 that says so); anything else is a failure, with what came back.
What the citizens were told is written to $SHAREHUB_LOAD_OUTCOME when the run ends, for the
comparison with what the database holds.

StaticVisitor asks the proxy for one static file: the same run's yardstick.

Configured from the plan $SHAREHUB_LOAD_PLAN (JSON, written by load.seed) and
$SHAREHUB_LOAD_WAIT (seconds a person waits between two clicks: "0" or "min,max").
"""

from __future__ import annotations

import itertools
import json
import os
import random
from collections import Counter
from pathlib import Path

from locust import FastHttpUser, between, constant, events, task

PLAN = json.loads(Path(os.environ["SHAREHUB_LOAD_PLAN"]).read_text())
_wait = [float(part) for part in os.environ.get("SHAREHUB_LOAD_WAIT", "0").split(",")]
WAIT = between(*_wait) if len(_wait) == 2 else constant(_wait[0])

_people = itertools.cycle(range(len(PLAN["people"])))
_told: dict[str, Counter] = {"registration": Counter(), "booking": Counter(), "support": Counter()}


@events.test_stop.add_listener
def _write_outcome(**_kwargs) -> None:
    path = os.environ.get("SHAREHUB_LOAD_OUTCOME")
    if path:
        Path(path).write_text(json.dumps({kind: dict(c) for kind, c in _told.items()}))


def _taken(answer) -> bool:
    """A 422 saying the slot was just taken, in the person's language."""
    try:
        errors = (answer.json() or {}).get("errors") or {}
    except ValueError:
        return False
    return any(message in PLAN["taken"] for message in errors.get("starts_at", []))


class Visitor(FastHttpUser):
    """Someone reading the hub without signing in."""

    weight = 3
    wait_time = WAIT
    language = "ko"

    def on_start(self) -> None:
        self.headers = {"Host": PLAN["host"], "Accept-Language": self.language}

    def _read(self, path: str, name: str) -> None:
        with self.client.get(path, headers=self.headers, name=name, catch_response=True) as answer:
            if answer.status_code != 200:
                answer.failure(f"{answer.status_code}: {(answer.text or '')[:200]}")

    def _one(self, kind: str, name: str) -> None:
        paths = PLAN["reads"][kind]
        if paths:
            self._read(random.choice(paths), name)

    @task(20)
    def directory(self) -> None:
        self._read(PLAN["lists"]["directory"], "directory")

    @task(10)
    def listing(self) -> None:
        self._one("listing", "directory: a listing")

    @task(10)
    def search(self) -> None:
        word = random.choice(PLAN["search_words"])
        self._read(f"{PLAN['lists']['search']}?q={word}", "search")

    @task(10)
    def events(self) -> None:
        self._read(PLAN["lists"]["events"], "events")

    @task(8)
    def event(self) -> None:
        self._one("event", "events: an event")

    @task(6)
    def news(self) -> None:
        self._read(PLAN["lists"]["news"], "news")

    @task(6)
    def article(self) -> None:
        self._one("article", "news: an article")

    @task(5)
    def proposals(self) -> None:
        self._read(PLAN["lists"]["proposals"], "proposals")

    @task(3)
    def proposal(self) -> None:
        self._one("proposal", "proposals: a proposal")

    @task(3)
    def spaces(self) -> None:
        self._read(PLAN["lists"]["spaces"], "spaces")


class Citizen(Visitor):
    """A signed-in person: reads the same pages as themselves, and came to do three things, once
    each (their tasks weigh more until done, then ask nothing)."""

    weight = 2

    def on_start(self) -> None:
        self.person = PLAN["people"][next(_people)]
        self.language = random.choice(("ko", "ko", "en"))
        super().on_start()
        self.headers["Cookie"] = f"{PLAN['session_cookie']}={self.person['session']}"
        self.api = {
            "Host": PLAN["host"],
            "Accept-Language": self.language,
            "Authorization": f"Bearer {self.person['token']}",
        }
        self.registered = self.supported = False
        self.booking_tries = 0

    def _write(self, path: str, body: dict | None, name: str):
        return self.client.post(
            path, json=body or {}, headers=self.api, name=name, catch_response=True
        )

    @task(10)
    def register(self) -> None:
        if self.registered:
            return
        self.registered = True
        with self._write(PLAN["register"], None, "register for the popular event") as answer:
            status = answer.status_code == 201 and (answer.json() or {}).get("status")
            if status in ("confirmed", "waitlisted"):
                _told["registration"][status] += 1
                answer.success()
            else:
                answer.failure(f"{answer.status_code}: {(answer.text or '')[:300]}")

    @task(10)
    def book(self) -> None:
        # One try at a slot, and one more at another if the first was taken.
        if self.booking_tries >= 2:
            return
        self.booking_tries += 1
        slot = random.choice(PLAN["slots"])
        with self._write(PLAN["book"], slot, "book a contested slot") as answer:
            if answer.status_code == 201:
                _told["booking"]["booked"] += 1
                self.booking_tries = 2
            elif answer.status_code == 422 and _taken(answer):
                _told["booking"]["taken"] += 1
                answer.success()  # what the hub should say to the later ones
            else:
                answer.failure(f"{answer.status_code}: {(answer.text or '')[:300]}")

    @task(10)
    def support(self) -> None:
        if self.supported:
            return
        self.supported = True
        proposal = random.choice(PLAN["support"])
        with self._write(proposal, None, "support a proposal") as answer:
            if answer.status_code == 201:
                _told["support"][proposal] += 1
            else:
                answer.failure(f"{answer.status_code}: {(answer.text or '')[:300]}")


class StaticVisitor(FastHttpUser):
    """The yardstick: one static file from the same proxy, as fast as it comes."""

    wait_time = WAIT

    @task
    def static(self) -> None:
        self.client.get(PLAN["static"], headers={"Host": PLAN["host"]}, name="static file")
