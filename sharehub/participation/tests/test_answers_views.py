"""Pages of the city's answers: the staff queue with its bulk answer, one answer's form, answer
templates, the public results and a result's page (staff forms), the proposal page's answer
section and timeline; bounded queries on the lists."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sharehub.participation.models import (
    Answer,
    AnswerStatus,
    AnswerTemplate,
    Milestone,
    ProposalState,
    ResultUpdate,
)
from sharehub.participation.services import answers as services

from .factories import (
    AnswerFactory,
    AnswerTemplateFactory,
    RecommendationFactory,
    RecommendationItemFactory,
    ResultFactory,
)

pytestmark = pytest.mark.django_db
QUEUE = "/ko/participate/city/"
RESULTS = "/ko/participate/results/"


def _page(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def _answered(staff, **values):
    recommendation = RecommendationFactory()
    item = RecommendationItemFactory(recommendation=recommendation)
    answer = services.answer_recommendation(
        actor=staff,
        recommendation=recommendation,
        status=values.get("status", AnswerStatus.ACCEPTED),
        reasons="공유 정책에 반영합니다.",
        department="사회혁신담당관",
        cost_estimate=5_000_000,
        target_date=date.today() + timedelta(days=60),
        language="ko",
    )
    return answer, item.proposal


def test_queue_lists_awaiting_with_overdue_and_answers_one(client, city_staff):
    late = RecommendationFactory(title="늦은 권고", answer_due=timezone.now() - timedelta(days=2))
    RecommendationItemFactory(recommendation=late)
    RecommendationFactory(title="초안 권고", state="draft", published_at=None)
    client.force_login(city_staff)
    html = _page(client.get(QUEUE))
    assert "늦은 권고" in html and "초안 권고" not in html
    assert 'class="tag warning"' in html
    url = f"/ko/participate/city/recommendations/{late.pk}/answer/"
    assert "늦은 권고" in _page(client.get(url))
    bad = client.post(
        url, {"status": "accepted", "reasons": "", "department": "", "language": "ko"}
    )
    assert bad.status_code == 422 and not Answer.objects.exists()
    response = client.post(
        url,
        {
            "status": "partly",
            "reasons": "일부 수용합니다.",
            "department": "공유도시팀",
            "cost_estimate": "3000000",
            "target_date": (date.today() + timedelta(days=30)).isoformat(),
            "language": "ko",
        },
    )
    assert response.status_code == 302
    assert Answer.objects.get().status == AnswerStatus.PARTLY_ACCEPTED
    assert "늦은 권고" not in _page(client.get(QUEUE))
    # Answered already: the form is gone, a second post is refused with the reason.
    assert '<form method="post" novalidate>' not in _page(client.get(url))
    again = client.post(
        url, {"status": "accepted", "reasons": "x", "department": "y", "language": "ko"}
    )
    assert again.status_code == 422 and Answer.objects.count() == 1


def test_answer_form_starts_from_a_template(client, city_staff):
    template = AnswerTemplateFactory(reasons_ko="템플릿의 이유입니다.")
    recommendation = RecommendationFactory()
    client.force_login(city_staff)
    html = _page(
        client.get(
            f"/ko/participate/city/recommendations/{recommendation.pk}/answer/?template={template.pk}"
        )
    )
    assert "템플릿의 이유입니다." in html


def test_draft_recommendation_has_no_answer_page(client, city_staff):
    draft = RecommendationFactory(state="draft", published_at=None)
    client.force_login(city_staff)
    url = f"/ko/participate/city/recommendations/{draft.pk}/answer/"
    assert client.get(url).status_code == 404


def test_bulk_answer_from_the_queue(client, city_staff):
    template = AnswerTemplateFactory()
    chosen = [RecommendationFactory() for _ in range(2)]
    RecommendationFactory(title="남겨둔 권고")
    client.force_login(city_staff)
    response = client.post(
        "/ko/participate/city/bulk/",
        {
            "recommendations": [r.pk for r in chosen],
            "template": template.pk,
            "department": "",
            "target_date": "",
            "language": "ko",
        },
    )
    assert response.status_code == 302
    assert set(Answer.objects.values_list("recommendation_id", flat=True)) == {r.pk for r in chosen}
    assert "남겨둔 권고" in _page(client.get(QUEUE))
    # One of them answered meanwhile: nothing is answered, the refusal names it.
    other = RecommendationFactory(title="새 권고")
    refused = client.post(
        "/ko/participate/city/bulk/",
        {
            "recommendations": [other.pk, chosen[0].pk],
            "template": template.pk,
            "language": "ko",
        },
    )
    assert refused.status_code == 422
    assert chosen[0].title in refused.content.decode()
    assert not Answer.objects.filter(recommendation=other).exists()
    nothing = client.post("/ko/participate/city/bulk/", {"template": template.pk, "language": "ko"})
    assert nothing.status_code == 422


def test_answer_templates_pages(client, city_staff):
    client.force_login(city_staff)
    assert "/ko/participate/city/templates/new/" in _page(
        client.get("/ko/participate/city/templates/")
    )
    response = client.post(
        "/ko/participate/city/templates/new/",
        {
            "name_ko": "검토 후 수용",
            "name_en": "Accepted after study",
            "status": "accepted",
            "reasons_ko": "검토 결과 수용합니다.",
            "reasons_en": "",
            "department": "",
        },
    )
    assert response.status_code == 302
    template = AnswerTemplate.objects.get()
    assert "검토 후 수용" in _page(client.get("/ko/participate/city/templates/"))
    edit = f"/ko/participate/city/templates/{template.pk}/edit/"
    assert "검토 결과 수용합니다." in _page(client.get(edit))
    bad = client.post(edit, {"name_ko": "", "status": "accepted", "reasons_ko": ""})
    assert bad.status_code == 422
    client.post(edit, {"name_ko": "수용", "status": "rejected", "reasons_ko": "불수용"})
    template.refresh_from_db()
    assert template.status == "rejected" and template.name_ko == "수용"


def test_results_list_and_detail_are_public(client, city_staff):
    answer, proposal = _answered(city_staff)
    result = answer.results.get()
    Milestone.objects.create(result=result, title_ko="시범 운영", due_date=date.today())
    services.post_result_update(actor=city_staff, result=result, text="절반 진행", progress=50)
    html = _page(client.get(RESULTS))
    assert result.title_ko in html and 'value="50"' in html
    detail = _page(client.get(f"{RESULTS}{result.pk}/"))
    assert "시범 운영" in detail and "절반 진행" in detail and proposal.title in detail
    assert "result_update" not in detail and "/city/results/" not in detail  # no staff forms
    assert result.title_ko not in _page(client.get(RESULTS, {"state": "implemented"}))


def test_staff_posts_updates_and_milestones_on_the_result_page(client, city_staff):
    answer, proposal = _answered(city_staff)
    result = answer.results.get()
    client.force_login(city_staff)
    assert "/city/results/" in _page(client.get(f"{RESULTS}{result.pk}/"))
    base = f"/ko/participate/city/results/{result.pk}/"
    added = client.post(
        base + "milestones/", {"milestone-title_ko": "조례 개정", "milestone-due_date": ""}
    )
    assert added.status_code == 302
    milestone = Milestone.objects.get()
    assert client.post(f"/ko/participate/city/milestones/{milestone.pk}/reach/").status_code == 302
    milestone.refresh_from_db()
    assert milestone.done_at
    bad = client.post(base + "update/", {"update-text": "", "update-progress": "120"})
    assert bad.status_code == 422 and not ResultUpdate.objects.exists()
    done = client.post(
        base + "update/",
        {"update-text": "완료했습니다.", "update-progress": "100", "update-language": "ko"},
    )
    assert done.status_code == 302
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.IMPLEMENTED
    more = client.post(base + "add/", {"result-title_ko": "후속 사업"})
    assert more.status_code == 302 and answer.results.count() == 2


def test_proposal_page_shows_answer_results_and_timeline(client, city_staff):
    answer, proposal = _answered(city_staff)
    result = answer.results.get()
    services.post_result_update(actor=city_staff, result=result, text="착수했습니다.", progress=20)
    html = _page(client.get(f"/ko/participate/{proposal.pk}/"))
    assert "사회혁신담당관" in html and "공유 정책에 반영합니다." in html
    assert f"/ko/participate/results/{result.pk}/" in html
    assert "착수했습니다." in html  # the timeline's update
    assert "5,000,000" in html or "5000000" in html


def test_results_list_queries_do_not_grow(client, city_staff, django_assert_max_num_queries):
    def build(n):
        for _ in range(n):
            ResultFactory(progress=30)

    build(2)
    client.get(RESULTS)
    with CaptureQueriesContext(connection) as few:
        assert _page(client.get(RESULTS)).count('<progress max="100"') == 2
    build(15)
    with django_assert_max_num_queries(len(few)):
        assert _page(client.get(RESULTS)).count('<progress max="100"') == 17
    assert len(few) <= 6


def test_queue_queries_do_not_grow(client, city_staff, django_assert_max_num_queries):
    client.force_login(city_staff)
    for _ in range(2):
        RecommendationItemFactory(recommendation=RecommendationFactory())
    client.get(QUEUE)
    with CaptureQueriesContext(connection) as few:
        _page(client.get(QUEUE))
    for _ in range(12):
        RecommendationItemFactory(recommendation=RecommendationFactory())
    with django_assert_max_num_queries(len(few)):
        _page(client.get(QUEUE))


def test_staff_pages_refuse_others(client, user, moderator):
    recommendation = RecommendationFactory()
    result = ResultFactory()
    urls = [
        QUEUE,
        "/ko/participate/city/templates/",
        "/ko/participate/city/templates/new/",
        f"/ko/participate/city/recommendations/{recommendation.pk}/answer/",
    ]
    for url in urls:
        assert client.get(url).status_code == 302  # to the login page
    for person in (user, moderator):
        client.force_login(person)
        for url in urls:
            assert client.get(url).status_code == 403
        assert "/city/results/" not in _page(client.get(f"{RESULTS}{result.pk}/"))


def test_workspace_lists_the_queue_with_overdue_and_the_templates_tool(city_staff, user):
    from sharehub.core.workspace import work_for

    RecommendationFactory(answer_due=timezone.now() - timedelta(days=1))
    RecommendationFactory()
    RecommendationFactory(state="draft", published_at=None)
    AnswerFactory(recommendation=RecommendationFactory())
    queues, tools = work_for(city_staff)
    queue = next(q for q in queues if q.name == "participation.answers")
    assert (queue.count, queue.overdue) == (2, 1) and queue.url == QUEUE
    assert any(t.name == "participation.answer_templates" for t in tools)
    queues, tools = work_for(user)
    assert not [w for w in queues + tools if w.name.startswith("participation.answer")]
