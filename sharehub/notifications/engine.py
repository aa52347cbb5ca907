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
   SMTP connection driven command by command: MAIL, RCPT, DATA, written in one go where the server
   announces PIPELINING), marked 'sent' by `mark_sent_then` *before* the content and the final "."
   are written, in the same breath.
3. `record_failure(...)`: the retry policy, one for both streams: back to 'queued' with
   `next_attempt_at` (`retry_delay`: 2, 4, 8, 16 … minutes), or 'failed' after the last attempt
   or a permanent refusal. `release(model, where=, worker=)` puts back what a worker still holds.

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
import functools
import logging
import os
import re
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
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
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
    queued = Q(status=MailStatus.QUEUED)
    if due_only:
        queued &= Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    stale = Q(status=MailStatus.SENDING, claimed_at__lt=now - lease)
    with transaction.atomic():
        # A queue claim, not a lock held for work: SKIP LOCKED lets parallel workers pass each other.
        rows = model._default_manager.select_for_update(skip_locked=True).filter(where)
        # One query per state, each read in key order along an index that starts with the state
        # (a campaign's claim index): an OR of the two states read every row of the stream in key
        # order, the sent ones too, so each batch of a campaign cost more than the one before.
        ids = sorted(
            {
                *rows.filter(queued).order_by("pk").values_list("pk", flat=True)[:size],
                *rows.filter(stale).order_by("pk").values_list("pk", flat=True)[:size],
            }
        )[:size]
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


def release(model: type[models.Model], *, where: Q, worker: str) -> int:
    """Put back to the queue what `worker` still holds of the rows matching `where` (its
    connection broke, it stops). Found by the claim, not by a list of keys: a batch's 500 keys
    cost more to bind than the UPDATE itself."""
    return (
        model._default_manager.filter(where)
        .filter(status=MailStatus.SENDING, claimed_by=worker)
        .update(status=MailStatus.QUEUED, claimed_by="", claimed_at=None)
    )


# --- 2. the exactly-once mark --------------------------------------------------------------

SENT = MailStatus.SENT.value
SENDING = MailStatus.SENDING.value
MARK_SENT_SQL = (
    "UPDATE {table} SET status = %s, sent_at = %s, next_attempt_at = NULL, last_error = ''"
    " WHERE {pk} = %s AND status = %s AND claimed_by = %s"
)


