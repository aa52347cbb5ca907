"""Sending over a server that announces PIPELINING (RFC 2920), as Postfix does: a mail's content
and "." leave with the next mail's MAIL, RCPT and DATA (`engine.Pipeline`). Each mail still goes
out once, refusals land on the right delivery, and a row another worker took is not sent.

The test server (aiosmtpd) answers pipelined commands in order; it is told to announce it here.
"""

from __future__ import annotations

import collections
import smtplib
import time

import pytest
from django.db import connection
from django.db.models import Q
from django.utils import timezone

from sharehub.newsletters.models import Campaign, Delivery, Subscriber
from sharehub.newsletters.sending import CampaignSender, list_recipients
from sharehub.notifications import engine
from sharehub.notifications.models import OutboundEmail
from sharehub.notifications.tasks import send_outbound_email
from sharehub.notifications.tests.factories import OutboundEmailFactory

from .factories import CampaignFactory, SubscriberFactory

pytestmark = pytest.mark.django_db


def announce_pipelining(smtp_server) -> list[str]:
    """Make the test server announce PIPELINING; the list records the EHLO answers it gave."""
    answers: list[str] = []

    async def handle_EHLO(server, session, envelope, hostname, responses):
        session.host_name = hostname
        responses = [*responses[:-1], "250-PIPELINING", responses[-1]]
        answers.extend(responses)
        return responses

    smtp_server.handle_EHLO = handle_EHLO
    return answers


@pytest.fixture
def pipelining(smtp_server):
    return announce_pipelining(smtp_server)


def sending_campaign(recipients: int) -> Campaign:
    SubscriberFactory.create_batch(recipients)
    return CampaignFactory(status=Campaign.Status.SENDING, started_at=timezone.now())


#: Both ways of marking a row (`engine.Mark`): through Django inside a test's transaction, and as
#: a worker does outside any (straight through the driver; on PostgreSQL each COMMIT in the same
#: query as the next row's UPDATE).
both_ways = pytest.mark.parametrize(
    "as_a_worker",
    [
        pytest.param(False, id="in a transaction"),
        pytest.param(True, id="as a worker", marks=pytest.mark.django_db(transaction=True)),
    ],
)


def received(smtp_server) -> collections.Counter:
    return collections.Counter(str(message["To"]) for message in smtp_server.messages)


def test_a_campaign_over_a_pipelining_server_reaches_everyone_once(
    smtp_server, pipelining, fast_sending, monkeypatch
):
    campaign = sending_campaign(120)
    pipelined = []
    monkeypatch.setattr(
        engine.Pipeline,
        "_pipelined",
        lambda self, *args, _real=engine.Pipeline._pipelined: (
            pipelined.append(1) or _real(self, *args)
        ),
    )
    report = CampaignSender(campaign.pk).run()
    assert any("PIPELINING" in answer for answer in pipelining)
    assert len(pipelined) == 120  # every mail went the pipelined way
    counts = received(smtp_server)
    assert len(counts) == 120 and set(counts.values()) == {1}
    assert report.sent == 120 and report.finished
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.SENT and campaign.sent_count == 120
    # Each mail is whole: its own address, its own unsubscribe link, both parts.
    for message in smtp_server.messages[:5]:
        subscriber = Subscriber.objects.get(email=str(message["To"]))
        assert f"/{subscriber.pk}:" in message["List-Unsubscribe"]
        assert message.get_body(preferencelist=("html",)) is not None
        assert message.get_body(preferencelist=("plain",)) is not None


@both_ways
def test_refusals_in_the_pipeline_land_on_their_own_deliveries(
    smtp_server, pipelining, fast_sending, as_a_worker
):
    """One address refused at RCPT (a hard bounce), one mail refused after its "." (temporary,
    known one mail later): both recorded on their own rows; the mails around them go out once."""
    assert connection.in_atomic_block is not as_a_worker
    campaign = sending_campaign(30)
    subscribers = {s.email: s for s in Subscriber.objects.order_by("pk")}
    refused_rcpt, refused_data = list(subscribers)[7], list(subscribers)[12]

    async def handle_RCPT(server, session, envelope, address, rcpt_options):
        if address == refused_rcpt:
            return "550 5.1.1 No such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    collect = smtp_server.handle_DATA

    async def handle_DATA(server, session, envelope):
        if envelope.rcpt_tos == [refused_data]:
            return "451 4.3.0 Try again later"
        return await collect(server, session, envelope)

    smtp_server.handle_RCPT = handle_RCPT
    smtp_server.handle_DATA = handle_DATA
    report = CampaignSender(campaign.pk).run()
    counts = received(smtp_server)
    assert set(counts.values()) == {1} and len(counts) == 28
    assert refused_rcpt not in counts and refused_data not in counts
    assert report.sent == 28 and report.retried == 1 and report.failed == 1
    bounced = Delivery.objects.get(campaign=campaign, subscriber=subscribers[refused_rcpt])
    assert bounced.status == Delivery.Status.FAILED and bounced.last_error.startswith("550")
    subscribers[refused_rcpt].refresh_from_db()
    assert subscribers[refused_rcpt].status == Subscriber.Status.BOUNCED
    later = Delivery.objects.get(campaign=campaign, subscriber=subscribers[refused_data])
    assert later.status == Delivery.Status.QUEUED and later.next_attempt_at is not None
    assert "451" in later.last_error
    assert Delivery.objects.filter(campaign=campaign, status=Delivery.Status.SENT).count() == 28


