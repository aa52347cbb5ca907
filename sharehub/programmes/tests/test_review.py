"""The review part's services and reads: screening, reviewers, conflicts, blind scoring, the
automatic transitions and the ranked table's figures."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sharehub.accounts.tests.factories import UserFactory
from sharehub.core.audit import history_for
from sharehub.core.models import AuditEntry
from sharehub.notifications.models import Notification
from sharehub.organizations.models import MemberRole
from sharehub.organizations.tests.factories import MembershipFactory
from sharehub.programmes import notices, permissions, privacy_review
from sharehub.programmes.models import (
    Application,
    ApplicationStatus,
    Conflict,
    ReviewAssignment,
    ReviewScore,
)
from sharehub.programmes.selectors import review as reads
from sharehub.programmes.services import review as services

from .factories import MILLION, applicant, open_call

pytestmark = pytest.mark.django_db

_receipts = iter(range(1, 100_000))


def submitted(call, organization=None, *, status=ApplicationStatus.SUBMITTED, **fields):
    """A submitted application written directly (the applications part has its own tests)."""
    if organization is None:
        organization, _owner = applicant()
    return Application.objects.create(
        call=call,
        track=fields.pop("track", call.tracks.first()),
        organization=organization,
        title=fields.pop("title", "공구 도서관"),
        requested_amount=fields.pop("requested_amount", 10 * MILLION),
        status=status,
        submitted_at=timezone.now(),
        receipt_number=f"2026-{next(_receipts):05d}",
        **fields,
    )


def codes(error: ValidationError) -> dict[str, list[str]]:
    return {field: [e.code for e in errors] for field, errors in error.error_dict.items()}


@pytest.fixture
def call():
    return open_call()


@pytest.fixture
def runner(call):
    """A person named as the call's staff (not city staff)."""
    person = UserFactory()
    call.staff.add(person)
    return person


@pytest.fixture
def setup(call, runner):
    organization, owner = applicant()
    application = submitted(call, organization)
    return {"call": call, "runner": runner, "owner": owner, "application": application}


def in_review(call, runner, **fields) -> Application:
    application = submitted(call, **fields)
    return services.screen_application(actor=runner, application=application, eligible=True)


def assign(runner, application, *people) -> list[ReviewAssignment]:
    return services.assign_reviewers(actor=runner, application=application, reviewers=people)


def review(assignment, scores, *, submit=True, comment="") -> ReviewAssignment:
    reviewer = assignment.reviewer
    if assignment.conflict == Conflict.UNDECLARED:
        services.declare_conflict(actor=reviewer, assignment=assignment, conflict=False)
    criteria = reads.criteria_of(assignment.application.call)
    services.save_scores(
        actor=reviewer,
        assignment=assignment,
        scores={c.pk: s for c, s in zip(criteria, scores, strict=True)},
        comments={c.pk: f"의견 {s}" for c, s in zip(criteria, scores, strict=True)},
        comment=comment,
    )
    if submit:
        services.submit_review(actor=reviewer, assignment=assignment)
    assignment.refresh_from_db()
    return assignment


# --- Screening ---------------------------------------------------------------------------------


def test_ineligible_needs_reasons_and_tells_the_applicant(setup):
    application, runner = setup["application"], setup["runner"]
    with pytest.raises(ValidationError) as error:
        services.screen_application(actor=runner, application=application, eligible=False)
    assert codes(error.value) == {"reason": ["required"]}
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.screened_at is None

    services.screen_application(
        actor=runner, application=application, eligible=False, reason="지정 기업이 아닙니다."
    )
    application.refresh_from_db()
    assert application.status == ApplicationStatus.INELIGIBLE
    assert application.screened_by == runner
    assert application.screening_reason == "지정 기업이 아닙니다."
    told = Notification.objects.get(user=setup["owner"], kind=notices.APPLICATION_KIND)
    assert "지정 기업이 아닙니다." in told.body
    assert AuditEntry.objects.filter(action="programmes.screened_ineligible").exists()


def test_an_ineligible_finding_is_undone_with_a_reason(setup):
    application, runner = setup["application"], setup["runner"]
    services.screen_application(actor=runner, application=application, eligible=False, reason="x")
    with pytest.raises(ValidationError) as error:
        services.undo_screening(actor=runner, application=application, reason=" ")
    assert codes(error.value) == {"reason": ["required"]}
    services.undo_screening(actor=runner, application=application, reason="서류 확인")
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.screened_at is None
    entry = AuditEntry.objects.get(action="programmes.screening_undone")
    assert entry.reason == "서류 확인"
    assert entry.data["previous_reason"] == "x"


