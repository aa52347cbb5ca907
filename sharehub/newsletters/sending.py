"""Sending a campaign exactly once, by any number of workers, surviving crashes.

The transport, the exactly-once claim and mark, and the retry policy are the hub's one mail
engine (`sharehub.notifications.engine`, whose docstring states the guarantee); this module keeps
what is a campaign's own:

1. The segment is frozen into one Delivery row per recipient (unique campaign × subscriber), by
   one INSERT … SELECT under the campaign's row lock (the list never passes through Python), so
   two workers never list it twice.
2. A worker claims a batch of deliveries (`engine.claim`), renders each language once and
   prepares it as a `MailTemplate` (headers encoded, each part's base64 encoded once up to the
   recipient's token), builds each mail as bytes from it, and sends the batch over one SMTP
   connection, each delivery marked 'sent' as its "." leaves (`engine.Pipeline`). Where the
   server pipelines, a mail costs one write and one round trip, the mark overlapped with it on
   PostgreSQL.
3. A refusal goes back with back-off or fails (`engine.record_failure`); a permanent refusal at
   RCPT is a hard bounce (the address gets nothing more). Once nothing is queued or in flight,
   the campaign is closed with its figures.
"""

from __future__ import annotations

import binascii
import logging
import re
import time
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from email.utils import formatdate, parseaddr

from django.core.exceptions import EmptyResultSet, ValidationError
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from sharehub.core.locking import lock_pk, lock_rows
from sharehub.notifications import demo_mailbox, engine

from . import conf, render, tokens, upkeep
from .models import Campaign, Delivery, Subscriber
from .selectors import campaign_segment

logger = logging.getLogger(__name__)


# --- 1. the recipients --------------------------------------------------------------------


def list_recipients(campaign_id: int) -> int:
    """Create the delivery rows once (idempotent) with one INSERT … SELECT over the segment: the
    database copies the list, so memory stays flat whatever its length. Takes the campaign's row
    lock."""
    with transaction.atomic():
        campaign = lock_pk(Campaign, campaign_id)
        if campaign.recipients_ready:
            return campaign.total_count
        insert_deliveries(campaign)
        total = Delivery.objects.filter(campaign_id=campaign_id).count()
        Campaign.objects.filter(pk=campaign_id).update(recipients_ready=True, total_count=total)
        return total


