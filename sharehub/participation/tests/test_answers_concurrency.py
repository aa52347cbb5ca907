"""Races on real PostgreSQL connections (DESIGN §4): staff answering one recommendation at once
(one by one and in bulk) write one answer; results completed at once implement the proposals
once."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import translation

from sharehub.accounts.tests.factories import UserFactory
from sharehub.core.audit import AuditEntry
from sharehub.core.tests.rush import Rush, free_connections
from sharehub.notifications.models import Notification
from sharehub.participation.models import Answer, ProposalState, Recommendation
from sharehub.participation.services import answers as services

from .factories import AnswerTemplateFactory, RecommendationFactory, RecommendationItemFactory

pytestmark = pytest.mark.django_db(transaction=True)
THREADS = 12


@pytest.fixture(autouse=True)
def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks and parallel connections")


@pytest.fixture
def rush():
    pool = Rush(min(THREADS, free_connections()))
    pool.round([lambda: Recommendation.objects.filter(pk=0).exists()] * pool.workers)
    yield pool
    pool.close()


def test_one_answer_whatever_the_race(rush):
    staff = UserFactory(is_city_staff=True)
    author = UserFactory()
    template = AnswerTemplateFactory()
    recommendation = RecommendationFactory()
    item = RecommendationItemFactory(recommendation=recommendation, proposal__author=author)
    other = RecommendationFactory()

    def one():
        return services.answer_recommendation(
            actor=staff,
            recommendation=recommendation,
            status="accepted",
            reasons="수용",
            department="사회혁신담당관",
            language="ko",
        )

    def bulk():
        return services.answer_in_bulk(
            actor=staff, recommendations=[other, recommendation], template=template, language="ko"
        )

    results = rush.round([one if i % 2 else bulk for i in range(rush.workers)])
    answered = [r for r in results if not isinstance(r, Exception)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(answered) == 1 and len(refused) == rush.workers - 1, results
    assert Answer.objects.filter(recommendation=recommendation).count() == 1
    item.proposal.refresh_from_db()
    assert item.proposal.state == ProposalState.ANSWERED
    assert Notification.objects.filter(user=author, kind=services.ANSWER_KIND).count() == 1


def test_results_completed_at_once_implement_once(rush):
    staff = UserFactory(is_city_staff=True)
    author = UserFactory()
    recommendation = RecommendationFactory()
    item = RecommendationItemFactory(recommendation=recommendation, proposal__author=author)
    answer = services.answer_recommendation(
        actor=staff,
        recommendation=recommendation,
        status="accepted",
        reasons="수용",
        department="사회혁신담당관",
        language="ko",
    )
    results = [answer.results.get()] + [
        services.create_result(actor=staff, answer=answer, title_ko=f"결과 {i}") for i in range(3)
    ]
    jobs = [
        (lambda r=r: services.post_result_update(actor=staff, result=r, text="완료", progress=100))
        for r in results
    ]
    outcome = rush.round(jobs)
    assert not [r for r in outcome if isinstance(r, Exception)], outcome
    item.proposal.refresh_from_db()
    assert item.proposal.state == ProposalState.IMPLEMENTED
    assert AuditEntry.objects.filter(action="participation.answer.implemented").count() == 1
    # Told once that it is answered and once that it is implemented, whatever the order of the
    # updates (the other updates are progress news).
    told = Notification.objects.filter(user=author, kind=services.ANSWER_KIND)
    with translation.override(author.preferred_language or settings.LANGUAGE_CODE):
        implemented = str(services.IMPLEMENTED_TITLE) % {"proposal": item.proposal.title}
        progress = str(services.PROGRESS_TITLE) % {"proposal": item.proposal.title}
    assert told.filter(title=implemented).count() == 1
    assert told.exclude(title__in=[implemented, progress]).count() == 1  # answered
