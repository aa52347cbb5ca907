"""The race harness of the concurrency proofs (DESIGN §4): N threads, each on its own database
connection, released together by a barrier, round after round. Used by every app's
`test_concurrency.py` on PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection, connections, transaction

WAIT = 120  # seconds a barrier waits: a stuck round fails the test instead of hanging it


class Rush:
    """`round(jobs)` runs job i on thread i, all released at once, and returns each result (or
    the exception it raised); threads without a job in a round do nothing."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self.start = threading.Barrier(workers + 1)
        self.done = threading.Barrier(workers + 1)
        self.jobs: list[Callable[[], Any]] = [lambda: None] * workers
        self.results: list[Any] = [None] * workers
        self.stop = False
        self.threads = [
            threading.Thread(target=self._run, args=(i,), daemon=True) for i in range(workers)
        ]
        for thread in self.threads:
            thread.start()

    def _run(self, index: int) -> None:
        try:
            while True:
                self.start.wait(timeout=WAIT)
                if self.stop:
                    return
                try:
                    self.results[index] = self.jobs[index]()
                except Exception as error:
                    self.results[index] = error
                self.done.wait(timeout=WAIT)
        finally:
            connections.close_all()

    def round(self, jobs: list[Callable[[], Any]]) -> list[Any]:
        if len(jobs) > self.workers:
            raise ValueError(f"{len(jobs)} jobs for {self.workers} threads")
        self.jobs = jobs + [lambda: None] * (self.workers - len(jobs))
        self.results = [None] * self.workers
        self.start.wait(timeout=WAIT)
        self.done.wait(timeout=WAIT * 2)
        return self.results[: len(jobs)]

    def close(self) -> None:
        self.stop = True
        self.start.wait(timeout=WAIT)
        for thread in self.threads:
            thread.join(timeout=30)


def free_connections() -> int:
    """Connections the PostgreSQL server still accepts (max_connections is 100 by default: with
    the test's own connection and any other client, 100 more do not fit)."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW max_connections")
        limit = int(cursor.fetchone()[0])
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'"
        )
        used = int(cursor.fetchone()[0])
    return limit - used - 2


@contextmanager
def holding_every_shard(table: str) -> Iterator[None]:
    """Another connection holds every shard of the table's page version (core.pagecache) for the
    block's length, as a long transaction that wrote to the table would."""
    holding, release = threading.Event(), threading.Event()

    def hold() -> None:
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(
                    'SELECT "shard" FROM "core_pageversion" WHERE "name" = %s FOR UPDATE', [table]
                )
                holding.set()
                release.wait(timeout=60)
        finally:
            connections.close_all()

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert holding.wait(timeout=30), "the holder never held the shards"
        yield
    finally:
        release.set()
        holder.join(timeout=30)


def finishes_alone(job: Callable[[], object], seconds: float = 20) -> None:
    """Runs `job` on a connection of its own and fails if it has not finished in `seconds` (it
    waited for a lock someone holds)."""

    def run() -> None:
        try:
            job()
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=seconds)
    assert not thread.is_alive(), "the job waited for a lock held elsewhere"
