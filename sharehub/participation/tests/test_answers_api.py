"""/api/v1/participation: answers and results (public reads, bounded queries), staff answers and
result updates (JSON errors, 403 for anyone else)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from sharehub.participation.models import Answer, ProposalState, ResultUpdate
from sharehub.participation.services import answers as services

from .factories import (
    AnswerTemplateFactory,
    RecommendationFactory,
    RecommendationItemFactory,
    ResultFactory,
)

pytestmark = pytest.mark.django_db
API = "/api/v1/participation"
BODY = {
    "status": "accepted",
    "reasons": "권고를 수용합니다.",
    "department": "사회혁신담당관",
    "cost_estimate": 10_000_000,
    "language": "ko",
}


def _post(client, url, data):
    return client.post(url, data, content_type="application/json")


def test_staff_answer_through_the_api(client, city_staff):
    recommendation = RecommendationFactory(answer_due=timezone.now() + timedelta(days=3))
    item = RecommendationItemFactory(recommendation=recommendation)
    template = AnswerTemplateFactory()
    client.force_login(city_staff)
    url = f"{API}/recommendations/{recommendation.pk}/answer"
    response = _post(client, url, {**BODY, "template": template.pk})
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["status"] == "accepted" and data["on_time"] is True
    assert data["proposals"] == [item.proposal_id] and len(data["results"]) == 1
    item.proposal.refresh_from_db()
    assert item.proposal.state == ProposalState.ANSWERED
    twice = _post(client, url, BODY)
    assert twice.status_code == 422 and "recommendation" in twice.json()["errors"]


def test_answer_errors_are_json(client, city_staff):
    client.force_login(city_staff)
    draft = RecommendationFactory(state="draft", published_at=None)
    drafted = _post(client, f"{API}/recommendations/{draft.pk}/answer", BODY)
    assert drafted.status_code == 422 and "recommendation" in drafted.json()["errors"]
    recommendation = RecommendationFactory()
    url = f"{API}/recommendations/{recommendation.pk}/answer"
    bad = _post(client, url, {**BODY, "status": "maybe", "cost_estimate": -1})
    assert bad.status_code == 422 and bad.json()["errors"]
    blank = _post(client, url, {**BODY, "reasons": "", "department": ""})
    assert blank.status_code == 422 and {"reasons", "department"} <= set(blank.json()["errors"])
    no_template = _post(client, url, {**BODY, "template": 999999})
    assert no_template.status_code == 422 and "template" in no_template.json()["errors"]
    assert _post(client, f"{API}/recommendations/999999/answer", BODY).status_code == 404
    assert not Answer.objects.exists()


def test_non_staff_get_401_or_403(client, user, moderator):
    recommendation = RecommendationFactory()
    result = ResultFactory()
    urls = [
        (f"{API}/recommendations/{recommendation.pk}/answer", BODY),
        (f"{API}/results/{result.pk}/updates", {"text": "x", "progress": 10}),
    ]
    for url, body in urls:
        assert _post(client, url, body).status_code == 401
    for person in (user, moderator):
        client.force_login(person)
        for url, body in urls:
            response = _post(client, url, body)
            assert response.status_code == 403 and "detail" in response.json()
    assert not Answer.objects.filter(recommendation=recommendation).exists()
    assert not ResultUpdate.objects.exists()


def test_answers_and_results_are_public_with_bounded_queries(
    client, city_staff, django_assert_max_num_queries
):
    def build(n):
        for _ in range(n):
            result = ResultFactory(progress=40)
            result.milestones.create(title_ko="착수")
            RecommendationItemFactory(recommendation=result.answer.recommendation)

    build(2)
    with django_assert_max_num_queries(6):
        answers = client.get(f"{API}/answers").json()
    assert answers["count"] == 2 and answers["results"][0]["results"][0]["progress"] == 40
    build(20)
    with django_assert_max_num_queries(6):
        answers = client.get(f"{API}/answers").json()
    assert answers["count"] == 22
    with django_assert_max_num_queries(3):
        results = client.get(f"{API}/results").json()
    assert results["count"] == 22 and len(results["results"]) == 20
    one = results["results"][0]
    detail = client.get(f"{API}/results/{one['id']}").json()
    assert detail["milestones"][0]["title"] == "착수" and detail["updates"] == []
    assert client.get(f"{API}/answers/{answers['results'][0]['id']}").status_code == 200
    assert client.get(f"{API}/answers/999999").status_code == 404
    assert client.get(f"{API}/results/999999").status_code == 404


def test_staff_posts_a_result_update(client, city_staff):
    recommendation = RecommendationFactory()
    item = RecommendationItemFactory(recommendation=recommendation)
    answer = services.answer_recommendation(
        actor=city_staff,
        recommendation=recommendation,
        status="accepted",
        reasons="수용",
        department="사회혁신담당관",
        language="ko",
    )
    result = answer.results.get()
    client.force_login(city_staff)
    url = f"{API}/results/{result.pk}/updates"
    assert _post(client, url, {"text": "x", "progress": 101}).status_code == 422
    response = _post(client, url, {"text": "완료", "progress": 100})
    assert response.status_code == 201 and response.json()["progress"] == 100
    item.proposal.refresh_from_db()
    assert item.proposal.state == ProposalState.IMPLEMENTED
    back = _post(client, url, {"text": "되돌림", "progress": 50})
    assert back.status_code == 422 and "progress" in back.json()["errors"]
    detail = client.get(f"{API}/results/{result.pk}").json()
    assert detail["progress"] == 100 and detail["implemented_at"]


def test_openapi_lists_the_answer_operations(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert f"{API}/answers" in paths and f"{API}/results/{{result_id}}" in paths
    assert f"{API}/recommendations/{{recommendation_id}}/answer" in paths
