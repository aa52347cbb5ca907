"""The database's own guarantees: a call's awards within its budget, each award within its cap,
one live application per organization and call, scores 0–5, no review by a conflicted reviewer."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone, translation

from sharehub.programmes.models import (
    Application,
    ApplicationStatus,
    Award,
    Call,
    CallKind,
    Conflict,
    ReviewAssignment,
    ReviewScore,
)

from .factories import MILLION, applicant, open_call

pytestmark = pytest.mark.django_db


def _application(call, organization, **fields) -> Application:
    return Application.objects.create(
        call=call,
        track=call.tracks.first(),
        organization=organization,
        title="공구 도서관",
        **fields,
    )


def test_awarded_total_cannot_pass_the_budget():
    call = open_call(budget=50 * MILLION, cap=30 * MILLION)
    Call.objects.filter(pk=call.pk).update(awarded_total=F("awarded_total") + 30 * MILLION)
    with pytest.raises(IntegrityError), transaction.atomic():
        Call.objects.filter(pk=call.pk).update(awarded_total=F("awarded_total") + 30 * MILLION)
    call.refresh_from_db()
    assert call.awarded_total == 30 * MILLION


def test_an_award_cannot_pass_its_cap():
    call = open_call()
    organization, _owner = applicant()
    application = _application(
        call, organization, status=ApplicationStatus.AWARDED, submitted_at=timezone.now()
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Award.objects.create(
            application=application,
            call=call,
            amount=31 * MILLION,
            cap=30 * MILLION,
            identifier="a",
        )


def test_one_live_application_per_organization_and_call():
    call = open_call()
    organization, _owner = applicant()
    first = _application(call, organization)
    with pytest.raises(IntegrityError), transaction.atomic():
        _application(call, organization)
    Application.objects.filter(pk=first.pk).update(
        status=ApplicationStatus.WITHDRAWN, submitted_at=timezone.now()
    )
    _application(call, organization)  # a withdrawn one may be followed by another


def test_scores_and_conflicts_are_checked_by_the_database(user):
    call = open_call()
    organization, _owner = applicant()
    application = _application(call, organization)
    assignment = ReviewAssignment.objects.create(application=application, reviewer=user)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReviewScore.objects.create(assignment=assignment, criterion=call.criteria.first(), score=6)
    assignment.conflict = Conflict.DECLARED
    assignment.save()
    with pytest.raises(IntegrityError), transaction.atomic():
        ReviewAssignment.objects.filter(pk=assignment.pk).update(submitted_at=timezone.now())


def test_kinds_of_support_name_the_support_in_both_languages():
    """The data dashboard lists a programme's kinds of support beside the directory's
    categories: "Space" alone would read as the directory's "Space" (issue 18's walk)."""
    with translation.override("en"):
        assert [str(kind.label) for kind in CallKind] == [
            "Grant",
            "Consulting",
            "Space support",
            "Promotion support",
        ]
    with translation.override("ko"):
        assert [str(kind.label) for kind in CallKind] == [
            "보조금",
            "컨설팅",
            "공간 지원",
            "홍보 지원",
        ]