def test_eligible_starts_the_review_when_the_call_says_so(setup):
    application = services.screen_application(
        actor=setup["runner"], application=setup["application"], eligible=True
    )
    assert application.status == ApplicationStatus.IN_REVIEW
    assert application.screened_at is not None


def test_eligible_waits_for_the_staff_when_the_call_says_so(runner):
    call = open_call(auto_review_when_screened=False)
    call.staff.add(runner)
    application = submitted(call)
    with pytest.raises(ValidationError) as error:
        services.start_review(actor=runner, application=application)
    assert codes(error.value) == {"status": ["invalid_transition:not_screened"]}
    services.screen_application(actor=runner, application=application, eligible=True)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.screened_at is not None
    assert list(reads.applications_to_screen(runner)) == []
    services.start_review(actor=runner, application=application)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.IN_REVIEW


def test_only_the_calls_staff_screen(setup, user, city_staff):
    application = setup["application"]
    other_call = open_call()
    other_runner = UserFactory()
    other_call.staff.add(other_runner)
    for person in (setup["owner"], user, other_runner):
        with pytest.raises(PermissionDenied):
            services.screen_application(actor=person, application=application, eligible=True)
    with pytest.raises(PermissionDenied):
        services.screen_application(actor=AnonymousUser(), application=application, eligible=True)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    services.screen_application(actor=city_staff, application=application, eligible=True)


def test_a_draft_or_decided_application_is_not_screened(setup):
    application = setup["application"]
    Application.objects.filter(pk=application.pk).update(status=ApplicationStatus.COMMITTEE)
    with pytest.raises(ValidationError) as error:
        services.screen_application(
            actor=setup["runner"], application=application, eligible=False, reason="x"
        )
    assert codes(error.value) == {"status": ["invalid_transition:screen"]}


def test_the_screening_queue_counts_the_calls_one_runs(setup, user, city_staff):
    assert reads.screening_count(setup["runner"]) == 1
    assert reads.screening_count(city_staff) >= 1
    assert reads.screening_count(user) == 0
    assert not permissions.runs_any_call(user)


# --- Reviewers -----------------------------------------------------------------------------------


def test_assigning_tells_the_reviewer_and_refuses_members_and_doubles(setup, user, other_user):
    application, runner = setup["application"], setup["runner"]
    (assignment,) = assign(runner, application, user)
    told = Notification.objects.get(user=user, kind=notices.REVIEW_KIND)
    assert told.url.endswith(f"/support/reviews/{assignment.pk}/")
    with pytest.raises(ValidationError) as error:
        assign(runner, application, user)
    assert codes(error.value) == {"reviewer": ["already"]}
    with pytest.raises(ValidationError) as error:
        assign(runner, application, other_user, setup["owner"])
    assert codes(error.value) == {"reviewer": ["member"]}
    # All or none: the other person was not assigned either.
    assert not ReviewAssignment.objects.filter(reviewer=other_user).exists()
    other_user.is_active = False
    other_user.save()
    with pytest.raises(ValidationError) as error:
        assign(runner, application, other_user)
    assert codes(error.value) == {"reviewer": ["inactive"]}


def test_only_the_calls_staff_assign(setup, user, other_user):
    with pytest.raises(PermissionDenied):
        assign(user, setup["application"], other_user)
    with pytest.raises(PermissionDenied):
        assign(setup["owner"], setup["application"], other_user)


def test_assign_to_every_application_in_review_of_the_call(call, runner, user):
    first = in_review(call, runner)
    in_review(call, runner)
    organization, _owner = applicant()
    MembershipFactory(organization=organization, user=user, role=MemberRole.EDITOR)
    in_review(call, runner, organization=organization)  # theirs: left out
    submitted(call)  # not in review: left out
    assign(runner, first, user)  # already: left out
    done = services.assign_to_call(actor=runner, call=call, reviewer=user)
    assert (done.assigned, done.skipped) == (1, 2)
    assert ReviewAssignment.objects.filter(reviewer=user).count() == 2


