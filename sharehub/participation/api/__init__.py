"""/api/v1/participation: committees (with current members), policy areas, proposals (the list's
filters), one proposal, and your supports (add, withdraw, list).

Reads are public (auth=None). Errors follow sharehub/api.py: 401, 403, 404, 422 with field errors.
"""

from __future__ import annotations

from datetime import date, datetime

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status

from sharehub.accounts.auth import optional_user
from sharehub.core.api_errors import ERRORS, ErrorOut
from sharehub.core.api_types import Id, page_query
from sharehub.core.filters import api_filters, query_schema
from sharehub.core.pagination import ApiPage, CappedApiPage, api_page
from sharehub.core.ratelimit import check
from sharehub.participation import selectors, services
from sharehub.participation.filters import ProposalFilterForm
from sharehub.participation.models import (
    Committee,
    CommitteeMembership,
    CommitteeRole,
    PolicyArea,
    Proposal,
    Support,
)

router = Router(tags=["participation"])

PER_PAGE = 20
LIST_COUNT_CAP = 1000  # as the list page (views.public): an exact count read every row
SUPPORT_RATE = "120/h"
FILTERS_DESCRIPTION = (
    "Filters: `state` (collecting, on_agenda, not_enough_support, withdrawn, …), `area` (a policy "
    "area's slug), `district` (slug), `committee` (a committee's slug: on its agenda or in its "
    "areas), `sort` (`supports`, the default, or `newest`). Public proposals only."
)


class AreaOut(Schema):
    slug: str
    name: str
    name_ko: str
    name_en: str | None
    committee: str
    support_threshold: int
    support_days: int
    answer_days: int
    allow_self_support: bool

    @staticmethod
    def resolve_committee(area: PolicyArea) -> str:
        return area.committee.slug


class ParticipationMemberOut(Schema):
    name: str
    role: CommitteeRole
    term_start: date
    term_end: date | None

    @staticmethod
    def resolve_name(seat: CommitteeMembership) -> str:
        return seat.user.display_name


class CommitteeOut(Schema):
    slug: str
    name: str
    name_ko: str
    name_en: str | None
    remit: str
    areas: list[str]
    url: str

    @staticmethod
    def resolve_areas(committee: Committee) -> list[str]:
        return [area.slug for area in committee.areas.all()]

    @staticmethod
    def resolve_url(committee: Committee, context: dict) -> str:
        return context["request"].build_absolute_uri(committee.get_absolute_url())


class CommitteeDetailOut(CommitteeOut):
    members: list[ParticipationMemberOut]

    @staticmethod
    def resolve_members(committee: Committee) -> list:
        return committee.members  # current seats, prefetched by selectors.get_committee


class ProposalOut(Schema):
    """A public proposal as the list shows it (a draft or a hidden one is never here)."""

    id: int
    title: str
    language: str
    area: str
    state: str
    districts: list[str]
    supports_count: int
    support_threshold: int | None
    support_deadline: datetime | None
    threshold_reached_at: datetime | None
    committee: str | None
    answer_due: datetime | None
    published_at: datetime | None
    url: str

    @staticmethod
    def resolve_area(proposal: Proposal) -> str:
        return proposal.area.slug

    @staticmethod
    def resolve_districts(proposal: Proposal) -> list[str]:
        return [district.slug for district in proposal.districts.all()]

    @staticmethod
    def resolve_committee(proposal: Proposal) -> str | None:
        committee = proposal.agenda_committee
        return committee.slug if committee else None

    @staticmethod
    def resolve_url(proposal: Proposal, context: dict) -> str:
        return context["request"].build_absolute_uri(proposal.get_absolute_url())


class AmendmentOut(Schema):
    text: str
    created_at: datetime


class ProposalDetailOut(ProposalOut):
    body: str
    withdrawal_reason: str
    amendments: list[AmendmentOut]

    @staticmethod
    def resolve_amendments(proposal: Proposal) -> list:
        return list(proposal.amendments.all())


