"""Sending a campaign exactly once, by any number of workers, surviving crashes.

1. The segment is frozen into one Delivery row per recipient (unique campaign × subscriber),
   inserted in chunks under the campaign's row lock, so two workers never list it twice.
2. A worker claims a small batch (queued and due, or 'sending' under a claim older than the lease)
   with SELECT … FOR UPDATE SKIP LOCKED on PostgreSQL (SQLite serialises the write transaction),
   and marks it 'sending', claimed_by itself.
3. Over one SMTP connection per batch, each mail goes MAIL, RCPT, DATA (354); then, *before*
   the content and the final "." that makes the server accept it, the row is switched to 'sent'
   by a conditional UPDATE (still 'sending', still claimed by this worker) in its own transaction.
   On PostgreSQL the COMMIT and the mail are written back to back before either answer is read
   (libpq's asynchronous send), so a kill finds both or neither in the kernel's buffers; on
   SQLite the commit is a local call of microseconds, then the mail follows in one write.

Guarantee: a row that a worker failed to mark never had its "." sent, so a crash before the mark
loses nothing (the server drops an unfinished DATA) and the row is sent again after the lease;
a crash after the mark has the "." in the socket or already accepted, so nothing is sent twice.
Two workers cannot both mark one row (the UPDATE is conditional). What remains is a window of
a few microseconds of CPU between the two writes: a worker killed exactly there records one mail
as sent that the server never accepted (at most once, never twice). A refusal after "." (rare:
most servers refuse at RCPT) puts the row back to queued with back-off, or failed.
"""

from __future__ import annotations

import base64
import contextlib
import logging
import os
import select
import smtplib
import socket
import time
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from email.utils import formatdate, parseaddr

from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, mailers
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from . import conf, render, tokens
from .models import Campaign, Delivery, Subscriber
from .selectors import campaign_segment

logger = logging.getLogger(__name__)
CHUNK = 1000


def new_worker_id() -> str:
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def retry_delay(attempts: int) -> timedelta:
    """Back-off after the 1st, 2nd, 3rd failure: 5, 25, 125 minutes."""
    return timedelta(minutes=5**attempts)


# --- 1. the recipients --------------------------------------------------------------------


def list_recipients(campaign_id: int) -> int:
    """Create the delivery rows once (idempotent), in chunks: memory stays flat whatever the list."""
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign_id)
        if campaign.recipients_ready:
            return campaign.total_count
        subscriber_ids = campaign_segment(campaign).order_by("pk").values_list("pk", flat=True)
        last = 0
        while True:
            chunk = list(subscriber_ids.filter(pk__gt=last)[:CHUNK])
            if not chunk:
                break
            Delivery.objects.bulk_create(
                [Delivery(campaign_id=campaign_id, subscriber_id=pk) for pk in chunk],
                ignore_conflicts=True,
                batch_size=CHUNK,
            )
            last = chunk[-1]
        total = Delivery.objects.filter(campaign_id=campaign_id).count()
        Campaign.objects.filter(pk=campaign_id).update(recipients_ready=True, total_count=total)
        return total


# --- 2. claiming --------------------------------------------------------------------------


@dataclass
class Recipient:
    delivery_id: int
    subscriber_id: int
    email: str
    language: str
    secret: str
    status: str


def claim_batch(campaign_id: int, *, worker: str, size: int, lease: int) -> list[Recipient]:
    now = timezone.now()
    claimable = Q(status=Delivery.Status.QUEUED) & (
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    )
    claimable |= Q(status=Delivery.Status.SENDING, claimed_at__lt=now - timedelta(seconds=lease))
    with transaction.atomic():
        ids = list(
            Delivery.objects.select_for_update(skip_locked=True)
            .filter(claimable, campaign_id=campaign_id)
            .order_by("pk")
            .values_list("pk", flat=True)[:size]
        )
        if not ids:
            return []
        Delivery.objects.filter(pk__in=ids).update(
            status=Delivery.Status.SENDING, claimed_at=now, claimed_by=worker
        )
    rows = (
        Delivery.objects.filter(pk__in=ids)
        .order_by("pk")
        .values_list(
            "pk",
            "subscriber_id",
            "subscriber__email",
            "subscriber__language",
            "subscriber__secret",
            "subscriber__status",
        )
    )
    return [Recipient(*row) for row in rows]