def test_a_reviewer_without_a_submitted_review_can_be_removed(call, runner, user, other_user):
    application = in_review(call, runner)
    first, second = assign(runner, application, user, other_user)
    review(first, [3, 3, 3])
    with pytest.raises(ValidationError) as error:
        services.remove_assignment(actor=runner, assignment=first)
    assert codes(error.value) == {"reviewer": ["submitted"]}
    with pytest.raises(PermissionDenied):
        services.remove_assignment(actor=user, assignment=second)
    services.remove_assignment(actor=runner, assignment=second)
    assert not ReviewAssignment.objects.filter(pk=second.pk).exists()
    # The only pending reviewer gone: every review is in, the application goes on.
    application.refresh_from_db()
    assert application.status == ApplicationStatus.COMMITTEE


# --- The reviewer ------------------------------------------------------------------------------


def test_a_conflict_needs_a_statement_removes_the_reviewer_and_tells_the_staff(
    call, runner, user, other_user
):
    application = in_review(call, runner)
    assignment, _other = assign(runner, application, user, other_user)
    with pytest.raises(ValidationError) as error:
        services.declare_conflict(actor=user, assignment=assignment, conflict=True)
    assert codes(error.value) == {"statement": ["required"]}
    with pytest.raises(PermissionDenied):
        services.declare_conflict(actor=other_user, assignment=assignment, conflict=False)
    services.declare_conflict(
        actor=user, assignment=assignment, conflict=True, statement="이사로 일했습니다."
    )
    assignment.refresh_from_db()
    assert assignment.conflict == Conflict.DECLARED
    assert Notification.objects.filter(user=runner, kind=notices.REVIEW_KIND).exists()
    criterion = call.criteria.first()
    with pytest.raises(PermissionDenied):
        services.save_scores(actor=user, assignment=assignment, scores={criterion.pk: 3})
    with pytest.raises(PermissionDenied):
        services.submit_review(actor=user, assignment=assignment)
    with pytest.raises(ValidationError) as error:
        services.declare_conflict(actor=user, assignment=assignment, conflict=False)
    assert codes(error.value) == {"conflict": ["declared"]}
    assert not ReviewScore.objects.filter(assignment=assignment).exists()
    # The database backs it: a conflicted reviewer's review cannot be submitted.
    with pytest.raises(IntegrityError), transaction.atomic():
        ReviewAssignment.objects.filter(pk=assignment.pk).update(submitted_at=timezone.now())


def test_scoring_waits_for_the_declaration(call, runner, user):
    application = in_review(call, runner)
    (assignment,) = assign(runner, application, user)
    criterion = call.criteria.first()
    with pytest.raises(ValidationError) as error:
        services.save_scores(actor=user, assignment=assignment, scores={criterion.pk: 3})
    assert codes(error.value) == {"conflict": ["undeclared"]}


def test_scores_out_of_range_are_field_errors_and_nothing_is_written(call, runner, user):
    application = in_review(call, runner)
    (assignment,) = assign(runner, application, user)
    services.declare_conflict(actor=user, assignment=assignment, conflict=False)
    first, second, third = reads.criteria_of(call)
    with pytest.raises(ValidationError) as error:
        services.save_scores(
            actor=user,
            assignment=assignment,
            scores={first.pk: 6, second.pk: -1, third.pk: 4},
        )
    assert codes(error.value) == {
        f"score_{first.pk}": ["range"],
        f"score_{second.pk}": ["range"],
    }
    with pytest.raises(ValidationError) as error:
        services.save_scores(actor=user, assignment=assignment, scores={first.pk: True})
    assert codes(error.value) == {f"score_{first.pk}": ["range"]}
    foreign = open_call().criteria.first()
    with pytest.raises(ValidationError) as error:
        services.save_scores(actor=user, assignment=assignment, scores={foreign.pk: 3})
    assert codes(error.value) == {"scores": ["unknown_criterion"]}
    assert not ReviewScore.objects.filter(assignment=assignment).exists()


