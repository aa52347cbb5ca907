"""Services of the committee review: rapporteurs, notes, drafts, decisions, publication."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from sharehub.core.audit import AuditEntry
from sharehub.moderation.models import ModerationStatus
from sharehub.notifications.models import Notification
from sharehub.participation.models import (
    Follow,
    ProposalState,
    RecommendationItem,
    RecommendationState,
    Review,
)
from sharehub.participation.selectors import review as selectors
from sharehub.participation.selectors import timeline
from sharehub.participation.services import review as services

from .review_setup import board_fixture  # noqa: F401

pytestmark = pytest.mark.django_db


def _codes(error: ValidationError) -> set[str]:
    return {e.code for errors in error.error_dict.values() for e in errors}


def test_assign_rapporteur_starts_the_review(board):
    review = services.assign_rapporteur(
        actor=board.secretary, proposal=board.proposal, rapporteur=board.member
    )
    board.proposal.refresh_from_db()
    assert board.proposal.state == ProposalState.UNDER_REVIEW
    assert review.rapporteur == board.member and review.committee == board.committee
    # naming another replaces the first: still one review
    services.assign_rapporteur(actor=board.chair, proposal=board.proposal, rapporteur=board.chair)
    assert Review.objects.get(proposal=board.proposal).rapporteur == board.chair
    assert AuditEntry.objects.filter(action="participation.rapporteur").count() == 2
    entries = timeline(board.proposal)
    assert any(str(e.label) == "검토 시작" or "Review started" in str(e.label) for e in entries), [
        str(e.label) for e in entries
    ]
    assert any(board.chair.display_name in e.text for e in entries)


def test_rapporteur_must_be_a_current_member(board):
    for rapporteur in (board.citizen, board.outsider_member, board.former):
        with pytest.raises(ValidationError) as error:
            services.assign_rapporteur(
                actor=board.chair, proposal=board.proposal, rapporteur=rapporteur
            )
        assert "not_member" in _codes(error.value)
    assert not Review.objects.exists()


@pytest.mark.parametrize("who", ["member", "former", "outsider_member", "city_staff", "author"])
def test_only_chair_or_secretary_assign(board, who):
    with pytest.raises(PermissionDenied):
        services.assign_rapporteur(
            actor=getattr(board, who), proposal=board.proposal, rapporteur=board.member
        )
    board.proposal.refresh_from_db()
    assert board.proposal.state == ProposalState.ON_AGENDA


def test_proposal_not_on_the_agenda_is_refused(board):
    collecting = board.on_agenda()
    collecting.state = ProposalState.COLLECTING
    collecting.save()
    hidden = board.on_agenda(moderation_status=ModerationStatus.HIDDEN)
    for proposal in (collecting, hidden):
        with pytest.raises(ValidationError) as error:
            services.assign_rapporteur(
                actor=board.chair, proposal=proposal, rapporteur=board.member
            )
        assert "not_on_agenda" in _codes(error.value)
        with pytest.raises(ValidationError):
            services.add_note(
                actor=board.member, committee=board.committee, proposal=proposal, text="메모"
            )
    # on another committee's agenda: not this committee's to note
    with pytest.raises(ValidationError):
        services.add_note(
            actor=board.outsider_member, committee=board.other, proposal=board.proposal, text="x"
        )


def test_notes(board):
    note = services.add_note(
        actor=board.member, committee=board.committee, proposal=board.proposal, text=" 검토 메모 "
    )
    assert note.text == "검토 메모" and note.author == board.member
    with pytest.raises(ValidationError):
        services.add_note(
            actor=board.member, committee=board.committee, proposal=board.proposal, text="  "
        )
    with pytest.raises(ValidationError):
        services.add_note(
            actor=board.member,
            committee=board.committee,
            proposal=board.proposal,
            text="가" * 4001,
        )
    for outsider in (board.citizen, board.outsider_member, board.former, board.city_staff):
        with pytest.raises(PermissionDenied):
            services.add_note(
                actor=outsider, committee=board.committee, proposal=board.proposal, text="x"
            )
    with pytest.raises(PermissionDenied):  # another member's note
        services.delete_note(actor=board.chair, note=note)
    services.delete_note(actor=board.member, note=note)
    assert not board.committee.notes.exists()
    # notes are never in the audit (whose history is not the committee's to read)
    assert not AuditEntry.objects.filter(action__contains="note").exists()


def test_draft_decide_and_publish(board):
    follower = board.citizen
    Follow.objects.create(proposal=board.proposal, user=follower)
    draft = services.create_recommendation(
        actor=board.member,
        committee=board.committee,
        title=" 공유 촉진 권고 ",
        body="<p>권고합니다.</p><script>alert(1)</script>",
        language="ko",
    )
    assert draft.state == RecommendationState.DRAFT and draft.title == "공유 촉진 권고"
    assert "<script" not in draft.body
    services.set_decision(
        actor=board.member,
        recommendation=draft,
        proposal=board.proposal,
        verdict="with_changes",
        reasons="예산을 줄여서",
    )
    services.set_decision(  # an explicit edit replaces the decision (see test_leftovers_review)
        actor=board.member,
        recommendation=draft,
        proposal=board.proposal,
        verdict="recommend",
        reasons="시민 수요가 큽니다",
        replace=True,
    )
    services.set_decision(
        actor=board.chair,
        recommendation=draft,
        proposal=board.second,
        verdict="not_recommend",
        reasons="법령상 어렵습니다",
    )
    assert draft.items.count() == 2
    before = timezone.now()
    published = services.publish_recommendation(actor=board.secretary, recommendation=draft)
    assert published.state == RecommendationState.PUBLISHED
    assert published.published_at >= before
    assert published.answer_due - published.published_at == timedelta(
        days=services.CITY_ANSWER_DAYS
    )
    board.proposal.refresh_from_db()
    board.second.refresh_from_db()
    assert board.proposal.state == ProposalState.RECOMMENDED
    assert board.second.state == ProposalState.NOT_RECOMMENDED
    told = Notification.objects.filter(kind=services.REVIEW_KIND)
    assert {n.user_id for n in told} == {board.author.pk, follower.pk}
    assert told.filter(user=board.author).count() == 2  # one per proposal
    mine = told.filter(user=follower).get()
    assert board.proposal.title in mine.title and "권고" in mine.body
    labels = [str(e.label) for e in timeline(board.second)]
    assert any("위원회" in label or "decision" in label for label in labels), labels
    assert [item.verdict for item in selectors.public_decisions(board.proposal)] == ["recommend"]


def test_publishing_is_refused_when_empty_twice_or_not_lead(board):
    empty = services.create_recommendation(
        actor=board.member, committee=board.committee, title="빈 권고", body="<p>내용</p>"
    )
    with pytest.raises(ValidationError) as error:
        services.publish_recommendation(actor=board.chair, recommendation=empty)
    assert "empty" in _codes(error.value)
    draft = board.draft()
    for who in (board.member, board.outsider_member, board.city_staff, board.moderator):
        with pytest.raises(PermissionDenied):
            services.publish_recommendation(actor=who, recommendation=draft)
    services.publish_recommendation(actor=board.chair, recommendation=draft)
    with pytest.raises(ValidationError) as error:
        services.publish_recommendation(actor=board.chair, recommendation=draft)
    assert "published" in _codes(error.value)
    # a published one no longer changes
    with pytest.raises(ValidationError):
        services.update_recommendation(actor=board.member, recommendation=draft, title="바꾼 제목")
    with pytest.raises(ValidationError):
        services.remove_decision(actor=board.member, item=draft.items.get())
    with pytest.raises(ValidationError):
        services.delete_recommendation(actor=board.chair, recommendation=draft)


def test_a_decided_proposal_is_not_decided_again(board):
    # two drafts decide the same proposal; the first published wins, the second is refused
    first = board.draft()
    second = board.draft()
    services.publish_recommendation(actor=board.chair, recommendation=first)
    with pytest.raises(ValidationError) as error:
        services.publish_recommendation(actor=board.chair, recommendation=second)
    assert "not_on_agenda" in _codes(error.value) or "decided" in _codes(error.value)
    assert (
        RecommendationItem.objects.filter(
            proposal=board.proposal, recommendation__state="published"
        ).count()
        == 1
    )
    with pytest.raises(ValidationError):
        services.set_decision(
            actor=board.member,
            recommendation=second,
            proposal=board.proposal,
            verdict="recommend",
            reasons="다시",
        )


def test_decision_needs_valid_input_and_an_agenda_proposal(board):
    draft = board.draft(with_item=False)
    cases = [
        ({"verdict": "maybe", "reasons": "이유"}, "verdict"),
        ({"verdict": "recommend", "reasons": "  "}, "reasons"),
    ]
    for values, field in cases:
        with pytest.raises(ValidationError) as error:
            services.set_decision(
                actor=board.member, recommendation=draft, proposal=board.proposal, **values
            )
        assert field in error.value.error_dict
    collecting = board.on_agenda()
    collecting.state = ProposalState.COLLECTING
    collecting.agenda_committee = None
    collecting.save()
    with pytest.raises(ValidationError) as error:
        services.set_decision(
            actor=board.member,
            recommendation=draft,
            proposal=collecting,
            verdict="recommend",
            reasons="이유",
        )
    assert "proposal" in error.value.error_dict
    assert not draft.items.exists()


def test_recommendation_needs_title_and_body(board):
    with pytest.raises(ValidationError) as error:
        services.create_recommendation(
            actor=board.member, committee=board.committee, title="", body="<p> </p>"
        )
    assert {"title", "body"} <= set(error.value.error_dict)
    with pytest.raises(PermissionDenied):
        services.create_recommendation(
            actor=board.outsider_member, committee=board.committee, title="t", body="<p>b</p>"
        )


def test_withdrawn_proposal_after_drafting_blocks_publication(board):
    draft = board.draft()
    board.proposal.moderation_status = ModerationStatus.HIDDEN
    board.proposal.save()
    with pytest.raises(ValidationError) as error:
        services.publish_recommendation(actor=board.chair, recommendation=draft)
    assert "not_on_agenda" in _codes(error.value)
    draft.refresh_from_db()
    assert draft.state == RecommendationState.DRAFT


def test_demo_review_is_idempotent():
    from sharehub.accounts.tests.factories import UserFactory
    from sharehub.participation.demo import load_demo, load_review_demo
    from sharehub.participation.models import CommitteeNote, Proposal, Recommendation

    accounts = {
        f"{name}@sharehub.example": UserFactory(email=f"{name}@sharehub.example")
        for name in ("staff", "citizen", "moderator", "admin", "member")
    }
    assert load_demo(accounts=accounts) > 0  # ends with the review's part
    assert load_review_demo(accounts=accounts) == 0
    assert load_demo(accounts=accounts) == 0
    assert Proposal.objects.filter(state=ProposalState.ON_AGENDA).count() == 1
    reviewed = Proposal.objects.get(state=ProposalState.UNDER_REVIEW)
    assert reviewed.review.rapporteur.email == "staff@sharehub.example"
    assert reviewed.supports_count == reviewed.supports.count()
    assert Review.objects.filter(rapporteur__isnull=False).count() == 2
    assert CommitteeNote.objects.count() == 2
    states = set(Recommendation.objects.values_list("state", flat=True))
    assert states == {"draft", "published"}
    published = Recommendation.objects.get(state="published")
    assert published.items.get().proposal.state == ProposalState.RECOMMENDED
    assert published.answer_due and published.items.get().proposal.supports_count == 100


def test_committee_meetings_are_events_with_a_committee(board):
    from sharehub.events import services as event_services
    from sharehub.events.models import EventKind
    from sharehub.organizations.tests.factories import organization_owned_by

    start = timezone.now() + timedelta(days=3)
    values = {
        "title_ko": "제1차 위원회 회의",
        "starts_at": start,
        "ends_at": start + timedelta(hours=2),
        "capacity": 20,
        "kind": EventKind.COMMITTEE_MEETING,
    }
    with pytest.raises(ValidationError) as error:  # a committee meeting names its committee
        event_services.create_event(actor=board.city_staff, organization=None, **values)
    assert "committee" in error.value.error_dict
    with pytest.raises(ValidationError) as error:  # only committee meetings have one
        event_services.create_event(
            actor=board.city_staff,
            organization=None,
            **{**values, "kind": EventKind.FORUM, "committee": board.committee},
        )
    assert "committee" in error.value.error_dict
    organization = organization_owned_by(board.chair)
    with pytest.raises(ValidationError) as error:  # the city organizes them
        event_services.create_event(
            actor=board.chair, organization=organization, **values, committee=board.committee
        )
    assert "committee" in error.value.error_dict
    meeting = event_services.create_event(
        actor=board.city_staff, organization=None, **values, committee=board.committee
    )
    assert meeting.committee == board.committee
    assert list(board.committee.meetings.all()) == [meeting]


def test_a_decision_added_while_publishing_is_not_published_unlocked(board, monkeypatch):
    draft = board.draft()
    real = services.lock_objects

    def add_then_lock(*objects):
        # another member adds a decision between the first read and the lock
        RecommendationItem.objects.create(
            recommendation=draft, proposal=board.second, verdict="recommend", reasons="늦게"
        )
        return real(*objects)

    monkeypatch.setattr(services, "lock_objects", add_then_lock)
    with pytest.raises(ValidationError) as error:
        services.publish_recommendation(actor=board.chair, recommendation=draft)
    assert "changed" in _codes(error.value)
    draft.refresh_from_db()
    board.second.refresh_from_db()
    assert draft.state == RecommendationState.DRAFT
    assert board.second.state == ProposalState.ON_AGENDA
