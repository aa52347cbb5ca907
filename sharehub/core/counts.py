"""Exact counts of a public list, kept between the writes that change them (issue 18).

A list's total ("1,234 listings") was a COUNT over the whole filtered table on every request;
at 100,000 rows it cost more than the rest of the page. An app keeps its lists' counts in a
table of its own (a concrete `KeptCount`), one row per filter combination (`key`), each stored
with the versions of the tables its query reads (the kept pages' versions, core.pagecache, shard
by shard), read *before* it was counted. Every write to a table, by any means (a service, an
`update()`, a bulk or raw insert, a migration), raises that table's version in its own
transaction, just before its commit (DESIGN §4k), so:

- a kept count is served only while the versions of its tables are those it was made under:
  never after a write that changes it commits, and a write rolled back changes nothing;
- a write committed while a count was being made leaves that count under old versions, unused;
- a connection with its own uncommitted writes to those tables (their versions not yet moved)
  counts directly and keeps nothing.

No write does anything for the counts: before, each kept its own version row per app, which
every transaction that changed a counted table updated and held until its commit (a hot row).

Reading a kept count is one query (the versions and the count together, one snapshot, on the
database the list is read from); a miss counts, then stores. Searches (free text) are counted
directly: their rows are bounded by the search.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, cast

from django.db import connections, models, router
from django.db.models import QuerySet
from django.db.models.signals import class_prepared

from . import pagecache


class KeptCount(models.Model):
    """One kept count: `key` → `n`, made under `versions` (`pagecache.shard_versions` of the
    tables its query reads)."""

    key = models.CharField(max_length=200, primary_key=True)
    versions = models.TextField(default="")
    n = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.key}: {self.n}"


def _unversioned(sender: type[models.Model], **kwargs: Any) -> None:
    # Kept counts are written by reads and checked against their tables' versions (pagecache).
    if issubclass(sender, KeptCount):
        pagecache.unversioned(sender._meta.db_table)


# Connected before any concrete KeptCount exists: their models import this module.
class_prepared.connect(_unversioned, dispatch_uid="core.counts.unversioned")


class KeptCounts:
    """The counts kept in one `KeptCount` model (`count`)."""

    # Keys whose tables are remembered, per process (compiling the list's query to find them
    # cost about a millisecond of CPU on each read of a district's count).
    TABLES_REMEMBERED = 1000

    def __init__(self, model: type[KeptCount]) -> None:
        self.model = model
        self._tables_of: dict[tuple[str, str], list[str]] = {}

    def count(self, queryset: QuerySet, key: str | None) -> int:
        """The number of rows of `queryset`, kept under `key`; `key=None` counts directly."""
        return self.count_of(queryset.model, lambda: queryset, key, using=queryset.db)

    def count_of(
        self,
        model: type[models.Model],
        build: Callable[[], QuerySet],
        key: str | None,
        *,
        using: str | None = None,
    ) -> int:
        """`count(build(), key)`, the query built only when it is run or its tables are not yet
        remembered: a served count costs its one query, not the building of a list's query (a
        district's filters, a CASE and three subqueries, cost about a millisecond of CPU)."""
        return self.counts_of(model, [(build, key)], using=using)[0]

    def counts_of(
        self,
        model: type[models.Model],
        wanted: Sequence[tuple[Callable[[], QuerySet], str | None]],
        *,
        using: str | None = None,
    ) -> list[int]:
        """`count_of` of several (build, key) of one model's lists (a district page's two
        counts): their tables' versions and their kept counts read in one query."""
        using = using or router.db_for_read(model)
        connection = connections[using]
        if not pagecache.sharded(connection):
            return [build().count() for build, _ in wanted]
        counted: dict[int, int] = {}
        tables_of: dict[int, list[str]] = {}
        for index, (build, key) in enumerate(wanted):
            if key is None:
                counted[index] = build().count()
                continue
            tables = self._tables_of.get((using, key))
            if tables is None:
                if len(self._tables_of) >= self.TABLES_REMEMBERED:
                    self._tables_of.clear()
                tables = self._tables_of[using, key] = self._tables(build())
            if pagecache.uncommitted(tables, using=using):
                counted[index] = build().count()
            else:
                tables_of[index] = tables
        if tables_of:
            every = sorted(set().union(*tables_of.values()))
            keys = [cast(str, wanted[index][1]) for index in tables_of]
            shards, kept = self._read(using, every, keys)
            for index, tables in tables_of.items():
                build, key = wanted[index]
                mine = set(tables)
                versions = pagecache.shard_versions(row for row in shards if row[0] in mine)
                hit = kept.get(cast(str, key))
                if hit is not None and hit[0] == versions:
                    # What shows the count depends on its tables, as if it had counted them.
                    pagecache.depends_on_tables(tables)
                    counted[index] = hit[1]
                else:
                    counted[index] = build().count()
                    self._keep(cast(str, key), versions=versions, n=counted[index])
        return [counted[index] for index in range(len(wanted))]

    def _tables(self, queryset: QuerySet) -> list[str]:
        """The tables the count reads, and "*" (what every version depends on: DDL, statements
        the tracker cannot read). From the list's own query, which reads at least what its
        count reads (the count leaves out the order and select_related's joins). The same for
        every read of one key: a key stands for its filters, and the filters make the query."""
        sql, _ = queryset.query.get_compiler(queryset.db).as_sql()
        return sorted(pagecache.tables_read(sql) | {pagecache.EVERYTHING})

    def _read(
        self, using: str, tables: list[str], keys: list[str]
    ) -> tuple[list[tuple[str, int, int]], dict[str, tuple[str, int]]]:
        """The tables' version rows (name, shard, n) and the kept (versions, n) of `keys`, in one
        query (one snapshot)."""
        connection = connections[using]
        quote = connection.ops.quote_name
        names = ", ".join(["%s"] * len(tables))
        wanted = ", ".join(["%s"] * len(keys))
        sql = (
            f'SELECT "name", "shard", "n", NULL, NULL FROM {quote(pagecache.VERSION_TABLE)} '
            f'WHERE "name" IN ({names}) UNION ALL SELECT NULL, NULL, "n", "key", "versions" '
            f'FROM {quote(self.model._meta.db_table)} WHERE "key" IN ({wanted})'
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [*tables, *keys])
            rows = cursor.fetchall()
        shards = [(name, shard, n) for name, shard, n, _, _ in rows if name is not None]
        kept = {key: (versions, n) for name, _, n, key, versions in rows if name is None}
        return shards, kept

    def _keep(self, key: str, *, versions: str, n: int) -> None:
        # Under the versions read before counting: if a write committed meanwhile, they have
        # moved on and this count is never served. A concurrent miss may overwrite it with older
        # ones: the next request then counts again; it is never wrong. One upsert.
        self.model._default_manager.bulk_create(
            [self.model(key=key, versions=versions, n=n)],
            update_conflicts=True,
            unique_fields=["key"],
            update_fields=["versions", "n"],
        )