# --- 3. one mail --------------------------------------------------------------------------


class PermanentRefusal(Exception):
    def __init__(self, code: int, reply: bytes, *, at_recipient: bool) -> None:
        super().__init__(f"{code} {reply[:200]!r}")
        self.at_recipient = at_recipient


class TemporaryRefusal(Exception):
    pass


class ClaimLost(Exception):
    """Another worker took the row (our lease ran out): this mail is theirs."""


def _refusal(code: int, reply: bytes, *, at_recipient: bool = False) -> Exception:
    if 500 <= code < 600:
        return PermanentRefusal(code, reply, at_recipient=at_recipient)
    return TemporaryRefusal(f"{code} {reply[:200]!r}")


class SmtpTransport:
    """One SMTP connection of the configured mailer, driven command by command."""

    def __init__(self) -> None:
        self.backend = mailers.default
        self.connection: smtplib.SMTP | None = None

    @property
    def is_smtp(self) -> bool:
        return hasattr(self.backend, "connection") and hasattr(self.backend, "use_tls")

    def open(self) -> None:
        if self.is_smtp and self.connection is None:
            self.backend.open()
            self.connection = self.backend.connection
            # The "." must leave at once, not wait for the server's delayed ACK (Nagle).
            self.connection.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self.connection.ehlo_or_helo_if_needed()

    def close(self) -> None:
        if self.connection is not None:
            with contextlib.suppress(Exception):  # a broken connection is closed anyway
                self.backend.close()
        self.connection = None

    def send(self, *, sender: str, recipient: str, content: bytes, mark_sent) -> None:
        """Send one mail. `mark_sent(then)` marks the row 'sent', calls `then` (which writes the
        content and the final ".") and returns a callable that waits for the commit's answer
        (called once the server's reply is read, so the two waits overlap), or None when the
        claim was lost."""
        if not self.is_smtp:
            settle = mark_sent(lambda: None)
            if not settle:
                raise ClaimLost
            settle()
            self.backend.send_messages([RawEmail(content, sender, recipient)])
            return
        self.open()
        conn = self.connection
        code, reply = conn.mail(sender)
        if code != 250:
            conn.rset()
            raise _refusal(code, reply)
        code, reply = conn.rcpt(recipient)
        if code not in (250, 251):
            conn.rset()
            raise _refusal(code, reply, at_recipient=True)
        code, reply = conn.docmd("data")
        if code != 354:
            conn.rset()
            raise _refusal(code, reply)
        data = smtplib._quote_periods(content)
        if not data.endswith(b"\r\n"):
            data += b"\r\n"
        write_error: list[OSError] = []

        def finish_data() -> None:
            # The content and the final "." leave in one write, after the commit.
            try:
                conn.sock.sendall(data + b".\r\n")
            except OSError as error:  # smtplib.SMTPServerDisconnected is an OSError too
                write_error.append(error)

        settle = mark_sent(finish_data)
        if not settle:
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


class RawEmail(EmailMessage):
    """A prepared mail for the non-SMTP mailers (locmem in tests, console, dummy)."""

    def __init__(self, content: bytes, sender: str, recipient: str) -> None:
        super().__init__(from_email=sender, to=[recipient])
        self.content = content

    def message(self, **kwargs):
        import email
        import email.policy

        return email.message_from_bytes(self.content, policy=email.policy.default)


