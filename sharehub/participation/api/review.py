"""/api/v1/participation: the committee review.

Public (auth=None): published recommendations, their list (filter `committee`) and each one with
its decisions. A draft is never in the list, and its detail answers 404 to anyone who is not a
current member of its committee.

Members only: a committee's private notes (read, add) and draft recommendations (read). These
need a signed-in caller (401 otherwise) and answer **404, not 403,** to anyone who is not a
current member of the committee, so a stranger learns nothing about what the committee keeps
(the committee itself is public: its page and `/committees/{slug}`).
"""

from __future__ import annotations

from datetime import datetime

from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from sharehub.accounts.auth import optional_user
from sharehub.core.api_errors import ERRORS, ErrorOut
from sharehub.core.api_types import Id, page_query
from sharehub.core.pagination import ApiPage, api_page
from sharehub.core.ratelimit import check
from sharehub.participation.models import (
    Committee,
    CommitteeNote,
    Proposal,
    Recommendation,
    RecommendationItem,
    RecommendationState,
    Verdict,
)
from sharehub.participation.selectors import review as selectors
from sharehub.participation.services import review as services

router = Router(tags=["participation"])

PER_PAGE = 20
WRITE_RATE = "120/h"


class DecisionOut(Schema):
    proposal: int
    proposal_title: str
    proposal_url: str
    verdict: Verdict
    reasons: str

    @staticmethod
    def resolve_proposal(item: RecommendationItem) -> int:
        return item.proposal_id

    @staticmethod
    def resolve_proposal_title(item: RecommendationItem) -> str:
        return item.proposal.title

    @staticmethod
    def resolve_proposal_url(item: RecommendationItem, context: dict) -> str:
        return context["request"].build_absolute_uri(item.proposal.get_absolute_url())


class RecommendationOut(Schema):
    id: int
    committee: str
    title: str
    language: str
    state: RecommendationState
    published_at: datetime | None
    answer_due: datetime | None = Field(description="The city's deadline to answer it.")
    url: str

    @staticmethod
    def resolve_committee(recommendation: Recommendation) -> str:
        return recommendation.committee.slug

    @staticmethod
    def resolve_url(recommendation: Recommendation, context: dict) -> str:
        return context["request"].build_absolute_uri(recommendation.get_absolute_url())


class RecommendationDetailOut(RecommendationOut):
    body: str
    decisions: list[DecisionOut]

    @staticmethod
    def resolve_decisions(recommendation: Recommendation) -> list:
        return list(recommendation.items.all())


class NoteOut(Schema):
    id: int
    proposal: int
    author: str | None
    text: str
    created_at: datetime

    @staticmethod
    def resolve_proposal(note: CommitteeNote) -> int:
        return note.proposal_id

    @staticmethod
    def resolve_author(note: CommitteeNote) -> str | None:
        return note.author.display_name if note.author else None


class ParticipationNoteIn(Schema):
    proposal: Id
    text: str = Field(max_length=4000)


class CommitteeFilter(Schema):
    committee: str | None = Field(None, max_length=60, description="A committee's slug.")


@router.get(
    "/recommendations",
    response={200: ApiPage[RecommendationOut], 422: ErrorOut},
    auth=None,
    summary="Published recommendations",
    description="Newest first, 20 per page; `committee` (a slug) keeps one committee's.",
)
def list_recommendations(
    request: HttpRequest, filters: Query[CommitteeFilter], page: int = page_query()
):
    committee = None
    if filters.committee:
        committee = Committee.objects.filter(slug=filters.committee).first()
        if committee is None:
            return api_page(request, Recommendation.objects.none(), page, per_page=PER_PAGE)
    return api_page(
        request,
        selectors.published_recommendations(committee=committee),
        page,
        per_page=PER_PAGE,
    )


@router.get(
    "/recommendations/{recommendation_id}",
    response={200: RecommendationDetailOut, 404: ErrorOut},
    auth=None,
    summary="One recommendation with its decisions",
    description="Published ones for anyone; a draft only for its committee's members (404 for "
    "anyone else).",
)
def get_recommendation(request: HttpRequest, recommendation_id: Id):
    return selectors.get_recommendation_for(optional_user(request), recommendation_id)


@router.get(
    "/committees/{slug}/notes",
    response={200: ApiPage[NoteOut], **ERRORS},
    summary="The committee's private notes (members only)",
    description="Newest first. 404 for anyone who is not a current member of the committee.",
)
def list_notes(request: HttpRequest, slug: str, page: int = page_query()):
    committee = selectors.get_workspace_committee(actor=request.auth, slug=slug[:60])
    return api_page(request, selectors.notes_of(committee), page, per_page=PER_PAGE)


@router.post(
    "/committees/{slug}/notes",
    response={201: NoteOut, **ERRORS, 429: ErrorOut},
    summary="Add a private note on a proposal on the agenda (members only)",
    description="404 for anyone who is not a current member; 422 when the proposal is not on "
    "the committee's agenda or the text is empty.",
)
def add_note(request: HttpRequest, slug: str, data: ParticipationNoteIn):
    committee = selectors.get_workspace_committee(actor=request.auth, slug=slug[:60])
    check(request, "participation.review", WRITE_RATE)
    proposal = Proposal.objects.filter(pk=data.proposal).first()
    if proposal is None:
        raise Http404
    note = services.add_note(
        actor=request.auth, committee=committee, proposal=proposal, text=data.text
    )
    return Status(201, note)


@router.get(
    "/committees/{slug}/drafts",
    response={200: list[RecommendationDetailOut], **ERRORS},
    summary="The committee's draft recommendations (members only)",
    description="404 for anyone who is not a current member of the committee.",
)
def list_drafts(request: HttpRequest, slug: str):
    committee = selectors.get_workspace_committee(actor=request.auth, slug=slug[:60])
    return selectors.drafts_of(committee).select_related("committee")[:100]