class Mark:
    """Marking one claimed row 'sent', in two steps so that the database works while the mail
    server does: creating it starts the mark, `commit()` finishes it, `cancel()` gives it up.

    This is the one place that drives the database driver directly. On PostgreSQL outside a
    transaction (a worker), BEGIN and the conditional UPDATE leave at once in one simple query,
    unanswered (libpq's asynchronous send on Django's own connection); `commit()` reads their
    answer, then writes COMMIT and returns without waiting for its answer: the caller writes the
    mail's "." at once (a kill between the two writes, microseconds apart, loses that one mail:
    'sent', never twice; docs/DESIGN.md), and the database's WAL flush overlaps the mail server's
    work. The returned callable reads the
    COMMIT's answer (the connection is idle again after it). On SQLite outside a transaction
    `commit()` runs the UPDATE straight through the driver, which commits it (a local call of
    microseconds). Inside a transaction (tests) a plain UPDATE through Django. The direct paths
    bypass Django's execute wrappers: they write only the mail row's sending columns.
    """

    def __init__(
        self,
        model: type[models.Model],
        pk: int,
        *,
        worker: str,
        after: _PgCommit | None = None,
    ) -> None:
        self.db: Any = connections[DEFAULT_DB_ALIAS]  # looked up once: this runs once per mail
        self.model, self.pk, self.worker = model, pk, worker
        self.pgconn: Any = None
        # Begun in the same query as the previous row's COMMIT (`commit_then_begin`), whose
        # answer comes first.
        self.after = after
        if after is not None:
            self.pgconn = after.pgconn
        elif self.db.vendor == "postgresql" and not self.db.in_atomic_block:
            self.db.ensure_connection()
            self.pgconn = self.db.connection.pgconn
            head, tail = _pg_mark_sent_query(model, worker)
            _pg_send(self.pgconn, b"%b%d%b" % (head, int(pk), tail))

    def cancel(self) -> None:
        if self.pgconn is not None:
            pgconn, self.pgconn = self.pgconn, None
            self._read_after()
            _pg_results(pgconn)
            _pg_send(pgconn, b"ROLLBACK")
            _pg_results(pgconn)

    def commit(self) -> Settle | None:
        """Commit 'sent'; None when the row is no longer this worker's (nothing committed)."""
        return self._commit(None)[0]

    def commit_then_begin(self, pk: int) -> tuple[Settle | None, Mark | None]:
        """`commit()`, and the mark of the row `pk` begun: on PostgreSQL in the same query as
        this COMMIT (one query and one wake-up of the database per mail instead of two, and the
        worker does not wait for the COMMIT's answer before the mail server's). The returned
        callable reads only the COMMIT's answer; the new mark reads its own after it. (None, None)
        when this row is no longer this worker's: nothing was committed or begun."""
        return self._commit(pk)

    def _read_after(self) -> None:
        """The previous row's COMMIT answer, which comes first on the connection (its sender
        reads it too and gets the same error: `_PgCommit` keeps it)."""
        if self.after is not None:
            with contextlib.suppress(OSError):
                self.after()

    def _commit(self, then_begin: int | None) -> tuple[Settle | None, Mark | None]:
        if self.pgconn is not None:
            pgconn, self.pgconn = self.pgconn, None
            self._read_after()
            results = _pg_results(pgconn)
            ok = len(results) == 3 and all(r.status == pq.ExecStatus.COMMAND_OK for r in results)
            if not ok or results[-1].command_tuples != 1:
                _pg_send(pgconn, b"ROLLBACK")
                _pg_results(pgconn)
                if not ok:
                    raise OSError(
                        f"marking the mail sent failed: {[r.error_message for r in results]!r}"
                    )
                return None, None
            if then_begin is None:
                _pg_send(pgconn, b"COMMIT")
                return _PgCommit(pgconn, alone=True), None
            head, tail = _pg_mark_sent_query(self.model, self.worker)
            _pg_send(pgconn, b"COMMIT; %b%d%b" % (head, int(then_begin), tail))
            sent = _PgCommit(pgconn, alone=False)
            return sent, Mark(self.model, then_begin, worker=self.worker, after=sent)
        settle = self._commit_here()
        if settle is None or then_begin is None:
            return settle, None
        return settle, Mark(self.model, then_begin, worker=self.worker)

    def _commit_here(self) -> Settle | None:
        db = self.db
        params = [
            SENT,
            db.ops.adapt_datetimefield_value(timezone.now()),
            self.pk,
            SENDING,
            self.worker,
        ]
        if db.vendor == "sqlite" and not db.in_atomic_block:
            db.ensure_connection()
            # Autocommit: the driver commits the statement before it returns.
            with db.wrap_database_errors:
                cursor = db.connection.execute(_mark_sent_sql(self.model, "?"), params)
            marked = cursor.rowcount == 1
        else:
            with db.cursor() as cursor:
                cursor.execute(_mark_sent_sql(self.model, "%s"), params)
                marked = cursor.rowcount == 1
        return _settled if marked else None


def mark_sent_then(
    model: type[models.Model], pk: int, *, worker: str, then: Callable[[], None]
) -> Settle | None:
    """Commit 'sent' for a row `worker` still holds and call `then` (which writes the mail's
    content and final "."), so that the mark and the "." leave together; None when the row is no
    longer this worker's (nothing is written then). Otherwise returns the callable that waits for
    the commit's answer: the caller calls it after reading the SMTP server's reply, so the two
    waits overlap (`Mark`)."""
    settle = Mark(model, pk, worker=worker).commit()
    if settle is None:
        return None
    then()
    return settle