@both_ways
def test_a_row_another_worker_took_is_not_sent_and_the_next_ones_are(
    smtp_server, pipelining, as_a_worker
):
    assert connection.in_atomic_block is not as_a_worker
    campaign = sending_campaign(5)
    list_recipients(campaign.pk)
    ids = engine.claim(Delivery, where=Q(campaign=campaign), worker="a", size=5)
    taken = ids[2]
    Delivery.objects.filter(pk=taken).update(claimed_by="b")  # a's lease ran out; b has it
    transport = engine.SmtpTransport()
    pipeline = engine.Pipeline(transport, Delivery, worker="a")
    results: dict[int, engine.Outcome] = {}
    emails = dict(Delivery.objects.filter(pk__in=ids).values_list("pk", "subscriber__email"))
    try:
        for pk in ids:
            mail = engine.OutgoingMail(
                sender="news@example.org",
                recipients=[emails[pk]],
                content=f"To: {emails[pk]}\r\nSubject: test\r\n\r\n.line with a dot\r\n".encode(),
            )
            for done, result in pipeline.send(pk, mail):
                results[done] = result.outcome
        for done, result in pipeline.finish():
            results[done] = result.outcome
    finally:
        transport.close()
    assert results[taken] is engine.Outcome.LOST
    assert [results[pk] for pk in ids if pk != taken] == [engine.Outcome.SENT] * 4
    counts = received(smtp_server)
    assert emails[taken] not in counts and len(counts) == 4 and set(counts.values()) == {1}
    # The content arrived whole, its leading dot unstuffed by the server.
    assert smtp_server.messages[0].get_content().startswith(".line with a dot")
    assert Delivery.objects.get(pk=taken).status == Delivery.Status.SENDING  # still b's


def test_the_outbox_sends_one_mail_over_a_pipelining_server(smtp_server, pipelining):
    outbound = OutboundEmailFactory()
    assert send_outbound_email.call(outbound.pk) == "sent"
    assert send_outbound_email.call(outbound.pk) == "skipped"
    assert len(smtp_server.messages) == 1
    outbound.refresh_from_db()
    assert outbound.status == OutboundEmail.Status.SENT


@pytest.mark.parametrize("pipelined", [False, True], ids=["one by one", "pipelined"])
def test_a_mail_given_up_in_its_data_closes_the_connection_without_waiting(
    smtp_server, monkeypatch, pipelined
):
    """A row lost to another worker after its DATA was answered: the connection is closed without
    QUIT (the server would take it as the mail's content and never answer: the mailer's 10 s
    timeout here, for ever without one), the mail is dropped and the next one goes out."""
    if pipelined:
        announce_pipelining(smtp_server)
    campaign = sending_campaign(3)
    list_recipients(campaign.pk)
    ids = engine.claim(Delivery, where=Q(campaign=campaign), worker="a", size=3)
    Delivery.objects.filter(pk=ids[1]).update(claimed_by="b")
    quits: list[int] = []
    real_quit = smtplib.SMTP.quit
    monkeypatch.setattr(smtplib.SMTP, "quit", lambda self: quits.append(1) or real_quit(self))
    transport = engine.SmtpTransport()
    pipeline = engine.Pipeline(transport, Delivery, worker="a")
    emails = dict(Delivery.objects.filter(pk__in=ids).values_list("pk", "subscriber__email"))
    outcomes: dict[int, engine.Outcome] = {}
    started = time.monotonic()
    for pk in ids:
        mail = engine.OutgoingMail(
            sender="news@example.org",
            recipients=[emails[pk]],
            content=f"To: {emails[pk]}\r\nSubject: test\r\n\r\nhello\r\n".encode(),
        )
        outcomes.update((done, result.outcome) for done, result in pipeline.send(pk, mail))
    outcomes.update((done, result.outcome) for done, result in pipeline.finish())
    elapsed = time.monotonic() - started
    assert quits == []  # the connection given up was closed without QUIT
    transport.close()
    assert quits == [1]
    assert elapsed < 5
    assert [outcomes[pk] for pk in ids] == [
        engine.Outcome.SENT,
        engine.Outcome.LOST,
        engine.Outcome.SENT,
    ]
    assert set(received(smtp_server)) == {emails[ids[0]], emails[ids[2]]}
