"""The decisions part's services: the committee's vote (designation's step), awards within the cap
and the budget left (the database backing both), the waitlist, rejections with reasons, lowering
an award, and who may do any of it."""

from __future__ import annotations

import datetime
import itertools

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from sharehub.accounts.tests.factories import UserFactory
from sharehub.core.models import AuditEntry
from sharehub.notifications.models import Notification
from sharehub.organizations.models import MemberRole
from sharehub.organizations.tests.factories import MembershipFactory
from sharehub.programmes.models import (
    Application,
    ApplicationStatus,
    Award,
    Call,
    CommitteeDecision,
    Report,
    TrackKind,
)
from sharehub.programmes.services import decisions as services

from .factories import MILLION, applicant, open_call, staff_user

pytestmark = pytest.mark.django_db

_receipts = itertools.count(1)


def at_committee(call: Call, *, themed: bool = False, title: str = "공구 도서관", **fields):
    """An application of a fresh organization, before the committee (the review part's job)."""
    organization, owner = applicant()
    kind = TrackKind.THEMED if themed else TrackKind.FREE
    application = Application.objects.create(
        call=call,
        track=call.tracks.get(kind=kind),
        organization=organization,
        title=title,
        requested_amount=fields.pop("requested_amount", 20 * MILLION),
        status=fields.pop("status", ApplicationStatus.COMMITTEE),
        submitted_at=timezone.now() - datetime.timedelta(days=20),
        receipt_number=f"2026-{next(_receipts):05d}",
        **fields,
    )
    application.owner = owner  # the test's handle on a member
    return application


def vote(staff, application, *, approve: bool = True, day: datetime.date | None = None, **counts):
    """A quorate meeting of the 15-seat 공유촉진위원회: 10 present, 8 (or 3) for."""
    values = {
        "members_present": 10,
        "votes_for": 8 if approve else 3,
        "votes_against": 1 if approve else 6,
        "votes_abstain": 1,
        **counts,
    }
    return services.record_committee_vote(
        actor=staff,
        application=application,
        meeting_on=day or timezone.localdate(),
        attendees="김위원, 이위원",
        note="회의록",
        **values,
    )


@pytest.fixture
def staff():
    return staff_user()


@pytest.fixture
def call():
    return open_call(budget=100 * MILLION, cap=30 * MILLION)


def test_the_committee_votes_with_designations_step(staff, call):
    application = at_committee(call)
    decision = vote(staff, application)
    assert decision.outcome == "approved" and decision.seats == 15
    assert decision.committee.slug == "sharing-promotion"  # designation's committee by default
    entry = AuditEntry.objects.get(action="programmes.decision.committee_vote")
    assert entry.object_id == str(application.pk) and entry.data["outcome"] == "approved"
    # The applicant is not told of the vote (only of the decision).
    assert not Notification.objects.filter(user=application.owner).exists()


def test_a_call_may_name_its_own_committee(staff):
    from sharehub.participation.tests.factories import CommitteeFactory

    committee = CommitteeFactory(seats=5)
    call = open_call(committee=committee)
    decision = vote(
        staff, at_committee(call), members_present=3, votes_for=2, votes_against=1, votes_abstain=0
    )
    assert decision.committee == committee and decision.outcome == "approved"


def test_the_vote_needs_a_quorum_and_the_committee_status(staff, call):
    application = at_committee(call)
    with pytest.raises(ValidationError) as error:
        vote(staff, application, members_present=5, votes_for=5, votes_against=0, votes_abstain=0)
    assert "members_present" in error.value.message_dict
    in_review = at_committee(call, status=ApplicationStatus.IN_REVIEW)
    with pytest.raises(ValidationError) as error:
        vote(staff, in_review)
    assert error.value.error_dict["status"][0].code == "invalid_transition:committee"
    assert not CommitteeDecision.objects.exists()


def test_award_within_cap_and_budget(staff, call):
    application = at_committee(call)
    MembershipFactory(organization=application.organization, role=MemberRole.EDITOR)
    vote(staff, application)
    decided = services.decide(
        actor=staff, application=application, outcome="awarded", amount=20 * MILLION
    )
    assert decided.status == ApplicationStatus.AWARDED and decided.decided_by == staff
    award = Award.objects.get(application=application)
    assert award.amount == 20 * MILLION and award.cap == 30 * MILLION and award.decided_by == staff
    assert len(award.identifier) == 16 and award.call == call
    call.refresh_from_db()
    assert call.awarded_total == 20 * MILLION and call.budget_left == 80 * MILLION
    assert Report.objects.filter(award=award).count() == 2  # interim and final
    notices = Notification.objects.filter(kind="programmes.application")
    assert notices.count() == 2  # both members
    assert all("20,000,000" in n.body for n in notices)
    entry = AuditEntry.objects.get(action="programmes.decision.awarded")
    assert entry.data["amount"] == 20 * MILLION


