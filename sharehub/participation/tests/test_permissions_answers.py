"""Who may write the city's answers and results: every write × anonymous, citizen, the proposal's
author, a member of the committee, a moderator and city staff — in the service, on the page and
(where there is one) in the API. Only city staff succeed; everyone else changes nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from sharehub.accounts.tests.factories import UserFactory, give_totp
from sharehub.participation.models import (
    Answer,
    AnswerTemplate,
    Milestone,
    Result,
    ResultUpdate,
)
from sharehub.participation.services import answers as services

from .factories import (
    AnswerTemplateFactory,
    MembershipFactory,
    RecommendationFactory,
    RecommendationItemFactory,
    ResultFactory,
)

pytestmark = pytest.mark.django_db
ROLES = ["anonymous", "citizen", "author", "committee_member", "moderator", "city_staff"]


@dataclass
class World:
    recommendation: Any
    template: Any
    result: Any
    milestone: Any
    people: dict[str, Any]


@pytest.fixture
def world(db) -> World:
    recommendation = RecommendationFactory()
    item = RecommendationItemFactory(recommendation=recommendation)
    result = ResultFactory()
    people = {
        "anonymous": AnonymousUser(),
        "citizen": UserFactory(),
        "author": item.proposal.author or UserFactory(),
        "committee_member": UserFactory(),
        "moderator": give_totp(UserFactory(is_moderator=True)),
        "city_staff": give_totp(UserFactory(is_city_staff=True)),
    }
    if item.proposal.author is None:
        item.proposal.author = people["author"]
        item.proposal.save(update_fields=["author"])
    MembershipFactory(committee=recommendation.committee, user=people["committee_member"])
    return World(
        recommendation=recommendation,
        template=AnswerTemplateFactory(),
        result=result,
        milestone=Milestone.objects.create(result=result, title_ko="착수"),
        people=people,
    )


ANSWER = {
    "status": "accepted",
    "reasons": "수용합니다.",
    "department": "사회혁신담당관",
    "language": "ko",
}


@dataclass
class Write:
    """One write: how to call its service, its page (url, data) and the effect to count."""

    name: str
    service: Any
    page: Any
    count: Any
    api: Any = None


WRITES = [
    Write(
        "answer",
        lambda w, actor: services.answer_recommendation(
            actor=actor, recommendation=w.recommendation, **ANSWER
        ),
        lambda w: (f"/ko/participate/city/recommendations/{w.recommendation.pk}/answer/", ANSWER),
        lambda w: Answer.objects.count(),
        lambda w: (f"/api/v1/participation/recommendations/{w.recommendation.pk}/answer", ANSWER),
    ),
    Write(
        "bulk_answer",
        lambda w, actor: services.answer_in_bulk(
            actor=actor, recommendations=[w.recommendation], template=w.template, language="ko"
        ),
        lambda w: (
            "/ko/participate/city/bulk/",
            {"recommendations": [w.recommendation.pk], "template": w.template.pk, "language": "ko"},
        ),
        lambda w: Answer.objects.count(),
    ),
    Write(
        "create_template",
        lambda w, actor: services.create_answer_template(
            actor=actor, name_ko="새 템플릿", status="rejected", reasons_ko="불수용"
        ),
        lambda w: (
            "/ko/participate/city/templates/new/",
            {"name_ko": "새 템플릿", "status": "rejected", "reasons_ko": "불수용"},
        ),
        lambda w: AnswerTemplate.objects.count(),
    ),
    Write(
        "edit_template",
        lambda w, actor: services.update_answer_template(
            actor=actor, template=w.template, name_ko="바뀐 이름"
        ),
        lambda w: (
            f"/ko/participate/city/templates/{w.template.pk}/edit/",
            {"name_ko": "바뀐 이름", "status": "accepted", "reasons_ko": "수용"},
        ),
        lambda w: AnswerTemplate.objects.filter(name_ko="바뀐 이름").count(),
    ),
    Write(
        "add_result",
        lambda w, actor: services.create_result(
            actor=actor, answer=w.result.answer, title_ko="후속"
        ),
        lambda w: (f"/ko/participate/city/results/{w.result.pk}/add/", {"result-title_ko": "후속"}),
        lambda w: Result.objects.count(),
    ),
    Write(
        "add_milestone",
        lambda w, actor: services.add_milestone(
            actor=actor, result=w.result, title_ko="조례", due_date=date.today() + timedelta(1)
        ),
        lambda w: (
            f"/ko/participate/city/results/{w.result.pk}/milestones/",
            {"milestone-title_ko": "조례"},
        ),
        lambda w: Milestone.objects.count(),
    ),
    Write(
        "reach_milestone",
        lambda w, actor: services.reach_milestone(actor=actor, milestone=w.milestone),
        lambda w: (f"/ko/participate/city/milestones/{w.milestone.pk}/reach/", {}),
        lambda w: Milestone.objects.filter(done_at__isnull=False).count(),
    ),
    Write(
        "post_update",
        lambda w, actor: services.post_result_update(
            actor=actor, result=w.result, text="진행", progress=30
        ),
        lambda w: (
            f"/ko/participate/city/results/{w.result.pk}/update/",
            {"update-text": "진행", "update-progress": "30", "update-language": "ko"},
        ),
        lambda w: ResultUpdate.objects.count(),
        lambda w: (
            f"/api/v1/participation/results/{w.result.pk}/updates",
            {"text": "진행", "progress": 30},
        ),
    ),
]


@pytest.mark.parametrize("write", WRITES, ids=lambda w: w.name)
@pytest.mark.parametrize("role", ROLES)
def test_service(world, write, role):
    actor = world.people[role]
    before = write.count(world)
    if role == "city_staff":
        write.service(world, actor)
        assert write.count(world) == before + 1
    else:
        with pytest.raises(PermissionDenied):
            write.service(world, actor)
        assert write.count(world) == before


@pytest.mark.parametrize("write", WRITES, ids=lambda w: w.name)
@pytest.mark.parametrize("role", ROLES)
def test_page(client, world, write, role):
    if role != "anonymous":
        client.force_login(world.people[role])
    url, data = write.page(world)
    before = write.count(world)
    response = client.post(url, data)
    if role == "city_staff":
        assert response.status_code == 302, response.content.decode()[:2000]
        assert write.count(world) == before + 1
    else:
        expected = 302 if role == "anonymous" else 403
        assert response.status_code == expected
        if role == "anonymous":
            assert "/accounts/login/" in response["Location"] or "login" in response["Location"]
        assert write.count(world) == before


@pytest.mark.parametrize("write", [w for w in WRITES if w.api], ids=lambda w: w.name)
@pytest.mark.parametrize("role", ROLES)
def test_api(client, world, write, role):
    if role != "anonymous":
        client.force_login(world.people[role])
    url, data = write.api(world)
    before = write.count(world)
    response = client.post(url, data, content_type="application/json")
    expected = {"anonymous": 401, "city_staff": 201}.get(role, 403)
    assert response.status_code == expected, response.content
    assert write.count(world) == before + (1 if role == "city_staff" else 0)
