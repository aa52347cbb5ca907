"""The benchmark's table and ratios, computed from one run's figures."""

from __future__ import annotations

from targets import check

# The small list fills its first page (20 rows), as the large one does.
SMALL, LARGE = "20", "10000"
ENDPOINTS = {"page": "list page", "api": "API list"}
DIRECTORY_SMALL, DIRECTORY_LARGE = "100", "100000"
DIRECTORY_ENDPOINTS = {"page": "list page", "map": "map data", "api": "API list"}
NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
# Issue 18's targets: a list at 100,000 rows keeps half its speed at 100 (the map's data grows
# with the table, so its own target is elsewhere); a public page under gunicorn serves a quarter
# of what the static file does.
LIST_SPEED_TARGET = 0.5
SERVED_TARGET = 0.25
MAP_TARGET_MS = 100


def _ratio(numerator: float, denominator: float) -> float | None:
    return round(numerator / denominator, 2) if denominator else None


def summarize(results: dict) -> dict:
    """Ratios per database and endpoint; ok is False when a query count grows with the table
    (or when a database could not be measured)."""
    ratios: dict = {}
    ok = True
    for database, result in results.items():
        if "sizes" not in result:
            ok = False
            continue
        small, large = result["sizes"][SMALL], result["sizes"][LARGE]
        ratios[database] = {}
        for endpoint in ENDPOINTS:
            queries = _ratio(large[endpoint]["queries"], small[endpoint]["queries"])
            ratios[database][endpoint] = {
                "queries_10k_over_20": queries,
                "rps_10k_over_20": _ratio(large[endpoint]["rps"], small[endpoint]["rps"]),
            }
            ok = ok and queries == 1.0
            check(
                "organizations",
                database,
                f"{endpoint}: queries 10,000 / 20",
                _fmt(queries),
                "1.00",
                queries == 1.0,
            )
        if served := result.get("served"):
            ratio = _ratio(served["page"]["rps"], served["static"]["rps"])
            ratios[database]["served_page_over_static_rps"] = ratio
            # Issue 18's target for public pages under the production server.
            check(
                "organizations",
                database,
                "list page / static file, req/s (gunicorn)",
                _fmt(ratio),
                f"≥ {SERVED_TARGET}",
                ratio is not None and ratio >= SERVED_TARGET,
            )
    return {"ratios": ratios, "ok": ok}


def summarize_directory(results: dict) -> dict:
    """The directory's ratios at 100,000 over 100 listings; ok as in summarize()."""
    ratios: dict = {}
    ok = True
    for database, result in results.items():
        if "sizes" not in result:
            ok = False
            continue
        small, large = result["sizes"][DIRECTORY_SMALL], result["sizes"][DIRECTORY_LARGE]
        ratios[database] = {}
        for endpoint in DIRECTORY_ENDPOINTS:
            queries = _ratio(large[endpoint]["queries"], small[endpoint]["queries"])
            ratios[database][endpoint] = {
                "queries_100k_over_100": queries,
                "rps_100k_over_100": _ratio(large[endpoint]["rps"], small[endpoint]["rps"]),
            }
            ok = ok and queries == 1.0
            speed = ratios[database][endpoint]["rps_100k_over_100"]
            check(
                "directory",
                database,
                f"{endpoint}: queries 100,000 / 100",
                _fmt(queries),
                "1.00",
                queries == 1.0,
            )
            if endpoint == "map":
                # Issue 18's target for the map: its data at the large size in 100 ms.
                per_request = 1000 / large[endpoint]["rps"] if large[endpoint]["rps"] else None
                check(
                    "directory",
                    database,
                    f"map data of {large[endpoint].get('listed') or 0:,} features: per request",
                    "n/a" if per_request is None else f"{per_request:.0f} ms",
                    f"≤ {MAP_TARGET_MS} ms",
                    per_request is not None and per_request <= MAP_TARGET_MS,
                )
                continue
            check(
                "directory",
                database,
                f"{endpoint}: req/s 100,000 / 100",
                _fmt(speed),
                f"≥ {LIST_SPEED_TARGET}",
                speed is not None and speed >= LIST_SPEED_TARGET,
            )
    return {"ratios": ratios, "ok": ok}


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}"