def insert_deliveries(campaign: Campaign) -> None:
    """A queued delivery for each subscriber of the segment who has none yet."""
    try:
        segment, params = (
            campaign_segment(campaign)
            .order_by()
            .values(subscriber_ref=F("pk"))
            .query.sql_with_params()
        )
    except EmptyResultSet:  # a segment that can match no one
        return
    quote = connection.ops.quote_name
    columns = ", ".join(
        quote(column)
        for column in (
            "campaign_id",
            "subscriber_id",
            "status",
            "attempts",
            "claimed_by",
            "last_error",
        )
    )
    with connection.cursor() as cursor:
        # "WHERE 1 = 1": SQLite reads ON CONFLICT after a bare SELECT as part of a join.
        cursor.execute(
            f"INSERT INTO {quote(Delivery._meta.db_table)} ({columns})"
            f" SELECT %s, segment.subscriber_ref, %s, 0, '', '' FROM ({segment}) segment"
            " WHERE 1 = 1 ON CONFLICT DO NOTHING",
            [campaign.pk, Delivery.Status.QUEUED, *params],
        )


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
    """Claim up to `size` deliveries of the campaign (`engine.claim`), with what each mail needs."""
    ids = engine.claim(
        Delivery,
        where=Q(campaign_id=campaign_id),
        worker=worker,
        size=size,
        lease=timedelta(seconds=lease),
    )
    if not ids:
        return []
    # Found by the claim (along the claim index) rather than by the 500 keys, whose binding
    # costs more than the query; kept to those just claimed.
    claimed = set(ids)
    rows = (
        Delivery.objects.filter(
            campaign_id=campaign_id, status=Delivery.Status.SENDING, claimed_by=worker
        )
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
    return [Recipient(*row) for row in rows if row[0] in claimed]


# --- 3. one mail --------------------------------------------------------------------------


def base64_lines(text: str) -> bytes:
    """`text` in UTF-8 as MIME base64: lines of 76 characters, each ending in CRLF."""
    return _base64_lines(text.encode())


def _base64_lines(raw: bytes) -> bytes:
    encoded = binascii.b2a_base64(raw, newline=False)
    return b"\r\n".join([encoded[i : i + 76] for i in range(0, len(encoded), 76)]) + b"\r\n"


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
    html, text, _url = rendered.for_token(token)
    unsubscribe = rendered.unsubscribe_header(token).replace(", <mailto:", ",\r\n <mailto:")
    head, html_head, tail = _frame(
        recipient, campaign_id=campaign_id, domain=domain, date=date, unsubscribe=unsubscribe
    )
    return b"".join(
        (rendered.headers_block, head, base64_lines(text), html_head, base64_lines(html), tail)
    )


def _frame(
    recipient: Recipient, *, campaign_id: int, domain: str, date: str, unsubscribe: str
) -> tuple[bytes, bytes, bytes]:
    """A mail's own headers through its text part's header, its HTML part's header, and its
    closing boundary: what goes around the two parts' base64 (one boundary per mail)."""
    boundary = f"=_sh{uuid.uuid4().hex}"
    head = (
        f"To: {recipient.email}\r\n"
        f"Date: {date}\r\n"
        f"Message-ID: <nl.{campaign_id}.{recipient.delivery_id}.{boundary[4:16]}@{domain}>\r\n"
        f"List-Unsubscribe: {unsubscribe}\r\n"
        "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"
        "Precedence: bulk\r\n"
        f'Content-Type: multipart/alternative; boundary="{boundary}"\r\n\r\n'
        f'--{boundary}\r\nContent-Type: text/plain; charset="utf-8"\r\n'
        "Content-Transfer-Encoding: base64\r\n\r\n"
    )
    html_head = (
        f'--{boundary}\r\nContent-Type: text/html; charset="utf-8"\r\n'
        "Content-Transfer-Encoding: base64\r\n\r\n"
    )
    return head.encode(), html_head.encode(), f"--{boundary}--\r\n".encode()


class _Part:
    """One part of the mail (text or HTML) as base64 lines, encoded once up to the token: 57 bytes
    are one line of 76 characters, so the lines before the last whole block ahead of the first
    token are the same for every recipient, and only the rest is encoded per mail."""

    def __init__(self, content: str) -> None:
        raw = content.encode()
        first = raw.find(TOKEN_BYTES)
        if first < 0:
            first = len(raw)
        # At least one byte is left to the rest: `_base64_lines` ends what it encodes.
        cut = min(first, len(raw) - 1) // 57 * 57 if raw else 0
        self.head = _base64_lines(raw[:cut]) if cut else b""
        self.rest = raw[cut:]
        self.tokened = TOKEN_BYTES in self.rest
        self.whole = None if self.tokened else self.head + _base64_lines(self.rest)

    def lines(self, token: bytes) -> bytes:
        if self.whole is not None:
            return self.whole
        return self.head + _base64_lines(self.rest.replace(TOKEN_BYTES, token))


TOKEN_BYTES = render.TOKEN.encode()
#: A manage token (`tokens.manage_token`): the key and a URL-safe base64 signature, which
#: urllib's quote leaves as they are but for the colon.
_PLAIN_TOKEN = re.compile(r"[0-9]+:[A-Za-z0-9_-]+")


class MailTemplate:
    """A campaign's mail in one language as bytes with only the recipient's parts left to fill
    (the address, the token in the links and the List-Unsubscribe header, the boundary and the
    Message-ID): what `build_message` gives, byte for byte (tested), at a fraction of its cost."""

    def __init__(self, rendered: render.RenderedCampaign) -> None:
        self.headers_block = rendered.headers_block
        self.one_click_url = rendered.one_click_url
        self.mailto = rendered.unsubscribe_mailto
        self.text = _Part(rendered.text)
        self.html = _Part(rendered.html)
        self.rendered = rendered

    def build(self, recipient: Recipient, *, campaign_id: int, domain: str, date: str) -> bytes:
        token = tokens.manage_token(recipient.subscriber_id, recipient.secret)
        if not _PLAIN_TOKEN.fullmatch(token):
            return build_message(
                self.rendered, recipient, campaign_id=campaign_id, domain=domain, date=date
            )
        unsubscribe = f"<{self.one_click_url.replace(render.TOKEN, token)}>"
        if self.mailto:
            subject = "unsubscribe%20" + token.replace(":", "%3A")
            unsubscribe += f",\r\n <mailto:{self.mailto}?subject={subject}>"
        head, html_head, tail = _frame(
            recipient, campaign_id=campaign_id, domain=domain, date=date, unsubscribe=unsubscribe
        )
        token_bytes = token.encode()
        return b"".join(
            (
                self.headers_block,
                head,
                self.text.lines(token_bytes),
                html_head,
                self.html.lines(token_bytes),
                tail,
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
        self.worker = worker or engine.new_worker_id()
        self.throttle = Throttle(conf.send_rate() if rate is None else rate)
        self.batch = batch or conf.batch_size()
        self.lease = conf.lease_seconds() if lease is None else lease
        self.rendered: dict[str, render.RenderedCampaign] = {}
        self.templates: dict[str, MailTemplate] = {}
        self.report = SendReport()
        # Demo only (notifications.demo_mailbox): each mail being sent, and those sent, to be
        # copied to the mailbox once the batch is over (never while the pipeline holds the
        # connection, never failing the campaign).
        self.demo_copies: dict[int, bytes] | None = {} if demo_mailbox.enabled() else None
        self.demo_sent: list[tuple[str, bytes]] = []
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

    def template_for(self, language: str) -> MailTemplate:
        template = self.templates.get(language)
        if template is None:
            template = self.templates[language] = MailTemplate(self.rendered_for(language))
        return template

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
            upkeep.fail_campaign(self.campaign_id, reason=self.report.failure)
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

    def send_batch(self, recipients: list[Recipient]) -> None:
        gone = [r.delivery_id for r in recipients if r.status != Subscriber.Status.CONFIRMED]
        if gone:  # unsubscribed or bounced since the list was made
            self.report.skipped += Delivery.objects.filter(
                pk__in=gone, claimed_by=self.worker
            ).update(status=Delivery.Status.SKIPPED)
        transport = engine.SmtpTransport()
        # Over a server that pipelines, a mail's answer comes with the next one's (engine.Pipeline).
        pipeline = engine.Pipeline(transport, Delivery, worker=self.worker)
        by_delivery = {r.delivery_id: r for r in recipients}
        date = formatdate(localtime=False)
        try:
            for language in {r.language for r in recipients}:
                self.template_for(language)  # before sending: the loop leaves the database alone
            for index, recipient in enumerate(recipients):
                if recipient.status != Subscriber.Status.CONFIRMED:
                    continue
                self.throttle.wait()
                content = self.template_for(recipient.language).build(
                    recipient, campaign_id=self.campaign_id, domain=self.domain, date=date
                )
                mail = engine.OutgoingMail(
                    sender=self.sender, recipients=[recipient.email], content=content
                )
                if self.demo_copies is not None:
                    self.demo_copies[recipient.delivery_id] = content
                results = pipeline.send(recipient.delivery_id, mail)
                for delivery_id, result in results:
                    self.record(by_delivery[delivery_id], result)
                broken = [result for _, result in results if result.unreachable]
                if broken:
                    # The server is out of reach or stopped answering (a hang ends only at the
                    # mailer's timeout): the rest of the batch takes the same back-off untried,
                    # instead of waiting out one timeout per mail.
                    for rest in recipients[index + 1 :]:
                        if rest.status == Subscriber.Status.CONFIRMED:
                            self.record(
                                rest,
                                engine.Result(
                                    engine.Outcome.FAILED, f"not tried: {broken[-1].error}"
                                ),
                            )
                    break
        finally:
            for delivery_id, result in pipeline.finish():
                self.record(by_delivery[delivery_id], result)
            transport.close()
            # Whatever this worker still holds (the connection broke) goes back to the queue now.
            engine.release(Delivery, where=Q(campaign_id=self.campaign_id), worker=self.worker)
            self.keep_demo_copies()

    def keep_demo_copies(self) -> None:
        """Demo only: the batch's sent mails copied to the demo mailbox, after the pipeline has
        let go of the connection; a copy that fails is logged, the campaign goes on."""
        sent, self.demo_sent = self.demo_sent, []
        for address, content in sent:
            try:
                demo_mailbox.keep_copy(kind="newsletters.issue", to=address, content=content)
            except Exception:
                logger.exception("campaign %s: no demo copy for a sent mail", self.campaign_id)

    def record(self, recipient: Recipient, result: engine.Result) -> None:
        copy = self.demo_copies.pop(recipient.delivery_id, None) if self.demo_copies else None
        if result.outcome is engine.Outcome.SENT:
            self.report.sent += 1
            if copy is not None:
                self.demo_sent.append((recipient.email, copy))
        elif result.outcome is not engine.Outcome.LOST:
            self.record_failure(recipient, result)

    def record_failure(self, recipient: Recipient, result: engine.Result) -> None:
        """Back-off and retry, or mark failed (`engine.record_failure`, deliveries count their
        failures); a recipient refused for good at RCPT is a hard bounce."""
        logger.warning(
            "campaign %s to delivery %s failed: %s",
            self.campaign_id,
            recipient.delivery_id,
            result.error,
        )
        failures = (
            Delivery.objects.filter(pk=recipient.delivery_id)
            .values_list("attempts", flat=True)
            .first()
        )
        retried = engine.record_failure(
            Delivery,
            recipient.delivery_id,
            worker=self.worker,
            error=result.error,
            failures=(failures or 0) + 1,
            max_attempts=conf.max_attempts(),
            permanent=result.outcome is engine.Outcome.REFUSED,
            count_failure=True,
        )
        if retried is None:
            return
        if retried:
            self.report.retried += 1
        else:
            self.report.failed += 1
        if result.hard_bounce:
            upkeep.mark_bounced(email=recipient.email, reason=result.error)


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


def finish_if_done(campaign_id: int) -> bool:
    """Close the campaign with its figures once no delivery is queued or in flight (takes the
    campaign's row lock)."""
    if Delivery.objects.filter(
        campaign_id=campaign_id, status__in=[Delivery.Status.QUEUED, Delivery.Status.SENDING]
    ).exists():
        return False
    with transaction.atomic():
        campaign = lock_rows(Campaign, [campaign_id]).get(campaign_id)
        if (
            campaign is None
            or campaign.status != Campaign.Status.SENDING
            or not campaign.recipients_ready
        ):
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
