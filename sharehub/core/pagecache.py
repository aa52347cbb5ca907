"""Whole public pages kept for anonymous visitors, never past a write to what they show.

Most of a city hub's requests are anonymous visitors reading the same public pages. This keeps
such a page's finished response and answers the next visitor with it, until the data it was
built from changes (issue 18). Nothing declares by hand what a page reads, so nothing can be
forgotten:

- **Writes bump versions, in the same transaction.** Every SQL statement goes through `track`,
  an execute wrapper the hub's database backends install on each connection
  (`TrackingDatabaseWrapper`, sharehub.core.db). A statement that writes a table (`INSERT`,
  `UPDATE`, `DELETE`) notes it; just before the transaction's COMMIT each noted table's row of
  `core_pageversion` gains one, in sorted order, so the bumps commit or roll back with the
  writes (and two transactions never wait on each other's version rows). A write outside a
  transaction is wrapped in one. A statement that changes anything else or cannot be read (DDL,
  a data-modifying `WITH`) bumps "*", which every page depends on.
- **Reads are recorded.** While a cacheable page is built, every table its queries read
  (`FROM` / `JOIN`) is recorded: those tables are the page's dependencies. Code that builds a page
  from something other than a query of this request (a table kept in Django's cache) names the
  tables that something came from with `depends_on`; a page that must not be kept calls
  `do_not_cache`.
- **A kept page is served only while its versions are unchanged**: one query reads the current
  versions of its dependencies and compares them with those read *before* it was built (so a write
  committed while it was being built makes it stale at once, never "fresh" with old data).

Which pages: the views named in `settings.PAGE_CACHE_VIEWS`, for GET requests without a session
or messages cookie (anonymous visitors; a signed-in person is never served a kept page). A
response is kept only when it is a plain 200 that sets no cookie and used no CSRF token, and the
session was not written. Each kept page also lives at most `PAGE_CACHE_SECONDS` (what changes by
the clock alone, such as an event starting, is late by at most that much), or less where the view
says when it changes by the clock (`valid_until`). The content security policy's nonce is renewed
for every answer. The pages live in the cache alias "pages" (each process's memory by default;
Redis where configured).
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import hashlib
import random
import re
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from django.conf import settings
from django.core.cache import InvalidCacheBackendError, caches
from django.db import connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers
from django.utils.functional import SimpleLazyObject, empty

VERSION_TABLE = "core_pageversion"
# django-tasks-db's queue (DBTaskResult's table).
TASK_TABLE = "django_tasks_database_dbtaskresult"
EVERYTHING = "*"
# Request headers a public view reads to choose what it answers (htmx asks for a fragment).
VARYING_HEADERS = ("HX-Request", "HX-History-Restore-Request", "HX-Target")

_WRITE = re.compile(
    r'\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|REPLACE\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.I
)
_FIRST_WORD = re.compile(r"\s*(\w+)")
_READ_TABLE = re.compile(r'\b(?:FROM|JOIN)\s+(?:"(\w+)"|(\w+)\b(?!\s*\())', re.I)
_WRITE_WORD = re.compile(r"\b(?:INSERT|UPDATE|DELETE|MERGE)\b", re.I)
# Statements that change no table's rows.
_HARMLESS = frozenset(
    {
        "SAVEPOINT",
        "RELEASE",
        "ROLLBACK",
        "BEGIN",
        "COMMIT",
        "SET",
        "SHOW",
        "PRAGMA",
        "EXPLAIN",
        "VACUUM",
        "ANALYZE",
    }
)
_NOT_CACHEABLE = "!"

# The page being built in this context (its tables read so far, its expiry), or None.
_building: contextvars.ContextVar[_Miss | None] = contextvars.ContextVar(
    "pagecache_building", default=None
)
# The values being computed in this context, innermost last (`kept_value`).
_computing: contextvars.ContextVar[tuple[_Reads, ...]] = contextvars.ContextVar(
    "pagecache_computing", default=()
)
# Reading the person's own data (`personal`).
_personal: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "pagecache_personal", default=False
)
# What a request that may keep fragments has read so far (`kept_fragment`), or None.
_reading: contextvars.ContextVar[_Reads | None] = contextvars.ContextVar(
    "pagecache_reading", default=None
)


# Tables of things kept under the versions of the tables they were made from (`unversioned`).
_UNVERSIONED: set[str] = set()


def unversioned(table: str) -> None:
    """Writes to `table` move no version: it keeps what was made from other tables, under their
    versions (core.counts' kept counts), and what shows it depends on those (`depends_on_tables`).
    Its rows are written when a count is first read, by anonymous GETs: a version of their own
    would end the kept pages that showed the count, and hold a row through every such write."""
    _UNVERSIONED.add(table.lower())


def _ignored_tables() -> frozenset[str]:
    """Tables whose writes never change a public page: the versions themselves, the database
    cache (what a page reads from a cache is declared with `depends_on`), the sessions, the task
    queue's (django-tasks-db), which only its worker reads, and what is kept under other tables'
    versions (`unversioned`)."""
    names = {VERSION_TABLE, "django_session", *_UNVERSIONED}
    for config in settings.CACHES.values():
        if str(config.get("BACKEND", "")).endswith("DatabaseCache"):
            names.add(str(config["LOCATION"]))
    if any(
        str(config.get("BACKEND", "")).startswith("django_tasks_db.")
        for config in settings.TASKS.values()
    ):
        names.add(TASK_TABLE)
    return frozenset(names)


# --- tracking writes and reads ------------------------------------------------------------


# The same few hundred statements run again and again (their parameters apart): each is read once
# per process. Bounded in number, and only statements of a few kilobytes are remembered (a bulk
# insert or a long literal IN list is read each time, not held).
_CLASSIFIED_MAX_CHARS = 8192


def _classify(sql: str) -> tuple[str, frozenset[str]]:
    """("write", {table}), ("read", tables), or ("none", {})."""
    return _classified(sql) if len(sql) <= _CLASSIFIED_MAX_CHARS else _classify_now(sql)


@functools.lru_cache(maxsize=4096)
def _classified(sql: str) -> tuple[str, frozenset[str]]:
    return _classify_now(sql)


def _classify_now(sql: str) -> tuple[str, frozenset[str]]:
    first = _FIRST_WORD.match(sql)
    word = first.group(1).upper() if first else ""
    if word == "WITH" and sql == _BUMP_FREE_SHARD:
        return "none", frozenset()  # a version's own bump
    if word == "SELECT":
        return "read", _read_tables(sql)
    if match := _WRITE.match(sql):
        return "write", frozenset((match.group(1).lower(),))
    if word in _HARMLESS:
        return "none", frozenset()
    if word == "WITH" and not _WRITE_WORD.search(sql):
        return "read", _read_tables(sql)
    return "write", frozenset((EVERYTHING,))


def _read_tables(sql: str) -> frozenset[str]:
    return frozenset((quoted or bare).lower() for quoted, bare in _READ_TABLE.findall(sql))


def track(
    execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict[str, Any]
) -> Any:
    """The execute wrapper on every connection (see the module's docstring)."""
    if not isinstance(sql, str):
        return execute(sql, params, many, context)
    kind, tables = _classify(sql)
    if kind == "read":
        for recorder in _recorders():
            recorder.tables.update(tables)
        return execute(sql, params, many, context)
    if kind == "none":
        return execute(sql, params, many, context)
    connection: BaseDatabaseWrapper = context["connection"]
    names = [name for name in tables if name not in _ignored_tables()]
    if not names or not _ready(connection):
        return execute(sql, params, many, context)
    pending: set[str] = connection.pagecache_pending  # type: ignore[attr-defined]
    if not connection.get_autocommit():
        # In a transaction: bumped at its commit, in one order (TrackingDatabaseWrapper).
        result = execute(sql, params, many, context)
        pending.update(names)
        return result
    if (
        kind == "write"
        and EVERYTHING not in names
        and not (connection.vendor == "sqlite" and "RETURNING" in sql.upper())
    ):
        # Outside a transaction the write and its bump become one.
        with transaction.atomic(using=connection.alias):
            result = execute(sql, params, many, context)
            pending.update(names)
        return result
    # DDL (some of it refuses a transaction: CREATE INDEX CONCURRENTLY) is bumped right after.
    # SQLite cannot commit while a RETURNING statement's rows are unread: there the bump joins
    # the write's implicit transaction, which commits when its last statement finishes.
    result = execute(sql, params, many, context)
    _bump(connection, names)
    return result


# A table's version is the sum of its rows (shards, core.models.PageVersion). On PostgreSQL a
# commit bumps the first shard no other transaction holds (SKIP LOCKED), or adds a shard when
# every one is held, so simultaneous writers of one table never wait for each other's commit on
# its version row; each commit still raises the sum by one, in its own transaction.
SHARDS = 64  # shard numbers 0..SHARDS-1: at most that many rows per table
_NEW_SHARD_TRIES = 3
_BUMP_FREE_SHARD = (
    f'WITH "free" AS (SELECT "shard" FROM "{VERSION_TABLE}" WHERE "name" = %(name)s '
    'ORDER BY "shard" LIMIT 1 FOR UPDATE SKIP LOCKED), '
    f'"bumped" AS (UPDATE "{VERSION_TABLE}" SET "n" = "{VERSION_TABLE}"."n" + 1 FROM "free" '
    f'WHERE "{VERSION_TABLE}"."name" = %(name)s AND "{VERSION_TABLE}"."shard" = "free"."shard" '
    "RETURNING 1), "
    f'"added" AS (INSERT INTO "{VERSION_TABLE}" ("name", "shard", "n") '
    'SELECT %(name)s, %(shard)s, 1 WHERE NOT EXISTS (SELECT 1 FROM "bumped") '
    'ON CONFLICT ("name", "shard") DO NOTHING RETURNING 1) '
    'SELECT (SELECT COUNT(*) FROM "bumped") + (SELECT COUNT(*) FROM "added")'
)
_BUMP_SINGLE = (
    f'INSERT INTO "{VERSION_TABLE}" ("name", "n") VALUES (%s, 1) '
    f'ON CONFLICT ("name") DO UPDATE SET "n" = "{VERSION_TABLE}"."n" + 1'
)
_BUMP_SHARD = (
    f'INSERT INTO "{VERSION_TABLE}" ("name", "shard", "n") VALUES (%s, %s, 1) '
    f'ON CONFLICT ("name", "shard") DO UPDATE SET "n" = "{VERSION_TABLE}"."n" + 1'
)


def _bump(connection: BaseDatabaseWrapper, names: Iterable[str]) -> None:
    """Raise each table's version by one, in sorted order. On PostgreSQL: a shard nobody holds,
    or a new one, and only when neither can be had at once, wait for shard 0. Every wait is on
    the current name, holding shards of earlier names only, so two bumps never deadlock."""
    # A cursor of its own: the write's cursor still holds its row count and RETURNING rows.
    single = getattr(connection, "pagecache_shape", "") == "single"
    with connection.cursor() as cursor:
        for name in sorted(names):
            if single:  # before core's migration 0006 (an upgrade's migrations)
                cursor.execute(_BUMP_SINGLE, [name])
            elif connection.vendor == "postgresql":
                shard = 0  # the first bump of a table creates shard 0
                for _ in range(_NEW_SHARD_TRIES):
                    cursor.execute(_BUMP_FREE_SHARD, {"name": name, "shard": shard})
                    if cursor.fetchone()[0]:
                        break
                    shard = random.randrange(1, SHARDS)
                else:
                    cursor.execute(_BUMP_SHARD, [name, 0])
            else:
                # SQLite serialises every writer: one row per table.
                cursor.execute(_BUMP_SHARD, [name, 0])


class TrackingDatabaseWrapper:
    """Mixed into the hub's database backends (sharehub.core.db): every connection tracks its
    writes, and a transaction's tables are bumped just before its COMMIT, in one sorted order.
    Bumped at each write, two transactions writing two tables in opposite orders could each hold
    one version row and wait for the other's (a deadlock across unrelated rows); and a hot
    transaction would hold its version rows for all its length, not only its commit."""

    pagecache_pending: set[str]
    execute_wrappers: list[Any]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.pagecache_pending = set()
        self.execute_wrappers.append(track)

    def _commit(self) -> Any:
        if self.pagecache_pending:
            names, self.pagecache_pending = self.pagecache_pending, set()
            if EVERYTHING in names:
                # DDL in this transaction (a migration) may have built, changed or removed the
                # version table: ask again (a migration back to core 0005 leaves the old one).
                self.pagecache_shape = ""
            if _ready(self):  # type: ignore[arg-type]
                _bump(self, names)  # type: ignore[arg-type]
        return super()._commit()  # type: ignore[misc]

    def _rollback(self) -> Any:
        self.pagecache_pending = set()
        return super()._rollback()  # type: ignore[misc]


def tracking(connection: BaseDatabaseWrapper) -> bool:
    """Whether this connection's writes move the versions (a hub backend): kept pages are served
    only then."""
    return isinstance(connection, TrackingDatabaseWrapper)


def _ready(connection: BaseDatabaseWrapper) -> bool:
    """Whether this connection's database has the version table (not while `migrate` builds a
    new one, whose statements bump "*" once it does; never the server's maintenance database, on
    which tests create and drop theirs). Asked once per connection object once it has it with
    its shards; while it has the table of core's migration 0005 (one row per table, until 0006
    rebuilds it, which keeps its versions) the bumps go there, asked again at every write."""
    if getattr(connection, "pagecache_shape", "") != "sharded":
        shape = ""
        if VERSION_TABLE in connection.introspection.table_names():
            with connection.cursor() as cursor:
                columns = connection.introspection.get_table_description(cursor, VERSION_TABLE)
            shape = "sharded" if any(column.name == "shard" for column in columns) else "single"
        connection.pagecache_shape = shape  # type: ignore[attr-defined]
    return bool(connection.pagecache_shape)  # type: ignore[attr-defined]


def _recorders() -> tuple[_Reads, ...]:
    """What records this context's reads: the page being built, the request's reads (not while
    reading the person's own data), the values being computed (`kept_value`)."""
    reading = None if _personal.get() else _reading.get()
    outer = tuple(r for r in (_building.get(), reading) if r is not None)
    return outer + _computing.get()


@contextlib.contextmanager
def personal() -> Iterator[None]:
    """Reads of the signed-in person's own data (their unread count, their roles), which the
    header shows and a kept fragment never does: fragments do not depend on them (otherwise
    every sign-in, which writes the account, would end every fragment)."""
    token = _personal.set(True)
    try:
        yield
    finally:
        _personal.reset(token)


def keeping() -> bool:
    """Whether what this context reads may be kept (a page or fragment being built): such reads
    must see every committed write (never a replica behind the primary)."""
    return bool(_recorders())


def depends_on(*models: type[Model]) -> None:
    """The page being built shows something made from these models' tables without reading them
    in this request (a table kept in Django's cache): its kept copy goes with their writes."""
    for recorder in _recorders():
        recorder.tables.update(model._meta.db_table.lower() for model in models)


def depends_on_tables(tables: Iterable[str]) -> None:
    """`depends_on` by table names: what is being built shows something kept under these tables'
    versions (a kept count), as if it had read them."""
    for recorder in _recorders():
        recorder.tables.update(tables)


def do_not_cache() -> None:
    """The page being built must not be kept (it shows something no version follows)."""
    for recorder in _recorders():
        recorder.tables.add(_NOT_CACHEABLE)


def valid_until(when: datetime | None) -> None:
    """The page being built changes by the clock alone at `when` (an event starts, a call closes):
    its kept copy lives no longer than that."""
    if when is not None:
        for recorder in _recorders():
            recorder.expires = min(recorder.expires, when.timestamp())


# --- the cache of pages ------------------------------------------------------------------


@dataclass
class _Entry:
    deps: tuple[str, ...]
    versions: tuple[int, ...]
    expires: float
    status: int
    headers: list[tuple[str, str]]
    content: bytes
    nonce: str


@dataclass
class _Reads:
    """What has been read since `versions` were read: its tables, and until when it holds."""

    versions: dict[str, int]
    expires: float
    tables: set[str] = field(default_factory=set)


@dataclass
class _Miss(_Reads):
    """A page being built: the versions read before, the tables read so far, its expiry."""

    key: str = ""
    token: contextvars.Token | None = None


@dataclass
class _Value:
    deps: tuple[str, ...]
    versions: tuple[int, ...]
    expires: float
    value: Any


@dataclass
class _Fragment:
    deps: tuple[str, ...]
    versions: tuple[int, ...]
    expires: float
    content: str
    nonce: str


def _store() -> Any:
    try:
        return caches["pages"]
    except InvalidCacheBackendError:
        return caches["default"]


def _value_store() -> Any:
    """Kept values apart from the pages (settings.CACHES), or with them where there is no such
    cache."""
    try:
        return caches["values"]
    except InvalidCacheBackendError:
        return _store()


def table_versions(tables: Iterable[str]) -> dict[str, int]:
    """The current versions of these tables (db_table names; one never written is absent, read it
    as 0), for a cache of anything computed from them (opendata's indicator tables)."""
    return _versions(tables)


def request_versions(tables: Iterable[str]) -> dict[str, int]:
    """`table_versions` as of this request's start when it is a kept view's (its middleware read
    every table's versions before the view ran: no query), else read now. For a cache of things
    computed from these tables after this call (opendata's indicator tables): what is computed
    then holds every write these versions count, so it is never kept under versions newer than
    its data."""
    return _versions_now(list(tables))


def _versions(names: Iterable[str] | None = None) -> dict[str, int]:
    """The current versions of these tables (all of them when None); a table never written is 0.
    A version is the sum of the table's shards, read in one query (one snapshot)."""
    table = VERSION_TABLE
    total = 'CAST(SUM("n") AS BIGINT)'
    with connections["default"].cursor() as cursor:
        if names is None:
            cursor.execute(f'SELECT "name", {total} FROM "{table}" GROUP BY "name"')
        else:
            names = list(names)
            marks = ", ".join(["%s"] * len(names))
            cursor.execute(
                f'SELECT "name", {total} FROM "{table}" WHERE "name" IN ({marks}) GROUP BY "name"',
                names,
            )
        return dict(cursor.fetchall())


def uncommitted(tables: Iterable[str], using: str = "default") -> bool:
    """Whether this connection has written one of these tables in a transaction not yet
    committed (its versions move at the commit): its own reads see those writes, nobody else's
    do, so a page built from them is not kept and a kept one is not served."""
    pending: set[str] = getattr(connections[using], "pagecache_pending", set())
    return bool(pending) and (EVERYTHING in pending or not pending.isdisjoint(tables))


def tables_read(sql: str) -> set[str]:
    """The tables a query reads (`FROM`, `JOIN`, subqueries included), lower case."""
    return set(_read_tables(sql))


def sharded(connection: BaseDatabaseWrapper) -> bool:
    """Whether this connection's writes move versions kept by shard (`core_pageversion` with its
    `shard` column, core's migration 0006): what `shard_versions` reads."""
    return tracking(connection) and _ready(connection) and connection.pagecache_shape == "sharded"  # type: ignore[attr-defined]


def shard_versions(rows: Iterable[tuple[str, int, int]]) -> str:
    """The versions of some tables, shard by shard, as one text (from the (name, shard, n) rows
    of `VERSION_TABLE`): equal only when exactly the same commits have written those tables. A version's sum
    cannot tell which: on a replica, commits that bump different shards of a table at the same
    moment may become visible in another order than on the primary; each shard's commits
    cannot (the shard's row lock orders them)."""
    return ";".join(f"{name}:{shard}:{n}" for name, shard, n in sorted(rows))


def _may_keep(request: HttpRequest) -> bool:
    """Whether this request's page or its fragments may be kept."""
    return (
        request.method == "GET"
        and settings.PAGE_CACHE_SECONDS > 0
        and tracking(connections["default"])
    )


def _eligible(request: HttpRequest) -> bool:
    """Whether this request may be answered with a kept page (an anonymous visitor's)."""
    cookies = request.COOKIES
    return (
        _may_keep(request)
        and settings.SESSION_COOKIE_NAME not in cookies
        and "messages" not in cookies
        and "HTTP_AUTHORIZATION" not in request.META
    )


def _key(request: HttpRequest) -> str:
    parts = [
        request.scheme or "",
        request.get_host(),
        request.get_full_path(),
        getattr(request, "LANGUAGE_CODE", ""),
        *(request.headers.get(name, "") for name in VARYING_HEADERS),
    ]
    return "page:" + hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _nonce_used(request: HttpRequest) -> str:
    nonce = getattr(request, "_csp_nonce", None)
    if nonce is None or getattr(nonce, "_wrapped", empty) is empty:
        return ""
    return str(nonce)


def _varies_only_by_key(response: HttpResponse) -> bool:
    """A response that varies by a request header the key does not hold cannot be kept."""
    known = {name.lower() for name in VARYING_HEADERS} | {"cookie", "accept-language"}
    varies = {name.strip().lower() for name in response.get("Vary", "").split(",") if name.strip()}
    return varies <= known


def _keepable(request: HttpRequest, response: HttpResponse) -> bool:
    session = getattr(request, "session", None)
    messages = getattr(request, "_messages", None)
    cache_control = response.get("Cache-Control", "")
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and _varies_only_by_key(response)
        and "private" not in cache_control
        and "no-store" not in cache_control
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not (session is not None and session.modified)
        and not (messages is not None and getattr(messages, "added_new", False))
    )


class PageCacheMiddleware:
    """Serves and keeps the pages of settings.PAGE_CACHE_VIEWS (see the module's docstring).
    Last in MIDDLEWARE: a kept page still passes every other middleware on its way out (security
    headers, the CSP with this answer's nonce, the language)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self.views = frozenset(settings.PAGE_CACHE_VIEWS)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            response = self.get_response(request)
        finally:
            state: _Miss | None = getattr(request, "_page_cache", None)
            if state is not None and state.token is not None:
                _building.reset(state.token)
            reading: contextvars.Token | None = getattr(request, "_page_reads_token", None)
            if reading is not None:
                _reading.reset(reading)
        if state is not None:
            self._keep(request, response, state)
            response["X-Page-Cache"] = "miss"
        return response

    def process_view(
        self, request: HttpRequest, view_func: Callable, view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        match = request.resolver_match
        if match is None or match.view_name not in self.views or not _may_keep(request):
            return None
        now = time.time()
        reads: _Reads
        if _eligible(request):
            key = _key(request)
            entry: _Entry | None = _store().get(key)
            if entry is not None and entry.expires > now and not uncommitted(entry.deps):
                current = _versions(entry.deps)
                if tuple(current.get(name, 0) for name in entry.deps) == entry.versions:
                    return _answer(request, entry)
            # Versions read before the page is built: a write committed meanwhile makes it stale.
            state = _Miss(key=key, versions=_versions(), expires=now + settings.PAGE_CACHE_SECONDS)
            state.token = _building.set(state)
            request._page_cache = state  # type: ignore[attr-defined]
            reads = state
        elif connections["default"].pagecache_pending:  # type: ignore[attr-defined]
            # Its own uncommitted writes: no fragment of this request would be kept.
            return None
        else:
            # A signed-in person's page is built each time, its kept fragments with it.
            reads = _Reads(versions=_versions(), expires=now + settings.PAGE_CACHE_SECONDS)
        request._page_reads = reads  # type: ignore[attr-defined]
        request._page_reads_token = _reading.set(reads)  # type: ignore[attr-defined]
        return None

    def _keep(self, request: HttpRequest, response: HttpResponse, state: _Miss) -> None:
        tables = state.tables
        if _NOT_CACHEABLE in tables or uncommitted(tables) or not _keepable(request, response):
            return
        deps = tuple(sorted((tables - _ignored_tables()) | {EVERYTHING}))
        entry = _Entry(
            deps=deps,
            versions=tuple(state.versions.get(name, 0) for name in deps),
            expires=state.expires,
            status=response.status_code,
            headers=list(response.items()),
            content=response.content,
            nonce=_nonce_used(request),
        )
        timeout = max(1, int(state.expires - time.time()))
        _store().set(state.key, entry, timeout)


def _answer(request: HttpRequest, entry: _Entry) -> HttpResponse:
    content = entry.content
    if entry.nonce:
        # A nonce must never be reused: this answer gets its own, in the page and in the header
        # ContentSecurityPolicyMiddleware adds on the way out.
        content = content.replace(entry.nonce.encode(), str(request._csp_nonce).encode())  # type: ignore[attr-defined]
    response = HttpResponse(content, status=entry.status)
    for name, value in entry.headers:
        response[name] = value
    patch_vary_headers(response, ("Cookie",))
    response["X-Page-Cache"] = "hit"
    return response


# --- kept fragments ------------------------------------------------------------------------


def kept_fragment(request: HttpRequest, name: str, render: Callable[[], str], *vary: object) -> str:
    """A part of a page that is the same for everybody, rendered once and kept like a page.

    For the parts of a page that show no one's own data (a list's cards, a filter form, charts),
    on pages signed-in people see too: `{% kept "name" %}...{% endkept %}` (core/templatetags/
    kept.py). The key is the page's (scheme, host, path with query, language, htmx headers), the
    name and `vary`; nothing about the person, so a fragment must show nothing of theirs.

    It depends on every table the request read before and while rendering it (what the view read
    and passed in is part of what it shows), with the versions read before the view ran; a hit
    adds its tables to the page around it. Rendered in a request whose page may not be kept
    (`settings.PAGE_CACHE_VIEWS`), with writes of its own not yet committed, or when it used a
    CSRF token or something no version follows (`do_not_cache`), it is rendered and not kept.
    """
    reads: _Reads | None = getattr(request, "_page_reads", None)
    if reads is None or _reading.get() is not reads or connections["default"].pagecache_pending:  # type: ignore[attr-defined]
        return render()
    parts = [_key(request), name, *(str(value) for value in vary)]
    key = "fragment:" + hashlib.sha256("\n".join(parts).encode()).hexdigest()
    store = _store()
    entry: _Fragment | None = store.get(key)
    if entry is not None and _current(entry.deps, entry.versions, entry.expires):
        if entry.nonce:
            return entry.content.replace(entry.nonce, str(request._csp_nonce))  # type: ignore[attr-defined]
        return entry.content
    # A CSRF token in a fragment would be served to others: get_token() sets this flag.
    meta = request.META
    csrf_before = meta.get("CSRF_COOKIE_NEEDS_UPDATE", False)
    meta["CSRF_COOKIE_NEEDS_UPDATE"] = False
    try:
        content = render()
    finally:
        csrf_used = bool(meta.get("CSRF_COOKIE_NEEDS_UPDATE"))
        meta["CSRF_COOKIE_NEEDS_UPDATE"] = bool(csrf_before) or csrf_used
    tables = set(reads.tables)
    if csrf_used or _NOT_CACHEABLE in tables or uncommitted(tables):
        return content
    nonce = _nonce_used(request)
    deps = tuple(sorted((tables - _ignored_tables()) | {EVERYTHING}))
    fragment = _Fragment(
        deps=deps,
        versions=tuple(reads.versions.get(table, 0) for table in deps),
        expires=reads.expires,
        content=content,
        nonce=nonce if nonce and nonce in content else "",
    )
    store.set(key, fragment, max(1, int(reads.expires - time.time())))
    return content


def _versions_now(deps: Iterable[str]) -> dict[str, int]:
    """The versions to check something kept against: in a request of a kept view, those its
    middleware read as the view began (of every table), so the page is served as of that moment,
    as a kept page checked on arrival is, with one query for all its fragments and values; a
    write committed since then shows from the next request on. Elsewhere, read now."""
    reads = _reading.get()
    return reads.versions if reads is not None else _versions(deps)


def _current(deps: tuple[str, ...], versions: tuple[int, ...], expires: float) -> bool:
    """Whether something kept with these versions of its tables may still be used."""
    if expires <= time.time():
        return False
    current = _versions_now(deps)
    if tuple(current.get(table, 0) for table in deps) != versions:
        return False
    for recorder in _recorders():
        # What is built around it depends on what it was made from.
        recorder.tables.update(deps)
        recorder.expires = min(recorder.expires, expires)
    return True


def kept_value[T](key: str, compute: Callable[[], T], *, shared: bool = False) -> T:
    """`compute()`, kept (in the "pages" cache) until a write to a table it read, or
    `PAGE_CACHE_SECONDS`: for what every page of a signed-in person computes the same way (the
    header's staff workspace link). `key` must hold everything the value depends on that is not
    read from the database in `compute` (the person, their role flags). Its reads are the
    person's own (`personal`): a kept fragment must not show it.

    `shared`: what the page shows everybody, whoever asks (a detail page's row, its permission
    checked on each request): its reads are the request's, as if it had read them itself, so
    the page and the fragments built from it go with its tables, read or found kept."""
    connection = connections["default"]
    if (
        settings.PAGE_CACHE_SECONDS <= 0 or not tracking(connection) or connection.pagecache_pending  # type: ignore[attr-defined]
    ):
        return compute()
    store = _value_store()
    cache_key = "value:" + hashlib.sha256(key.encode()).hexdigest()
    entry: _Value | None = store.get(cache_key)
    with contextlib.nullcontext() if shared else personal():
        if entry is not None and _current(entry.deps, entry.versions, entry.expires):
            return entry.value
        # As the request began, if it is a kept view's: a write committed since then makes the
        # value stale, never "fresh with old data".
        reads = _reading.get()
        recorder = _Reads(
            versions=reads.versions if reads is not None else _versions(),
            expires=time.time() + settings.PAGE_CACHE_SECONDS,
        )
        token = _computing.set((*_computing.get(), recorder))
        try:
            value = compute()
        finally:
            _computing.reset(token)
    # A shared value that is nothing (a detail page's missing row) is not kept: a client asking
    # for many addresses that do not exist would push everyone's kept values out.
    if shared and value is None:
        return value
    if _NOT_CACHEABLE not in recorder.tables and not uncommitted(recorder.tables):
        deps = tuple(sorted((recorder.tables - _ignored_tables()) | {EVERYTHING}))
        kept = _Value(
            deps, tuple(recorder.versions.get(t, 0) for t in deps), recorder.expires, value
        )
        store.set(cache_key, kept, max(1, int(recorder.expires - time.time())))
    return value


def detail_row[T](key: str, read: Callable[[], T], *, kept: bool) -> T:
    """A detail page's row: `read()`, or when `kept` the row as kept between requests until a
    write to a table it was read from (`kept_value(shared=True)`: the event's, listing's and
    article's pages; their editors, their writes and the API read it fresh). Whoever asks, the
    caller checks the actor on the row on every request."""
    return kept_value(key, read, shared=True) if kept else read()


def when_shown[T](compute: Callable[[], T]) -> T:
    """What `compute()` returns, computed the first time something reads it: for what a view
    reads only to show inside a kept fragment (a list's page of results). When the fragment is
    served kept, its reads never happen; when it is rendered, they are the fragment's. Several
    values from one computation: `functools.cache` it, and give each its own `when_shown`."""
    return cast(T, SimpleLazyObject(compute))
