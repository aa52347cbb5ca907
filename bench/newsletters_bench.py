"""Sending a newsletter to 100,000 subscribers, on SQLite and PostgreSQL, against the wire's limit.

Prints, per database: messages per second of the campaign worker (sharehub.newsletters.sending
over the hub's one mail engine, sharehub.notifications.engine: the code `send_campaign` and the
background task run: delivery rows bulk-created in chunks, batches claimed, one SMTP connection
per batch, each language rendered once, each mail marked sent as its "." leaves), its peak memory
(ru_maxrss of a fresh worker process) for a list of 10,000 and of 100,000, and the rate of a bare
smtplib loop sending messages of the same size over one connection in the same run (the
practical ceiling: what the wire takes from Python with no database at all).

The speed is measured against Postfix's `smtp-sink` (C, Debian's `postfix` package, installed by
`make bench-sysdeps`), which is not the bottleneck: the Python test server (aiosmtpd) spent about
three times the client's CPU, so a ratio against it compared the worker with that server. The
bare loop runs before and after the worker and the faster of its two runs is the ceiling.

Each mail exactly once, proved twice: the 10,000 list goes to an aiosmtpd sink that records every
recipient (each of the 10,000 addresses received once, none twice; the peak memory of that run is
the small figure), and for the 100,000 list smtp-sink's own message counter (`-c`) must equal the
worker's count and the rows marked sent.

Targets: worker ≥ 0.8 × the bare loop; peak memory at 100,000 ≤ 1.5 × at 10,000 (flat); each
mail once.

    .venv/bin/python bench/newsletters_bench.py [--rows 100000] [--small 10000] [--only sqlite|postgresql]

Standalone: a temporary SQLite file and a PostgreSQL database `sharehub_newsletters_bench` (or
$BENCH_PG_DATABASE, on $BENCH_PG_URL, default postgres://postgres@127.0.0.1:5432), created and
dropped here.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import signal
import smtplib
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_SERVER = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
PG_DATABASE = os.environ.get("BENCH_PG_DATABASE", "sharehub_newsletters_bench")
TARGET_RATIO = 0.8
TARGET_MEMORY_GROWTH = 1.5
BATCH = 500


# --- the sink -----------------------------------------------------------------------------


def run_sink(port: int, report_path: str) -> None:
    """aiosmtpd accepting everything; on SIGTERM writes {messages, recipients, duplicates}."""
    import threading

    from aiosmtpd.controller import Controller

    counts = {"messages": 0, "recipients": set(), "duplicates": 0}
    lock = threading.Lock()

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            with lock:
                counts["messages"] += 1
                for rcpt in envelope.rcpt_tos:
                    if rcpt in counts["recipients"]:
                        counts["duplicates"] += 1
                    counts["recipients"].add(rcpt)
            return "250 OK"

    controller = Controller(Handler(), hostname="127.0.0.1", port=port, data_size_limit=0)
    controller.start()
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    print("ready", flush=True)
    done.wait()
    controller.stop()
    with lock:
        result = {
            "messages": counts["messages"],
            "recipients": len(counts["recipients"]),
            "duplicates": counts["duplicates"],
        }
    Path(report_path).write_text(json.dumps(result))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_listening(port: int, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the sink on port {port} exited ({process.returncode})")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.02)
    raise SystemExit(f"the sink on port {port} did not start")


class CountingSink:
    """aiosmtpd in its own process, recording every recipient: the exactly-once check."""

    def __init__(self, tmp: str) -> None:
        self.port = free_port()
        self.report = os.path.join(tmp, f"sink-{self.port}.json")
        self.process = subprocess.Popen(
            [sys.executable, __file__, "--sink", str(self.port), self.report],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout.readline().strip() == "ready"

    def stop(self) -> dict:
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=60)
        return json.loads(Path(self.report).read_text())


def smtp_sink_binary() -> str:
    found = shutil.which("smtp-sink") or shutil.which("smtp-sink", path="/usr/sbin:/usr/bin")
    if not found:
        raise SystemExit(
            "smtp-sink not found: it comes with Debian's postfix package (`make bench-sysdeps`)"
        )
    return found


class WireSink:
    """Postfix's smtp-sink (C): takes mail as fast as a client sends it and throws it away.
    `-c` keeps its running counters on stdout ("mesg=N" after each "."): the messages taken."""

    def __init__(self, tmp: str) -> None:
        self.port = free_port()
        self.output = os.path.join(tmp, f"smtp-sink-{self.port}.out")
        # As root it must drop its privileges once listening (-u); as anyone else it cannot.
        user = ["-u", "nobody"] if os.geteuid() == 0 else []
        with open(self.output, "wb") as out:
            self.process = subprocess.Popen(
                [smtp_sink_binary(), *user, "-c", f"127.0.0.1:{self.port}", "256"], stdout=out
            )
        wait_listening(self.port, self.process)

    def stop(self) -> dict:
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=60)
        counters = re.findall(rb"mesg=(\d+)", Path(self.output).read_bytes())
        return {"messages": int(counters[-1]) if counters else 0}


# --- children -----------------------------------------------------------------------------


def child_env(database_url: str, var_dir: str, smtp_port: int | None = None) -> dict:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "sharehub.settings",
        "DATABASE_URL": database_url,
        "SHAREHUB_VAR_DIR": var_dir,
    }
    if smtp_port:
        env.update(
            SHAREHUB_SMTP_HOST="127.0.0.1",
            SHAREHUB_SMTP_PORT=str(smtp_port),
            SHAREHUB_SMTP_TLS="false",
            SHAREHUB_SMTP_USER="",
        )
    return env


def run_child(args: list[str], env: dict) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, *args], env=env, cwd=ROOT, capture_output=True, text=True
    )
    if out.returncode != 0:
        raise SystemExit(f"child {args} failed:\n{out.stderr[-4000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def child_prepare(rows: int, small: int) -> dict:
    """Migrate; `rows` confirmed subscribers (a third in English), the first `small` on one topic;
    two campaigns being sent: one to the topic (small list), one to everyone (large list)."""
    setup_django()
    from django.core.management import call_command
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    from sharehub.newsletters.models import Campaign, Subscriber, Subscription, Topic

    topic = Topic.objects.create(slug="bench", name_ko="벤치", name_en="Bench")
    chunk = 5000
    for start in range(0, rows, chunk):
        Subscriber.objects.bulk_create(
            [
                Subscriber(
                    email=f"reader{n}@example.org",
                    language="en" if n % 3 == 0 else "ko",
                    status="confirmed",
                )
                for n in range(start, min(rows, start + chunk))
            ]
        )
    small_ids = Subscriber.objects.order_by("pk").values_list("pk", flat=True)[:small]
    Subscription.objects.bulk_create(
        [Subscription(subscriber_id=pk, topic=topic) for pk in small_ids], batch_size=chunk
    )
    body_ko = (
        "<h2>공유도시 소식</h2>"
        + "<p>이번 달 공유허브에서는 새로운 공유기업과 우리 동네 행사를 소개합니다.</p>" * 12
    )
    body_en = (
        "<h2>Sharing City news</h2>"
        + "<p>This month ShareHub presents new sharing enterprises and events near you.</p>" * 12
    )
    fields = {
        "subject_ko": "공유허브 소식",
        "subject_en": "ShareHub news",
        "body_html_ko": body_ko,
        "body_html_en": body_en,
        "body_text_ko": body_ko.replace("<p>", "").replace("</p>", "\n"),
        "body_text_en": body_en.replace("<p>", "").replace("</p>", "\n"),
        "status": Campaign.Status.SENDING,
        "started_at": timezone.now(),
    }
    small_campaign = Campaign.objects.create(**fields)
    small_campaign.topics.set([topic])
    large_campaign = Campaign.objects.create(**fields)
    return {"small": small_campaign.pk, "large": large_campaign.pk}


def child_send(campaign_id: int) -> dict:
    """One worker sending a whole campaign; its own peak RSS."""
    setup_django()
    from sharehub.newsletters.models import Campaign, Delivery
    from sharehub.newsletters.sending import CampaignSender

    database = database_cpu()
    started, cpu = time.perf_counter(), time.process_time()
    report = CampaignSender(campaign_id, rate=0, batch=BATCH).run()
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    database_seconds = database() if database else None
    campaign = Campaign.objects.get(pk=campaign_id)
    return {
        "cpu": cpu,
        "database_cpu": database_seconds,
        "sent": report.sent,
        "failed": report.failed,
        "seconds": elapsed,
        "status": campaign.status,
        "rows_sent": Delivery.objects.filter(campaign_id=campaign_id, status="sent").count(),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "sample_size": len(sample_message(campaign_id)),
    }


def database_cpu():
    """On PostgreSQL on this machine, a function giving the CPU seconds the worker's server
    process has spent since this call (read from /proc); None elsewhere."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        stat = Path(f"/proc/{cursor.fetchone()[0]}/stat")

    def seconds() -> float:
        fields = stat.read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    if not stat.exists():
        return None
    start = seconds()
    return lambda: seconds() - start


