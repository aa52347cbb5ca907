"""The hub's one mail engine: every e-mail leaves through here, exactly once.

Two streams use it: the outbox (`notifications.OutboundEmail`, one row per mail, one task per row)
and newsletter campaigns (`newsletters.Delivery`, one row per recipient, sent in batches over one
connection). Both rows carry the same sending columns (`status` with the values of `MailStatus`,
`attempts`, `next_attempt_at`, `claimed_by`, `claimed_at`, `sent_at`, `last_error`) and the engine
works on any model that has them; the streams keep what is theirs (what to send, to whom, how it
is rendered, what a campaign's state is).

1. `claim(model, where=, worker=, size=, lease=)`: rows that are queued (and due), or 'sending'
   under a claim older than the lease (a dead worker's), are switched to 'sending' and claimed by
   this worker, with SELECT … FOR UPDATE SKIP LOCKED on PostgreSQL (SQLite serialises the write
   transaction): two workers never hold one row.
2. `send_claimed(transport, model, pk, worker=, mail=)`: one mail over the `SmtpTransport` (one
   SMTP connection driven command by command: MAIL, RCPT, DATA), marked 'sent' by
   `mark_sent_then` *before* the content and the final "." are written, in the same breath.
3. `record_failure(...)`: the retry policy, one for both streams: back to 'queued' with
   `next_attempt_at` (`retry_delay`: 2, 4, 8, 16 … minutes), or 'failed' after the last attempt
   or a permanent refusal. `release(model, pks, worker=)` puts back what a worker still holds.

Guarantee: a row that a worker failed to mark never had its "." sent, so a crash before the mark
loses nothing (the server drops an unfinished DATA) and the row is claimed again after the lease;
a crash after the mark has the "." in the socket or already accepted, so nothing is sent twice.
Two workers cannot both mark one row (the UPDATE is conditional on the claim). What remains is a
window of a few microseconds of CPU between the two writes: a worker killed exactly there records
one mail as sent that the server never accepted (at most once, never twice). A refusal after "."
(rare: most servers refuse at RCPT) puts the row back with back-off, or fails it. With a mailer
that is not SMTP (locmem in tests, console) the row is marked, then the message handed over.
"""

from __future__ import annotations

import contextlib
import email
import email.policy
import logging
import os
import select
import smtplib
import socket
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import Enum
from typing import Any

from django.core.mail import EmailMessage, mailers
from django.db import connection, models, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from psycopg import pq, sql

logger = logging.getLogger(__name__)

#: A claim older than this is a dead worker's: its rows are claimed again (their "." never left).
LEASE = timedelta(minutes=10)
#: The longest wait between two attempts, however many failed before.
MAX_RETRY_DELAY = timedelta(hours=6)

Settle = Callable[[], None]
MarkSent = Callable[[Callable[[], None]], Settle | None]


class MailStatus(models.TextChoices):
    """The sending states every mail row goes through (a stream may add its own, e.g. skipped)."""

    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


