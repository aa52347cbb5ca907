"""/api/v1/programmes: the decisions part's endpoints.

- `POST /applications/{id}/committee-vote`, `POST /applications/{id}/decision`: the call's staff
  (404 for whoever may not see the application, 403 for its members and reviewers); a refused
  amount is a 422 on `amount` (over the budget left: code `over_budget`; over the cap: `over_cap`).
- `GET /awards` and `GET /awards/360giving`: public, awards of published calls only, filtered by
  `call` (its address name) and `year`; never an application, a rejection, a vote or a person.
"""

from __future__ import annotations

import datetime
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from sharehub.core.api_errors import ERRORS, ErrorOut, validation_errors
from sharehub.core.api_types import Id, page_query
from sharehub.core.filters import api_filters, query_schema
from sharehub.core.forms import field_error
from sharehub.core.pagination import ApiPage, api_page
from sharehub.programmes import giving360
from sharehub.programmes.forms_decisions import MAX_AMOUNT, AwardFilterForm
from sharehub.programmes.models import REASON_LIMIT, TEXT_LIMIT, Application, Award
from sharehub.programmes.selectors import (
    applications_visible_to,
    get_application_for,
    get_call_for,
)
from sharehub.programmes.selectors import decisions as selectors
from sharehub.programmes.services import decisions as services

router = Router(tags=["programmes"])

PER_PAGE = 50
COUNT_LIMIT = 1000  # members present and votes: a committee is far smaller


class CommitteeVoteIn(Schema):
    meeting_on: datetime.date
    members_present: int = Field(ge=0, le=COUNT_LIMIT)
    votes_for: int = Field(ge=0, le=COUNT_LIMIT)
    votes_against: int = Field(ge=0, le=COUNT_LIMIT)
    votes_abstain: int = Field(ge=0, le=COUNT_LIMIT)
    attendees: str = Field("", max_length=REASON_LIMIT, description="Names of those present")
    note: str = Field("", max_length=TEXT_LIMIT, description="Minutes")


class MeetingVoteIn(Schema):
    application: Id
    members_present: int = Field(ge=0, le=COUNT_LIMIT)
    votes_for: int = Field(ge=0, le=COUNT_LIMIT)
    votes_against: int = Field(ge=0, le=COUNT_LIMIT)
    votes_abstain: int = Field(ge=0, le=COUNT_LIMIT)
    note: str = Field("", max_length=TEXT_LIMIT, description="Minutes on this application")


class MeetingIn(Schema):
    meeting_on: datetime.date
    attendees: str = Field("", max_length=REASON_LIMIT, description="Names of those present")
    votes: list[MeetingVoteIn] = Field(min_length=1, max_length=200)


class CommitteeVoteOut(Schema):
    id: int
    application: int
    committee: str
    meeting_on: datetime.date
    seats: int
    members_present: int
    votes_for: int
    votes_against: int
    votes_abstain: int
    outcome: str = Field(description="approved or not_approved")

    @staticmethod
    def resolve_application(vote: Any) -> int:
        return vote.application_id

    @staticmethod
    def resolve_committee(vote: Any) -> str:
        return vote.committee.slug


class ApplicationDecisionIn(Schema):
    outcome: Literal["awarded", "waitlisted", "rejected"]
    amount: int | None = Field(None, ge=1, le=MAX_AMOUNT, description="In won; for an award")
    reason: str = Field("", max_length=REASON_LIMIT, description="Required to waitlist or reject")


class ApplicationDecisionOut(Schema):
    id: int
    status: str
    decided_at: datetime.datetime | None
    decision_reason: str
    amount: int | None = Field(description="The amount awarded, in won")
    award: str | None = Field(description="The award's 360Giving identifier")
    budget_left: int = Field(description="What is left of the call's budget, in won")

    @staticmethod
    def resolve_amount(application: Application) -> int | None:
        award = Award.objects.filter(application=application).first()
        return award.amount if award else None

    @staticmethod
    def resolve_award(application: Application) -> str | None:
        award = Award.objects.filter(application=application).first()
        return giving360.grant_id(award) if award else None

    @staticmethod
    def resolve_budget_left(application: Application) -> int:
        return application.call.budget_left


class ApplicationDecisionErrorOut(ErrorOut):
    """A refused decision: the field errors and, per field, their machine-readable codes
    (`amount`: over_budget, over_cap, required; `outcome`: not_approved; `status`:
    invalid_transition:decide; `reason`: required)."""

    codes: dict[str, list[str]] = Field(
        default_factory=dict, description="Absent when the body itself was not valid"
    )


def _codes(error: ValidationError) -> dict[str, list[str]]:
    if not hasattr(error, "error_dict"):
        return {"__all__": [e.code or "invalid" for e in error.error_list]}
    return {
        field: [e.code or "invalid" for e in errors] for field, errors in error.error_dict.items()
    }


