"""The news lists at 100 and at 10,000 public articles, on SQLite and on PostgreSQL.

For each database and each endpoint — the list page /ko/news/, the API /api/v1/news/articles,
the RSS feed /ko/news/feed/rss/ and one article page — prints the SQL queries of one request and
requests per second in-process (Django's test Client), and their ratios 10,000 : 100 from the same
run. Targets: the same number of queries at both sizes, and at least half the requests per second
at 10,000 as at 100 (lists are paginated and indexed, so the table's size should barely matter).
The small size fills every page (the list and the API show 20, a feed 30), so both sizes render
the same number of items and the ratio measures the table's size alone.

Feeds (issue 18: a feed built, not cached, in 500 ms at most): the RSS and Atom feeds at the large
size, each request timed (they are not cached, so every request builds them): median, target
≤ 500 ms. A news feed lists the newest 30 articles (what feed readers poll); the same feed classes
writing 5,000 entries are also timed, for the record (no page serves that many).

    .venv/bin/python bench/news_bench.py [--only sqlite|postgresql] [--rows 10000]

Standalone: a temporary SQLite file, and a PostgreSQL database `sharehub_news_bench` on
$BENCH_PG_URL (default postgres://postgres@127.0.0.1:5432), created and dropped here.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_SERVER = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
PG_DATABASE = os.environ.get("BENCH_PG_DATABASE", "sharehub_news_bench")
SMALL = 100
MIN_RPS_RATIO = 0.5
FEED_TARGET_MS = 500
FEED_PATHS = {"RSS": "/ko/news/feed/rss/", "Atom": "/ko/news/feed/atom/"}
LONG_FEED = 5000
ENDPOINTS = {
    "list page": "/ko/news/",
    "API list": "/api/v1/news/articles",
    "RSS feed": "/ko/news/feed/rss/",
    "Atom feed": "/ko/news/feed/atom/",
    "article page": "/ko/news/articles/bench-article-1/",
}


def seed(total: int) -> int:
    """Grow the table to `total` public articles (bulk inserts), each with two tags."""
    from datetime import timedelta

    from django.utils import timezone

    from sharehub.news.models import Article, Tag

    tags = [
        Tag.objects.get_or_create(
            slug=f"tag-{n}", defaults={"name_ko": f"태그{n}", "name_en": f"Tag {n}"}
        )[0]
        for n in range(20)
    ]
    existing = Article.objects.count()
    now = timezone.now()
    batch = []
    for n in range(existing + 1, total + 1):
        batch.append(
            Article(
                slug=f"bench-article-{n}",
                kind="news",
                title_ko=f"공유 소식 {n}",
                title_en=f"Sharing news {n}",
                summary_ko="이웃과 물건을 나누는 소식입니다.",
                summary_en="News of neighbours sharing.",
                body_ko="<p>" + "공유도시 서울의 소식입니다. " * 40 + "</p>",
                body_en="<p>" + "News of Sharing City Seoul. " * 40 + "</p>",
                status="published",
                publish_at=now - timedelta(minutes=n),
            )
        )
    Article.objects.bulk_create(batch, batch_size=1000)
    through = Article.tags.through
    links = [
        through(article_id=article_id, tag_id=tags[(article_id + k) % len(tags)].pk)
        for article_id in Article.objects.filter(slug__in=[a.slug for a in batch]).values_list(
            "pk", flat=True
        )
        for k in (0, 7)
    ]
    through.objects.bulk_create(links, batch_size=2000)
    return Article.objects.count()


def measure_one_database(rows: int) -> dict:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    sys.path.insert(0, str(ROOT / "bench"))
    from inprocess import measure

    call_command("migrate", interactive=False, verbosity=0)
    result: dict = {"vendor": connection.vendor, "sizes": {}}
    for size in (SMALL, rows):
        count = seed(size)
        if connection.vendor == "postgresql":  # as autovacuum would after a bulk load
            # On the driver's connection: no statement wrapper may put it in a transaction.
            connection.ensure_connection()
            connection.connection.execute("VACUUM ANALYZE")
        result["sizes"][str(size)] = {
            "articles": count,
            **{
                name: measure(path, max_requests=150, max_seconds=6).as_dict()
                for name, path in ENDPOINTS.items()
            },
        }
    result["feeds"] = measure_feeds()
    return result


def measure_feeds() -> dict:
    """Each feed as served (built on every request), and the feed classes writing LONG_FEED."""
    from django.test import Client, RequestFactory
    from django.utils import translation
    from inprocess import timed

    from sharehub.news import feeds, selectors

    client = Client()
    figures: dict = {}
    for name, path in FEED_PATHS.items():
        figures[name] = timed(lambda path=path: client.get(path), requests=30, max_seconds=10)
        figures[name]["entries"] = client.get(path).content.count(
            b"<item>" if name == "RSS" else b"<entry>"
        )

    class LongRss(feeds.ArticlesFeed):
        def items(self, obj):
            return selectors.feed_articles(limit=LONG_FEED)

    class LongAtom(feeds.AtomArticlesFeed):
        def items(self, obj):
            return selectors.feed_articles(limit=LONG_FEED)

    request = RequestFactory().get("/ko/news/feed/rss/")
    with translation.override("ko"):
        for name, view in (("RSS", LongRss()), ("Atom", LongAtom())):
            figures[f"{name} {LONG_FEED}"] = timed(
                lambda view=view: view(request), requests=3, max_seconds=10, warm_up=1
            )
    return figures


def run_database(label: str, database_url: str, rows: int, var_dir: str) -> dict:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="sharehub.settings",
        DATABASE_URL=database_url,
        SHAREHUB_DEBUG="0",
        SHAREHUB_HTTPS="0",
        SHAREHUB_VAR_DIR=var_dir,
        SHAREHUB_LOG_LEVEL="ERROR",
        # The pages link static files by name: no collectstatic needed for an in-process measure.
        SHAREHUB_STATIC_STORAGE="django.contrib.staticfiles.storage.StaticFilesStorage",
        PYTHONPATH=str(ROOT),
    )
    out = Path(var_dir) / f"{label}.json"
    subprocess.run(
        [sys.executable, __file__, "--child", "--rows", str(rows), "--out", str(out)],
        cwd=ROOT,
        env=env,
        check=True,
    )
    return json.loads(out.read_text())


def _psql(sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as connection:
        connection.execute(sql)


def report(label: str, result: dict, rows: int) -> bool:
    from targets import check

    small, large = result["sizes"][str(SMALL)], result["sizes"][str(rows)]
    ok = True
    print(f"\n{label} ({large['articles']:,} articles at the large size)")
    print(f"  {'endpoint':<14} {'queries':>15} {'req/s':>19} {'ratio':>7}")
    for name in ENDPOINTS:
        a, b = small[name], large[name]
        ratio = b["rps"] / a["rps"] if a["rps"] else 0.0
        same = a["queries"] == b["queries"]
        passed = same and ratio >= MIN_RPS_RATIO
        db = label.lower()
        check(
            "news",
            db,
            f"{name}: queries = at {rows:,}",
            f"{a['queries']} / {b['queries']}",
            "equal",
            same,
        )
        check(
            "news",
            db,
            f"{name}: req/s {rows:,} / {SMALL}",
            f"{ratio:.2f}",
            f"≥ {MIN_RPS_RATIO}",
            ratio >= MIN_RPS_RATIO,
        )
        ok &= passed
        print(
            f"  {name:<14} {a['queries']:>6} → {b['queries']:<6} {a['rps']:>8.1f} → {b['rps']:<8.1f} {ratio:>6.2f}"
            f"  {'ok' if passed else 'MISSED'}"
        )
    feeds = result["feeds"]
    for name in FEED_PATHS:
        figure = feeds[name]
        fast = figure["p50"] <= FEED_TARGET_MS
        ok &= check(
            "news",
            label.lower(),
            f"{name} feed at {rows:,} articles: built",
            f"{figure['p50']:.0f} ms",
            f"≤ {FEED_TARGET_MS} ms",
            fast,
        )
        long = feeds[f"{name} {LONG_FEED}"]
        print(
            f"  {name} feed built: p50 {figure['p50']:.1f} ms, p95 {figure['p95']:.1f} ms"
            f" ({figure['entries']} entries) {'ok' if fast else 'MISSED'};"
            f" the same feed writing {LONG_FEED:,} entries: {long['p50']:.0f} ms (for the record)"
        )
    return ok


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--child", action="store_true")
    parser.add_argument("--out")
    args = parser.parse_args()
    if args.child:
        Path(args.out).write_text(json.dumps(measure_one_database(args.rows)))
        return
    print(
        f"News lists: queries and in-process requests per second at {SMALL} and {args.rows:,} public articles"
    )
    print(
        f"Targets: same queries at both sizes; req/s ratio {args.rows:,}:{SMALL} ≥ {MIN_RPS_RATIO}"
    )
    ok = True
    with tempfile.TemporaryDirectory(prefix="news-bench-") as var_dir:
        if args.only in (None, "sqlite"):
            ok &= report(
                "SQLite",
                run_database("sqlite", f"sqlite:///{var_dir}/bench.sqlite3", args.rows, var_dir),
                args.rows,
            )
        if args.only in (None, "postgresql"):
            _psql(f"DROP DATABASE IF EXISTS {PG_DATABASE}")
            _psql(f"CREATE DATABASE {PG_DATABASE}")
            try:
                ok &= report(
                    "PostgreSQL",
                    run_database("pg", f"{PG_SERVER}/{PG_DATABASE}", args.rows, var_dir),
                    args.rows,
                )
            finally:
                _psql(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
