"""Read replicas for the reads that may lag a moment (production profile, DESIGN §6).

A PostgreSQL replica is a little behind the primary. Most of the hub must not see that lag, so a
read goes to a replica only when all of these hold, and to the primary otherwise:

- **The request chose it**: an anonymous GET or HEAD (no session cookie, no `Authorization`) of a
  view in `settings.REPLICA_READ_VIEWS`: API lists, feeds, CSV exports, the catalogue. Those are
  what harvesters, calendars and scripts read in bulk; an anonymous reader wrote nothing it could
  miss, and one request reads one replica (chosen at its start) so it sees one state.
- **No transaction is open** on the primary: a read inside `atomic()` (a service counting what it
  locked, `select_for_update`) is part of a decision and must see the primary.
- **Nothing is written yet** in this request: after a write, its own reads stay with it.
- **Nothing read may be kept** (a kept page, fragment or value is being built: core.pagecache
  `keeping()`): a kept page is stored under the versions read from the *primary* before it is
  built; built from a replica still behind those versions it would be served as fresh with old
  data. The same holds for anything cached under `pagecache.table_versions` (opendata's
  indicator tables), so CKAN and the indicator pages are not in the list. Kept counts
  (core.counts) are safe on a replica: they read their versions (shard by shard) and their count
  from the same database, versions first.

Every write goes to the primary; replicas are never migrated (they copy the primary's schema).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.db import connections
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse

from sharehub.core import pagecache

PRIMARY = "default"
SAFE_METHODS = frozenset({"GET", "HEAD"})

# The replica this request may read (chosen by ReplicaReadsMiddleware), or None.
_replica: ContextVar[str | None] = ContextVar("replica_reads", default=None)


def replicas() -> list[str]:
    return [alias for alias in settings.DATABASES if alias != PRIMARY]


def replica_for_read() -> str | None:
    """The replica a read may use now, or None for the primary (see the module's docstring)."""
    alias = _replica.get()
    if alias is None:
        return None
    primary = connections[PRIMARY]
    if primary.in_atomic_block or pagecache.keeping():
        return None
    if getattr(primary, "pagecache_pending", None):
        return None
    return alias


class ReplicaRouter:
    """settings.DATABASE_ROUTERS where SHAREHUB_DATABASE_REPLICA_URLS names replicas."""

    def db_for_read(self, model: type, **hints: Any) -> str:
        return replica_for_read() or PRIMARY

    def db_for_write(self, model: type, **hints: Any) -> str:
        # A write ends the request's replica reads: what it reads next must include the write.
        _replica.set(None)
        return PRIMARY

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        # The replicas hold the primary's rows: an object read from one relates to the other's.
        return True

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == PRIMARY


def _eligible(request: HttpRequest) -> bool:
    match = request.resolver_match
    return (
        request.method in SAFE_METHODS
        and match is not None
        and match.view_name in settings.REPLICA_READ_VIEWS
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "HTTP_AUTHORIZATION" not in request.META
    )


class ReplicaReadsMiddleware:
    """Opens the replica for the chosen views' anonymous reads (settings adds it with replicas).
    A streamed answer (a CSV export) reads while it is sent, so the replica stays open for it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            response = self.get_response(request)
        finally:
            alias = _replica.get()
            _replica.set(None)
        if alias is not None and isinstance(response, StreamingHttpResponse):
            response.streaming_content = _reading_from(alias, response.streaming_content)
        return response

    def process_view(self, request: HttpRequest, *args: Any) -> None:
        aliases = replicas()
        if aliases and _eligible(request):
            _replica.set(random.choice(aliases))


def _reading_from(alias: str, content: Iterator[Any]) -> Iterator[Any]:
    _replica.set(alias)
    try:
        yield from content
    finally:
        _replica.set(None)
