"""Row locks taken one way everywhere (after pretix's `lock_objects`).

A service that changes a counted or exclusive thing (seats, budgets, a state machine) locks the
parent rows first, inside its transaction, in a fixed order (model label, then primary key), so two
services locking the same rows can never deadlock. On PostgreSQL a lock that waits longer than the
timeout fails instead of piling up requests; SQLite's write transactions are IMMEDIATE (see
settings), so the whole database is already serialised and `select_for_update` is a no-op there.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import OperationalError, connection, models, transaction

LOCK_TIMEOUT_MS = 10_000
LOCK_NOT_AVAILABLE = "55P03"  # PostgreSQL's SQLSTATE for a refused NOWAIT (and a lock timeout)


class LockOutsideTransaction(RuntimeError):
    """A lock taken outside a transaction would be released at once: a programming error."""


class RowBusy(Exception):
    """`nowait`: another transaction holds the row. PostgreSQL has aborted the transaction,
    which the caller leaves (its `atomic` rolls back) before doing anything else."""


def _require_transaction() -> None:
    if not transaction.get_connection().in_atomic_block:
        raise LockOutsideTransaction("lock() must run inside transaction.atomic()")


def _timeout_sql(value: str) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL lock_timeout = {value}")


def lock_rows[M: models.Model](
    model: type[M], pks: Iterable[int], *, last: bool = False, nowait: bool = False
) -> dict[int, M]:
    """Lock rows of one model by primary key, in key order; the fresh rows by key.

    Missing rows are simply absent from the result. `last`: the transaction takes no other
    lock after these, so the timeout is left on for its rest instead of reset (one round trip
    fewer while the rows are held: a rush queues on them). `nowait`: raise `RowBusy` at once
    instead of waiting when another transaction holds one of them (PostgreSQL's NOWAIT).
    """
    _require_transaction()
    keys = sorted(set(pks))
    if not keys:
        return {}
    rows = model._default_manager.select_for_update(of=("self",), nowait=nowait)
    rows = rows.filter(pk__in=keys).order_by("pk")
    if nowait:
        try:
            return {row.pk: row for row in rows}
        except OperationalError as error:
            if getattr(error.__cause__, "sqlstate", None) == LOCK_NOT_AVAILABLE:
                raise RowBusy(model._meta.label) from error
            raise
    _timeout_sql(str(LOCK_TIMEOUT_MS))
    found = {row.pk: row for row in rows}
    if not last:
        # Only after success: a timeout aborts the transaction, which ends the setting with it.
        _timeout_sql("DEFAULT")
    return found


def share_pk[M: models.Model](model: type[M], pk: int) -> M:
    """Lock a row by primary key against change (PostgreSQL's FOR SHARE) and return it freshly
    read (raises model.DoesNotExist if there is none). Any number of transactions may hold it
    at once; one that locks or changes the row (`lock`, an UPDATE) waits for all of them, and
    they for it. For what needs the row to stay as read without excluding others who need the
    same (a registration for a full event joins the waitlist). The transaction takes no other
    lock after it (`last`, as in `lock_rows`). SQLite serialises writers: a plain read."""
    _require_transaction()
    manager = model._default_manager
    if connection.vendor != "postgresql":
        return manager.get(pk=pk)
    _timeout_sql(str(LOCK_TIMEOUT_MS))
    table = connection.ops.quote_name(model._meta.db_table)
    column = connection.ops.quote_name(str(model._meta.pk.column))
    rows = list(manager.raw(f"SELECT * FROM {table} WHERE {column} = %s FOR SHARE", [pk]))
    if not rows:
        raise model.DoesNotExist(f"{model._meta.label} {pk} does not exist")  # type: ignore[attr-defined]
    return rows[0]


def lock_only[M: models.Model](
    model: type[M], pk: int, fields: Sequence[str], *, shared: bool = False
) -> M:
    """Lock a row by primary key, alone (FOR UPDATE) or shared (FOR SHARE, as `share_pk`), and
    return it with only these fields read, the others deferred (read on access, as `.only()`):
    for a hot row a rush queues on, whose holder needs a few columns (building the query and a
    whole event were a fifth of a registration's function calls). On PostgreSQL one statement
    sets the lock's timeout and takes it (`set_config` in the row's filter runs on the row
    before it is locked), a round trip fewer; the transaction takes no other lock after it (as
    `last`). Raises model.DoesNotExist if there is no row. SQLite serialises writers: a plain
    read."""
    _require_transaction()
    manager = model._default_manager
    if connection.vendor != "postgresql":
        return manager.only(*fields).get(pk=pk)
    meta = model._meta
    wanted = {meta.pk.attname, *(meta.get_field(name).attname for name in fields)}  # type: ignore[union-attr]
    # In the model's order: Model.from_db places the values by it.
    columns = [field for field in meta.concrete_fields if field.attname in wanted]
    quote = connection.ops.quote_name
    sql = (
        f"SELECT {', '.join(quote(str(field.column)) for field in columns)}"
        f" FROM {quote(meta.db_table)} WHERE {quote(str(meta.pk.column))} = %s"
        " AND set_config('lock_timeout', %s, true) IS NOT NULL"
        f" FOR {'SHARE' if shared else 'UPDATE'}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [pk, str(LOCK_TIMEOUT_MS)])
        row = cursor.fetchone()
    if row is None:
        raise model.DoesNotExist(f"{meta.label} {pk} does not exist")  # type: ignore[attr-defined]
    values = []
    for field, value in zip(columns, row, strict=True):
        col = field.get_col(meta.db_table)
        for convert in connection.ops.get_db_converters(col) + col.get_db_converters(connection):
            value = convert(value, col, connection)
        values.append(value)
    return model.from_db(connection.alias, [str(field.attname) for field in columns], values)


def lock[M: models.Model](obj: M) -> M:
    """Lock one saved object's row and return it freshly read (raises DoesNotExist if it is gone)."""
    return lock_pk(type(obj), obj.pk)


def lock_pk[M: models.Model](
    model: type[M], pk: int, *, last: bool = False, nowait: bool = False
) -> M:
    """Lock a row by primary key and return it (raises model.DoesNotExist if there is none).
    `last`, `nowait`: see `lock_rows`."""
    found = lock_rows(model, [pk], last=last, nowait=nowait)
    if pk not in found:
        # Django's metaclass gives every concrete model its own DoesNotExist; the stubs cannot know.
        raise model.DoesNotExist(f"{model._meta.label} {pk} does not exist")  # type: ignore[attr-defined]
    return found[pk]


def lock_objects(*objects: models.Model) -> list[models.Model]:
    """Lock several rows, possibly of several models, in one fixed order (model label, then key).

    Returns the fresh objects in the order given. Lock parents before children by passing them
    together here rather than in two calls whose order could differ between services.
    """
    by_model: dict[str, tuple[type[models.Model], set[int]]] = {}
    for obj in objects:
        model = type(obj)
        by_model.setdefault(model._meta.label, (model, set()))[1].add(obj.pk)
    fresh: dict[tuple[str, int], models.Model] = {}
    for label in sorted(by_model):
        model, pks = by_model[label]
        for pk, row in lock_rows(model, pks).items():
            fresh[(label, pk)] = row
    result = []
    for obj in objects:
        key = (obj._meta.label, obj.pk)
        if key not in fresh:
            raise type(obj).DoesNotExist(f"{key[0]} {key[1]} does not exist")  # type: ignore[attr-defined]
        result.append(fresh[key])
    return result