class PublicAwardOut(Schema):
    id: str = Field(description="The 360Giving identifier")
    call: str = Field(description="The call's address name")
    call_title: str
    track: str
    organization: str
    organization_url: str | None = Field(description="Its page, when published")
    district: str | None
    title: str = Field(description="The project's title")
    amount: int = Field(description="In won")
    awarded_on: datetime.date

    @staticmethod
    def resolve_id(award: Award) -> str:
        return giving360.grant_id(award)

    @staticmethod
    def resolve_call(award: Award) -> str:
        return award.call.slug

    @staticmethod
    def resolve_call_title(award: Award) -> str:
        return award.call.title

    @staticmethod
    def resolve_track(award: Award) -> str:
        return award.application.track.name

    @staticmethod
    def resolve_organization(award: Award) -> str:
        return award.application.organization.name

    @staticmethod
    def resolve_organization_url(award: Award, context: dict) -> str | None:
        organization = award.application.organization
        if not organization.is_published:
            return None
        return context["request"].build_absolute_uri(organization.get_absolute_url())

    @staticmethod
    def resolve_district(award: Award) -> str | None:
        district = award.application.organization.district
        return district.name if district else None

    @staticmethod
    def resolve_title(award: Award) -> str:
        return award.application.title


@router.post(
    "/applications/{pk}/committee-vote",
    response={201: CommitteeVoteOut, **ERRORS},
    summary="Record the committee's vote on an application (the call's staff)",
    description="The application must be before the committee. The meeting needs its quorum; the "
    "motion carries with more than half of those present voting for it. The latest vote counts.",
)
def committee_vote(request: HttpRequest, pk: Id, body: CommitteeVoteIn):
    application = get_application_for(request.auth, pk)
    return Status(
        201,
        services.record_committee_vote(actor=request.auth, application=application, **body.dict()),
    )


@router.post(
    "/calls/{slug}/committee-votes",
    response={201: list[CommitteeVoteOut], **ERRORS},
    summary="Record one meeting's votes on several applications of a call (the call's staff)",
    description="All or nothing: an error on any application names it, and nothing is recorded.",
)
def meeting_votes(request: HttpRequest, slug: str, body: MeetingIn):
    call = get_call_for(request.auth, slug)
    ids = [vote.application for vote in body.votes]
    if len(ids) != len(set(ids)):
        raise field_error("votes", _("Give each application's votes once."), code="duplicate")
    found = {a.pk: a for a in applications_visible_to(request.auth).filter(pk__in=ids, call=call)}
    if len(found) != len(set(ids)):
        raise Http404
    votes = [
        services.Vote(
            found[vote.application],
            members_present=vote.members_present,
            votes_for=vote.votes_for,
            votes_against=vote.votes_against,
            votes_abstain=vote.votes_abstain,
            note=vote.note,
        )
        for vote in body.votes
    ]
    recorded = services.record_committee_votes(
        actor=request.auth,
        call=call,
        meeting_on=body.meeting_on,
        attendees=body.attendees,
        votes=votes,
    )
    return Status(201, recorded)


@router.post(
    "/applications/{pk}/decision",
    response={200: ApplicationDecisionOut, **ERRORS, 422: ApplicationDecisionErrorOut},
    summary="Decide on an application (the call's staff)",
    description="`awarded` with an `amount` (after the committee's latest vote approved it), "
    "`waitlisted` or `rejected` with a `reason`. A refusal is a 422 with the field errors and "
    "their `codes`: an amount over the budget left is `amount: over_budget`, over the track's "
    "cap `amount: over_cap`.",
)
def decision(request: HttpRequest, pk: Id, body: ApplicationDecisionIn):
    application = get_application_for(request.auth, pk)
    try:
        return services.decide(
            actor=request.auth,
            application=application,
            outcome=body.outcome,
            amount=body.amount,
            reason=body.reason,
        )
    except ValidationError as error:
        # The service's refusals carry codes a client can act on (over_budget, over_cap, …).
        return Status(
            422,
            {
                "detail": _("Some fields are not valid."),
                "errors": validation_errors(error),
                "codes": _codes(error),
            },
        )


@router.get(
    "/awards",
    response={200: ApiPage[PublicAwardOut], 422: ErrorOut},
    auth=None,
    summary="Awards of the support programmes (public)",
    description="Newest first. Filters: `call` (its address name), `year` (of the award).",
)
def list_awards(
    request: HttpRequest,
    query: Query[query_schema(AwardFilterForm)],  # type: ignore[valid-type]
    page: int = page_query(),
):
    filters = api_filters(AwardFilterForm, query).cleaned_data
    awards = selectors.public_awards(call=filters.get("call") or "", year=filters.get("year"))
    return api_page(request, awards, page, per_page=PER_PAGE)


@router.get(
    "/awards/360giving",
    response={200: dict, 422: ErrorOut},
    auth=None,
    summary="Awards as a 360Giving data package (public)",
    description="The 360Giving Data Standard's package (https://standard.threesixtygiving.org/): "
    '`{"grants": [...]}`, with the same filters as /awards.',
)
def awards_360giving(
    request: HttpRequest,
    query: Query[query_schema(AwardFilterForm)],  # type: ignore[valid-type]
):
    filters = api_filters(AwardFilterForm, query).cleaned_data
    awards = selectors.public_awards(call=filters.get("call") or "", year=filters.get("year"))
    return giving360.package(awards.iterator(chunk_size=500))
