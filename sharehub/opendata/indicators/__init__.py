"""Indicators computed live from the hub's own operations (issue 17).

Each app's figures are defined in one module here (`directory.py`, `events.py`, …) and
registered with `register()`. An indicator's `compute()` returns its whole table, every
`Point` (month, district, category, value) in one or a few grouped queries; the table is cached
(`engine.table_of`) under a version that every change to one of its `sources` models moves, on
commit, and for at most `CACHE_SECONDS` in any case (bulk updates send no signal). Readers filter
and group the cached table in Python (`engine.rows`, `engine.by_district`), so a page or an API
call costs the same at 1,000 or 100,000 listings; within `engine.snapshot(indicators)` (a page,
an API call) every table it reads costs one cache read in all, not two each.

Importing this package imports every indicator module, which registers itself.
"""

from . import (  # noqa: F401  each registers its indicators
    designation,
    directory,
    events,
    facilities,
    newsletters,
    participation,
    programmes,
)
from .engine import (  # noqa: F401  the package's interface
    ALL,
    Indicator,
    Point,
    Row,
    all_indicators,
    by_district,
    get,
    kept_labels,
    labels_of,
    register,
    rows,
    snapshot,
    table_of,
)