def sample_message(campaign_id: int) -> bytes:
    """A message as the worker builds it, to size the bare loop's messages alike."""
    from sharehub.newsletters.models import Campaign
    from sharehub.newsletters.render import render_campaign
    from sharehub.newsletters.sending import Recipient, build_message

    rendered = render_campaign(Campaign.objects.get(pk=campaign_id), "ko")
    return build_message(
        rendered,
        Recipient(1, 1, "reader1@example.org", "ko", "0" * 32, "confirmed"),
        campaign_id=campaign_id,
        domain="example.org",
        date="now",
    )


def child_bare(port: int, count: int, size: int, mode: str = "sendmail") -> dict:
    """A loop over one connection: messages of `size` bytes, each to its own address.

    "sendmail": smtplib.sendmail (MAIL, RCPT, DATA, content: four round trips, smtplib's quoting
    and dot-stuffing of every message). "pipelined": the same connection driven as the worker
    drives a server that announces PIPELINING, with nothing else (one round trip per message:
    the content and "." written with the next message's MAIL, RCPT and DATA)."""
    filler = b"x" * 76 + b"\r\n"
    body = filler * max(1, (size - 200) // len(filler))
    server = smtplib.SMTP("127.0.0.1", port)
    server.ehlo()
    started, cpu = time.perf_counter(), time.process_time()
    if mode == "sendmail":
        for n in range(count):
            message = (
                b"From: bench@example.org\r\nTo: bare%d@example.org\r\nSubject: bench\r\n\r\n" % n
                + body
            )
            server.sendmail("bench@example.org", [f"bare{n}@example.org"], message)
    else:
        assert server.has_extn("pipelining") and server.sock is not None
        server.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        for n in range(count):
            server.send(
                b"MAIL FROM:<bench@example.org>\r\nRCPT TO:<bare%d@example.org>\r\nDATA\r\n" % n
            )
            for _ in range(4 if n else 3):  # the previous message's "." answered first
                assert server.getreply()[0] in (250, 354)
            server.sock.sendall(
                b"From: bench@example.org\r\nTo: bare%d@example.org\r\nSubject: bench\r\n\r\n" % n
                + body
                + b".\r\n"
            )
        assert server.getreply()[0] == 250
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    server.quit()
    return {"sent": count, "seconds": elapsed, "cpu": cpu}


# --- main ---------------------------------------------------------------------------------


def send_with(
    sink_class: type, name: str, campaign_id: int, database_url: str, var_dir: str
) -> dict:
    sink = sink_class(var_dir)
    try:
        result = run_child(
            ["--child", "send", str(campaign_id)], child_env(database_url, var_dir, sink.port)
        )
    finally:
        counted = sink.stop()
    result["received"] = counted["messages"]
    result["duplicates"] = counted.get("duplicates", 0)
    if "recipients" in counted:
        result["distinct"] = counted["recipients"]
    return result


def bare_loop(
    database_url: str, var_dir: str, count: int, size: int, mode: str = "sendmail"
) -> dict:
    sink = WireSink(var_dir)
    try:
        result = run_child(
            ["--child", "bare", str(sink.port), str(count), str(size), mode],
            child_env(database_url, var_dir),
        )
    finally:
        counted = sink.stop()
    result["received"] = counted["messages"]
    return result


def measure(name: str, database_url: str, var_dir: str, rows: int, small: int) -> dict:
    print(f"[{name}] preparing {rows:,} subscribers…", flush=True)
    campaigns = run_child(
        ["--child", "prepare", str(rows), str(small)], child_env(database_url, var_dir)
    )
    print(f"[{name}] worker sending to {small:,} (aiosmtpd, every recipient recorded)…", flush=True)
    small_result = send_with(CountingSink, name, campaigns["small"], database_url, var_dir)
    small_result["expected"] = small
    size = small_result["sample_size"]
    print(f"[{name}] bare smtplib loop, {rows:,} messages (smtp-sink)…", flush=True)
    bare = [bare_loop(database_url, var_dir, rows, size)]
    print(f"[{name}] worker sending to {rows:,} (smtp-sink)…", flush=True)
    large_result = send_with(WireSink, name, campaigns["large"], database_url, var_dir)
    large_result["expected"] = rows
    print(f"[{name}] bare smtplib loop again…", flush=True)
    bare.append(bare_loop(database_url, var_dir, rows, size))
    print(f"[{name}] bare pipelined loop (for reference)…", flush=True)
    piped = bare_loop(database_url, var_dir, rows, size, "pipelined")
    return {"small": small_result, "large": large_result, "bare": bare, "pipelined": piped}


def report(name: str, results: dict) -> bool:
    small, large, bares = results["small"], results["large"], results["bare"]
    worker_rate = large["sent"] / large["seconds"]
    bare_rates = [b["sent"] / b["seconds"] for b in bares]
    bare_rate = max(bare_rates)  # the ceiling: the faster of the two runs
    ratio = worker_rate / bare_rate
    growth = large["peak_rss_mb"] / small["peak_rss_mb"]
    once = (
        small["distinct"] == small["received"] == small["expected"] == small["sent"]
        and small["duplicates"] == 0
        and large["received"] == large["expected"] == large["sent"] == large["rows_sent"]
        and all(r["status"] == "sent" for r in (small, large))
        and all(b["received"] == b["sent"] for b in (*bares, results["pipelined"]))
    )
    print(f"\n== {name} ==")
    print(
        f"worker, {small['expected']:>7,} recipients: {small['sent'] / small['seconds']:8.0f} msg/s, peak RSS {small['peak_rss_mb']:6.1f} MB"
    )
    print(
        f"worker, {large['expected']:>7,} recipients: {worker_rate:8.0f} msg/s, peak RSS {large['peak_rss_mb']:6.1f} MB"
    )
    print(
        f"bare smtplib loop, {bares[0]['sent']:,} messages of {large['sample_size']:,} bytes:"
        f" {' and '.join(f'{rate:.0f}' for rate in bare_rates)} msg/s (before and after the worker)"
    )
    print(f"ratio worker / bare loop: {ratio:.2f} (target ≥ {TARGET_RATIO})")
    # CPU per mail says where the time goes on a busy machine, where a sender's rate follows
    # its share of the CPUs.
    database = (
        f", its database server process {large['database_cpu'] / large['sent'] * 1e6:.0f}"
        if large.get("database_cpu") is not None
        else ""
    )
    print(
        f"CPU per mail: worker {large['cpu'] / large['sent'] * 1e6:.0f} µs{database};"
        f" bare loop {' and '.join(f'{b["cpu"] / b["sent"] * 1e6:.0f}' for b in bares)} µs;"
        f" load average {' '.join(f'{n:.1f}' for n in os.getloadavg())}"
    )
    piped = results["pipelined"]
    piped_rate = piped["sent"] / piped["seconds"]
    print(
        f"bare pipelined loop (the worker's own protocol, nothing else): {piped_rate:.0f} msg/s;"
        f" worker / it: {worker_rate / piped_rate:.2f} (for reference, no target)"
    )
    print(
        f"memory {large['expected']:,} / {small['expected']:,}: {growth:.2f}× (target ≤ {TARGET_MEMORY_GROWTH}×)"
    )
    print(
        f"each mail received once: {'yes' if once else 'NO'} ({small['distinct']:,} of"
        f" {small['expected']:,} recipients at aiosmtpd, {small['duplicates']} twice;"
        f" smtp-sink counted {large['received']:,} of {large['expected']:,},"
        f" {large['rows_sent']:,} rows sent)"
    )
    from targets import check

    db = name.lower()
    ok = check(
        "newsletters",
        db,
        "worker / bare smtplib loop",
        f"{ratio:.2f}",
        f"≥ {TARGET_RATIO}",
        ratio >= TARGET_RATIO,
    )
    ok &= check(
        "newsletters",
        db,
        f"memory {large['expected']:,} / {small['expected']:,}",
        f"{growth:.2f}×",
        f"≤ {TARGET_MEMORY_GROWTH}×",
        growth <= TARGET_MEMORY_GROWTH,
    )
    ok &= check(
        "newsletters",
        db,
        "each mail once",
        f"{small['distinct']:,} + {large['received']:,} received, {small['duplicates']} twice",
        "all once",
        once,
    )
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    args = parser.parse_args()
    ok = True
    if args.only in (None, "sqlite"):
        with tempfile.TemporaryDirectory(prefix="newsletters-bench-") as tmp:
            results = measure(
                "SQLite", f"sqlite:///{tmp}/bench.sqlite3", tmp, args.rows, args.small
            )
            ok &= report("SQLite", results)
    if args.only in (None, "postgresql"):
        admin = ["psql", f"{PG_SERVER}/postgres", "-q", "-c"]
        subprocess.run([*admin, f"DROP DATABASE IF EXISTS {PG_DATABASE}"], check=True)
        subprocess.run([*admin, f"CREATE DATABASE {PG_DATABASE}"], check=True)
        try:
            with tempfile.TemporaryDirectory(prefix="newsletters-bench-") as tmp:
                results = measure(
                    "PostgreSQL", f"{PG_SERVER}/{PG_DATABASE}", tmp, args.rows, args.small
                )
                ok &= report("PostgreSQL", results)
        finally:
            subprocess.run([*admin, f"DROP DATABASE IF EXISTS {PG_DATABASE}"], check=True)
    print("\nPASS" if ok else "\nFAIL: a target was missed")
    return 0 if ok else 1


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--sink":
        run_sink(int(sys.argv[2]), sys.argv[3])
    elif len(sys.argv) > 1 and sys.argv[1] == "--child":
        kind, rest = sys.argv[2], sys.argv[3:]
        if kind == "prepare":
            result = child_prepare(int(rest[0]), int(rest[1]))
        elif kind == "send":
            result = child_send(int(rest[0]))
        else:
            result = child_bare(int(rest[0]), int(rest[1]), int(rest[2]), rest[3])
        print(json.dumps(result))
    else:
        sys.exit(main())
