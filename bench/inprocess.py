"""Requests served in-process by Django's test Client: queries per request and requests per second.

No network and no server in between, so the figure is the cost of Django, the view and the
database for one request; the ratio between two sizes of the same table is what matters.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass

MAX_REQUESTS = 200
MAX_SECONDS = 10.0
WARM_UP = 3


@dataclass
class Measure:
    path: str
    status: int
    queries: int
    requests: int
    seconds: float
    rps: float
    bytes: int
    # What the API says it lists (its "count", or the features of a GeoJSON answer), to prove
    # the large table was really measured.
    listed: int | None = None

    def as_dict(self) -> dict:
        return asdict(self)


def measure(
    path: str, *, max_requests: int = MAX_REQUESTS, max_seconds: float = MAX_SECONDS
) -> Measure:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    for _ in range(WARM_UP):
        client.get(path)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    # Read now: the log is cleared by the next request (captured_queries is a lazy slice of it).
    queries = len(captured.captured_queries)
    if response.status_code != 200:
        raise RuntimeError(f"{path} answered {response.status_code}: {response.content[:300]!r}")
    size = len(response.content)
    listed = None
    if "json" in response["Content-Type"]:  # application/json, application/geo+json
        body = response.json()
        listed = (
            body["count"]
            if "count" in body
            else len(body.get("features", []))
            if "features" in body
            else None
        )
    requests = 0
    start = time.perf_counter()
    deadline = start + max_seconds
    while requests < max_requests and time.perf_counter() < deadline:
        client.get(path)
        requests += 1
    seconds = time.perf_counter() - start
    return Measure(
        path=path,
        status=response.status_code,
        queries=queries,
        requests=requests,
        seconds=round(seconds, 3),
        rps=round(requests / seconds, 1),
        bytes=size,
        listed=listed,
    )


def timed(run, *, requests: int = 40, max_seconds: float = 12.0, warm_up: int = WARM_UP) -> dict:
    """`run()` (one request, raising on a bad answer) timed one call at a time after `warm_up`
    calls: the SQL queries of one call, how many calls were timed (at most `requests`, within
    `max_seconds`), their median and p95 in milliseconds."""
    import statistics

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(warm_up):
        run()
    with CaptureQueriesContext(connection) as captured:
        run()
    # Counted now: the next call empties the log the capture reads.
    queries = len(captured.captured_queries)
    times = []
    deadline = time.perf_counter() + max_seconds
    while len(times) < requests and time.perf_counter() < deadline:
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    ordered = sorted(times)
    return {
        "queries": queries,
        "requests": len(times),
        "p50": statistics.median(times),
        "p95": ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))],
    }
