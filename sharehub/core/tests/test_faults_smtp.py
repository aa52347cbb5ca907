"""An SMTP server that hangs (issue 19, "Faults"): it accepts the connection and then never
answers, at its greeting or at DATA. The mail engine's client times out (the mailer's `timeout`,
set by the hub's settings), the mail stays queued for a later attempt, nothing is lost, and once
the server answers again each mail arrives exactly once. A server that refuses (connection
refused, 4xx, 5xx) is already proved: notifications/tests/test_mail.py and test_engine.py,
newsletters/tests/test_campaigns.py."""

from __future__ import annotations

import runpy
import socket
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from sharehub.core.tests.smtp import smtp_mailers
from sharehub.newsletters.models import Campaign, Delivery
from sharehub.newsletters.sending import CampaignSender
from sharehub.newsletters.tests.factories import CampaignFactory, SubscriberFactory, TopicFactory
from sharehub.notifications.models import OutboundEmail
from sharehub.notifications.tasks import send_outbound_email
from sharehub.notifications.tests.factories import OutboundEmailFactory

pytestmark = pytest.mark.django_db

TIMEOUT = 1  # the mailer's timeout in these tests, seconds


class HangingServer:
    """Accepts connections; at `hang_at` ("greeting" or "DATA") it stops answering for good."""

    def __init__(self, hang_at: str) -> None:
        self.hang_at = hang_at
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.connections: list[socket.socket] = []
        self.received: list[bytes] = []
        self.closing = False
        self.answering: dict = {}
        self.collected: Any = None
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self.closing:
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return
            self.connections.append(connection)
            threading.Thread(target=self._talk, args=(connection,), daemon=True).start()

    def _talk(self, connection: socket.socket) -> None:
        if self.hang_at == "greeting":
            return  # the connection stays open, silent
        stream = connection.makefile("rwb")
        try:
            stream.write(b"220 slow.example ESMTP\r\n")
            stream.flush()
            for line in stream:
                self.received.append(line)
                command = line[:4].upper()
                if command == b"DATA":
                    return  # never answered
                if command in (b"EHLO", b"HELO"):
                    stream.write(b"250 slow.example\r\n")
                elif command == b"QUIT":
                    stream.write(b"221 bye\r\n")
                    stream.flush()
                    return
                else:
                    stream.write(b"250 ok\r\n")
                stream.flush()
        except OSError:
            return

    def close(self) -> None:
        self.closing = True
        self.listener.close()
        for connection in self.connections:
            connection.close()


@pytest.fixture(params=["greeting", "DATA"])
def hanging_smtp(request, settings, smtp_server) -> Iterator[HangingServer]:
    """The hanging server is the mailer; `server.answering` is the mailer of the real one."""
    server = HangingServer(request.param)
    server.answering = settings.MAILERS
    server.collected = smtp_server
    mailers = smtp_mailers(server.port)
    mailers["default"]["OPTIONS"]["timeout"] = TIMEOUT
    settings.MAILERS = mailers
    yield server
    server.close()


def test_the_hubs_mailer_has_a_timeout(monkeypatch):
    """Without one, a hanging server would hold a worker forever (smtplib waits without end)."""
    monkeypatch.setenv("SHAREHUB_SMTP_HOST", "mail.example.org")
    monkeypatch.setenv("SHAREHUB_SECRET_KEY", "x" * 50)
    values = runpy.run_path(str(Path(__file__).parents[2] / "settings.py"))
    timeout = values["MAILERS"]["default"]["OPTIONS"]["timeout"]
    assert 0 < timeout <= 60


def test_a_hanging_server_times_out_and_the_mail_waits_for_the_next_attempt(
    hanging_smtp, settings, smtp_server
):
    outbound = OutboundEmailFactory()
    began = time.monotonic()
    assert send_outbound_email.call(outbound.pk) == "failed"
    assert time.monotonic() - began < 10 * TIMEOUT  # the worker is not held
    outbound.refresh_from_db()
    assert outbound.status == OutboundEmail.Status.QUEUED
    assert outbound.attempts == 1 and outbound.sent_at is None
    assert outbound.next_attempt_at > timezone.now()
    assert "timed out" in outbound.last_error.lower()
    if hanging_smtp.hang_at == "DATA":
        assert any(line.upper().startswith(b"RCPT") for line in hanging_smtp.received)

    # The server answers again (the real one); at the next attempt the mail goes, once.
    settings.MAILERS = hanging_smtp.answering
    OutboundEmail.objects.filter(pk=outbound.pk).update(
        next_attempt_at=timezone.now() - timedelta(seconds=1)
    )
    assert send_outbound_email.call(outbound.pk) == "sent"
    assert send_outbound_email.call(outbound.pk) == "skipped"
    assert [message["To"] for message in smtp_server.messages] == outbound.to


def test_a_campaign_against_a_hanging_server_loses_nothing_and_sends_each_once(
    hanging_smtp, settings
):
    """The batch stops at the first timeout: its other mails take the same back-off untried, so
    a worker is held one timeout per batch, not one per mail (200 mails × 30 s before)."""
    settings.SHAREHUB_NEWSLETTER_RATE = 0
    TopicFactory()
    subscribers = [SubscriberFactory() for _ in range(12)]
    campaign = CampaignFactory()
    Campaign.objects.filter(pk=campaign.pk).update(
        status=Campaign.Status.SENDING, started_at=timezone.now()
    )
    assert CampaignSender(campaign.pk).run().sent == 0
    assert len(hanging_smtp.connections) == 1  # one wait for the whole batch, not one per mail
    deliveries = Delivery.objects.all()
    assert {(d.status, d.attempts) for d in deliveries} == {(Delivery.Status.QUEUED, 1)}
    assert all(d.next_attempt_at > timezone.now() for d in deliveries)
    assert Campaign.objects.get(pk=campaign.pk).status == Campaign.Status.SENDING

    # The server answers again: at the next attempt every mail goes, once.
    settings.MAILERS = hanging_smtp.answering
    smtp_server = hanging_smtp.collected
    Delivery.objects.update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    CampaignSender(campaign.pk).run()
    CampaignSender(campaign.pk).run()  # a second run finds nothing left
    delivered = sorted(message["To"] for message in smtp_server.messages)
    assert delivered == sorted(subscriber.email for subscriber in subscribers)
    assert Campaign.objects.get(pk=campaign.pk).status == Campaign.Status.SENT