def new_worker_id() -> str:
    """Who holds a claim: host, process and a random part (a process may run several senders)."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


# --- 1. claiming ---------------------------------------------------------------------------


def claim(
    model: type[models.Model],
    *,
    where: Q,
    worker: str,
    size: int,
    lease: timedelta = LEASE,
    due_only: bool = True,
    count_attempt: bool = False,
) -> list[int]:
    """Claim up to `size` rows matching `where` for `worker`, in key order; their keys.

    Claimable: queued (and due unless `due_only` is False: a deferred retry task may run a moment
    early), or 'sending' under a claim older than `lease`. `count_attempt` adds one to `attempts`
    (the outbox counts tries; deliveries count failures, see `record_failure`).
    """
    now = timezone.now()
    claimable = Q(status=MailStatus.QUEUED)
    if due_only:
        claimable &= Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    claimable |= Q(status=MailStatus.SENDING, claimed_at__lt=now - lease)
    with transaction.atomic():
        # A queue claim, not a lock held for work: SKIP LOCKED lets parallel workers pass each other.
        ids = list(
            model._default_manager.select_for_update(skip_locked=True)
            .filter(claimable, where)
            .order_by("pk")
            .values_list("pk", flat=True)[:size]
        )
        if ids:
            updates: dict[str, Any] = {
                "status": MailStatus.SENDING,
                "claimed_at": now,
                "claimed_by": worker,
            }
            if count_attempt:
                updates["attempts"] = F("attempts") + 1
            model._default_manager.filter(pk__in=ids).update(**updates)
    return ids


def release(model: type[models.Model], pks: list[int], *, worker: str) -> int:
    """Put back to the queue what `worker` still holds of `pks` (its connection broke, it stops)."""
    return model._default_manager.filter(
        pk__in=pks, status=MailStatus.SENDING, claimed_by=worker
    ).update(status=MailStatus.QUEUED, claimed_by="", claimed_at=None)


# --- 2. the exactly-once mark --------------------------------------------------------------

MARK_SENT_SQL = (
    "UPDATE {table} SET status = %s, sent_at = %s, next_attempt_at = NULL, last_error = ''"
    " WHERE {pk} = %s AND status = %s AND claimed_by = %s"
)


def mark_sent_then(
    model: type[models.Model], pk: int, *, worker: str, then: Callable[[], None]
) -> Settle | None:
    """Commit 'sent' for a row `worker` still holds and call `then` (which writes the mail's
    content and final "."), so that the mark and the "." leave together; None when the row is no
    longer this worker's (nothing is written then). Otherwise returns the callable that waits for
    the commit's answer: the caller calls it after reading the SMTP server's reply, so the two
    waits overlap.

    This is the one place that drives the database driver directly. On PostgreSQL outside a
    transaction (a worker), BEGIN and the conditional UPDATE go in one round trip, then COMMIT is
    written and `then` called *before* the COMMIT's answer is read (libpq's asynchronous send on
    Django's own connection, left idle afterwards): a kill finds both writes in the kernel's buffers
    or neither, and the database's WAL flush overlaps the mail server's work. Elsewhere (SQLite,
    where a commit is a local call of microseconds; or inside a transaction, as in tests) a plain
    conditional UPDATE, then `then`.
    """
    table = model._meta.db_table
    pk_column = str(model._meta.pk.column)
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        return _pg_commit_then(table, pk_column, pk, worker, then)
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:  # plain SQL: this runs once per mail
        cursor.execute(
            MARK_SENT_SQL.format(table=quote(table), pk=quote(pk_column)),
            [
                MailStatus.SENT.value,
                connection.ops.adapt_datetimefield_value(timezone.now()),
                pk,
                MailStatus.SENDING.value,
                worker,
            ],
        )
        marked = cursor.rowcount == 1
    if not marked:
        return None
    then()
    return _settled


def _settled() -> None:
    return None


def _pg_send(pgconn: Any, query: bytes) -> None:
    pgconn.send_query(query)
    while pgconn.flush():
        select.select([], [pgconn.socket], [])


def _pg_results(pgconn: Any) -> list[Any]:
    results: list[Any] = []
    while True:
        while pgconn.is_busy():
            select.select([pgconn.socket], [], [])
            pgconn.consume_input()
        result = pgconn.get_result()
        if result is None:
            return results
        results.append(result)


def _pg_commit_then(
    table: str, pk_column: str, pk: int, worker: str, then: Callable[[], None]
) -> Settle | None:
    """`mark_sent_then` on PostgreSQL (simple query protocol on Django's autocommit connection)."""
    connection.ensure_connection()
    raw = connection.connection
    pgconn = raw.pgconn
    query = sql.SQL(
        "BEGIN; UPDATE {table} SET status = {sent}, sent_at = now(), next_attempt_at = NULL,"
        " last_error = ''"
        " WHERE {pk} = {id} AND status = {sending} AND claimed_by = {worker}"
    ).format(
        table=sql.Identifier(table),
        pk=sql.Identifier(pk_column),
        sent=sql.Literal(MailStatus.SENT.value),
        id=sql.Literal(int(pk)),
        sending=sql.Literal(MailStatus.SENDING.value),
        worker=sql.Literal(worker),
    )
    _pg_send(pgconn, query.as_bytes(raw))
    results = _pg_results(pgconn)
    ok = len(results) == 2 and all(r.status == pq.ExecStatus.COMMAND_OK for r in results)
    if not ok or results[-1].command_tuples != 1:
        _pg_send(pgconn, b"ROLLBACK")
        _pg_results(pgconn)
        if not ok:
            raise OSError(f"marking the mail sent failed: {[r.error_message for r in results]!r}")
        return None
    _pg_send(pgconn, b"COMMIT")
    then()

    def settle() -> None:
        failed = [
            r.error_message for r in _pg_results(pgconn) if r.status != pq.ExecStatus.COMMAND_OK
        ]
        if failed:
            raise OSError(f"commit failed: {failed!r}")

    return settle


# --- the SMTP transport --------------------------------------------------------------------


class PermanentRefusal(Exception):
    """A 5xx answer: sending this mail again would be refused again."""

    def __init__(self, code: int, reply: bytes, *, at_recipient: bool) -> None:
        super().__init__(f"{code} {reply[:200]!r}")
        self.at_recipient = at_recipient


class TemporaryRefusal(Exception):
    """A 4xx answer or a broken connection: worth another attempt later."""


class ClaimLost(Exception):
    """Another worker took the row (our lease ran out): this mail is theirs."""


def _refusal(code: int, reply: bytes, *, at_recipient: bool = False) -> Exception:
    if 500 <= code < 600:
        return PermanentRefusal(code, reply, at_recipient=at_recipient)
    return TemporaryRefusal(f"{code} {reply[:200]!r}")


@dataclass
class OutgoingMail:
    """One mail as the transport sends it: the envelope and the whole message as CRLF bytes.

    `message` is what a mailer that is not SMTP receives (locmem in tests, console); None means a
    message rebuilt from `content`.
    """

    sender: str
    recipients: list[str]
    content: bytes
    message: EmailMessage | None = field(default=None)


class RawEmail(EmailMessage):
    """Prepared bytes as a message, for the mailers that are not SMTP."""

    def __init__(self, content: bytes, sender: str, recipients: list[str]) -> None:
        super().__init__(from_email=sender, to=recipients)
        self.content = content

    def message(self, **kwargs: Any) -> Any:
        return email.message_from_bytes(self.content, policy=email.policy.default)


class SmtpTransport:
    """One SMTP connection of the configured mailer, driven command by command."""

    def __init__(self) -> None:
        self.backend: Any = mailers.default
        self.connection: smtplib.SMTP | None = None

    @property
    def is_smtp(self) -> bool:
        return hasattr(self.backend, "connection") and hasattr(self.backend, "use_tls")

    def outgoing(self, message: EmailMessage) -> OutgoingMail:
        """A Django message as the transport sends it (addresses checked as Django's SMTP mailer does)."""
        if not self.is_smtp:
            return OutgoingMail(
                sender=message.from_email,
                recipients=list(message.recipients()),
                content=b"",
                message=message,
            )
        return OutgoingMail(
            sender=self.backend.prep_address(message.from_email),
            recipients=[self.backend.prep_address(addr) for addr in message.recipients()],
            content=message.message(policy=email.policy.SMTP).as_bytes(),
            message=message,
        )

    def open(self) -> smtplib.SMTP:
        if self.connection is None:
            self.backend.open()
            connection: smtplib.SMTP = self.backend.connection
            if connection.sock is None:
                raise smtplib.SMTPServerDisconnected("no connection to the mail server")
            # The "." must leave at once, not wait for the server's delayed ACK (Nagle).
            connection.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            connection.ehlo_or_helo_if_needed()
            self.connection = connection
        return self.connection

    def close(self) -> None:
        if self.connection is not None:
            with contextlib.suppress(Exception):  # a broken connection is closed anyway
                self.backend.close()
        self.connection = None

    def send(self, mail: OutgoingMail, *, mark_sent: MarkSent) -> None:
        """Send one mail. `mark_sent(then)` marks the row 'sent', calls `then` (which writes the
        content and the final ".") and returns the callable that settles the mark, or None when
        the claim was lost (`ClaimLost` is raised, nothing was written)."""
        if not self.is_smtp:
            settle = mark_sent(_settled)
            if settle is None:
                raise ClaimLost
            settle()
            self.backend.send_messages(
                [mail.message or RawEmail(mail.content, mail.sender, mail.recipients)]
            )
            return
        conn = self.open()
        sock = conn.sock
        if sock is None:
            raise smtplib.SMTPServerDisconnected("no connection to the mail server")
        code, reply = conn.mail(mail.sender)
        if code != 250:
            conn.rset()
            raise _refusal(code, reply)
        for recipient in mail.recipients:
            code, reply = conn.rcpt(recipient)
            if code not in (250, 251):
                conn.rset()
                raise _refusal(code, reply, at_recipient=True)
        code, reply = conn.docmd("data")
        if code != 354:
            conn.rset()
            raise _refusal(code, reply)
        data = smtplib._quote_periods(mail.content)  # type: ignore[attr-defined]  # smtplib's own dot-stuffing
        if not data.endswith(b"\r\n"):
            data += b"\r\n"
        write_error: list[OSError] = []

        def finish_data() -> None:
            # The content and the final "." leave in one write, right after the mark.
            try:
                sock.sendall(data + b".\r\n")
            except OSError as error:  # smtplib.SMTPServerDisconnected is an OSError too
                write_error.append(error)

        settle = mark_sent(finish_data)
        if settle is None:
            self.close()  # the server drops a mail whose DATA never ended
            raise ClaimLost
        try:
            if write_error:
                raise TemporaryRefusal(
                    f"connection lost before the end of the mail: {write_error[0]}"
                )
            try:
                code, reply = conn.getreply()
            except OSError:
                # The server may have accepted it: it stays 'sent' (never twice).
                self.close()
                return
            if code != 250:
                raise _refusal(code, reply)
        finally:
            settle()


# --- sending one claimed mail --------------------------------------------------------------


class Outcome(Enum):
    SENT = "sent"
    LOST = "lost"  # another worker holds the row now
    REFUSED = "refused"  # for good (5xx)
    FAILED = "failed"  # for now (4xx, a broken connection)


@dataclass
class Result:
    outcome: Outcome
    error: str = ""
    hard_bounce: bool = False  # refused for good at RCPT: the address does not exist


def send_claimed(
    transport: SmtpTransport, model: type[models.Model], pk: int, *, worker: str, mail: OutgoingMail
) -> Result:
    """Send one mail whose row `worker` has claimed, marking the row 'sent' as the "." leaves
    (`mark_sent_then`). What went wrong is returned, for `record_failure`; the row is not touched
    then. After a broken connection the transport is closed (the next mail opens a new one)."""

    def mark_sent(then: Callable[[], None]) -> Settle | None:
        return mark_sent_then(model, pk, worker=worker, then=then)

    try:
        transport.send(mail, mark_sent=mark_sent)
    except ClaimLost:
        transport.close()
        return Result(Outcome.LOST)
    except PermanentRefusal as error:
        return Result(Outcome.REFUSED, str(error), hard_bounce=error.at_recipient)
    except ValueError as error:  # an address Django's mailer refuses to put on the wire
        return Result(Outcome.REFUSED, f"{type(error).__name__}: {error}")
    except (TemporaryRefusal, smtplib.SMTPException, OSError) as error:
        transport.close()
        return Result(Outcome.FAILED, f"{type(error).__name__}: {error}")
    return Result(Outcome.SENT)


# --- 3. the retry policy -------------------------------------------------------------------


def retry_delay(failures: int) -> timedelta:
    """Exponential back-off: 2, 4, 8, 16 … minutes after the 1st, 2nd, 3rd, 4th failure."""
    return min(timedelta(minutes=2**failures), MAX_RETRY_DELAY)


def next_attempt_at(
    *, failures: int, max_attempts: int, permanent: bool = False
) -> datetime | None:
    """When to try again after the `failures`-th failure; None: give up (mark it failed)."""
    if permanent or failures >= max_attempts:
        return None
    return timezone.now() + retry_delay(failures)


def record_failure(
    model: type[models.Model],
    pk: int,
    *,
    worker: str,
    error: str,
    failures: int,
    max_attempts: int,
    permanent: bool = False,
    count_failure: bool = False,
) -> bool | None:
    """A claimed mail was not sent: back to 'queued' until `next_attempt_at`, or 'failed' after
    the last attempt or a permanent refusal, with `error` kept for staff. `failures` counts this
    one; `count_failure` adds it to `attempts` (deliveries count failures there). True: it will
    be retried; False: it failed for good; None: the row was no longer this worker's."""
    retry_at = next_attempt_at(failures=failures, max_attempts=max_attempts, permanent=permanent)
    limit = getattr(model._meta.get_field("last_error"), "max_length", None) or 2000
    updates: dict[str, Any] = {
        "status": MailStatus.QUEUED if retry_at else MailStatus.FAILED,
        "next_attempt_at": retry_at,
        "last_error": error[:limit],
        "claimed_by": "",
        "claimed_at": None,
    }
    if count_failure:
        updates["attempts"] = F("attempts") + 1
    if not model._default_manager.filter(pk=pk, claimed_by=worker).update(**updates):
        return None
    return retry_at is not None
