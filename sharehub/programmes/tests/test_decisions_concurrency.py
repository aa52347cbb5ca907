"""A call's awards never pass its budget, on real PostgreSQL connections: 20 staff award 20
approved applications of one call at once, 20 rounds (a fresh call each round, amounts varying).
Each round exactly floor(budget / amount) awards are made, every other decision is refused with
the budget's field error (`amount`, code `over_budget`), and the call's total is the sum of its
awards, within the budget."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Sum
from django.utils import timezone

from sharehub.accounts.tests.factories import UserFactory
from sharehub.core.tests.rush import Rush
from sharehub.designation.models import CommitteeOutcome
from sharehub.participation.tests.factories import CommitteeFactory
from sharehub.programmes.models import (
    Application,
    ApplicationStatus,
    Award,
    Call,
    CommitteeDecision,
    TrackKind,
)
from sharehub.programmes.services import decisions as services

from .factories import MILLION, applicant, open_call

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 20
ROUNDS = 20
BUDGET = 100 * MILLION
CAP = 30 * MILLION
AMOUNTS = (30 * MILLION, 7 * MILLION, 13 * MILLION, 25 * MILLION, 9 * MILLION)


@pytest.fixture(autouse=True)
def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL and parallel connections (SQLite serialises writers)")


@pytest.fixture
def rush():
    pool = Rush(THREADS)
    yield pool
    pool.close()


def _approved_applications(call: Call, organizations: list, staff) -> list[Application]:
    """One application per organization before the committee, each with an approving vote
    (written directly: the vote's own rules are tested elsewhere)."""
    track = call.tracks.get(kind=TrackKind.FREE)
    applications = Application.objects.bulk_create(
        [
            Application(
                call=call,
                track=track,
                organization=organization,
                title=f"사업 {i}",
                requested_amount=CAP,
                status=ApplicationStatus.COMMITTEE,
                submitted_at=timezone.now(),
            )
            for i, organization in enumerate(organizations)
        ]
    )
    CommitteeDecision.objects.bulk_create(
        [
            CommitteeDecision(
                application=application,
                committee=call.committee,
                meeting_on=timezone.localdate(),
                seats=5,
                members_present=5,
                votes_for=5,
                votes_against=0,
                votes_abstain=0,
                outcome=CommitteeOutcome.APPROVED,
                recorded_by=staff[0],
            )
            for application in applications
        ]
    )
    return applications


def test_twenty_awards_at_once_never_pass_the_budget_twenty_times(rush):
    committee = CommitteeFactory(seats=5)
    staff = [UserFactory() for _ in range(THREADS)]
    organizations = [applicant(designated=False)[0] for _ in range(THREADS)]
    for round_ in range(ROUNDS):
        amount = AMOUNTS[round_ % len(AMOUNTS)]
        call = open_call(budget=BUDGET, cap=CAP, committee=committee)
        call.staff.add(*staff)
        applications = _approved_applications(call, organizations, staff)

        def job(i: int, call=call, applications=applications, amount=amount):
            return services.decide(
                actor=staff[i], application=applications[i], outcome="awarded", amount=amount
            )

        results = rush.round([lambda i=i: job(i) for i in range(THREADS)])
        won = [r for r in results if isinstance(r, Application)]
        lost = [r for r in results if isinstance(r, ValidationError)]
        others = [r for r in results if not isinstance(r, Application | ValidationError)]
        assert others == [], others
        assert len(won) == BUDGET // amount, f"round {round_}: {len(won)} awards of {amount:,}"
        assert all(e.error_dict["amount"][0].code == "over_budget" for e in lost), lost
        call.refresh_from_db()
        total = Award.objects.filter(call=call).aggregate(total=Sum("amount"))["total"]
        assert call.awarded_total == total == len(won) * amount <= BUDGET
        assert Application.objects.filter(call=call, status=ApplicationStatus.AWARDED).count() == (
            len(won)
        )