def build_message(
    rendered: render.RenderedCampaign,
    recipient: Recipient,
    *,
    campaign_id: int,
    domain: str,
    date: str,
) -> bytes:
    """The whole mail as bytes: headers encoded once per language, parts base64 per recipient."""
    token = tokens.manage_token(recipient.subscriber_id, recipient.secret)
    html, text, url = rendered.for_token(token)
    boundary = f"=_sh{uuid.uuid4().hex}"
    unsubscribe = render.list_unsubscribe_header(url, token).replace(", <mailto:", ",\r\n <mailto:")
    head = (
        f"To: {recipient.email}\r\n"
        f"Date: {date}\r\n"
        f"Message-ID: <nl.{campaign_id}.{recipient.delivery_id}.{boundary[4:16]}@{domain}>\r\n"
        f"List-Unsubscribe: {unsubscribe}\r\n"
        "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"
        "Precedence: bulk\r\n"
        f'Content-Type: multipart/alternative; boundary="{boundary}"\r\n\r\n'
    ).encode()
    return b"".join(
        (
            rendered.headers_block,
            head,
            f'--{boundary}\r\nContent-Type: text/plain; charset="utf-8"\r\nContent-Transfer-Encoding: base64\r\n\r\n'.encode(),
            base64.encodebytes(text.encode()).replace(b"\n", b"\r\n"),
            f'--{boundary}\r\nContent-Type: text/html; charset="utf-8"\r\nContent-Transfer-Encoding: base64\r\n\r\n'.encode(),
            base64.encodebytes(html.encode()).replace(b"\n", b"\r\n"),
            f"--{boundary}--\r\n".encode(),
        )
    )


# --- the loop -----------------------------------------------------------------------------


@dataclass
class Throttle:
    """At most `rate` messages per second from this worker (0: no limit)."""

    rate: float
    next_at: float = field(default=0.0)

    def wait(self) -> None:
        if self.rate <= 0:
            return
        now = time.monotonic()
        if self.next_at > now:
            time.sleep(self.next_at - now)
            now = self.next_at
        self.next_at = max(now, self.next_at) + 1 / self.rate


@dataclass
class SendReport:
    sent: int = 0
    failed: int = 0
    retried: int = 0
    skipped: int = 0
    batches: int = 0
    finished: bool = False
    failure: str = ""