def _table(rows: list[list[str]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for n, row in enumerate(rows):
        lines.append(
            "  ".join(
                cell.rjust(width) if i else cell.ljust(width)
                for i, (cell, width) in enumerate(zip(row, widths, strict=False))
            )
        )
        if n == 0:
            lines.append("  ".join("-" * width for width in widths))
    return "\n".join(lines)


def render(document: dict) -> str:
    out = [
        f"\nShareHub benchmark · {document['measured_at']} · Python {document['python']} · {document['cpus']} CPUs"
    ]
    for database, result in document["databases"].items():
        name = NAMES.get(database, database)
        if "sizes" not in result:
            out.append(f"\n{name}: not measured ({result.get('skipped', 'unknown reason')})")
            continue
        small, large = result["sizes"][SMALL], result["sizes"][LARGE]
        ratios = document["ratios"][database]
        out.append(
            f"\n{name} ({result['server_version']}), in-process Django test Client, one request at a time"
        )
        rows = [
            [
                "",
                "queries @20",
                "queries @10k",
                "ratio",
                "req/s @20",
                "req/s @10k",
                "ratio",
                "listed @10k",
            ]
        ]
        for endpoint, label in ENDPOINTS.items():
            a, b, r = small[endpoint], large[endpoint], ratios[endpoint]
            rows.append(
                [
                    f"{label} {a['path']}",
                    str(a["queries"]),
                    str(b["queries"]),
                    _fmt(r["queries_10k_over_20"]),
                    f"{a['rps']:.0f}",
                    f"{b['rps']:.0f}",
                    _fmt(r["rps_10k_over_20"]),
                    str(b["listed"] if b["listed"] is not None else large["organizations"]),
                ]
            )
        out.append(_table(rows))
        if served := result.get("served"):
            out.append(
                f"\n{name}: {served['server']}, {served['page']['concurrency']} concurrent keep-alive clients, "
                f"{served['page']['seconds']:.0f} s each, 10,000 organizations"
            )
            rows = [["", "req/s", "p50 ms", "p95 ms", "failures"]]
            for key, label in (("page", "list page"), ("static", "static file")):
                m = served[key]
                rows.append(
                    [
                        f"{label} {m['path']}",
                        f"{m['rps']:.0f}",
                        f"{m['p50_ms']:.1f}",
                        f"{m['p95_ms']:.1f}",
                        str(m["failures"]),
                    ]
                )
            out.append(_table(rows))
            out.append(
                f"ratio list page / static file (req/s): {_fmt(ratios['served_page_over_static_rps'])}"
            )
    out += _render_directory(document)
    for part, script in (
        ("search", "search_bench.py"),
        ("events", "events_bench.py"),
        ("news", "news_bench.py"),
        ("newsletters", "newsletters_bench.py"),
        ("participation", "participation_bench.py"),
    ):
        if (result := document.get(part)) is None:
            continue
        if "skipped" in result:
            out.append(f"\n{part.capitalize()}: not measured ({result['skipped']})")
        else:
            verdict = (
                "target met"
                if result["exit_status"] == 0
                else "TARGET MISSED (or failed), see its output above"
            )
            out.append(
                f"\n{part.capitalize()} (bench/{script}, output above): {verdict}, {result['seconds']:.0f} s"
            )
    return "\n".join(out)


def _render_directory(document: dict) -> list[str]:
    out = []
    for database, result in document.get("directory", {}).items():
        name = NAMES.get(database, database)
        if "sizes" not in result:
            out.append(
                f"\nDirectory on {name}: not measured ({result.get('skipped', 'unknown reason')})"
            )
            continue
        small, large = result["sizes"][DIRECTORY_SMALL], result["sizes"][DIRECTORY_LARGE]
        ratios = document["directory_ratios"][database]
        out.append(
            f"\nDirectory on {name} ({result['server_version']}), in-process, one request at a time; "
            f"map data capped at {result['geojson_cap']:,} features"
        )
        rows = [
            [
                "",
                "queries @100",
                "queries @100k",
                "ratio",
                "req/s @100",
                "req/s @100k",
                "ratio",
                "listed @100",
                "listed @100k",
            ]
        ]
        for endpoint, label in DIRECTORY_ENDPOINTS.items():
            a, b, r = small[endpoint], large[endpoint], ratios[endpoint]
            rows.append(
                [
                    f"{label} {a['path']}",
                    str(a["queries"]),
                    str(b["queries"]),
                    _fmt(r["queries_100k_over_100"]),
                    f"{a['rps']:.1f}",
                    f"{b['rps']:.1f}",
                    _fmt(r["rps_100k_over_100"]),
                    str(a["listed"] if a["listed"] is not None else small["listings"]),
                    str(b["listed"] if b["listed"] is not None else large["listings"]),
                ]
            )
        out.append(_table(rows))
        # The map data grows with its features up to the cap: per feature, its cost should hold.
        per_feature = _ratio(
            large["map"]["rps"] * large["map"]["listed"],
            small["map"]["rps"] * small["map"]["listed"],
        )
        out.append(f"map data, features per second @100k / @100: {_fmt(per_feature)}")
    return out