def test_the_themed_track_has_its_own_cap(staff, call):
    themed = at_committee(call, themed=True)  # cap 50M, above the call's 30M
    vote(staff, themed)
    services.decide(actor=staff, application=themed, outcome="awarded", amount=45 * MILLION)
    assert Award.objects.get(application=themed).cap == 50 * MILLION


def test_over_the_cap_is_refused_with_nothing_written(staff, call):
    application = at_committee(call)
    vote(staff, application)
    with pytest.raises(ValidationError) as error:
        services.decide(
            actor=staff, application=application, outcome="awarded", amount=30 * MILLION + 1
        )
    refused = error.value.error_dict["amount"][0]
    assert refused.code == "over_cap" and "30,000,000" in refused.message
    call.refresh_from_db()
    assert call.awarded_total == 0 and not Award.objects.exists()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.COMMITTEE


def test_over_the_budget_left_is_refused(staff):
    call = open_call(budget=50 * MILLION, cap=30 * MILLION)
    first, second = at_committee(call), at_committee(call)
    for application in (first, second):
        vote(staff, application)
    services.decide(actor=staff, application=first, outcome="awarded", amount=30 * MILLION)
    with pytest.raises(ValidationError) as error:
        services.decide(actor=staff, application=second, outcome="awarded", amount=25 * MILLION)
    refused = error.value.error_dict["amount"][0]
    assert refused.code == "over_budget" and "20,000,000" in refused.message
    services.decide(actor=staff, application=second, outcome="awarded", amount=20 * MILLION)
    call.refresh_from_db()
    assert call.awarded_total == call.total_budget


def test_the_database_refuses_what_a_stale_check_would_let_through(staff, call, monkeypatch):
    """The CHECK constraint backs the budget: with the check in Python defeated, the refusal is
    still the same field error and nothing is written."""
    application = at_committee(call)
    vote(staff, application)
    Call.objects.filter(pk=call.pk).update(awarded_total=90 * MILLION)
    monkeypatch.setattr(Call, "budget_left", property(lambda self: 10**12))
    with pytest.raises(ValidationError) as error:
        services.decide(
            actor=staff, application=application, outcome="awarded", amount=20 * MILLION
        )
    assert error.value.error_dict["amount"][0].code == "over_budget"
    assert not Award.objects.exists()
    assert Call.objects.get(pk=call.pk).awarded_total == 90 * MILLION


def test_an_award_needs_the_committees_latest_vote_to_approve(staff, call):
    application = at_committee(call)
    with pytest.raises(ValidationError) as error:
        services.decide(
            actor=staff, application=application, outcome="awarded", amount=10 * MILLION
        )
    assert error.value.error_dict["outcome"][0].code == "not_approved"
    vote(staff, application, day=timezone.localdate() - datetime.timedelta(days=7))
    vote(staff, application, approve=False)  # a later meeting did not approve: it counts
    with pytest.raises(ValidationError) as error:
        services.decide(
            actor=staff, application=application, outcome="awarded", amount=10 * MILLION
        )
    assert error.value.error_dict["outcome"][0].code == "not_approved"
    vote(staff, application)  # a third meeting approves
    services.decide(actor=staff, application=application, outcome="awarded", amount=10 * MILLION)


def test_an_award_needs_an_amount(staff, call):
    application = at_committee(call)
    vote(staff, application)
    with pytest.raises(ValidationError) as error:
        services.decide(actor=staff, application=application, outcome="awarded")
    assert error.value.error_dict["amount"][0].code == "required"
    with pytest.raises(ValidationError) as error:
        services.decide(actor=staff, application=application, outcome="awarded", amount=0)
    assert "amount" in error.value.message_dict


def test_waitlist_and_reject_need_reasons(staff, call):
    application = at_committee(call)
    for outcome in ("waitlisted", "rejected"):
        with pytest.raises(ValidationError) as error:
            services.decide(actor=staff, application=application, outcome=outcome, reason="  ")
        assert error.value.error_dict["reason"][0].code == "required"
    with pytest.raises(ValidationError) as error:
        services.decide(actor=staff, application=application, outcome="approved", reason="x")
    assert "outcome" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.decide(actor=staff, application=application, outcome="rejected", reason="x" * 2001)


def test_rejected_with_reasons_told_to_the_applicant(staff, call):
    application = at_committee(call)
    services.decide(
        actor=staff, application=application, outcome="rejected", reason="예산 대비 효과 부족"
    )
    application.refresh_from_db()
    assert application.status == ApplicationStatus.REJECTED
    assert application.decision_reason == "예산 대비 효과 부족"
    notice = Notification.objects.get(user=application.owner)
    assert "예산 대비 효과 부족" in notice.body
    assert not Award.objects.exists()