class CampaignSender:
    def __init__(
        self,
        campaign_id: int,
        *,
        worker: str | None = None,
        rate: float | None = None,
        batch: int | None = None,
        lease: int | None = None,
    ) -> None:
        self.campaign_id = campaign_id
        self.worker = worker or new_worker_id()
        self.throttle = Throttle(conf.send_rate() if rate is None else rate)
        self.batch = batch or conf.batch_size()
        self.lease = conf.lease_seconds() if lease is None else lease
        self.rendered: dict[str, render.RenderedCampaign] = {}
        self.report = SendReport()
        _, sender = parseaddr(conf.from_email())
        self.sender = sender
        self.domain = sender.partition("@")[2] or "localhost"

    def still_sending(self) -> bool:
        return Campaign.objects.filter(pk=self.campaign_id, status=Campaign.Status.SENDING).exists()

    def rendered_for(self, language: str) -> render.RenderedCampaign:
        if language not in self.rendered:
            campaign = Campaign.objects.get(pk=self.campaign_id)
            self.rendered[language] = render.render_campaign(
                campaign, language if language in ("ko", "en") else "ko"
            )
        return self.rendered[language]

    def run(self, *, max_batches: int | None = None) -> SendReport:
        """Send batches; an error of the campaign itself (it cannot be built as a mail, the
        database fails…) stops it in 'failed' with the reason, instead of 'sending' for ever
        (the periodic job would take it up again and again). One recipient's refusal is not
        such an error: it is recorded on that delivery."""
        try:
            return self._run(max_batches=max_batches)
        except Exception as error:
            logger.exception("campaign %s failed", self.campaign_id)
            self.report.failure = failure_reason(error)
            from .services import fail_campaign

            fail_campaign(self.campaign_id, reason=self.report.failure)
            return self.report

    def _run(self, *, max_batches: int | None = None) -> SendReport:
        if not self.still_sending():
            return self.report
        list_recipients(self.campaign_id)
        while max_batches is None or self.report.batches < max_batches:
            if not self.still_sending():
                break
            recipients = claim_batch(
                self.campaign_id, worker=self.worker, size=self.batch, lease=self.lease
            )
            if not recipients:
                break
            Campaign.objects.filter(pk=self.campaign_id).update(last_batch_at=timezone.now())
            self.report.batches += 1
            self.send_batch(recipients)
        self.report.finished = finish_if_done(self.campaign_id)
        return self.report

    def mark_sent(self, delivery_id: int, then):
        """Commit 'sent' for a row this worker still holds and call `then` (the mail's end);
        returns the callable that settles the commit, or None when the row is no longer ours."""
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            return commit_with(delivery_id, self.worker, then)
        with connection.cursor() as cursor:  # plain SQL: this runs once per mail
            cursor.execute(
                MARK_SENT_SQL.format(table=connection.ops.quote_name(Delivery._meta.db_table)),
                mark_sent_params(delivery_id, self.worker),
            )
            marked = cursor.rowcount == 1
        if not marked:
            return None
        then()
        return _settled

    def send_batch(self, recipients: list[Recipient]) -> None:
        gone = [r.delivery_id for r in recipients if r.status != Subscriber.Status.CONFIRMED]
        if gone:  # unsubscribed or bounced since the list was made
            self.report.skipped += Delivery.objects.filter(
                pk__in=gone, claimed_by=self.worker
            ).update(status=Delivery.Status.SKIPPED)
        transport = SmtpTransport()
        date = formatdate(localtime=False)
        try:
            for recipient in recipients:
                if recipient.status != Subscriber.Status.CONFIRMED:
                    continue
                self.throttle.wait()
                content = build_message(
                    self.rendered_for(recipient.language),
                    recipient,
                    campaign_id=self.campaign_id,
                    domain=self.domain,
                    date=date,
                )
                self.send_one(transport, recipient, content)
        finally:
            transport.close()
            # Whatever this worker still holds (the connection broke) goes back to the queue now.
            Delivery.objects.filter(
                pk__in=[r.delivery_id for r in recipients],
                status=Delivery.Status.SENDING,
                claimed_by=self.worker,
            ).update(status=Delivery.Status.QUEUED, claimed_by="", claimed_at=None)

    def send_one(self, transport: SmtpTransport, recipient: Recipient, content: bytes) -> None:
        def mark_sent(then):
            return self.mark_sent(recipient.delivery_id, then)

        try:
            transport.send(
                sender=self.sender, recipient=recipient.email, content=content, mark_sent=mark_sent
            )
        except ClaimLost:
            transport.close()
            return
        except PermanentRefusal as error:
            self.record_failure(
                recipient, str(error), permanent=True, hard_bounce=error.at_recipient
            )
            return
        except (TemporaryRefusal, smtplib.SMTPException, OSError) as error:
            transport.close()
            self.record_failure(recipient, f"{type(error).__name__}: {error}", permanent=False)
            return
        self.report.sent += 1

    def record_failure(
        self, recipient: Recipient, error: str, *, permanent: bool, hard_bounce: bool = False
    ) -> None:
        """Back-off and retry, or mark failed; a recipient refused for good at RCPT is a hard bounce."""
        logger.warning(
            "campaign %s to delivery %s failed: %s", self.campaign_id, recipient.delivery_id, error
        )
        row = Delivery.objects.filter(pk=recipient.delivery_id, claimed_by=self.worker).first()
        if row is None:
            return
        attempts = row.attempts + 1
        retry = not permanent and attempts < conf.max_attempts()
        Delivery.objects.filter(pk=row.pk, claimed_by=self.worker).update(
            status=Delivery.Status.QUEUED if retry else Delivery.Status.FAILED,
            attempts=F("attempts") + 1,
            next_attempt_at=timezone.now() + retry_delay(attempts) if retry else None,
            last_error=error[:500],
            claimed_by="",
            claimed_at=None,
        )
        if retry:
            self.report.retried += 1
        else:
            self.report.failed += 1
        if hard_bounce:
            from .services import mark_bounced

            mark_bounced(email=recipient.email, reason=error)


