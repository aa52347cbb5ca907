"""PostgreSQL restarted during a registration rush and a booking contest (issue 19, "Faults").

Restarting the suite's server would break every other test, so each test starts a private
PostgreSQL (initdb into a temporary directory, a free loopback port, the server's own binaries),
restores the test database into it (core.backups), points the hub's connections at it and runs
the rush there through the API, from several threads, while the server is restarted midway
(`pg_ctl stop -m fast` cuts every connection; a second later it starts again). Each thread acts
as the hub's request handler does (Django's test client leaves out `close_old_connections`,
which runs the health check of persistent connections).

Proved: the capacity holds exactly and nothing is double-booked; every answer is a clear one
(201, a 422 with its reason, or a 503 "try again"), never a 500; what people were told is what
the rows say; and after the restart the same threads' connections recover by themselves.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from datetime import time as clock
from pathlib import Path
from typing import Any

import pytest
from django.db import close_old_connections, connection, connections
from django.test import Client
from django.utils import timezone

from sharehub.accounts import services as accounts
from sharehub.accounts.models import User
from sharehub.core import backups
from sharehub.core.backups import Database
from sharehub.core.tests.smtp import free_port
from sharehub.events import notices
from sharehub.events.models import Registration, RegistrationStatus
from sharehub.events.tests.factories import EventFactory
from sharehub.facilities.models import ACTIVE_STATUSES, Booking
from sharehub.facilities.tests.factories import SpaceFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="restarts a PostgreSQL server of its own"
    ),
]

PEOPLE = 24
THREADS = 8
PLACES = 10
PATIENCE = 60.0  # seconds a person keeps trying again before the test calls it lost


class PrivateServer:
    """A PostgreSQL server of the suite's version in a temporary directory, for this test only."""

    def __init__(self, major: int) -> None:
        self.bin = Path(f"/usr/lib/postgresql/{major}/bin")
        if not (self.bin / "initdb").exists():
            pytest.skip(f"PostgreSQL {major}'s server binaries are not in {self.bin}")
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="sharehub-pg-"))
        self.data = self.dir / "data"
        self.options = ""

    def _run(self, *command: str) -> None:
        # initdb refuses to run as root: as root, the server runs as the postgres user.
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        # Output to nowhere: a server started here must not hold a pipe of this process open.
        subprocess.run(
            [*prefix, *command],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=120,
        )

    def start(self) -> None:
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres")
        self._run(
            str(self.bin / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres",
            "--no-sync", "-E", "UTF8",
        )  # fmt: skip
        self.options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.dir} -c fsync=off "
            "-c full_page_writes=off -c max_connections=40"
        )
        self._run(
            str(self.bin / "pg_ctl"), "-D", str(self.data), "-o", self.options, "-l",
            str(self.dir / "log"), "-w", "start",
        )  # fmt: skip

    def stop_fast(self) -> None:
        """Every connection is cut and the server shuts down."""
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")

    def start_again(self) -> None:
        self._run(
            str(self.bin / "pg_ctl"), "-D", str(self.data), "-o", self.options, "-l",
            str(self.dir / "log"), "-w", "start",
        )  # fmt: skip

    def stop(self) -> None:
        try:
            self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop")
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture
def private_hub(tmp_path, monkeypatch) -> Iterator[Callable[[], None]]:
    """Yields `move()`: copy the test database as it is now into a private server and point the
    hub at it; the fixture puts everything back and stops the server."""
    source = Database.from_settings(connection.settings_dict)
    server = PrivateServer(backups.server_major(source))
    server.start()
    settings_dict = connections["default"].settings_dict
    original = {key: settings_dict[key] for key in ("HOST", "PORT", "NAME", "USER", "PASSWORD")}

    def move() -> None:
        made = backups.create_backup(tmp_path / "backups")
        target = Database(
            vendor="postgresql", name="sh_res_fault", host="127.0.0.1", port=str(server.port),
            user="postgres",
        )  # fmt: skip
        roots = {"public": tmp_path / "m" / "public", "private": tmp_path / "m" / "private"}
        backups.restore_backup(made, database=target, roots=roots)
        connections.close_all()
        settings_dict.update(
            HOST="127.0.0.1", PORT=str(server.port), NAME=target.name, USER="postgres", PASSWORD=""
        )

    # The rush counts places and the contest bookings: the notices and their mail are proved
    # elsewhere (and their sweep rewrites lost ones); the rate limits are not what is tested.
    monkeypatch.setattr(notices, "tell_registration", lambda registration: None)
    monkeypatch.setattr("sharehub.events.api.REGISTER_RATE", "1000/h")
    monkeypatch.setattr("sharehub.facilities.api.BOOK_RATE", "1000/h")
    move.server = server  # type: ignore[attr-defined]
    try:
        yield move
    finally:
        connections.close_all()
        settings_dict.update(original)
        server.stop()


@dataclass
class Person:
    """One person at the rush: every answer they were shown, in order."""

    user: User
    secret: str
    answers: list[tuple[int, Any]] = field(default_factory=list)

    def final(self) -> tuple[int, Any]:
        return self.answers[-1]

    @property
    def told_to_retry(self) -> bool:
        return any(status == 503 for status, _ in self.answers)


def people(count: int) -> list[Person]:
    users = User.objects.bulk_create(
        [User(email=f"rush{i}@example.org", display_name=f"참가자 {i}") for i in range(count)]
    )
    return [Person(user, accounts.create_api_token(actor=user, name="rush")[1]) for user in users]


