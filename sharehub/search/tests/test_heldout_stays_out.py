"""The held-out queries (heldout.py) are the benchmark's alone: no test may read them."""

from __future__ import annotations

import re
from pathlib import Path

import sharehub

from .corpus import DOCUMENTS, RECALL_THRESHOLDS
from .heldout import HELD_OUT

_READS_HELD_OUT = re.compile(r"^\s*(from|import)\s+\S*heldout", re.MULTILINE)


def test_no_test_imports_the_held_out_queries():
    root = Path(sharehub.__file__).parent
    readers = [
        path.relative_to(root).as_posix()
        for path in root.rglob("tests/*.py")
        if path.name != Path(__file__).name and _READS_HELD_OUT.search(path.read_text("utf-8"))
    ]
    assert readers == []


def test_held_out_queries_are_well_formed_and_new():
    from .corpus import QUERIES

    keys = {key for key, *_ in DOCUMENTS}
    tested = {q for _, q, _, _ in QUERIES}
    for category, q, relevant, first in HELD_OUT:
        assert category in RECALL_THRESHOLDS
        assert q not in tested, q
        assert relevant and set(relevant) <= keys, q
        assert first is None or first in relevant, q