def test_a_draft_then_a_complete_submission_that_no_longer_changes(call, runner, user, other_user):
    application = in_review(call, runner)
    assignment, _other = assign(runner, application, user, other_user)
    services.declare_conflict(actor=user, assignment=assignment, conflict=False)
    first, second, third = reads.criteria_of(call)
    services.save_scores(
        actor=user,
        assignment=assignment,
        scores={first.pk: 4},
        comments={first.pk: "좋습니다"},
        comment="전체 의견",
    )
    with pytest.raises(ValidationError) as error:
        services.submit_review(actor=user, assignment=assignment)
    assert codes(error.value) == {
        f"score_{second.pk}": ["required"],
        f"score_{third.pk}": ["required"],
    }
    services.save_scores(actor=user, assignment=assignment, scores={second.pk: 2, third.pk: 5})
    services.save_scores(actor=user, assignment=assignment, scores={second.pk: None})
    assert ReviewScore.objects.filter(assignment=assignment).count() == 2
    services.save_scores(actor=user, assignment=assignment, scores={second.pk: 2})
    assert ReviewScore.objects.get(assignment=assignment, criterion=first).comment == "좋습니다"
    services.submit_review(actor=user, assignment=assignment)
    with pytest.raises(ValidationError) as error:
        services.save_scores(actor=user, assignment=assignment, scores={first.pk: 1})
    assert codes(error.value) == {"__all__": ["submitted"]}
    assert ReviewScore.objects.get(assignment=assignment, criterion=first).score == 4
    # The staff may reopen it, with a reason; the reviewer is told.
    services.reopen_review(actor=runner, assignment=assignment, reason="오타 수정 요청")
    services.save_scores(actor=user, assignment=assignment, scores={first.pk: 1})


def test_others_reviews_are_hidden_until_ones_own_is_submitted(call, runner, user, other_user):
    application = in_review(call, runner)
    mine, theirs = assign(runner, application, user, other_user)
    review(theirs, [1, 1, 1], comment="다른 심사위원의 의견")
    review(mine, [5, 5, 5], submit=False)
    # The page and the API show others' reviews only once the reviewer's own is submitted:
    # the selector is asked only then; here the draft's owner sees their own only.
    shown = reads.submitted_reviews(application, exclude=mine)
    assert [r.assignment.pk for r in shown] == [theirs.pk]
    assert shown[0].total == 1.0


# --- Automatic transition ----------------------------------------------------------------------


def test_the_last_review_sends_the_application_to_the_committee(call, runner, user, other_user):
    third = UserFactory()
    application = in_review(call, runner)
    first, second, conflicted = assign(runner, application, user, other_user, third)
    review(first, [3, 4, 5])
    application.refresh_from_db()
    assert application.status == ApplicationStatus.IN_REVIEW
    services.declare_conflict(actor=third, assignment=conflicted, conflict=True, statement="가족")
    application.refresh_from_db()
    assert application.status == ApplicationStatus.IN_REVIEW
    review(second, [2, 2, 2])
    application.refresh_from_db()
    assert application.status == ApplicationStatus.COMMITTEE
    entry = AuditEntry.objects.get(action="programmes.to_committee")
    assert entry.data == {"automatic": True}
    assert (
        Notification.objects.filter(
            user=runner, kind=notices.REVIEW_KIND, title__contains=application.title
        ).count()
        >= 2
    )  # the conflict, then the complete review


def test_without_the_automatic_transition_the_staff_send_it(runner, user):
    call = open_call(auto_committee_when_reviewed=False)
    call.staff.add(runner)
    application = in_review(call, runner)
    (assignment,) = assign(runner, application, user)
    with pytest.raises(ValidationError) as error:
        services.send_to_committee(actor=runner, application=application)
    assert codes(error.value) == {"status": ["invalid_transition:no_review"]}
    review(assignment, [3, 3, 3])
    application.refresh_from_db()
    assert application.status == ApplicationStatus.IN_REVIEW
    with pytest.raises(PermissionDenied):
        services.send_to_committee(actor=user, application=application)
    services.send_to_committee(actor=runner, application=application)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.COMMITTEE


# --- The ranked table ----------------------------------------------------------------------


