"""The city's answers (services): answer once, only published recommendations, proposals moved
and people told; templates and bulk answers (all or nothing, refusals per row); results with
milestones and updates until the proposals are implemented."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from sharehub.accounts.tests.factories import UserFactory
from sharehub.core.models import AuditEntry
from sharehub.notifications.models import Notification
from sharehub.participation.models import (
    Answer,
    AnswerStatus,
    AnswerTemplate,
    Follow,
    Proposal,
    ProposalState,
    Result,
    ResultUpdate,
)
from sharehub.participation.services import answers as services

from .factories import (
    AnswerTemplateFactory,
    RecommendationFactory,
    RecommendationItemFactory,
    ResultFactory,
)

pytestmark = pytest.mark.django_db

VALUES = {
    "status": AnswerStatus.ACCEPTED,
    "reasons": "공구도서관을 25개 자치구로 확대합니다.",
    "department": "사회혁신담당관",
    "cost_estimate": 120_000_000,
    "target_date": date.today() + timedelta(days=180),
    "language": "ko",
}


@pytest.fixture
def recommendation(db, author):
    recommendation = RecommendationFactory()
    RecommendationItemFactory(recommendation=recommendation, proposal__author=author)
    RecommendationItemFactory(
        recommendation=recommendation,
        verdict="not_recommend",
        proposal__state=ProposalState.NOT_RECOMMENDED,
    )
    return recommendation


def _proposals(recommendation):
    return [item.proposal for item in recommendation.items.order_by("pk")]


def test_staff_answer_moves_proposals_and_tells_author_and_followers(
    recommendation, city_staff, author, user
):
    first, second = _proposals(recommendation)
    Follow.objects.create(proposal=first, user=user)
    answer = services.answer_recommendation(
        actor=city_staff, recommendation=recommendation, **VALUES
    )
    assert answer.answered_by == city_staff and answer.cost_estimate == 120_000_000
    for proposal in (first, second):
        proposal.refresh_from_db()
        assert proposal.state == ProposalState.ANSWERED
    told = Notification.objects.filter(kind=services.ANSWER_KIND)
    assert {n.user_id for n in told} >= {author.pk, user.pk}
    mine = told.get(user=author)
    assert first.title in mine.title and "사회혁신담당관" in mine.body
    assert AuditEntry.objects.filter(action="participation.answer.create").exists()
    # An accepted answer starts one result, titled after the recommendation.
    assert list(answer.results.values_list("title_ko", flat=True)) == [recommendation.title]


def test_the_result_takes_the_title_in_the_recommendations_language(recommendation, city_staff):
    recommendation.language = "en"
    recommendation.title = "Open every district's tool library on Saturdays"
    recommendation.save()
    answer = services.answer_recommendation(
        actor=city_staff, recommendation=recommendation, **VALUES
    )
    result = answer.results.get()
    assert result.title_en == recommendation.title and not result.title_ko


def test_rejected_answer_has_no_result(recommendation, city_staff):
    answer = services.answer_recommendation(
        actor=city_staff,
        recommendation=recommendation,
        **{**VALUES, "status": AnswerStatus.REJECTED},
    )
    assert not answer.results.exists()
    with pytest.raises(ValidationError) as error:
        services.create_result(actor=city_staff, answer=answer, title_ko="결과")
    assert error.value.error_dict["__all__"][0].code == "rejected"


def test_answering_twice_or_a_draft_is_refused(recommendation, city_staff):
    services.answer_recommendation(actor=city_staff, recommendation=recommendation, **VALUES)
    with pytest.raises(ValidationError) as twice:
        services.answer_recommendation(actor=city_staff, recommendation=recommendation, **VALUES)
    assert twice.value.error_dict["recommendation"][0].code == "twice"
    draft = RecommendationFactory(state="draft", published_at=None)
    with pytest.raises(ValidationError) as drafted:
        services.answer_recommendation(actor=city_staff, recommendation=draft, **VALUES)
    assert "recommendation" in drafted.value.message_dict
    assert Answer.objects.count() == 1


def test_bad_values_are_field_errors(recommendation, city_staff):
    with pytest.raises(ValidationError) as error:
        services.answer_recommendation(
            actor=city_staff,
            recommendation=recommendation,
            **{
                **VALUES,
                "status": "maybe",
                "reasons": " ",
                "department": "",
                "target_date": date.today() - timedelta(days=1),
            },
        )
    assert {"status", "reasons", "department"} <= set(error.value.message_dict)
    assert not Answer.objects.exists()
    past = {**VALUES, "target_date": date.today() - timedelta(days=3)}
    with pytest.raises(ValidationError) as error:
        services.answer_recommendation(actor=city_staff, recommendation=recommendation, **past)
    assert set(error.value.message_dict) == {"target_date"}


def test_only_city_staff_answer(recommendation, author, moderator):
    for actor in (author, moderator):
        with pytest.raises(PermissionDenied):
            services.answer_recommendation(actor=actor, recommendation=recommendation, **VALUES)
    assert not Answer.objects.exists()
    assert _proposals(recommendation)[0].state == ProposalState.RECOMMENDED


def test_templates_created_and_edited_by_staff(city_staff, user):
    template = services.create_answer_template(
        actor=city_staff,
        name_ko="예산 반영 수용",
        name_en="Accepted, budgeted",
        status=AnswerStatus.ACCEPTED,
        reasons_ko="내년 예산에 반영합니다.",
        reasons_en="It will be in next year's budget.",
        department="예산담당관",
    )
    services.update_answer_template(actor=city_staff, template=template, name_ko="예산 반영")
    template.refresh_from_db()
    assert template.name_ko == "예산 반영" and template.reasons_en.startswith("It will")
    with pytest.raises(ValidationError) as error:
        services.create_answer_template(actor=city_staff, name_ko="", status="x", reasons_ko="")
    assert {"name_ko", "status", "reasons_ko"} <= set(error.value.message_dict)
    with pytest.raises(PermissionDenied):
        services.create_answer_template(
            actor=user, name_ko="x", status=AnswerStatus.ACCEPTED, reasons_ko="y"
        )
    assert AnswerTemplate.objects.count() == 1


def test_bulk_answer_from_a_template(city_staff):
    template = AnswerTemplateFactory()
    recommendations = [RecommendationFactory() for _ in range(3)]
    for recommendation in recommendations:
        RecommendationItemFactory(recommendation=recommendation)
    target = date.today() + timedelta(days=90)
    answers = services.answer_in_bulk(
        actor=city_staff,
        recommendations=recommendations,
        template=template,
        language="en",
        department="공유도시팀",
        target_date=target,
    )
    assert len(answers) == 3
    for answer in answers:
        assert answer.template == template and answer.department == "공유도시팀"
        assert answer.reasons == template.reasons_en and answer.language == "en"
        assert answer.target_date == target
    assert Result.objects.count() == 3


def test_bulk_answer_is_all_or_nothing_with_errors_per_row(city_staff):
    template = AnswerTemplateFactory()
    fine = RecommendationFactory(title="괜찮은 권고")
    done = RecommendationFactory(title="이미 답한 권고")
    draft = RecommendationFactory(title="초안 권고", state="draft", published_at=None)
    item = RecommendationItemFactory(recommendation=fine)
    services.answer_recommendation(actor=city_staff, recommendation=done, **VALUES)
    with pytest.raises(ValidationError) as error:
        services.answer_in_bulk(
            actor=city_staff,
            recommendations=[fine, done, draft],
            template=template,
            language="ko",
        )
    rows = error.value.message_dict["recommendations"]
    assert len(rows) == 2
    assert any("이미 답한 권고" in row for row in rows) and any("초안 권고" in row for row in rows)
    assert not Answer.objects.filter(recommendation=fine).exists()
    item.proposal.refresh_from_db()
    assert item.proposal.state == ProposalState.RECOMMENDED
    assert Answer.objects.count() == 1
    with pytest.raises(ValidationError):
        services.answer_in_bulk(
            actor=city_staff, recommendations=[], template=template, language="ko"
        )


def test_bulk_answer_refuses_non_staff(user):
    template = AnswerTemplateFactory()
    with pytest.raises(PermissionDenied):
        services.answer_in_bulk(
            actor=user, recommendations=[RecommendationFactory()], template=template, language="ko"
        )
    assert not Answer.objects.exists()


def test_updates_move_progress_until_implemented(recommendation, city_staff, author):
    answer = services.answer_recommendation(
        actor=city_staff, recommendation=recommendation, **VALUES
    )
    first = answer.results.get()
    second = services.create_result(
        actor=city_staff, answer=answer, title_ko="공유 플랫폼 개편", title_en="Platform"
    )
    milestone = services.add_milestone(
        actor=city_staff, result=first, title_ko="시범 운영", due_date=date.today()
    )
    services.reach_milestone(actor=city_staff, milestone=milestone)
    with pytest.raises(ValidationError):
        services.reach_milestone(actor=city_staff, milestone=milestone)
    services.post_result_update(actor=city_staff, result=first, text="절반 완료", progress=50)
    first.refresh_from_db()
    assert first.progress == 50 and first.implemented_at is None
    services.post_result_update(actor=city_staff, result=first, text="완료", progress=100)
    recommended, not_recommended = _proposals(recommendation)
    recommended.refresh_from_db()
    assert recommended.state == ProposalState.ANSWERED  # the second result still runs
    with pytest.raises(ValidationError) as error:
        services.post_result_update(actor=city_staff, result=first, text="되돌림", progress=80)
    assert "progress" in error.value.message_dict
    services.post_result_update(actor=city_staff, result=second, text="개편 완료", progress=100)
    recommended.refresh_from_db()
    not_recommended.refresh_from_db()
    assert recommended.state == ProposalState.IMPLEMENTED and recommended.closed_at
    # The committee did not recommend the other: the city's results do not implement it.
    assert not_recommended.state == ProposalState.ANSWERED
    # Told: answered, each update before the last (50 %, the first result at 100 %), implemented.
    told = Notification.objects.filter(user=author, kind=services.ANSWER_KIND).order_by("pk")
    assert told.count() == 4
    assert "50" in told[1].body
    assert ResultUpdate.objects.count() == 3


def test_result_writes_refuse_non_staff_and_bad_progress(city_staff, user):
    result = ResultFactory()
    for call in (
        lambda: services.post_result_update(actor=user, result=result, text="x", progress=10),
        lambda: services.add_milestone(actor=user, result=result, title_ko="x", due_date=None),
        lambda: services.create_result(actor=user, answer=result.answer, title_ko="x"),
    ):
        with pytest.raises(PermissionDenied):
            call()
    with pytest.raises(ValidationError) as error:
        services.post_result_update(actor=city_staff, result=result, text="", progress=101)
    assert {"text", "progress"} <= set(error.value.message_dict)
    assert not ResultUpdate.objects.exists()


def test_deadline_met_is_recorded_by_answer_time(city_staff):
    late = RecommendationFactory(answer_due=timezone.now() - timedelta(days=1))
    answer = services.answer_recommendation(actor=city_staff, recommendation=late, **VALUES)
    assert answer.answered_at > late.answer_due
    assert UserFactory()  # an unrelated person is told nothing
    assert not Notification.objects.exists()  # no cited proposals, nobody to tell


def test_demo_answers_results_and_one_implemented(client):
    from sharehub.participation.demo import ANSWERED, load_answers_demo, load_demo

    emails = ["staff", "citizen", "moderator", "admin", "member"]
    accounts = {
        f"{name}@sharehub.example": UserFactory(email=f"{name}@sharehub.example") for name in emails
    }
    load_demo(accounts=accounts)
    assert load_answers_demo(accounts=accounts) > len(ANSWERED)
    assert load_answers_demo(accounts=accounts) == 0
    assert AnswerTemplate.objects.count() == 3
    assert set(Answer.objects.values_list("status", flat=True)) == {
        "accepted",
        "partly",
        "rejected",
    }
    assert {0, 100} & set(Result.objects.values_list("progress", flat=True)) == {100}
    assert len(set(Result.objects.values_list("progress", flat=True))) == 3
    implemented = Proposal.objects.get(state=ProposalState.IMPLEMENTED)
    assert implemented.supports_count == implemented.supports.count() >= 100
    assert Proposal.objects.filter(state=ProposalState.ANSWERED).count() == 3
    # One awaits the city's answer here; the review demo published another recommendation.
    assert Proposal.objects.filter(state=ProposalState.RECOMMENDED).count() == 2
    html = client.get("/ko/participate/due/").content.decode()
    assert "아이 옷 공유 확대에 관한 권고" in html and 'class="tag warning"' not in html
    assert client.get("/en/participate/results/").status_code == 200
    assert implemented.title in client.get(implemented.get_absolute_url()).content.decode()
