"""What a request wrote to the database, for the tests that prove a refused request changed nothing."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection

_WRITE = re.compile(r'^\s*(INSERT\s+INTO|UPDATE|DELETE\s+FROM|REPLACE\s+INTO)\s+"?(\w+)"?', re.I)
# Bookkeeping any visit may write, whoever is refused: the session (its CSRF and language) and
# the kept pages' versions.
BOOKKEEPING = {"django_session", "core_pageversion"}


@contextmanager
def database_writes() -> Iterator[list[str]]:
    """Collects the tables written through the default connection inside the block (every
    INSERT, UPDATE and DELETE, whatever made it), bookkeeping left out."""
    written: list[str] = []

    def record(execute, sql, params, many, context):
        if match := _WRITE.match(sql):
            table = match[2]
            if table not in BOOKKEEPING:
                written.append(table)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        yield written
