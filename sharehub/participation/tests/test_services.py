"""Services: drafts, submission through moderation, edits and amendments, withdrawal, supports
and the threshold, the closing job — each refusal with its field error."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from sharehub.core.audit import AuditEntry
from sharehub.moderation import services as moderation
from sharehub.moderation.models import ModerationStatus
from sharehub.notifications.models import Notification
from sharehub.participation import services
from sharehub.participation.models import Proposal, ProposalAmendment, ProposalState, Support
from sharehub.search.models import SearchEntry

from .factories import ProposalFactory

pytestmark = pytest.mark.django_db
S = ProposalState


def _codes(error: ValidationError) -> set[str]:
    return {e.code for errors in error.error_dict.values() for e in errors if e.code}


def _draft(author, area, **extra):
    values = {
        "title": "주민센터를 밤에도 열어 주세요",
        "body": "<p>저녁 모임이 쓸 곳이 없습니다.</p>",
    }
    values.update(extra)
    return services.create_proposal(actor=author, area=area, language="ko", **values)


# Drafts, submission, moderation ---------------------------------------------------------------


def test_draft_submit_publish_opens_the_support_period(author, area, moderator, district):
    proposal = services.create_proposal(
        actor=author,
        title="  주민센터를 밤에도 열어 주세요 ",
        body="<p>저녁 모임<script>alert(1)</script></p>",
        language="ko",
        area=area,
        districts=[district],
    )
    assert proposal.state == S.DRAFT and proposal.moderation_status == ""
    assert proposal.title == "주민센터를 밤에도 열어 주세요"
    assert "<script>" not in proposal.body
    assert list(proposal.districts.all()) == [district]
    # a draft is not in the moderation queue
    assert not Proposal.objects.filter(moderation_status=ModerationStatus.PENDING).exists()
    proposal = services.submit_proposal(actor=author, proposal=proposal)
    assert proposal.state == S.SUBMITTED and proposal.moderation_status == ModerationStatus.PENDING
    assert not SearchEntry.objects.filter(object_id=str(proposal.pk)).exists()
    with pytest.raises(ValidationError):
        services.submit_proposal(actor=author, proposal=proposal)
    before = timezone.now()
    moderation.publish(actor=moderator, obj=proposal)
    proposal.refresh_from_db()
    assert proposal.state == S.COLLECTING
    assert proposal.support_threshold == area.support_threshold
    assert proposal.support_deadline >= before + timedelta(days=area.support_days)
    assert AuditEntry.objects.filter(action="participation.submit", object_id=str(proposal.pk))


def test_rejected_proposal_is_edited_and_sent_again(author, area, moderator):
    proposal = services.submit_proposal(actor=author, proposal=_draft(author, area))
    moderation.reject(actor=moderator, obj=proposal, reason="개인정보가 들어 있습니다")
    proposal.refresh_from_db()
    services.update_proposal(actor=author, proposal=proposal, body="<p>고친 글</p>")
    proposal = services.submit_proposal(actor=author, proposal=Proposal.objects.get(pk=proposal.pk))
    assert proposal.moderation_status == ModerationStatus.PENDING
    assert proposal.state == S.SUBMITTED


def test_unverified_email_cannot_propose(unverified, area):
    with pytest.raises(ValidationError) as error:
        _draft(unverified, area)
    assert "unverified" in _codes(error.value) or error.value.messages


def test_anonymous_cannot_propose(area):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        _draft(AnonymousUser(), area)


def test_empty_body_and_long_title_are_field_errors(author, area):
    with pytest.raises(ValidationError) as error:
        _draft(author, area, title="가" * 151, body="<p></p>")
    assert {"title", "body"} <= set(error.value.error_dict)


def test_errors_speak_the_users_language(author, proposal, people):
    services.support_proposal(actor=people[0], proposal=proposal)
    with translation.override("ko"), pytest.raises(ValidationError) as error:
        services.support_proposal(actor=people[0], proposal=proposal)
    assert "이미" in error.value.messages[0]


# Edits and amendments --------------------------------------------------------------------------


def test_only_the_author_edits(proposal, other_user):
    with pytest.raises(PermissionDenied):
        services.update_proposal(actor=other_user, proposal=proposal, title="남의 제안")


def test_edits_until_the_first_support_then_amendments(author, proposal, people):
    services.update_proposal(actor=author, proposal=proposal, title="고친 제목")
    with pytest.raises(ValidationError) as error:
        services.amend_proposal(actor=author, proposal=proposal, text="<p>덧붙임</p>")
    assert "editable" in _codes(error.value)
    services.support_proposal(actor=people[0], proposal=proposal)
    with pytest.raises(ValidationError) as error:
        services.update_proposal(actor=author, proposal=proposal, title="지지 뒤 고친 제목")
    assert "supported" in _codes(error.value)
    proposal.refresh_from_db()
    assert proposal.title == "고친 제목"
    amendment = services.amend_proposal(
        actor=author, proposal=proposal, text="<p>예산 추정을 덧붙입니다.</p>"
    )
    assert amendment.created_at is not None
    with pytest.raises(PermissionDenied):
        services.amend_proposal(actor=people[0], proposal=proposal, text="<p>남이 덧붙임</p>")
    with pytest.raises(ValidationError):
        services.amend_proposal(actor=author, proposal=proposal, text="<p> </p>")
    assert ProposalAmendment.objects.filter(proposal=proposal).count() == 1


def test_area_is_fixed_once_collecting(author, proposal):
    other = ProposalFactory().area
    with pytest.raises(ValidationError) as error:
        services.update_proposal(actor=author, proposal=proposal, area=other)
    assert "area" in error.value.error_dict


def test_delete_draft_only(author, area, proposal):
    draft = _draft(author, area)
    services.delete_draft(actor=author, proposal=draft)
    assert not Proposal.objects.filter(pk=draft.pk).exists()
    with pytest.raises(ValidationError):
        services.delete_draft(actor=author, proposal=proposal)


# Withdrawal -------------------------------------------------------------------------------------


def test_withdraw_needs_a_reason_and_the_author(author, proposal, other_user, people):
    services.support_proposal(actor=people[0], proposal=proposal)
    with pytest.raises(PermissionDenied):
        services.withdraw_proposal(actor=other_user, proposal=proposal, reason="남의 것")
    with pytest.raises(ValidationError) as error:
        services.withdraw_proposal(actor=author, proposal=proposal, reason="  ")
    assert "reason" in error.value.error_dict
    services.withdraw_proposal(actor=author, proposal=proposal, reason="다른 제안과 합칩니다")
    proposal.refresh_from_db()
    assert proposal.state == S.WITHDRAWN and proposal.withdrawal_reason == "다른 제안과 합칩니다"
    assert proposal.supports_count == 1  # it stays public with its supports
    with pytest.raises(ValidationError):
        services.withdraw_proposal(actor=author, proposal=proposal, reason="다시")
    with pytest.raises(ValidationError) as error:
        services.support_proposal(actor=people[1], proposal=proposal)
    assert "withdrawn" in _codes(error.value)


# Supports ---------------------------------------------------------------------------------------


def test_support_and_withdraw_keep_the_count_equal_to_rows(proposal, people):
    services.support_proposal(actor=people[0], proposal=proposal)
    services.support_proposal(actor=people[1], proposal=proposal)
    proposal.refresh_from_db()
    assert proposal.supports_count == 2 == Support.objects.filter(proposal=proposal).count()
    services.withdraw_support(actor=people[0], proposal=proposal)
    proposal.refresh_from_db()
    assert proposal.supports_count == 1 == Support.objects.filter(proposal=proposal).count()
    with pytest.raises(ValidationError) as error:
        services.withdraw_support(actor=people[0], proposal=proposal)
    assert "not_supported" in _codes(error.value)


def test_supporting_twice_is_refused(proposal, people):
    services.support_proposal(actor=people[0], proposal=proposal)
    with pytest.raises(ValidationError) as error:
        services.support_proposal(actor=people[0], proposal=proposal)
    assert "twice" in _codes(error.value)
    assert Support.objects.filter(proposal=proposal).count() == 1


def test_own_proposal_only_where_the_area_allows(author, proposal):
    with pytest.raises(ValidationError) as error:
        services.support_proposal(actor=author, proposal=proposal)
    assert "own" in _codes(error.value)
    proposal.area.allow_self_support = True
    proposal.area.save()
    services.support_proposal(actor=author, proposal=proposal)
    assert Support.objects.filter(proposal=proposal, user=author).exists()


def test_unverified_cannot_support(unverified, proposal):
    with pytest.raises(ValidationError):
        services.support_proposal(actor=unverified, proposal=proposal)
    assert not Support.objects.exists()


def test_no_support_after_the_deadline(proposal, people):
    services.support_proposal(actor=people[0], proposal=proposal)
    Proposal.objects.filter(pk=proposal.pk).update(
        support_deadline=timezone.now() - timedelta(seconds=1)
    )
    for call in (services.support_proposal, services.withdraw_support):
        with pytest.raises(ValidationError) as error:
            call(
                actor=people[0] if call is services.withdraw_support else people[1],
                proposal=proposal,
            )
        assert "deadline" in _codes(error.value)


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"moderation_status": ModerationStatus.HIDDEN}, "hidden"),
        ({"state": S.NOT_ENOUGH_SUPPORT}, "closed"),
        ({"state": S.SUBMITTED, "moderation_status": ModerationStatus.PENDING}, "hidden"),
        ({"state": S.DRAFT, "moderation_status": ""}, "hidden"),
    ],
)
def test_no_support_on_hidden_closed_or_unpublished(proposal, people, changes, code):
    Proposal.objects.filter(pk=proposal.pk).update(**changes)
    with pytest.raises(ValidationError) as error:
        services.support_proposal(actor=people[0], proposal=proposal)
    assert code in _codes(error.value)


def test_threshold_puts_it_on_the_agenda_once(author, proposal, people):
    area = proposal.area  # threshold 3
    for person in people[:2]:
        services.support_proposal(actor=person, proposal=proposal)
    proposal.refresh_from_db()
    assert proposal.state == S.COLLECTING and proposal.threshold_reached_at is None
    services.support_proposal(actor=people[2], proposal=proposal)
    proposal.refresh_from_db()
    assert proposal.state == S.ON_AGENDA
    assert proposal.agenda_committee == area.committee
    assert proposal.answer_due == proposal.threshold_reached_at + timedelta(days=area.answer_days)
    reached = proposal.threshold_reached_at
    # dropping below and crossing again fires nothing more; supports stay open until the deadline
    services.withdraw_support(actor=people[0], proposal=proposal)
    services.support_proposal(actor=people[0], proposal=proposal)
    services.support_proposal(actor=people[3], proposal=proposal)
    proposal.refresh_from_db()
    assert proposal.threshold_reached_at == reached and proposal.state == S.ON_AGENDA
    assert Notification.objects.filter(user=author, kind="participation.proposal").count() == 1
    assert AuditEntry.objects.filter(action="participation.threshold").count() == 1


# The closing job --------------------------------------------------------------------------------


def test_expired_proposals_close_as_not_enough_support(author, area, people):
    late = ProposalFactory(area=area, author=author)
    running = ProposalFactory(area=area, author=author)
    services.support_proposal(actor=people[0], proposal=late)
    Proposal.objects.filter(pk=late.pk).update(support_deadline=timezone.now() - timedelta(hours=1))
    assert services.close_expired_proposals() == 1
    assert services.close_expired_proposals() == 0  # twice changes nothing
    late.refresh_from_db()
    running.refresh_from_db()
    assert late.state == S.NOT_ENOUGH_SUPPORT and late.closed_at is not None
    assert late.supports_count == 1  # kept, not archived
    assert running.state == S.COLLECTING
    assert Notification.objects.filter(user=author, kind="participation.proposal").count() == 1


def test_expired_proposal_past_a_lowered_threshold_goes_on_the_agenda(proposal, people):
    for person in people[:2]:
        services.support_proposal(actor=person, proposal=proposal)
    Proposal.objects.filter(pk=proposal.pk).update(
        support_threshold=2, support_deadline=timezone.now() - timedelta(hours=1)
    )
    assert services.close_expired_proposals() == 1
    proposal.refresh_from_db()
    assert proposal.state == S.ON_AGENDA


def test_erasing_a_supporter_recounts(proposal, people):
    from sharehub.participation.privacy_data import erase_participation

    services.support_proposal(actor=people[0], proposal=proposal)
    services.support_proposal(actor=people[1], proposal=proposal)
    erase_participation(people[0])
    proposal.refresh_from_db()
    assert proposal.supports_count == 1 == Support.objects.filter(proposal=proposal).count()