class _PgCommit:
    """A mark's COMMIT, written and not yet answered: calling it reads the answer, once (an error
    is kept and raised again). `alone`: the query was the COMMIT alone; otherwise the next row's
    mark followed it in the same query, and its answers are left to that mark."""

    def __init__(self, pgconn: Any, *, alone: bool) -> None:
        self.pgconn, self.alone = pgconn, alone
        self.read = False
        self.error: OSError | None = None

    def __call__(self) -> None:
        if not self.read:
            self.read = True
            results = _pg_results(self.pgconn) if self.alone else _pg_result(self.pgconn)
            failed = [r.error_message for r in results if r.status != pq.ExecStatus.COMMAND_OK]
            if failed or not results:
                self.error = OSError(f"commit failed: {failed!r}")
        if self.error is not None:
            raise self.error


@functools.cache
def _mark_sent_sql(model: type[models.Model], placeholder: str) -> str:
    quote = connections[DEFAULT_DB_ALIAS].ops.quote_name
    return MARK_SENT_SQL.format(
        table=quote(model._meta.db_table), pk=quote(str(model._meta.pk.column))
    ).replace("%s", placeholder)


def _settled() -> None:
    return None


def _pg_send(pgconn: Any, query: bytes) -> None:
    pgconn.send_query(query)
    while pgconn.flush():
        select.select([], [pgconn.socket], [])


def _pg_result(pgconn: Any) -> list[Any]:
    """The answer to the next statement of a query of several (the others are left to read)."""
    while pgconn.is_busy():
        select.select([pgconn.socket], [], [])
        pgconn.consume_input()
    result = pgconn.get_result()
    return [] if result is None else [result]


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


@functools.lru_cache(maxsize=64)
def _pg_mark_sent_query(model: type[models.Model], worker: str) -> tuple[bytes, bytes]:
    """BEGIN and the conditional UPDATE as one simple query, cut where the row's key goes.

    The mark's COMMIT does not wait for its WAL flush (`synchronous_commit = off`, this
    transaction only): the worker writes the "." before reading the COMMIT's answer anyway, so a
    mark was never flushed when its mail left; waiting for the flush only made each mail wait for
    the disk. What remains is the durability SQLite's `synchronous=NORMAL` gives: if the database's
    machine loses power, the last fraction of a second's marks may be lost and those mails sent
    again."""
    head = sql.SQL(
        "BEGIN; SET LOCAL synchronous_commit = off; UPDATE {table} SET status = {sent}, sent_at = now(), next_attempt_at = NULL,"
        " last_error = '' WHERE {pk} = "
    ).format(
        table=sql.Identifier(model._meta.db_table),
        pk=sql.Identifier(str(model._meta.pk.column)),
        sent=sql.Literal(SENT),
    )
    tail = sql.SQL(" AND status = {sending} AND claimed_by = {worker}").format(
        sending=sql.Literal(SENDING), worker=sql.Literal(worker)
    )
    return head.as_bytes(), tail.as_bytes()


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


#: smtplib's quoting of an address for MAIL FROM, once per sender (a newsletter has one).
_quoted_sender = functools.lru_cache(maxsize=16)(smtplib.quoteaddr)

#: An address that smtplib.quoteaddr only puts between angle brackets: a dot-atom local part and
#: a domain of letters, digits and hyphens (a subscriber's address, nearly always). Checked by one
#: regular expression instead of the email package's parser, per recipient of a campaign.
_PLAIN_ADDRESS = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*"
)


def _quoted_recipient(address: str) -> str:
    """`smtplib.quoteaddr(address)`, without its parser where the address is plain."""
    if _PLAIN_ADDRESS.fullmatch(address):
        return f"<{address}>"
    return smtplib.quoteaddr(address)