class SupportOut(Schema):
    proposal: int
    supported_at: datetime
    supports_count: int

    @staticmethod
    def resolve_proposal(support: Support) -> int:
        return support.proposal_id

    @staticmethod
    def resolve_supported_at(support: Support) -> datetime:
        return support.created_at

    @staticmethod
    def resolve_supports_count(support: Support) -> int:
        return support.proposal.supports_count


class SupportCountOut(Schema):
    proposal: int
    supports_count: int

    @staticmethod
    def resolve_proposal(proposal: Proposal) -> int:
        return proposal.pk


@router.get("/committees", response=list[CommitteeOut], auth=None, summary="The committees")
def list_committees(request: HttpRequest):
    return selectors.committee_list()


@router.get(
    "/committees/{slug}",
    response={200: CommitteeDetailOut, 404: ErrorOut},
    auth=None,
    summary="One committee with its current members",
)
def get_committee(request: HttpRequest, slug: str):
    return selectors.get_committee(slug=slug[:60])


@router.get("/areas", response=list[AreaOut], auth=None, summary="The policy areas")
def list_areas(request: HttpRequest):
    return PolicyArea.objects.select_related("committee")


@router.get(
    "/proposals",
    response={200: CappedApiPage[ProposalOut], 422: ErrorOut},
    auth=None,
    summary="List public proposals",
    description=FILTERS_DESCRIPTION
    + f" 20 per page. Counted up to {LIST_COUNT_CAP:,}: past it `count` is {LIST_COUNT_CAP:,}"
    " and `count_capped` true (follow `next`).",
)
def list_proposals(
    request: HttpRequest,
    query: Query[query_schema(ProposalFilterForm)],  # type: ignore[valid-type]
    page: int = page_query(),
):
    filters = api_filters(ProposalFilterForm, query).cleaned_data
    return api_page(
        request,
        selectors.proposal_list(filters=filters),
        page,
        per_page=PER_PAGE,
        count_cap=LIST_COUNT_CAP,
    )


@router.get(
    "/proposals/{proposal_id}",
    response={200: ProposalDetailOut, 404: ErrorOut},
    auth=None,
    summary="One proposal",
    description="Public proposals; your own in any state when signed in.",
)
def get_proposal(request: HttpRequest, proposal_id: Id):
    return selectors.get_proposal_for(optional_user(request), proposal_id)


@router.get(
    "/supports",
    response={200: ApiPage[SupportOut], **ERRORS},
    summary="Your supports",
)
def list_supports(request: HttpRequest, page: int = page_query()):
    return api_page(request, selectors.supports_of(user=request.auth), page, per_page=PER_PAGE)


@router.post(
    "/proposals/{proposal_id}/support",
    response={201: SupportOut, **ERRORS, 429: ErrorOut},
    summary="Support a proposal",
    description="Needs a verified e-mail address. Supporting twice, after the deadline, a "
    "withdrawn, closed or hidden proposal, or your own where its area forbids it, is a 422.",
)
def add_support(request: HttpRequest, proposal_id: Id):
    check(request, "participation.support", SUPPORT_RATE)
    proposal = selectors.get_proposal_for(request.auth, proposal_id)
    support = services.support_proposal(actor=request.auth, proposal=proposal)
    return Status(201, support)


@router.delete(
    "/proposals/{proposal_id}/support",
    response={200: SupportCountOut, **ERRORS, 429: ErrorOut},
    summary="Withdraw your support",
    description="Until the support deadline. Without a support of yours, a 422.",
)
def delete_support(request: HttpRequest, proposal_id: Id):
    check(request, "participation.support", SUPPORT_RATE)
    proposal = selectors.get_proposal_for(request.auth, proposal_id)
    return services.withdraw_support(actor=request.auth, proposal=proposal)


# The comments, committee review and city answers parts (their own modules).
from . import answers, comments, review  # noqa: E402

router.add_router("", comments.router)
router.add_router("", review.router)
router.add_router("", answers.router)
