"""Exact counts of a public list, kept between the writes that change them (issue 18).

A list's total ("1,234 listings") was a COUNT over the whole filtered table on every request;
at 100,000 rows it cost more than the rest of the page. An app keeps its lists' counts in a
table of its own (a concrete `KeptCount`), one row per filter combination (`key`), each stored
under the version read *before* it was counted, and one row (`VERSION_KEY`) holding the current
version. Every write to a table the counts read calls `bump()` in its own transaction (the app's
manifest connects it to the models' signals), so:

- a kept count is served only while its version is the current one: never after the write that
  changes it commits, and a write rolled back changes nothing;
- a write committed while a count was being made leaves that count under an old version, unused.

Reading a kept count is one query (the version and the count together); a miss counts, then
stores. Searches (free text) are counted directly: their rows are bounded by the search.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, models, transaction
from django.db.models import F, OuterRef, QuerySet, Subquery

VERSION_KEY = "*"


class KeptCount(models.Model):
    """One kept count (`key` → `n`, made under `version`), or the current version (`VERSION_KEY`).
    The concrete model's migration creates the version row."""

    key = models.CharField(max_length=200, primary_key=True)
    version = models.BigIntegerField(default=0)
    n = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.key}: {self.n}"


class KeptCounts:
    """The counts kept in one `KeptCount` model: `bump` on writes, `count` on reads."""

    def __init__(self, model: type[KeptCount]) -> None:
        self.model = model

    def bump(self, **kwargs: Any) -> None:
        """Every kept count is stale from now on (a signal receiver: any sender, any arguments).
        One UPDATE of one row in the caller's transaction: it commits or rolls back with the write."""
        rows = self.model._default_manager
        if not rows.filter(key=VERSION_KEY).update(version=F("version") + 1):
            # The migration makes the row; a flushed test database has none.
            try:
                with transaction.atomic():
                    rows.create(key=VERSION_KEY, version=1)
            except IntegrityError:
                rows.filter(key=VERSION_KEY).update(version=F("version") + 1)

    def bump_m2m(self, action: str, **kwargs: Any) -> None:
        """An `m2m_changed` receiver: a relation a count filters on changed."""
        if action in ("post_add", "post_remove", "post_clear"):
            self.bump()

    def count(self, queryset: QuerySet, key: str | None) -> int:
        """The number of rows of `queryset`, kept under `key`; `key=None` counts directly."""
        if key is None:
            return queryset.count()
        rows = self.model._default_manager
        kept = Subquery(rows.filter(key=key, version=OuterRef("version")).values("n"))
        row = (
            rows.filter(key=VERSION_KEY).annotate(kept=kept).values_list("version", "kept").first()
        )
        if row is not None and row[1] is not None:
            return row[1]
        n = queryset.count()
        if row is not None:
            self._keep(key, version=row[0], n=n)
        return n

    def _keep(self, key: str, *, version: int, n: int) -> None:
        # Under the version read before counting: if a write committed meanwhile, the version has
        # moved on and this count is never served. A concurrent miss may overwrite it with an
        # older version: the next request then counts again; it is never wrong. One upsert.
        self.model._default_manager.bulk_create(
            [self.model(key=key, version=version, n=n)],
            update_conflicts=True,
            unique_fields=["key"],
            update_fields=["version", "n"],
        )
