"""Races on real PostgreSQL connections (DESIGN §4): 100 people support and withdraw at once, 20
rounds; the proposal's count equals its rows after every round and the threshold fires once."""

from __future__ import annotations

import warnings

import pytest
from allauth.account.models import EmailAddress
from django.db import connection

from sharehub.accounts.models import User
from sharehub.core.audit import AuditEntry
from sharehub.core.tests.rush import Rush, free_connections
from sharehub.notifications.models import Notification
from sharehub.participation import services
from sharehub.participation.models import Proposal, ProposalState, Support

from .factories import PolicyAreaFactory, ProposalFactory

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 100
ROUNDS = 20
FIRST = 30  # supporters before the first round
THRESHOLD = 60


@pytest.fixture(autouse=True)
def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks and parallel connections")


@pytest.fixture
def rush():
    workers = min(THREADS, free_connections())
    if workers < THREADS:
        warnings.warn(
            f"PostgreSQL accepts {workers} more connections: the rush runs {workers} threads "
            f"instead of {THREADS} (raise max_connections to run all)",
            stacklevel=1,
        )
    pool = Rush(workers)
    # Every thread connects and queries once first: the rounds race supports, not connecting.
    pool.round([lambda: Support.objects.filter(pk=0).exists() for _ in range(workers)])
    yield pool
    pool.close()


def test_hundred_support_and_withdraw_at_once_twenty_times(rush):
    threads = rush.workers
    author = User.objects.create_user(email="author@example.org", display_name="제안자")
    people = [
        User.objects.create_user(email=f"rush{i}@example.org", display_name=f"시민 {i}")
        for i in range(threads)
    ]
    EmailAddress.objects.bulk_create(
        [EmailAddress(user=p, email=p.email, verified=True, primary=True) for p in people]
    )
    area = PolicyAreaFactory(support_threshold=THRESHOLD)
    proposal = ProposalFactory(area=area, author=author)
    for person in people[:FIRST]:
        services.support_proposal(actor=person, proposal=proposal)
    supporting = set(range(FIRST))
    reached = None
    for _round in range(ROUNDS):
        # Everyone at once: supporters withdraw, the others support (30 ↔ 70 people).
        jobs = [
            (lambda p=p: services.withdraw_support(actor=p, proposal=proposal))
            if i in supporting
            else (lambda p=p: services.support_proposal(actor=p, proposal=proposal))
            for i, p in enumerate(people)
        ]
        results = rush.round(jobs)
        errors = [r for r in results if isinstance(r, Exception)]
        assert not errors, errors[:3]
        supporting = set(range(threads)) - supporting
        fresh = Proposal.objects.get(pk=proposal.pk)
        rows = Support.objects.filter(proposal=proposal).count()
        assert fresh.supports_count == rows == len(supporting)
        assert set(Support.objects.filter(proposal=proposal).values_list("user_id", flat=True)) == {
            people[i].pk for i in supporting
        }
        assert fresh.state == ProposalState.ON_AGENDA  # crossed in round 1, never undone
        reached = reached or fresh.threshold_reached_at
        assert fresh.threshold_reached_at == reached
    assert AuditEntry.objects.filter(action="participation.threshold").count() == 1
    assert Notification.objects.filter(user=author, kind="participation.proposal").count() == 1
