"""Requests served by gunicorn (as `make run` starts it) under a small concurrent load.

The list page is compared with a static file served by the same server (WhiteNoise), so the
ratio says how much of the server's capacity a dynamic page costs on this very machine.
"""

from __future__ import annotations

import http.client
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONCURRENCY = 8
DURATION = 5.0
WARM_UP = 1.0
WORKERS = "2"
THREADS = "4"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(env: dict[str, str], *, wait: float = 30.0) -> tuple[subprocess.Popen, int]:
    """gunicorn on a free port, once it answers /health/ (within `wait` seconds: on a busy machine
    a worker's start and first request can take longer than the default)."""
    port = free_port()
    gunicorn = Path(sys.executable).with_name("gunicorn")
    process = subprocess.Popen(
        [
            str(gunicorn),
            "sharehub.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            WORKERS,
            "--threads",
            THREADS,
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with status {process.returncode}")
        try:
            status, _ = get(port, "/health/")
            if status == 200:
                return process, port
        except OSError:
            pass
        time.sleep(0.2)
    stop(process)
    raise RuntimeError(f"gunicorn did not answer /health/ within {wait:.0f} s")


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def get(
    port: int,
    path: str,
    connection: http.client.HTTPConnection | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, int]:
    conn = connection or http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", path, headers={"Host": "127.0.0.1", **(headers or {})})
    response = conn.getresponse()
    body = response.read()
    if connection is None:
        conn.close()
    return response.status, len(body)


def load(
    port: int,
    path: str,
    *,
    concurrency: int = CONCURRENCY,
    duration: float = DURATION,
    headers: dict[str, str] | None = None,
) -> dict:
    """`concurrency` clients, each on one keep-alive connection, for `duration` seconds (with
    `headers` on every request, e.g. a signed-in person's session cookie)."""
    latencies: list[list[float]] = [[] for _ in range(concurrency)]
    failures = [0] * concurrency
    start_gate = threading.Barrier(concurrency + 1)
    stop_at = [0.0]
    measuring = threading.Event()

    def client(index: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        start_gate.wait()
        while True:
            begin = time.perf_counter()
            if begin >= stop_at[0]:
                break
            try:
                status, _ = get(port, path, conn, headers)
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                status = 0
            elapsed = time.perf_counter() - begin
            if measuring.is_set():
                if status == 200:
                    latencies[index].append(elapsed)
                else:
                    failures[index] += 1
        conn.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(concurrency)]
    for thread in threads:
        thread.start()
    stop_at[0] = time.perf_counter() + WARM_UP + duration
    start_gate.wait()
    time.sleep(WARM_UP)
    measuring.set()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - began
    flat = sorted(value for values in latencies for value in values)
    if not flat:
        raise RuntimeError(f"no successful request to {path}")
    return {
        "path": path,
        "concurrency": concurrency,
        "requests": len(flat),
        "failures": sum(failures),
        "seconds": round(seconds, 3),
        "rps": round(len(flat) / seconds, 1),
        "p50_ms": round(statistics.median(flat) * 1000, 2),
        "p95_ms": round(flat[int(len(flat) * 0.95) - 1] * 1000, 2),
    }


def measure_served(*, page: str, static: str) -> dict:
    """Start gunicorn on the benchmark database, load the page then the static file, stop it."""
    process, port = start_gunicorn(dict(os.environ))
    try:
        for path in (page, static):
            status, _ = get(port, path)
            if status != 200:
                raise RuntimeError(f"gunicorn answered {status} for {path}")
        return {
            "server": f"gunicorn --workers {WORKERS} --threads {THREADS}",
            "cpus": os.cpu_count(),
            "page": load(port, page),
            "static": load(port, static),
        }
    finally:
        stop(process)
