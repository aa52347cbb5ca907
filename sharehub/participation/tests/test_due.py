"""The public "answers due" page: each committee's open deadlines (overdue marked) and the city's,
and how many closed deadlines each met; only public information; bounded queries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sharehub.moderation.models import ModerationStatus
from sharehub.participation.models import ProposalState
from sharehub.participation.selectors import answers as selectors

from .factories import (
    AnswerFactory,
    CommitteeFactory,
    PolicyAreaFactory,
    ProposalFactory,
    RecommendationFactory,
    RecommendationItemFactory,
)

pytestmark = pytest.mark.django_db
DUE = "/ko/participate/due/"


def _on_agenda(committee, title, due, **extra):
    area = PolicyAreaFactory(committee=committee)
    return ProposalFactory(
        area=area,
        title=title,
        state=extra.pop("state", ProposalState.ON_AGENDA),
        agenda_committee=committee,
        threshold_reached_at=timezone.now() - timedelta(days=70),
        answer_due=due,
        **extra,
    )


def _decided(committee, *, published_at, due):
    """A proposal the committee decided in a recommendation published at `published_at`."""
    proposal = _on_agenda(committee, "결정된 제안", due, state=ProposalState.RECOMMENDED)
    recommendation = RecommendationFactory(committee=committee, published_at=published_at)
    RecommendationItemFactory(recommendation=recommendation, proposal=proposal)
    return recommendation


def test_open_deadlines_overdue_and_met_counts(client):
    now = timezone.now()
    committee = CommitteeFactory(name_ko="공유정책위원회")
    _on_agenda(committee, "늦어진 제안", now - timedelta(days=1))
    _on_agenda(committee, "검토 중 제안", now + timedelta(days=5), state=ProposalState.UNDER_REVIEW)
    _on_agenda(
        committee, "숨긴 제안", now + timedelta(days=5), moderation_status=ModerationStatus.HIDDEN
    )
    met = _decided(committee, published_at=now - timedelta(days=10), due=now - timedelta(days=5))
    AnswerFactory(recommendation=met, answered_at=now - timedelta(days=9))
    late = _decided(committee, published_at=now - timedelta(days=2), due=now - timedelta(days=9))
    AnswerFactory(recommendation=late, answered_at=now - timedelta(days=1))  # before its due
    RecommendationFactory(
        committee=committee, title="답을 기다리는 권고", answer_due=now - timedelta(hours=1)
    )
    RecommendationFactory(committee=committee, title="초안 권고", state="draft", published_at=None)
    missed = RecommendationFactory(committee=committee, answer_due=now - timedelta(days=20))
    AnswerFactory(recommendation=missed, answered_at=now - timedelta(days=3))

    records, city = selectors.due_overview()
    record = next(r for r in records if r.committee == committee)
    assert [p.title for p in record.open_items] == ["늦어진 제안", "검토 중 제안"]
    assert record.overdue == 1 and (record.met, record.closed) == (1, 2)
    assert [r.title for r in city.open_items] == ["답을 기다리는 권고"]
    assert city.overdue == 1 and (city.met, city.closed) == (2, 3)

    html = client.get(DUE).content.decode()
    assert "늦어진 제안" in html and "검토 중 제안" in html and "답을 기다리는 권고" in html
    assert "숨긴 제안" not in html and "초안 권고" not in html
    assert html.count('class="tag warning"') == 2
    assert "공유정책위원회" in html


def test_due_page_queries_do_not_grow(client, django_assert_max_num_queries):
    committee = CommitteeFactory()

    def build(n):
        for i in range(n):
            _on_agenda(committee, f"제안 {i}", timezone.now() + timedelta(days=i))
            _on_agenda(CommitteeFactory(), f"다른 위원회 제안 {i}", timezone.now())
            RecommendationFactory(committee=committee)

    build(2)
    client.get(DUE)
    with CaptureQueriesContext(connection) as few:
        assert client.get(DUE).status_code == 200
    build(10)
    with django_assert_max_num_queries(len(few)):
        html = client.get(DUE).content.decode()
    assert "제안 9" in html and "다른 위원회 제안 9" in html
    assert len(few) <= 8


def test_due_page_in_english(client):
    committee = CommitteeFactory(name_en="Sharing Policy Committee")
    _on_agenda(committee, "제안", timezone.now() + timedelta(days=3))
    html = client.get("/en/participate/due/").content.decode()
    assert "Answers due" in html and "Sharing Policy Committee" in html
