"""Many people at once, for the rush benchmarks (events_bench.py, facilities_bench.py).

`at_once` runs the attempts on PROCESSES processes of threads, each thread on its own database
connection, all released together: several processes, as a served hub has (gunicorn's workers),
because one process of 50 threads measures its own interpreter lock more than the database (the
thread holding a row lock waits for the interpreter between its statements while the others
work, so the lock is held many times longer than the statements take).
"""

from __future__ import annotations

import multiprocessing
import threading
import time

from django.db import connections

PROCESSES = 5


def psycopg_params() -> dict:
    """The default database's connection parameters for `psycopg.connect`: a ceiling's bare
    connections, on the same database as the rush they are compared with (Django's own cursor
    factory and adapters context left out)."""
    from django.db import connection

    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    return params


def at_once(chunks: list[list], attempt) -> tuple[list, list[float], float]:
    """Run `attempt(item)` for every item, PROCESSES × THREADS at once (one connection each, one
    chunk each), released together: the outcomes, each attempt's seconds, and the wall time.

    Several processes, as a served hub has (gunicorn's workers): one process of 50 threads would
    measure its own interpreter lock more than the database."""
    context = multiprocessing.get_context("fork")
    connections.close_all()  # each child opens its own
    barrier = context.Barrier(len(chunks) + 1)
    results = context.Queue()
    per_process = [chunks[i::PROCESSES] for i in range(PROCESSES)]

    def process(mine: list[list]) -> None:
        lock = threading.Lock()
        collected: list = []

        def work(chunk: list) -> None:
            outcomes, times = [], []
            try:
                connections["default"].ensure_connection()  # connect before the start
                barrier.wait(timeout=120)
                for item in chunk:
                    began = time.perf_counter()
                    outcomes.append(attempt(item))
                    times.append(time.perf_counter() - began)
            finally:
                connections.close_all()
                with lock:
                    collected.append((outcomes, times))

        threads = [threading.Thread(target=work, args=(chunk,)) for chunk in mine]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        results.put(collected)

    children = [context.Process(target=process, args=(mine,)) for mine in per_process]
    for child in children:
        child.start()
    barrier.wait(timeout=120)
    started = time.perf_counter()
    gathered = [results.get(timeout=600) for _ in children]
    seconds = time.perf_counter() - started
    for child in children:
        child.join()
    outcomes = [o for collected in gathered for chunk, _ in collected for o in chunk]
    waits = [w for collected in gathered for _, times in collected for w in times]
    return outcomes, waits, seconds
