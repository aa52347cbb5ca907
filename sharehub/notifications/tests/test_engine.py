"""The one mail engine (`notifications.engine`): the outbox and newsletter deliveries share its
states, claim, exactly-once mark and retry policy."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db.models import Q
from django.utils import timezone

from sharehub.newsletters.models import Delivery
from sharehub.notifications import engine
from sharehub.notifications.models import OutboundEmail
from sharehub.notifications.selectors import stale_queued_email_ids
from sharehub.notifications.tasks import send_outbound_email

from .factories import OutboundEmailFactory

pytestmark = pytest.mark.django_db


def test_both_streams_use_the_engines_states():
    assert OutboundEmail.Status is engine.MailStatus
    assert set(engine.MailStatus.values) <= set(Delivery.Status.values)


def test_retry_policy_backs_off_then_gives_up():
    assert [engine.retry_delay(n) for n in (1, 2, 3, 4)] == [
        timedelta(minutes=minutes) for minutes in (2, 4, 8, 16)
    ]
    assert engine.retry_delay(20) == engine.MAX_RETRY_DELAY
    assert engine.next_attempt_at(failures=1, max_attempts=3) > timezone.now()
    assert engine.next_attempt_at(failures=3, max_attempts=3) is None
    assert engine.next_attempt_at(failures=1, max_attempts=3, permanent=True) is None


def test_a_row_is_claimed_by_one_worker_until_its_lease_runs_out():
    outbound = OutboundEmailFactory()
    where = Q(pk=outbound.pk)
    assert engine.claim(OutboundEmail, where=where, worker="a", size=1) == [outbound.pk]
    assert engine.claim(OutboundEmail, where=where, worker="b", size=1) == []
    later = engine.claim(OutboundEmail, where=where, worker="b", size=1, lease=timedelta(0))
    assert later == [outbound.pk]  # a's claim is a dead worker's now
    # The one who lost the row cannot mark it sent, and writes nothing.
    written = []
    assert (
        engine.mark_sent_then(
            OutboundEmail, outbound.pk, worker="a", then=lambda: written.append(1)
        )
        is None
    )
    assert written == []
    settle = engine.mark_sent_then(
        OutboundEmail, outbound.pk, worker="b", then=lambda: written.append(1)
    )
    assert settle is not None and written == [1]
    settle()
    outbound.refresh_from_db()
    assert outbound.status == OutboundEmail.Status.SENT and outbound.sent_at is not None


def test_a_claim_takes_due_and_abandoned_rows_in_key_order_up_to_its_size():
    """Queued rows and rows under a dead worker's claim are read by two queries (one per state,
    each along an index): together they still give the first `size` claimable keys."""
    now = timezone.now()
    rows = OutboundEmailFactory.create_batch(7)
    states = [
        {"status": "sending", "claimed_by": "dead", "claimed_at": now - engine.LEASE * 2},
        {"status": "queued"},
        {"status": "sent"},
        {"status": "queued", "next_attempt_at": now + timedelta(minutes=5)},  # not due yet
        {"status": "sending", "claimed_by": "alive", "claimed_at": now},  # a live claim
        {"status": "sending", "claimed_by": "dead", "claimed_at": now - engine.LEASE * 2},
        {"status": "queued"},
    ]
    for row, state in zip(rows, states, strict=True):
        OutboundEmail.objects.filter(pk=row.pk).update(**state)
    where = Q(pk__in=[row.pk for row in rows])
    claimable = [rows[n].pk for n in (0, 1, 5, 6)]
    assert engine.claim(OutboundEmail, where=where, worker="w", size=3) == claimable[:3]
    assert engine.claim(OutboundEmail, where=where, worker="v", size=3) == claimable[3:]
    assert set(
        OutboundEmail.objects.filter(claimed_by__in=["w", "v"]).values_list("pk", flat=True)
    ) == set(claimable)


def test_release_puts_back_only_what_the_worker_still_holds_of_the_rows_named():
    rows = OutboundEmailFactory.create_batch(5)
    pks = [row.pk for row in rows]
    assert engine.claim(OutboundEmail, where=Q(pk__in=pks[:4]), worker="w", size=4) == pks[:4]
    assert engine.claim(OutboundEmail, where=Q(pk__in=pks), worker="v", size=1) == pks[4:]
    OutboundEmail.objects.filter(pk=pks[0]).update(status="sent")  # its mark: not held any more
    assert engine.release(OutboundEmail, where=Q(pk__in=[*pks[:3], pks[4]]), worker="w") == 2
    states = dict(OutboundEmail.objects.values_list("pk", "status"))
    assert [states[pk] for pk in pks] == ["sent", "queued", "queued", "sending", "sending"]
    assert OutboundEmail.objects.get(pk=pks[1]).claimed_by == ""


def test_a_mail_held_by_a_dead_worker_is_sent_again(smtp_server):
    """Killed before the ".", a worker leaves its row 'sending': the recovery job finds it once
    the claim is older than the lease, and it goes out once."""
    outbound = OutboundEmailFactory()
    engine.claim(OutboundEmail, where=Q(pk=outbound.pk), worker="dead", size=1)
    assert send_outbound_email.call(outbound.pk) == "skipped"  # still leased
    assert outbound.pk not in stale_queued_email_ids(older_than=timedelta(minutes=5))
    OutboundEmail.objects.filter(pk=outbound.pk).update(
        claimed_at=timezone.now() - engine.LEASE - timedelta(seconds=1)
    )
    assert outbound.pk in stale_queued_email_ids(older_than=timedelta(minutes=5))
    assert send_outbound_email.call(outbound.pk) == "sent"
    assert send_outbound_email.call(outbound.pk) == "skipped"
    assert len(smtp_server.messages) == 1


def test_a_permanent_refusal_fails_the_mail_at_once(smtp_server):
    async def handle_RCPT(server, session, envelope, address, rcpt_options):
        return "550 No such user"

    smtp_server.handle_RCPT = handle_RCPT
    outbound = OutboundEmailFactory()
    assert send_outbound_email.call(outbound.pk) == "failed"
    outbound.refresh_from_db()
    assert outbound.status == OutboundEmail.Status.FAILED and outbound.next_attempt_at is None
    assert outbound.last_error.startswith("550")
    assert smtp_server.messages == []