def test_a_decision_is_not_taken_twice_except_from_the_waitlist(staff, call):
    awarded, waitlisted, rejected = at_committee(call), at_committee(call), at_committee(call)
    for application in (awarded, waitlisted):
        vote(staff, application)
    services.decide(actor=staff, application=awarded, outcome="awarded", amount=10 * MILLION)
    services.decide(actor=staff, application=rejected, outcome="rejected", reason="부적합")
    services.decide(actor=staff, application=waitlisted, outcome="waitlisted", reason="예비 1순위")
    for application, outcome in (
        (awarded, "awarded"),
        (awarded, "rejected"),
        (rejected, "awarded"),
        (rejected, "waitlisted"),
        (waitlisted, "waitlisted"),
    ):
        with pytest.raises(ValidationError) as error:
            services.decide(
                actor=staff, application=application, outcome=outcome, amount=1, reason="다시"
            )
        assert error.value.error_dict["status"][0].code == "invalid_transition:decide"
    assert Call.objects.get(pk=call.pk).awarded_total == 10 * MILLION
    # From the waitlist, when budget frees up: awarded (the approving vote still counts).
    services.decide(actor=staff, application=waitlisted, outcome="awarded", amount=15 * MILLION)
    waitlisted.refresh_from_db()
    assert waitlisted.status == ApplicationStatus.AWARDED
    assert Call.objects.get(pk=call.pk).awarded_total == 25 * MILLION


def test_the_waitlist_may_end_in_a_rejection(staff, call):
    application = at_committee(call)
    services.decide(actor=staff, application=application, outcome="waitlisted", reason="예비")
    services.decide(actor=staff, application=application, outcome="rejected", reason="예산 소진")
    application.refresh_from_db()
    assert application.status == ApplicationStatus.REJECTED
    assert application.decision_reason == "예산 소진"


def test_who_may_vote_and_decide(staff, call, user):
    application = at_committee(call)
    other_call = open_call()
    other_staff = UserFactory()
    other_call.staff.add(other_staff)
    reviewer = UserFactory()
    application.assignments.create(reviewer=reviewer, conflict="none")
    for person in (None, user, application.owner, other_staff, reviewer):
        with pytest.raises(PermissionDenied):
            vote(person, application)
        with pytest.raises(PermissionDenied):
            services.decide(actor=person, application=application, outcome="rejected", reason="x")
    # A call's own staff (not city staff) run it.
    own = UserFactory()
    call.staff.add(own)
    vote(own, application)
    services.decide(actor=own, application=application, outcome="awarded", amount=MILLION)


def test_lowering_an_award_returns_money_to_the_budget(staff, call):
    application = at_committee(call)
    vote(staff, application)
    services.decide(actor=staff, application=application, outcome="awarded", amount=20 * MILLION)
    award = Award.objects.get()
    for amount, code in (
        (20 * MILLION, "not_lower"),
        (25 * MILLION, "not_lower"),
        (0, "min_value"),
    ):
        with pytest.raises(ValidationError) as error:
            services.reduce_award(actor=staff, award=award, amount=amount, reason="사업 축소")
        assert error.value.error_dict["amount"][0].code == code
    with pytest.raises(ValidationError):
        services.reduce_award(actor=staff, award=award, amount=MILLION, reason="")
    with pytest.raises(PermissionDenied):
        services.reduce_award(
            actor=application.owner, award=award, amount=MILLION, reason="사업 축소"
        )
    services.reduce_award(actor=staff, award=award, amount=12 * MILLION, reason="사업 축소")
    award.refresh_from_db()
    assert award.amount == 12 * MILLION
    assert Call.objects.get(pk=call.pk).awarded_total == 12 * MILLION
    assert AuditEntry.objects.filter(action="programmes.decision.award_reduced").exists()


def test_one_meetings_votes_on_several_applications(staff, call):
    first, second = at_committee(call), at_committee(call)
    recorded = services.record_committee_votes(
        actor=staff,
        call=call,
        meeting_on=timezone.localdate(),
        attendees="김위원",
        votes=[
            services.Vote(first, members_present=10, votes_for=8, votes_against=2, votes_abstain=0),
            services.Vote(
                second, members_present=10, votes_for=4, votes_against=6, votes_abstain=0
            ),
        ],
    )
    assert [v.outcome for v in sorted(recorded, key=lambda v: v.application_id)] == [
        "approved",
        "not_approved",
    ]
    third = at_committee(call)
    with pytest.raises(ValidationError) as error:
        services.record_committee_votes(
            actor=staff,
            call=call,
            meeting_on=timezone.localdate(),
            votes=[
                services.Vote(
                    third, members_present=10, votes_for=8, votes_against=2, votes_abstain=0
                ),
                services.Vote(
                    first, members_present=3, votes_for=3, votes_against=0, votes_abstain=0
                ),
            ],
        )
    assert first.receipt_number in error.value.message_dict["members_present"][0]
    assert not CommitteeDecision.objects.filter(application=third).exists()  # all or nothing
