"""The support programmes' demo: every application status, reports in several states, the
invariants of the models, and nothing created by a second load."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone

from sharehub.core.demo import DemoRun, demo_loaders
from sharehub.programmes.models import (
    Application,
    ApplicationStatus,
    Award,
    Call,
    CallPhase,
    CommitteeDecision,
    Conflict,
    Criterion,
    ReceiptCounter,
    Report,
    ReportStatus,
    ReviewAssignment,
    ReviewScore,
)

pytestmark = pytest.mark.django_db

# The loaders the programmes' demo stands on (accounts, organizations and their designations).
NEEDED = {"accounts", "organizations", "designation", "programmes"}


def load() -> DemoRun:
    run = DemoRun()
    for loader in demo_loaders():
        if loader.name in NEEDED:
            with transaction.atomic():
                run.created[loader.name] = loader.load(run)
    return run


def test_demo_loads_once_with_every_status_and_its_invariants():
    # One test: loading the organizations is the slow part, so it is done once.
    loaded = load()
    assert loaded.created["programmes"] > 50
    every_status_and_phase(loaded)
    invariants()
    counts = (Call.objects.count(), Application.objects.count(), Report.objects.count())
    again = load()
    assert again.created["programmes"] == 0
    assert (Call.objects.count(), Application.objects.count(), Report.objects.count()) == counts
    invariants()


def every_status_and_phase(loaded: DemoRun) -> None:
    assert set(Application.objects.values_list("status", flat=True)) == set(
        ApplicationStatus.values
    )
    assert {call.phase() for call in Call.objects.all()} == set(CallPhase.values)
    # The public sees every phase: each call is published by now.
    assert not Call.objects.filter(published_at__gt=timezone.now()).exists()
    assert {ReportStatus.DUE, ReportStatus.SUBMITTED, ReportStatus.ACCEPTED} <= set(
        Report.objects.values_list("status", flat=True)
    )
    assert Report.objects.filter(status=ReportStatus.CHANGES_REQUESTED).exists()
    staff = loaded.accounts["staff@sharehub.example"]
    assert all(staff in call.staff.all() for call in Call.objects.all())
    assert CommitteeDecision.objects.filter(application__status="committee").exists()
    assert ReviewAssignment.objects.filter(conflict=Conflict.DECLARED).count() == 1
    in_review = Application.objects.get(status=ApplicationStatus.IN_REVIEW)
    assert in_review.assignments.filter(submitted_at__isnull=False).exists()


def invariants() -> None:
    from sharehub.designation.selectors import current_designation_of

    for call in Call.objects.all():
        total = call.awards.aggregate(total=Sum("amount"))["total"] or 0
        assert call.awarded_total == total <= call.total_budget
        assert sorted(call.criteria.values_list("weight", flat=True)) == [25, 30, 45]
        assert 30_000_000 <= call.award_cap <= 50_000_000
    for award in Award.objects.select_related("application__track"):
        assert award.amount <= award.cap == award.application.track.cap
        assert award.amount <= award.application.requested_amount
        assert award.application.status == ApplicationStatus.AWARDED
        assert award.reports.count() == 2
    for application in Application.objects.select_related("organization"):
        assert current_designation_of(application.organization) is not None
        if application.status == ApplicationStatus.DRAFT:
            assert application.receipt_number == ""
        else:
            assert application.receipt_number and application.submitted_at
    numbers = list(
        Application.objects.exclude(receipt_number="").values_list("receipt_number", flat=True)
    )
    assert len(numbers) == len(set(numbers))
    for counter in ReceiptCounter.objects.all():
        mine = [n for n in numbers if n.startswith(f"{counter.year}-")]
        assert counter.last >= max(int(n.split("-")[1]) for n in mine)
    assert all(0 <= s <= 5 for s in ReviewScore.objects.values_list("score", flat=True))
    assert not ReviewScore.objects.filter(assignment__conflict=Conflict.DECLARED).exists()
    criteria = Criterion.objects.count() // Call.objects.count()
    full = ReviewScore.objects.values("assignment").annotate(n=Count("pk"))
    assert all(row["n"] == criteria for row in full)
    assert not ReviewAssignment.objects.filter(
        conflict=Conflict.DECLARED, submitted_at__isnull=False
    ).exists()
    for application in Application.objects.all():
        submitted = ReviewScore.objects.filter(
            assignment__application=application, assignment__submitted_at__isnull=False
        ).select_related("criterion")
        points = sum(s.criterion.weight * s.score for s in submitted)
        reviews = application.assignments.filter(submitted_at__isnull=False).count()
        assert (application.reviews_submitted, application.review_points) == (reviews, points)
        assert application.review_mean == (points / reviews / 100 if reviews else None)
