"""/api/v1/participation: the city's answers to published recommendations, and the results that
track them (milestones, dated updates, progress 0–100 %).

Reads are public (auth=None): every answer is to a published recommendation. City staff answer a
recommendation and post a result's updates; anyone else gets a 403. Answering a draft, answering
twice or bad values are a 422 with field errors (sharehub/api.py).
"""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import Field

from sharehub.accounts.roles import is_city_staff
from sharehub.core.api_errors import ERRORS, ErrorOut
from sharehub.core.api_types import Id, page_query
from sharehub.core.pagination import ApiPage, api_page
from sharehub.participation.models import (
    REASON_MAX,
    Answer,
    AnswerStatus,
    AnswerTemplate,
    Milestone,
    Recommendation,
    Result,
    ResultUpdate,
)
from sharehub.participation.selectors import answers as selectors
from sharehub.participation.services import answers as services

router = Router(tags=["participation"])

PER_PAGE = 20


class ResultBriefOut(Schema):
    id: int
    title: str
    progress: int = Field(description="0–100 %")
    implemented_at: datetime | None


class AnswerOut(Schema):
    id: int
    recommendation: int
    recommendation_title: str
    committee: str = Field(description="The committee's slug.")
    status: AnswerStatus
    reasons: str
    language: str
    department: str
    cost_estimate: int | None = Field(description="In won.")
    target_date: date | None
    answered_at: datetime
    due: datetime | None = Field(description="The city's deadline for this answer.")
    on_time: bool | None = Field(description="Answered by the deadline (null without one).")
    proposals: list[int] = Field(description="The public proposals the recommendation cites.")
    results: list[ResultBriefOut]

    @staticmethod
    def resolve_recommendation(answer: Answer) -> int:
        return answer.recommendation_id

    @staticmethod
    def resolve_recommendation_title(answer: Answer) -> str:
        return answer.recommendation.title

    @staticmethod
    def resolve_committee(answer: Answer) -> str:
        return answer.recommendation.committee.slug

    @staticmethod
    def resolve_due(answer: Answer) -> datetime | None:
        return answer.recommendation.answer_due

    @staticmethod
    def resolve_on_time(answer: Answer) -> bool | None:
        due = answer.recommendation.answer_due
        return None if due is None else answer.answered_at <= due

    @staticmethod
    def resolve_proposals(answer: Answer) -> list[int]:
        return [
            item.proposal_id
            for item in answer.recommendation.items.all()
            if item.proposal.is_public
        ]

    @staticmethod
    def resolve_results(answer: Answer) -> list:
        return list(answer.results.all())


class ParticipationResultOut(Schema):
    id: int
    answer: int
    title: str
    title_ko: str | None
    title_en: str | None
    description: str
    progress: int = Field(description="0–100 %")
    implemented_at: datetime | None
    created_at: datetime
    url: str

    @staticmethod
    def resolve_answer(result: Result) -> int:
        return result.answer_id

    @staticmethod
    def resolve_url(result: Result, context: dict) -> str:
        return context["request"].build_absolute_uri(
            reverse("participation:result", kwargs={"pk": result.pk})
        )


class MilestoneOut(Schema):
    id: int
    title: str
    title_ko: str | None
    title_en: str | None
    due_date: date | None
    done_at: datetime | None


class ResultUpdateOut(Schema):
    id: int
    text: str
    language: str
    progress: int
    created_at: datetime


class ResultDetailOut(ParticipationResultOut):
    milestones: list[MilestoneOut]
    updates: list[ResultUpdateOut] = Field(description="Newest first.")

    @staticmethod
    def resolve_milestones(result: Result) -> list[Milestone]:
        return list(result.milestones.all())

    @staticmethod
    def resolve_updates(result: Result) -> list[ResultUpdate]:
        return list(result.updates.all())


class AnswerIn(Schema):
    status: AnswerStatus
    reasons: str = Field(max_length=REASON_MAX * 2)
    department: str = Field(max_length=120)
    cost_estimate: int | None = Field(None, ge=0, le=10**15, description="In won.")
    target_date: date | None = None
    language: str = Field("ko", max_length=8)
    template: int | None = Field(None, ge=1, description="The answer template used, if any.")


class ResultUpdateIn(Schema):
    text: str = Field(max_length=REASON_MAX * 2)
    progress: int = Field(ge=0, le=100)
    language: str = Field("ko", max_length=8)


def _require_staff(request: HttpRequest) -> None:
    if not is_city_staff(request.auth):
        raise PermissionDenied(_("Only city staff may do this."))


@router.get(
    "/answers",
    response=ApiPage[AnswerOut],
    auth=None,
    summary="The city's answers",
    description="Newest first, 20 per page, each with its results.",
)
def list_answers(request: HttpRequest, page: int = page_query()):
    return api_page(request, selectors.answer_list(), page, per_page=PER_PAGE)


@router.get(
    "/answers/{answer_id}",
    response={200: AnswerOut, 404: ErrorOut},
    auth=None,
    summary="One answer of the city",
)
def get_answer(request: HttpRequest, answer_id: Id):
    return selectors.get_answer(pk=answer_id)


@router.post(
    "/recommendations/{recommendation_id}/answer",
    response={201: AnswerOut, **ERRORS},
    summary="Answer a published recommendation (city staff)",
    description="Once per recommendation. A draft, a second answer or bad values are a 422; "
    "anyone but city staff gets a 403. The cited proposals become `answered`; an accepted or "
    "partly accepted answer starts a result.",
)
def answer_recommendation(request: HttpRequest, recommendation_id: Id, data: AnswerIn):
    _require_staff(request)
    recommendation = Recommendation.objects.filter(pk=recommendation_id).first()
    if recommendation is None:
        raise Http404
    template = None
    if data.template is not None:
        template = AnswerTemplate.objects.filter(pk=data.template).first()
        if template is None:
            raise ValidationError({"template": [_("This answer template does not exist.")]})
    answer = services.answer_recommendation(
        actor=request.auth,
        recommendation=recommendation,
        template=template,
        status=data.status,
        reasons=data.reasons,
        department=data.department,
        cost_estimate=data.cost_estimate,
        target_date=data.target_date,
        language=data.language,
    )
    return Status(201, selectors.get_answer(pk=answer.pk))


@router.get(
    "/results",
    response=ApiPage[ParticipationResultOut],
    auth=None,
    summary="The results of the city's answers",
    description="The least advanced first, 20 per page.",
)
def list_results(request: HttpRequest, page: int = page_query()):
    return api_page(request, selectors.result_list(), page, per_page=PER_PAGE)


@router.get(
    "/results/{result_id}",
    response={200: ResultDetailOut, 404: ErrorOut},
    auth=None,
    summary="One result with its milestones and updates",
)
def get_result(request: HttpRequest, result_id: Id):
    return selectors.get_result(pk=result_id)


@router.post(
    "/results/{result_id}/updates",
    response={201: ResultUpdateOut, **ERRORS},
    summary="Post a result's update (city staff)",
    description="Moves the result's progress; at 100 % for every result of an answer, its "
    "recommended proposals become `implemented`. A complete result stays at 100 % (422).",
)
def post_result_update(request: HttpRequest, result_id: Id, data: ResultUpdateIn):
    _require_staff(request)
    result = selectors.get_result(pk=result_id)
    update = services.post_result_update(
        actor=request.auth,
        result=result,
        text=data.text,
        progress=data.progress,
        language=data.language,
    )
    return Status(201, update)