class SmtpTransport:
    """One SMTP connection of the configured mailer, driven command by command."""

    def __init__(self) -> None:
        self.backend: Any = mailers.default
        self.connection: smtplib.SMTP | None = None
        self.pipelining = False

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
            self.pipelining = connection.has_extn("pipelining")
            self.connection = connection
        return self.connection

    def close(self) -> None:
        if self.connection is not None:
            with contextlib.suppress(Exception):  # a broken connection is closed anyway
                self.backend.close()
        self.connection = None

    def abandon(self) -> None:
        """Close the connection in the middle of a mail's DATA, without QUIT: the server would
        read a QUIT as the mail's content and never answer it (the mailer's timeout, or for ever
        without one), and it drops a DATA that never ended."""
        if self.connection is not None:
            with contextlib.suppress(Exception):
                self.connection.close()  # smtplib's: the socket closed, nothing written
            self.backend.connection = None
        self.connection = None

    def send(self, mail: OutgoingMail, *, mark_sent: MarkSent) -> None:
        """Send one mail, command by command. `mark_sent(then)` marks the row 'sent', calls
        `then` (which writes the content and the final ".") and returns the callable that settles
        the mark, or None when the claim was lost (`ClaimLost` is raised, nothing was written).
        (`Pipeline` sends over a server that announces PIPELINING.)"""
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
        data = wire_content(mail.content)
        write_error: list[OSError] = []

        def finish_data() -> None:
            # The content and the final "." leave in one write, right after the mark.
            try:
                sock.sendall(data)
            except OSError as error:  # smtplib.SMTPServerDisconnected is an OSError too
                write_error.append(error)

        settle = mark_sent(finish_data)
        if settle is None:
            self.abandon()  # the server drops a mail whose DATA never ended
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


def wire_content(content: bytes) -> bytes:
    """The message as DATA carries it, with its final ".": smtplib's own dot-stuffing, skipped
    where no line starts with "." (a scan in C)."""
    if content.startswith(b".") or b"\n." in content:
        content = smtplib._quote_periods(content)  # type: ignore[attr-defined]
    if not content.endswith(b"\r\n"):
        content += b"\r\n"
    return content + b".\r\n"


# --- sending claimed mails -----------------------------------------------------------------


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
    # The server could not be reached or stopped answering (refused, reset, timed out): the next
    # mails over the same server would wait the same, so a batch stops there.
    unreachable: bool = False


def _failed(error: BaseException) -> Result:
    # smtplib.SMTPServerDisconnected and socket timeouts are OSErrors; an answer (4xx) is not.
    return Result(
        Outcome.FAILED, f"{type(error).__name__}: {error}", unreachable=isinstance(error, OSError)
    )


def send_claimed(
    transport: SmtpTransport, model: type[models.Model], pk: int, *, worker: str, mail: OutgoingMail
) -> Result:
    """Send one mail whose row `worker` has claimed, marking the row 'sent' as the "." leaves
    (`Mark`). What went wrong is returned, for `record_failure`; the row is not touched then.
    After a broken connection the transport is closed (the next mail opens a new one)."""
    pipeline = Pipeline(transport, model, worker=worker)
    results = pipeline.send(pk, mail)
    results += pipeline.finish()
    return results[-1][1]


def _send_one_by_one(
    transport: SmtpTransport, model: type[models.Model], pk: int, *, worker: str, mail: OutgoingMail
) -> Result:
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
        return _failed(error)
    return Result(Outcome.SENT)


@dataclass
class _Held:
    """A mail whose envelope the server took (its DATA answered 354) and whose content is not
    written yet: it leaves with the next mail's envelope, or alone at `Pipeline.finish`. `mark` is
    its row's mark, begun on PostgreSQL while the server answered (None: begun at commit time)."""

    pk: int
    data: bytes
    mark: Mark | None


def _write(sock: socket.socket | None, data: bytes) -> tuple[int, OSError | None]:
    """Write `data`; how many bytes the kernel took, and the error that stopped it if any (what
    was written tells whether a mail's "." left before the connection broke)."""
    if sock is None:
        return 0, smtplib.SMTPServerDisconnected("no connection to the mail server")
    written, view = 0, memoryview(data)
    try:
        while written < len(data):
            written += sock.send(view[written:])
    except OSError as error:  # smtplib.SMTPServerDisconnected is an OSError too
        return written, error
    return written, None