def failure_reason(error: Exception) -> str:
    """What staff read on the campaign's page: field errors as they are, anything else by its type."""
    if isinstance(error, ValidationError):
        if hasattr(error, "error_dict"):
            return " ".join(
                f"{field}: {message}"
                for field, messages in error.message_dict.items()
                for message in messages
            )
        return " ".join(error.messages)
    return f"{type(error).__name__}: {error}"


MARK_SENT_SQL = (
    "UPDATE {table} SET status = %s, sent_at = %s WHERE id = %s AND status = %s AND claimed_by = %s"
)


def mark_sent_params(delivery_id: int, worker: str) -> list:
    sent_at = connection.ops.adapt_datetimefield_value(timezone.now())
    return [Delivery.Status.SENT, sent_at, delivery_id, Delivery.Status.SENDING, worker]


def _pg_send(pgconn, query: bytes) -> None:
    pgconn.send_query(query)
    while pgconn.flush():
        select.select([], [pgconn.socket], [])


def _pg_results(pgconn) -> list:
    results = []
    while True:
        while pgconn.is_busy():
            select.select([pgconn.socket], [], [])
            pgconn.consume_input()
        result = pgconn.get_result()
        if result is None:
            return results
        results.append(result)


def _settled() -> None:
    return None


def commit_with(delivery_id: int, worker: str, then):
    """PostgreSQL: BEGIN and the conditional UPDATE in one round trip; then COMMIT is written and
    `then` called before the COMMIT's answer is read, so the two writes leave back to back.
    Returns the callable that reads the COMMIT's answer (the caller first reads the SMTP reply:
    the database's WAL flush and the mail server's work overlap), or None for a lost claim.

    Driven through libpq directly (simple query protocol) on Django's connection, which is in
    autocommit mode here and left idle afterwards.
    """
    from psycopg import pq, sql

    connection.ensure_connection()
    pgconn = connection.connection.pgconn
    query = sql.SQL(
        "BEGIN; UPDATE {table} SET status = {sent}, sent_at = now() WHERE id = {id} AND status = {sending} AND claimed_by = {worker}"
    ).format(
        table=sql.Identifier(Delivery._meta.db_table),
        sent=sql.Literal(str(Delivery.Status.SENT)),
        id=sql.Literal(int(delivery_id)),
        sending=sql.Literal(str(Delivery.Status.SENDING)),
        worker=sql.Literal(worker),
    )
    _pg_send(pgconn, query.as_bytes(connection.connection))
    results = _pg_results(pgconn)
    ok = all(r.status == pq.ExecStatus.COMMAND_OK for r in results) and len(results) == 2
    if not ok or results[-1].command_tuples != 1:
        _pg_send(pgconn, b"ROLLBACK")
        _pg_results(pgconn)
        if not ok:
            raise OSError(f"marking the delivery failed: {[r.error_message for r in results]!r}")
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


def finish_if_done(campaign_id: int) -> bool:
    """Close the campaign with its figures once no delivery is queued or in flight."""
    if Delivery.objects.filter(
        campaign_id=campaign_id, status__in=[Delivery.Status.QUEUED, Delivery.Status.SENDING]
    ).exists():
        return False
    with transaction.atomic():
        campaign = (
            Campaign.objects.select_for_update()
            .filter(pk=campaign_id, status=Campaign.Status.SENDING, recipients_ready=True)
            .first()
        )
        if campaign is None:
            return False
        deliveries = Delivery.objects.filter(campaign_id=campaign_id)
        campaign.sent_count = deliveries.filter(status=Delivery.Status.SENT).count()
        campaign.failed_count = deliveries.filter(status=Delivery.Status.FAILED).count()
        campaign.status = Campaign.Status.SENT
        campaign.finished_at = timezone.now()
        campaign.save(
            update_fields=["sent_count", "failed_count", "status", "finished_at", "updated_at"]
        )
    return True