def test_the_table_against_hand_computed_figures(call, runner):
    """Weights 30/25/45. A: reviews (5,4,3) → 3.85 and (3,3,3) → 3.00: mean 3.425 (68.5/100),
    spread 3.00–3.85, σ 0.425; equal to Σ weight × criterion mean / 100 = (30×4 + 25×3.5 +
    45×3)/100. B: (5,5,5) → 5.00 and a draft that does not count. C: no review, last."""
    people = [UserFactory() for _ in range(3)]
    a = in_review(call, runner, title="A")
    b = in_review(call, runner, title="B")
    in_review(call, runner, title="C")
    a1, a2 = assign(runner, a, people[0], people[1])
    b1, b2, b3 = assign(runner, b, *people)
    review(a1, [5, 4, 3])
    review(a2, [3, 3, 3])
    review(b1, [5, 5, 5])
    review(b2, [0, 0, 0], submit=False)
    services.declare_conflict(actor=people[2], assignment=b3, conflict=True, statement="x")
    table = reads.table_rows(list(reads.ranked(reads.table_applications(call))))
    assert [row["application"].title for row in table] == ["B", "A", "C"]
    rows = {row["application"].title: row for row in table}
    assert rows["B"]["rank"] == 1 and rows["A"]["rank"] == 2 and rows["C"]["rank"] is None
    assert rows["A"]["mean"] == pytest.approx(3.425)
    assert rows["A"]["percent"] == pytest.approx(68.5)
    assert rows["A"]["spread"].low == pytest.approx(3.0)
    assert rows["A"]["spread"].high == pytest.approx(3.85)
    assert rows["A"]["spread"].deviation == pytest.approx(0.425)
    assert rows["B"]["mean"] == pytest.approx(5.0)
    assert rows["C"]["mean"] is None and rows["C"]["spread"] is None
    figures = {t: (r["submitted"], r["assigned"], r["conflicts"]) for t, r in rows.items()}
    assert figures == {"A": (2, 2, 0), "B": (1, 2, 1), "C": (0, 0, 0)}
    assert reads.application_mean(a) == (pytest.approx(3.425), 2)


def test_the_table_filters_and_leaves_out_drafts_and_withdrawn(call, runner):
    in_review(call, runner)
    themed, free = call.tracks.all()
    other = submitted(call, track=free)
    submitted(call, status=ApplicationStatus.DRAFT)
    Application.objects.create(
        call=call,
        track=themed,
        organization=applicant()[0],
        title="철회",
        status=ApplicationStatus.WITHDRAWN,
        submitted_at=timezone.now(),
    )
    assert reads.table_applications(call).count() == 2
    assert list(reads.table_applications(call, track=free)) == [other]
    assert list(reads.table_applications(call, status=ApplicationStatus.SUBMITTED)) == [other]


def test_the_table_and_the_reviews_list_run_a_fixed_number_of_queries(call, runner):
    reviewer = UserFactory()

    def grow(count):
        for _ in range(count):
            application = in_review(call, runner)
            (assignment,) = assign(runner, application, reviewer)
            review(assignment, [2, 3, 4])

    def measure():
        with CaptureQueriesContext(connection) as captured:
            page = list(reads.ranked(reads.table_applications(call))[:50])
            reads.table_rows(page)
            list(reads.assignments_of(reviewer)[:20])
            for a in reads.assignments_of(reviewer)[:20]:
                str(a.application.call.title) + a.application.organization.name
        return len(captured.captured_queries)

    grow(2)
    small = measure()
    grow(8)
    assert measure() == small


def test_the_applications_history_names_no_reviewer(call, runner, user):
    """Blind: the audit of a reviewer's steps is on the assignment; the automatic transition has
    no actor. The application's history (its applicant may read it) shows only the staff."""
    application = in_review(call, runner)
    (assignment,) = assign(runner, application, user)
    review(assignment, [1, 2, 3])
    application.refresh_from_db()
    assert application.status == ApplicationStatus.COMMITTEE
    entries = list(history_for(application))
    assert {e.actor_id for e in entries} <= {runner.pk, None}
    assert all(str(user.pk) not in str(e.data) for e in entries)
    assert {e.action for e in history_for(assignment)} >= {
        "programmes.reviewer_assigned",
        "programmes.no_conflict_declared",
        "programmes.review_submitted",
    }


def test_a_reviewers_data_is_exported_and_erasure_keeps_the_review(call, runner, user):
    application = in_review(call, runner)
    (assignment,) = assign(runner, application, user)
    review(assignment, [2, 3, 4], comment="종합 의견")
    (exported,) = privacy_review.export_reviews(user)
    assert exported["comment"] == "종합 의견"
    assert [s["score"] for s in exported["scores"]] == [2, 3, 4]
    privacy_review.erase_reviews(user)
    assignment.refresh_from_db()
    assert assignment.reviewer is None and assignment.comment == "종합 의견"
    assert assignment.scores.count() == 3
    assert privacy_review.export_reviews(user) == []