def _answered(code: int, reply: bytes, commit_error: OSError | None) -> Result:
    """A mail's result once the server answered its "." (and its mark's COMMIT was answered)."""
    if commit_error is not None:
        return _failed(commit_error)
    if code == 250:
        return Result(Outcome.SENT)
    refusal = _refusal(code, reply)
    if isinstance(refusal, PermanentRefusal):
        return Result(Outcome.REFUSED, str(refusal))
    return _failed(refusal)


def _settle(settle: Settle | None) -> OSError | None:
    """Read a mark's COMMIT answer (before anything else is sent to the database)."""
    if settle is None:
        return None
    try:
        settle()
    except OSError as error:
        return error
    return None


class Pipeline:
    """Claimed mails sent one after another over one transport. Where the server announces
    PIPELINING (RFC 2920), one mail's content and "." leave in one write with the next mail's
    MAIL, RCPT and DATA, and one wait reads the answers to all of them, while the database begins
    the next row's mark (`Mark`): one write and one round trip per mail. A mail is held between
    its DATA's 354 and the next mail (`_Held`); its row is marked 'sent' right before that write,
    so the mark and its "." still leave in the same breath. A refusal after "." is reported one
    mail later, on its own row.

    `send(pk, mail)` returns the results that became known (the previous mail's, and this one's
    when it went no further than its envelope), `finish()` the last mail's. On PostgreSQL the
    held mail's mark may be begun (a transaction open on Django's connection) after `send`
    returned only results SENT: call `finish()` before the database is used for anything else
    (after any other result it is free, for `record_failure`).
    """

    def __init__(self, transport: SmtpTransport, model: type[models.Model], *, worker: str):
        self.transport, self.model, self.worker = transport, model, worker
        self.held: _Held | None = None

    def send(self, pk: int, mail: OutgoingMail) -> list[tuple[int, Result]]:
        if self.transport.is_smtp:
            try:
                conn = self.transport.open()
            except (smtplib.SMTPException, OSError) as error:
                self.transport.close()
                return [(pk, _failed(error))]
            if self.transport.pipelining:
                results = self._pipelined(conn, pk, mail)
                held = self.held
                if (
                    held is not None
                    and held.mark is not None
                    and any(result.outcome is not Outcome.SENT for _, result in results)
                ):
                    # The caller records the failure in the database: the held mail's mark is
                    # begun again when it is committed.
                    held.mark.cancel()
                    held.mark = None
                return results
        return [
            (pk, _send_one_by_one(self.transport, self.model, pk, worker=self.worker, mail=mail))
        ]

    def finish(self) -> list[tuple[int, Result]]:
        """The held mail's content and "." (alone), and its answer."""
        held, self.held = self.held, None
        if held is None:
            return []
        conn = self.transport.connection
        try:
            settle = (held.mark or Mark(self.model, held.pk, worker=self.worker)).commit()
        except OSError as error:
            self.transport.close()
            return [(held.pk, _failed(error))]
        if settle is None:
            self.transport.abandon()  # the server drops a mail whose DATA never ended
            return [(held.pk, Result(Outcome.LOST))]
        written, write_error = _write(conn.sock if conn is not None else None, held.data)
        commit_error = _settle(settle)
        if write_error is not None or conn is None:
            self.transport.close()
            return [(held.pk, self._cut(held, written, commit_error, write_error))]
        try:
            code, reply = conn.getreply()
        except OSError:  # smtplib.SMTPServerDisconnected too
            self.transport.close()
            code, reply = 250, b""  # it may have been accepted: 'sent', never twice
        return [(held.pk, _answered(code, reply, commit_error))]

    @staticmethod
    def _cut(
        held: _Held, written: int, commit_error: OSError | None, error: BaseException | None
    ) -> Result:
        """The held mail's result when the connection broke during the write of its content."""
        if written >= len(held.data):  # its "." left: it may have been accepted (never twice)
            return _failed(commit_error) if commit_error is not None else Result(Outcome.SENT)
        return _failed(TemporaryRefusal(f"connection lost before the end of the mail: {error}"))

    def _pipelined(
        self, conn: smtplib.SMTP, pk: int, mail: OutgoingMail
    ) -> list[tuple[int, Result]]:
        recipients = [_quoted_recipient(recipient) for recipient in mail.recipients]
        text = f"MAIL FROM:{_quoted_sender(mail.sender)}\r\n" + "".join(
            f"RCPT TO:{recipient}\r\n" for recipient in recipients
        )
        text += "DATA\r\n"
        commands = len(recipients) + 2
        try:
            if text.count("\n") != commands or "\r" in text.replace("\r\n", ""):
                raise ValueError("an address contains a line break")  # as smtplib.putcmd refuses
            envelope = text.encode("ascii")  # UnicodeEncodeError (a ValueError) as smtplib's
        except ValueError as error:
            return [(pk, Result(Outcome.REFUSED, f"{type(error).__name__}: {error}"))]
        data = wire_content(mail.content)
        done: list[tuple[int, Result]] = []
        held, self.held = self.held, None
        out: bytes = envelope
        settle: Settle | None = None
        mark: Mark | None = None
        if held is not None:
            out = held.data + envelope  # ready before the mark: nothing but the write after it
            try:
                # This mail's mark is begun in the same query as the held one's COMMIT.
                held_mark = held.mark or Mark(self.model, held.pk, worker=self.worker)
                settle, mark = held_mark.commit_then_begin(pk)
            except OSError as error:
                self.transport.close()
                return [(held.pk, _failed(error)), (pk, _failed(error))]
            if settle is None:
                self.transport.abandon()  # the server drops a mail whose DATA never ended
                return [(held.pk, Result(Outcome.LOST)), *self.send(pk, mail)]
        # The held mail's content and "." and this mail's MAIL, RCPT and DATA: one write.
        written, write_error = _write(conn.sock, out)
        if write_error is not None:
            if mark is not None:
                mark.cancel()
            if held is not None:
                cut = self._cut(held, written, _settle(settle), write_error)
                done.append((held.pk, cut))
            self.transport.close()
            return [*done, (pk, _failed(write_error))]
        if mark is None:
            mark = Mark(self.model, pk, worker=self.worker)  # the database works meanwhile
        # The COMMIT's answer is read after the mail server's (`_settle`): one wait for both.
        held_reply: tuple[int, bytes] | None = None
        try:
            if held is not None:
                try:
                    held_reply = conn.getreply()
                except OSError:
                    held_reply = (250, b"")  # its "." left: it may have been accepted, 'sent'
                    raise
            replies = [conn.getreply() for _ in range(commands)]
        except OSError as error:  # smtplib.SMTPServerDisconnected too
            mark.cancel()
            self.transport.close()
            if held is not None and held_reply is not None:
                done.append((held.pk, _answered(*held_reply, _settle(settle))))
            return [*done, (pk, _failed(error))]
        if held is not None and held_reply is not None:
            done.append((held.pk, _answered(*held_reply, _settle(settle))))
        refusal: Exception | None = None
        for index, (code, reply) in enumerate(replies[:-1]):
            if refusal is None and code not in ((250,) if index == 0 else (250, 251)):
                refusal = _refusal(code, reply, at_recipient=index > 0)
        code, reply = replies[-1]
        if refusal is not None or code != 354:
            mark.cancel()
            refusal = refusal or _refusal(code, reply)
            if code == 354 or isinstance(refusal, TemporaryRefusal):
                self.transport.abandon()  # a DATA that never ends is dropped by the server
            else:
                try:
                    conn.rset()
                except (smtplib.SMTPException, OSError):
                    self.transport.close()
            if isinstance(refusal, PermanentRefusal):
                return [
                    *done,
                    (pk, Result(Outcome.REFUSED, str(refusal), hard_bounce=refusal.at_recipient)),
                ]
            return [*done, (pk, _failed(refusal))]
        self.held = _Held(pk, data, mark)
        return done


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
