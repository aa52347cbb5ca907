"""Every benchmark target with its figure: `make bench`'s summary table and its verdict.

A script calls `check()` for each target it measures, where it prints that target's line; the
result is also appended, as one JSON line, to the file named by $BENCH_TARGETS (run.py sets it
for the scripts it runs; a script run alone only prints). run.py reads them all back (`read`),
prints one table (`render`) and exits 1 when any target was missed or a script failed.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

ENV = "BENCH_TARGETS"


def check(part: str, database: str, name: str, figure: str, target: str, ok: bool) -> bool:
    """Record one target: what was measured (`name`), its `figure` as printed, the `target` it
    is held to, whether it was met. Returns `ok`, so a script can fold it into its verdict."""
    path = os.environ.get(ENV)
    if path:
        line = {
            "part": part,
            "database": database,
            "name": name,
            "figure": figure,
            "target": target,
            "ok": bool(ok),
        }
        with Path(path).open("a", encoding="utf-8") as out:
            out.write(json.dumps(line, ensure_ascii=False) + "\n")
    return ok


def read(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def render(rows: list[dict]) -> str:
    """One table of every target, in the order measured, the missed ones marked."""
    header = ["part", "database", "measure", "figure", "target", ""]
    table = [header] + [
        [
            r["part"],
            r["database"],
            r["name"],
            r["figure"],
            r["target"],
            "ok" if r["ok"] else "MISSED",
        ]
        for r in rows
    ]
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        for row in table
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    missed = sum(not r["ok"] for r in rows)
    lines.append(f"\n{len(rows)} targets, {len(rows) - missed} met, {missed} missed.")
    return "\n".join(lines)