def rush(crowd: list[Person], ask: Callable[[Client, Person], tuple[int, Any]], server) -> None:
    """THREADS threads share the crowd; each person asks until they get an answer other than
    "try again". Once the first third is answered the server goes down (`pg_ctl stop -m fast`:
    the connections of requests in flight are cut), the rest of the crowd arrives while it is
    down, and a second later it starts again."""
    queue = list(crowd)
    first_wave = len(crowd) // 3
    lock = threading.Lock()
    answered, down = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def work() -> None:
        client = Client(raise_request_exception=False)
        try:
            while True:
                with lock:
                    if not queue:
                        return
                    person = queue.pop(0)
                    later = len(crowd) - len(queue) > first_wave
                if later:
                    down.wait(120)
                deadline = time.monotonic() + PATIENCE
                while True:
                    # What Django's handler does around every request (request_started and
                    # request_finished): drop a connection past its age or failing its check.
                    close_old_connections()
                    status, body = ask(client, person)
                    close_old_connections()
                    person.answers.append((status, body))
                    if status != 503 or time.monotonic() > deadline:
                        break
                    time.sleep(0.2)
                with lock:
                    if sum(1 for p in crowd if p.answers and p.final()[0] != 503) >= first_wave:
                        answered.set()
        except BaseException as error:  # surfaced in the main thread
            errors.append(error)
            answered.set()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    try:
        assert answered.wait(120)
        server.stop_fast()
    finally:
        down.set()
    time.sleep(1)
    server.start_again()
    for thread in threads:
        thread.join(timeout=PATIENCE * 2)
    assert not errors, errors
    assert all(not thread.is_alive() for thread in threads)


def _api(client: Client, method: str, path: str, person: Person, **data: Any) -> tuple[int, Any]:
    response = getattr(client, method)(
        path,
        data=data or None,
        content_type="application/json",
        headers={"authorization": f"Bearer {person.secret}", "accept-language": "en"},
    )
    body = response.json() if response["Content-Type"].startswith("application/json") else None
    if response.status_code == 503:
        assert response["Retry-After"]
    return response.status_code, body


def test_postgresql_restart_during_a_registration_rush(private_hub):
    event = EventFactory(capacity=PLACES)
    crowd = people(PEOPLE)
    private_hub()
    path = f"/api/v1/events/{event.pk}/registration"

    def register(client: Client, person: Person) -> tuple[int, Any]:
        status, body = _api(client, "post", path, person, answers={})
        if status == 422 and body and "already" in body["detail"].lower():
            # A retry after a request whose commit landed before its connection was cut: the
            # service's own rule answers, and the person reads where they stand.
            return _api(client, "get", path, person)
        return status, body

    rush(crowd, register, private_hub.server)

    statuses = [status for person in crowd for status, _ in person.answers]
    assert 500 not in statuses
    assert set(statuses) <= {200, 201, 503}, statuses
    assert any(person.told_to_retry for person in crowd), "the restart cut no request"
    rows = {
        registration.user_id: registration.status
        for registration in Registration.objects.filter(event=event)
    }
    told = {person.user.pk: person.final()[1]["status"] for person in crowd}
    assert told == rows  # everyone has their answer, and the answer is the row
    assert list(rows.values()).count(RegistrationStatus.CONFIRMED) == PLACES
    positions = sorted(
        person.final()[1]["waitlist_position"]
        for person in crowd
        if person.final()[1]["status"] == RegistrationStatus.WAITLISTED
    )
    assert positions == list(range(1, PEOPLE - PLACES + 1))


def test_postgresql_restart_during_a_booking_contest(private_hub):
    space = SpaceFactory(max_bookings_per_month=31, max_hours_per_day=12, opens_days_ahead=90)
    crowd = people(PEOPLE)
    private_hub()
    day = timezone.localdate() + timedelta(days=3)
    slot = {
        "starts_at": timezone.make_aware(datetime.combine(day, clock(10))).isoformat(),
        "ends_at": timezone.make_aware(datetime.combine(day, clock(12))).isoformat(),
    }
    path = f"/api/v1/spaces/{space.slug}/bookings"

    def book(client: Client, person: Person) -> tuple[int, Any]:
        return _api(
            client, "post", path, person, **slot, purpose="meeting", purpose_detail="모임",
            people=3,
        )  # fmt: skip

    rush(crowd, book, private_hub.server)

    statuses = [status for person in crowd for status, _ in person.answers]
    assert 500 not in statuses
    assert set(statuses) <= {201, 422, 503}, statuses
    assert any(person.told_to_retry for person in crowd), "the restart cut no request"
    held = list(Booking.objects.filter(space=space, status__in=ACTIVE_STATUSES))
    assert len(held) == 1  # never double-booked, and the slot was not lost either
    winners = [person for person in crowd if person.final()[0] == 201]
    losers = [person for person in crowd if person.final()[0] == 422]
    assert all(body["errors"]["starts_at"] for _, body in (p.final() for p in losers))
    if winners:
        assert [person.user.pk for person in winners] == [held[0].user_id]
    else:
        # The winner's commit landed as its connection was cut: they were told to try again,
        # then that the time is taken (by their own booking, which they see in "My bookings").
        (owner,) = [person for person in crowd if person.user.pk == held[0].user_id]
        assert owner.told_to_retry
