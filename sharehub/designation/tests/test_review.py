"""The review as the city runs it: receipt numbers and deadlines, stages in the city's order,
the score sheet against its maxima, the committee's quorum and vote, and a decision only for a
published organization."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from sharehub.designation import committee as voting
from sharehub.designation import selectors, services
from sharehub.designation.models import (
    Application,
    CommitteeDecision,
    Designation,
    ReviewStage,
    Score,
    ScoreCriterion,
)
from sharehub.moderation.models import ModerationStatus
from sharehub.organizations.models import MemberRole
from sharehub.organizations.tests.factories import MembershipFactory, OrganizationFactory

from .factories import (
    committee_votes,
    ready_to_decide,
    score_all,
    submitted_application,
    tick_all,
    to_last_stage,
    under_review,
    world,
)

pytestmark = pytest.mark.django_db


def stage_codes(application) -> str:
    application.refresh_from_db()
    return application.stage.code if application.stage else ""


# --- receipt and deadline -------------------------------------------------------------------


def test_receipt_numbers_follow_each_other_and_stay_on_resubmission(settings):
    settings.SHAREHUB_DESIGNATION_PROCESSING_DAYS = 45
    organization, owner, _editor, staff = world()
    year = timezone.localdate().year
    first = submitted_application(organization, owner)
    other = OrganizationFactory()
    MembershipFactory(organization=other, user=owner, role=MemberRole.OWNER)
    second = submitted_application(other, owner)
    assert (first.receipt_number, second.receipt_number) == (f"{year}-0001", f"{year}-0002")
    assert first.due_on == timezone.localdate() + datetime.timedelta(days=45)
    services.start_review(actor=staff, application=first)
    services.request_changes(actor=staff, application=first, reason="보완")
    # ten days with the applicant do not count against the city's deadline
    Application.objects.filter(pk=first.pk).update(
        changes_requested_at=timezone.now() - datetime.timedelta(days=10)
    )
    first.refresh_from_db()
    resent = services.resubmit_application(actor=owner, application=first)
    assert resent.receipt_number == f"{year}-0001"
    assert resent.due_on == timezone.localdate() + datetime.timedelta(days=55)


def test_overdue_applications_are_found():
    organization, owner, _editor, _staff = world()
    application = submitted_application(organization, owner)
    assert not application.is_overdue
    Application.objects.filter(pk=application.pk).update(
        due_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    assert list(selectors.overdue_applications()) == [application]


# --- stages ---------------------------------------------------------------------------------


def test_stages_follow_the_city_order_without_skipping():
    organization, owner, _editor, staff = world()
    application = under_review(organization, owner, staff)
    assert stage_codes(application) == "document_review"
    tick_all(application, staff)
    score_all(application, staff)
    seen = []
    for _ in range(3):
        services.advance_stage(actor=staff, application=application, note="완료")
        seen.append(stage_codes(application))
    assert seen == ["site_visit", "presentation", "committee"]
    with pytest.raises(ValidationError) as refused:
        services.advance_stage(actor=staff, application=application)
    assert refused.value.error_dict["stage"][0].code == "invalid_transition:advance"
    assert stage_codes(application) == "committee"


def test_stage_steps_are_refused_outside_the_review():
    organization, owner, _editor, staff = world()
    application = submitted_application(organization, owner)
    with pytest.raises(ValidationError) as refused:
        services.advance_stage(actor=staff, application=application)
    assert "status" in refused.value.error_dict
    with pytest.raises(PermissionDenied):
        services.advance_stage(actor=owner, application=application)
    with pytest.raises(ValidationError):
        services.set_scores(actor=staff, application=application, points={"org_purpose": 5})


def test_a_retired_stage_is_skipped_and_a_resubmission_resumes_its_stage():
    organization, owner, _editor, staff = world()
    services.update_stage(
        actor=staff, stage=ReviewStage.objects.get(code="site_visit"), active=False
    )
    application = under_review(organization, owner, staff)
    services.advance_stage(actor=staff, application=application)
    assert stage_codes(application) == "presentation"
    application = services.request_changes(actor=staff, application=application, reason="보완")
    application = services.resubmit_application(actor=owner, application=application)
    services.start_review(actor=staff, application=application)
    assert stage_codes(application) == "presentation"


def test_the_city_edits_its_stages_within_the_rules():
    _organization, owner, _editor, staff = world()
    committee = ReviewStage.objects.get(is_committee=True)
    # a stage after the committee's
    with pytest.raises(ValidationError) as refused:
        services.create_stage(actor=staff, code="interview", name_ko="면접", order=50)
    assert "order" in refused.value.error_dict
    interview = services.create_stage(
        actor=staff, code="interview", name_ko="면접", name_en="Interview", order=35
    )
    assert [s.code for s in selectors.review_stages()][-2:] == ["interview", "committee"]
    with pytest.raises(ValidationError) as refused:
        services.update_stage(actor=staff, stage=interview, is_committee=True)
    assert "is_committee" in refused.value.error_dict
    with pytest.raises(ValidationError) as refused:
        services.create_stage(actor=staff, code="interview", name_ko="또", order=1)
    assert "code" in refused.value.error_dict
    for stage in ReviewStage.objects.exclude(pk=committee.pk):
        services.update_stage(actor=staff, stage=stage, active=False)
    with pytest.raises(ValidationError) as refused:
        services.update_stage(actor=staff, stage=committee, active=False)
    assert "active" in refused.value.error_dict
    with pytest.raises(PermissionDenied):
        services.update_stage(actor=owner, stage=committee, name_ko="x")


def test_a_stage_holding_applications_stays_in_use():
    organization, owner, _editor, staff = world()
    under_review(organization, owner, staff)
    stage = ReviewStage.objects.get(code="document_review")
    with pytest.raises(ValidationError) as refused:
        services.update_stage(actor=staff, stage=stage, active=False)
    assert "active" in refused.value.error_dict


def test_two_committee_stages_are_refused_by_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        ReviewStage.objects.create(code="second", name_ko="둘째", order=1, is_committee=True)


# --- score sheet ----------------------------------------------------------------------------


def test_default_score_sheet_weighs_the_organization_and_its_sharing_value_equally():
    criteria = ScoreCriterion.objects.filter(active=True)
    by_section = {}
    for criterion in criteria:
        by_section[criterion.section] = by_section.get(criterion.section, 0) + criterion.max_points
    assert by_section == {"organization": 50, "sharing_value": 50}


def test_scores_are_checked_against_their_maximum_and_summed_by_the_database():
    organization, owner, _editor, staff = world()
    application = under_review(organization, owner, staff)
    purpose = ScoreCriterion.objects.get(code="org_purpose")  # 15 points
    for bad in (16, -1, "7"):
        with pytest.raises(ValidationError) as refused:
            services.set_scores(actor=staff, application=application, points={"org_purpose": bad})
        assert "score_org_purpose" in refused.value.error_dict
    with pytest.raises(ValidationError) as refused:
        services.set_scores(actor=staff, application=application, points={"charm": 5})
    assert "scores" in refused.value.error_dict
    assert not Score.objects.exists()
    services.set_scores(
        actor=staff,
        application=application,
        points={"org_purpose": 15, "org_capacity": 10, "share_public": 12},
    )
    sheet = selectors.score_sheet(application)
    sections = {s["code"]: (s["points"], s["maximum"]) for s in sheet["sections"]}
    assert sections == {"organization": (25, 50), "sharing_value": (12, 50)}
    assert (sheet["points"], sheet["maximum"], sheet["complete"]) == (37, 100, False)
    assert selectors.score_total(application) == 37
    services.set_scores(actor=staff, application=application, points={"org_purpose": None})
    assert selectors.score_total(application) == 22
    # a score above its maximum is refused by the database too
    with pytest.raises(IntegrityError), transaction.atomic():
        Score.objects.create(application=application, criterion=purpose, points=16, max_points=15)
    with pytest.raises(PermissionDenied):
        services.set_scores(actor=owner, application=application, points={"org_purpose": 1})


def test_a_criterion_changed_later_keeps_the_maximum_scores_were_given_under():
    organization, owner, _editor, staff = world()
    application = under_review(organization, owner, staff)
    services.set_scores(actor=staff, application=application, points={"org_purpose": 15})
    criterion = ScoreCriterion.objects.get(code="org_purpose")
    services.update_criterion(actor=staff, criterion=criterion, max_points=10)
    assert Score.objects.get().max_points == 15
    with pytest.raises(ValidationError):
        services.set_scores(actor=staff, application=application, points={"org_purpose": 12})
    with pytest.raises(ValidationError) as refused:
        services.update_criterion(actor=staff, criterion=criterion, max_points=0)
    assert "max_points" in refused.value.error_dict


# --- committee ------------------------------------------------------------------------------


def test_quorum_and_majority_rules():
    assert [voting.quorum(seats) for seats in (1, 2, 7, 15)] == [1, 2, 4, 8]
    assert voting.has_quorum(seats=15, present=8) and not voting.has_quorum(seats=15, present=7)
    assert voting.carried(present=8, votes_for=5) and not voting.carried(present=8, votes_for=4)
    assert not voting.carried(present=11, votes_for=5)  # abstentions count against


def _at_committee(staff, owner, organization):
    application = under_review(organization, owner, staff)
    tick_all(application, staff)
    score_all(application, staff)
    return to_last_stage(application, staff)


def vote(staff, application, **counts):
    base = {
        "meeting_on": timezone.localdate(),
        "members_present": 11,
        "votes_for": 9,
        "votes_against": 1,
        "votes_abstain": 1,
    }
    return services.record_committee_decision(
        actor=staff, application=application, **{**base, **counts}
    )


def test_the_committee_decides_with_its_quorum_and_majority():
    organization, owner, _editor, staff = world()
    application = _at_committee(staff, owner, organization)
    for counts, field in (
        (
            {"members_present": 7, "votes_for": 7, "votes_against": 0, "votes_abstain": 0},
            "members_present",
        ),
        ({"members_present": 16}, "members_present"),
        ({"members_present": 9, "votes_for": 9, "votes_against": 1}, "votes_for"),
        ({"meeting_on": timezone.localdate() + datetime.timedelta(days=1)}, "meeting_on"),
        ({"votes_for": -1}, "votes_for"),
    ):
        with pytest.raises(ValidationError) as refused:
            vote(staff, application, **counts)
        assert field in refused.value.error_dict, counts
    assert not CommitteeDecision.objects.exists()
    tie = vote(staff, application, members_present=8, votes_for=4, votes_against=4, votes_abstain=0)
    assert tie.outcome == "not_approved"
    with pytest.raises(ValidationError) as refused:
        services.approve_application(actor=staff, application=application)
    assert "committee" in refused.value.error_dict
    carried = vote(
        staff, application, members_present=8, votes_for=5, votes_against=2, votes_abstain=1
    )
    assert carried.outcome == "approved" and carried.seats == 15
    designation = services.approve_application(actor=staff, application=application)
    assert designation.application == application


def test_the_committee_votes_only_at_its_stage():
    organization, owner, _editor, staff = world()
    application = under_review(organization, owner, staff)
    with pytest.raises(ValidationError) as refused:
        vote(staff, application)
    assert refused.value.error_dict["stage"][0].code == "invalid_transition:committee"
    with pytest.raises(PermissionDenied):
        vote(owner, application)


def test_approval_comes_only_at_the_last_stage():
    organization, owner, _editor, staff = world()
    application = under_review(organization, owner, staff)
    tick_all(application, staff)
    score_all(application, staff)
    with pytest.raises(ValidationError) as refused:
        services.approve_application(actor=staff, application=application)
    assert refused.value.error_dict["stage"][0].code == "invalid_transition:approve"


# --- publication ----------------------------------------------------------------------------


@pytest.mark.parametrize("status", [ModerationStatus.PENDING, ModerationStatus.HIDDEN])
def test_an_unpublished_organization_is_not_designated(status):
    organization, owner, _editor, staff = world()
    application = ready_to_decide(under_review(organization, owner, staff), staff)
    type(organization).objects.filter(pk=organization.pk).update(moderation_status=status)
    with pytest.raises(ValidationError) as refused:
        services.approve_application(actor=staff, application=application)
    assert refused.value.error_dict["organization"][0].code == "unpublished"
    assert not Designation.objects.exists()
    application.refresh_from_db()
    assert application.status == "under_review"
    type(organization).objects.filter(pk=organization.pk).update(
        moderation_status=ModerationStatus.PUBLISHED
    )
    assert services.approve_application(actor=staff, application=application).number


def test_approval_creates_the_annual_reports_and_a_verification_code():
    organization, owner, _editor, staff = world()
    application = ready_to_decide(under_review(organization, owner, staff), staff)
    designation = services.approve_application(actor=staff, application=application)
    assert len(designation.verification_code) == 16
    assert list(designation.reports.values_list("year", flat=True)) == [1, 2, 3]
    assert committee_votes  # the factory the other tests use
