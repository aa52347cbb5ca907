"""Sending a newsletter to 100,000 subscribers through a local SMTP sink, on SQLite and PostgreSQL.

Prints, per database: messages per second of the campaign worker (sharehub.newsletters.sending
over the hub's one mail engine, sharehub.notifications.engine: the code `send_campaign` and the
background task run: delivery rows bulk-created in chunks, batches claimed, one SMTP connection
per batch, each language rendered once, a conditional UPDATE per mail at its "."),
its peak memory (ru_maxrss of a fresh worker process) for a list of 10,000 and of 100,000, and the
rate of a bare smtplib loop sending messages of the same size over one connection to the same sink
in the same run (the practical ceiling). It also checks that the sink received each mail once.

Targets: worker ≥ 0.5 × the bare loop; peak memory at 100,000 ≤ 1.5 × at 10,000 (flat).

    .venv/bin/python bench/newsletters_bench.py [--rows 100000] [--small 10000] [--only sqlite|postgresql]

Standalone: a temporary SQLite file and a PostgreSQL database `sharehub_newsletters_bench`
(on $BENCH_PG_URL, default postgres://postgres@127.0.0.1:5432), created and dropped here; the sink is
aiosmtpd in its own process, counting messages and recipients.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
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
PG_DATABASE = "sharehub_newsletters_bench"
TARGET_RATIO = 0.5
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


class Sink:
    def __init__(self, tmp: str) -> None:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
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
    from sharehub.newsletters.models import Campaign
    from sharehub.newsletters.sending import CampaignSender

    started = time.perf_counter()
    report = CampaignSender(campaign_id, rate=0, batch=BATCH).run()
    elapsed = time.perf_counter() - started
    campaign = Campaign.objects.get(pk=campaign_id)
    return {
        "sent": report.sent,
        "failed": report.failed,
        "seconds": elapsed,
        "status": campaign.status,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "sample_size": len(sample_message(campaign_id)),
    }


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


def child_bare(port: int, count: int, size: int) -> dict:
    """smtplib.sendmail in a loop over one connection: messages of `size` bytes, each to its own address."""
    filler = b"x" * 76 + b"\r\n"
    body = filler * max(1, (size - 200) // len(filler))
    server = smtplib.SMTP("127.0.0.1", port)
    started = time.perf_counter()
    for n in range(count):
        message = (
            b"From: bench@example.org\r\nTo: bare%d@example.org\r\nSubject: bench\r\n\r\n" % n
            + body
        )
        server.sendmail("bench@example.org", [f"bare{n}@example.org"], message)
    elapsed = time.perf_counter() - started
    server.quit()
    return {"sent": count, "seconds": elapsed}


# --- main ---------------------------------------------------------------------------------


def measure(name: str, database_url: str, var_dir: str, rows: int, small: int) -> dict:
    print(f"[{name}] preparing {rows:,} subscribers…", flush=True)
    campaigns = run_child(
        ["--child", "prepare", str(rows), str(small)], child_env(database_url, var_dir)
    )
    results = {}
    for label, campaign_id, expected in (
        ("small", campaigns["small"], small),
        ("large", campaigns["large"], rows),
    ):
        sink = Sink(var_dir)
        print(f"[{name}] worker sending to {expected:,}…", flush=True)
        result = run_child(
            ["--child", "send", str(campaign_id)], child_env(database_url, var_dir, sink.port)
        )
        counted = sink.stop()
        result.update(
            received=counted["messages"], duplicates=counted["duplicates"], expected=expected
        )
        results[label] = result
    sink = Sink(var_dir)
    print(f"[{name}] bare smtplib loop, {rows:,} messages…", flush=True)
    bare = run_child(
        ["--child", "bare", str(sink.port), str(rows), str(results["large"]["sample_size"])],
        child_env(database_url, var_dir),
    )
    sink.stop()
    results["bare"] = bare
    return results


def report(name: str, results: dict) -> bool:
    small, large, bare = results["small"], results["large"], results["bare"]
    worker_rate = large["sent"] / large["seconds"]
    bare_rate = bare["sent"] / bare["seconds"]
    ratio = worker_rate / bare_rate
    growth = large["peak_rss_mb"] / small["peak_rss_mb"]
    once = all(
        r["received"] == r["expected"] == r["sent"]
        and r["duplicates"] == 0
        and r["status"] == "sent"
        for r in (small, large)
    )
    print(f"\n== {name} ==")
    print(
        f"worker, {small['expected']:>7,} recipients: {small['sent'] / small['seconds']:8.0f} msg/s, peak RSS {small['peak_rss_mb']:6.1f} MB"
    )
    print(
        f"worker, {large['expected']:>7,} recipients: {worker_rate:8.0f} msg/s, peak RSS {large['peak_rss_mb']:6.1f} MB"
    )
    print(
        f"bare smtplib loop, {bare['sent']:,} messages of {large['sample_size']:,} bytes: {bare_rate:8.0f} msg/s"
    )
    print(f"ratio worker / bare loop: {ratio:.2f} (target ≥ {TARGET_RATIO})")
    print(
        f"memory {large['expected']:,} / {small['expected']:,}: {growth:.2f}× (target ≤ {TARGET_MEMORY_GROWTH}×)"
    )
    print(
        f"each mail received once: {'yes' if once else 'NO'} (received {large['received']:,}, duplicates {large['duplicates']})"
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
        f"{large['received']:,} received, {large['duplicates']} twice",
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
            result = child_bare(int(rest[0]), int(rest[1]), int(rest[2]))
        print(json.dumps(result))
    else:
        sys.exit(main())
