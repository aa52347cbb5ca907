"""E-mail really goes over SMTP, once: a local aiosmtpd server receives it."""

from __future__ import annotations

import email
import email.policy
import threading
from datetime import timedelta

import pytest
from django.core.mail import EmailMessage
from django.core.management import call_command
from django.db import connection, connections
from django.utils import timezone

from sharehub.accounts.tests.factories import UserFactory
from sharehub.moderation.services import TRANSITIONS
from sharehub.notifications import services
from sharehub.notifications.mail import sender
from sharehub.notifications.models import OutboundEmail
from sharehub.notifications.outbox import MAX_ATTEMPTS
from sharehub.notifications.tasks import send_outbound_email

from .factories import OutboundEmailFactory

KIND = "moderation.decision"
PUBLISHED = TRANSITIONS["publish"]


def tell(user):
    return services.notify(
        user=user,
        kind=KIND,
        title=PUBLISHED.title,  # translated strings of a real kind, from the moderation catalogue
        body=PUBLISHED.body,
        url="/ko/organizations/share/",
        params={"title": "서울 공유 Share 🙂"},
    )


@pytest.mark.django_db
def test_notification_email_arrives_over_smtp(smtp_server, django_capture_on_commit_callbacks):
    korean = UserFactory(preferred_language="ko", email="minji@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        tell(korean)
    assert len(smtp_server.messages) == 1
    message = smtp_server.messages[0]
    assert message["To"] == "minji@example.org"
    assert message["Subject"] == "[공유허브] 게시됨: 서울 공유 Share 🙂"
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "제출하신 “서울 공유 Share 🙂”" in text
    assert "/ko/organizations/share/" in text
    assert "<h1" in html and "서울 공유 Share 🙂" in html
    outbound = OutboundEmail.objects.get()
    assert (outbound.status, outbound.attempts, outbound.last_error) == (
        OutboundEmail.Status.SENT,
        1,
        "",
    )
    assert outbound.sent_at is not None


@pytest.mark.django_db
def test_english_user_gets_english_mail(smtp_server, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        tell(UserFactory(preferred_language="en"))
    message = smtp_server.messages[0]
    assert message["Subject"] == "[ShareHub] Published: 서울 공유 Share 🙂"
    assert "Hello" in message.get_body(preferencelist=("plain",)).get_content()


@pytest.mark.django_db
@pytest.mark.parametrize("language,name", [("ko", "공유허브"), ("en", "ShareHub")])
def test_the_sender_is_the_hub_in_the_mails_language(
    language, name, smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        tell(UserFactory(preferred_language=language))
    [message] = smtp_server.messages
    [address] = message["From"].addresses
    assert (address.display_name, address.addr_spec) == (name, "noreply@sharehub.localhost")


def test_a_korean_sender_name_is_encoded_and_the_address_kept(settings):
    settings.SHAREHUB_CITY = {**settings.SHAREHUB_CITY, "hub_name_en": 'Seoul "Share", Hub'}
    assert sender("ko") == "공유허브 <noreply@sharehub.localhost>"
    korean = EmailMessage("s", "b", from_email=sender("ko"), to=["a@example.org"])
    assert b"\nFrom: =?utf-8?b?6rO17Jyg7ZeI67iM?= <noreply@sharehub.localhost>\n" in (
        korean.message().as_bytes()
    )
    # A name with an RFC 5322 special is quoted, so it stays one display name.
    english = EmailMessage("s", "b", from_email=sender("en"), to=["a@example.org"])
    [address] = email.message_from_bytes(english.message().as_bytes(), policy=email.policy.default)[
        "From"
    ].addresses
    assert (address.display_name, address.addr_spec) == (
        'Seoul "Share", Hub',
        "noreply@sharehub.localhost",
    )
    # A configured address without a name (the newsletter's own sender) gets the name too.
    assert sender("en", "news@city.example") == '"Seoul \\"Share\\", Hub" <news@city.example>'


@pytest.mark.django_db
def test_running_the_task_twice_sends_once(smtp_server):
    outbound = OutboundEmailFactory()
    assert send_outbound_email.call(outbound.pk) == "sent"
    assert send_outbound_email.call(outbound.pk) == "skipped"
    assert len(smtp_server.messages) == 1
    outbound.refresh_from_db()
    assert outbound.attempts == 1


@pytest.mark.django_db
def test_smtp_refusal_keeps_the_mail_queued(smtp_down):
    outbound = OutboundEmailFactory()
    assert send_outbound_email.call(outbound.pk) == "failed"
    outbound.refresh_from_db()
    assert outbound.status == OutboundEmail.Status.QUEUED
    assert outbound.attempts == 1
    assert outbound.last_error
    assert outbound.next_attempt_at > timezone.now()
    assert outbound.sent_at is None


@pytest.mark.django_db
def test_gives_up_after_the_last_attempt(smtp_down):
    outbound = OutboundEmailFactory(attempts=MAX_ATTEMPTS - 1)
    send_outbound_email.call(outbound.pk)
    outbound.refresh_from_db()
    assert outbound.status == OutboundEmail.Status.FAILED
    assert outbound.attempts == MAX_ATTEMPTS
    assert outbound.next_attempt_at is None


@pytest.mark.django_db
def test_recovery_command_sends_old_queued_mail_once(smtp_server):
    hour_ago = timezone.now() - timedelta(hours=1)
    stale = OutboundEmailFactory()
    backing_off = OutboundEmailFactory(next_attempt_at=timezone.now() + timedelta(minutes=10))
    due_retry = OutboundEmailFactory(next_attempt_at=timezone.now() - timedelta(minutes=1))
    fresh = OutboundEmailFactory()
    sent = OutboundEmailFactory(status=OutboundEmail.Status.SENT)
    OutboundEmail.objects.exclude(pk=fresh.pk).update(created_at=hour_ago)

    call_command("send_queued_emails", "--older-than", "5")
    call_command("send_queued_emails", "--older-than", "5")  # idempotent

    delivered = sorted(message["To"] for message in smtp_server.messages)
    assert delivered == sorted(stale.to + due_retry.to)
    statuses = dict(OutboundEmail.objects.values_list("pk", "status"))
    assert statuses[stale.pk] == statuses[due_retry.pk] == OutboundEmail.Status.SENT
    assert statuses[backing_off.pk] == statuses[fresh.pk] == OutboundEmail.Status.QUEUED
    assert statuses[sent.pk] == OutboundEmail.Status.SENT


@pytest.mark.django_db(transaction=True)
def test_parallel_workers_send_exactly_once(smtp_server):
    if connection.vendor != "postgresql":
        pytest.skip("needs row locks and real parallel connections: PostgreSQL only")
    outbound = OutboundEmailFactory()
    workers = 4
    barrier = threading.Barrier(workers)
    results: list[str] = []
    errors: list[BaseException] = []

    def work() -> None:
        try:
            barrier.wait(timeout=30)
            results.append(send_outbound_email.call(outbound.pk))
        except BaseException as error:  # surfaced in the main thread below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    assert sorted(results) == ["sent", "skipped", "skipped", "skipped"]
    assert len(smtp_server.messages) == 1
    outbound.refresh_from_db()
    assert (outbound.status, outbound.attempts) == (OutboundEmail.Status.SENT, 1)
