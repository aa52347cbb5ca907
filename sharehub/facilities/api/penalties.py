"""/api/v1/spaces: Check-in at the space, no-shows, the penalty register (suspensions) and appeals.

Staff check a booker in by the code of their QR and record no-shows; staff read the register of
the spaces they run; a person reads their own suspensions and appeals. Errors as sharehub/api.py:
401, 403, 404, 422 with field errors.

Paths have two segments or more, none of the shapes the spaces' own routes take (`/{slug}`,
`/bookings/{reference}`, `/{slug}/availability`, `/{slug}/bookings`), which come first.
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from sharehub.core.api_errors import ERRORS
from sharehub.core.api_types import page_query
from sharehub.core.pagination import ApiPage, api_page
from sharehub.facilities import selectors
from sharehub.facilities.models import Appeal, Penalty, PenaltyKind, Space
from sharehub.facilities.selectors import penalties as reads
from sharehub.facilities.services import penalties as services

router = Router(tags=["spaces"])

PER_PAGE = 20


class CodeIn(Schema):
    code: str = Field(max_length=500, description="The text of the booker's QR code")


class SpaceCheckInOut(Schema):
    reference: str
    starts_at: datetime
    ends_at: datetime
    checked_in_at: datetime
    person: str
    already: bool = Field(description="Checked in before this call")


class AppealOut(Schema):
    text: str
    status: str
    created_at: datetime
    decided_at: datetime | None
    answer: str


class PenaltyOut(Schema):
    id: int
    space: str | None = Field(description="The space's slug; null: every space")
    kind: str
    reason: str
    starts_at: datetime
    ends_at: datetime
    lifted_at: datetime | None
    appeal: AppealOut | None

    @staticmethod
    def resolve_space(penalty: Penalty) -> str | None:
        return penalty.space.slug if penalty.space is not None else None

    @staticmethod
    def resolve_appeal(penalty: Penalty) -> Appeal | None:
        return getattr(penalty, "appeal", None)


class StaffPenaltyOut(PenaltyOut):
    person: str

    @staticmethod
    def resolve_person(penalty: Penalty) -> str:
        return penalty.user.display_name


class NoShowOut(Schema):
    reference: str
    no_show: bool
    suspension: PenaltyOut | None = Field(description="The suspension this no-show caused")


class AppealIn(Schema):
    text: str = Field(max_length=services.TEXT_MAX)


@router.post(
    "/{slug}/check-in",
    response={200: SpaceCheckInOut, **ERRORS},
    summary="Check a booker in by their code (the space's staff)",
    description="A confirmed booking of this space today, before its end. Checking in twice "
    "answers `already`. A code not signed by the hub, or of another space, is a 422 on `code`.",
)
def check_in(request: HttpRequest, slug: str, body: CodeIn):
    space = selectors.get_space(slug=slug[:80])
    result = services.check_in(actor=request.auth, space=space, code=body.code)
    booking = result.booking
    return SpaceCheckInOut(
        reference=booking.reference,
        starts_at=booking.starts_at,
        ends_at=booking.ends_at,
        checked_in_at=booking.checked_in_at,  # type: ignore[arg-type]  # set by check_in
        person=booking.user.display_name if booking.user else "",
        already=result.already,
    )


@router.post(
    "/bookings/{reference}/no-show",
    response={200: NoShowOut, **ERRORS},
    summary="Record a no-show (the space's staff)",
    description="A confirmed booking that has ended without a check-in. Reaching the space's "
    "limit of no-shows within 90 days suspends the person; the suspension is returned.",
)
def record_no_show(request: HttpRequest, reference: str):
    booking = selectors.get_booking_for(request.auth, reference[:12])
    penalty = services.record_no_show(actor=request.auth, booking=booking)
    return NoShowOut(reference=booking.reference, no_show=True, suspension=penalty)


@router.get(
    "/suspensions/register",
    response={200: ApiPage[StaffPenaltyOut], **ERRORS},
    summary="The suspensions register (the spaces' staff)",
    description="Suspensions of the spaces you run (of every space: city staff). Filters: "
    "`state` (running, ended, lifted, appealed), `kind`, `space` (a slug), `person` "
    "(name or e-mail).",
)
def register(
    request: HttpRequest,
    state: str = Query("", pattern="^(|running|ended|lifted|appealed)$"),
    kind: str = Query("", pattern=f"^(|{'|'.join(PenaltyKind.values)})$"),
    space: str = Query("", max_length=80),
    person: str = Query("", max_length=100),
    page: int = page_query(),
):
    if not reads.runs_penalties(request.auth):
        raise PermissionDenied
    chosen: Space | None = selectors.get_space(slug=space) if space else None
    penalties = reads.register(request.auth, state=state, kind=kind, space=chosen, person=person)
    return api_page(request, penalties, page, per_page=PER_PAGE)


@router.get(
    "/suspensions/mine",
    response={200: ApiPage[PenaltyOut], **ERRORS},
    summary="Your suspensions, with your appeals",
)
def mine(request: HttpRequest, page: int = page_query()):
    return api_page(request, reads.penalties_of(request.auth), page, per_page=PER_PAGE)


@router.post(
    "/suspensions/{penalty_id}/appeal",
    response={201: AppealOut, **ERRORS},
    summary="Appeal one of your suspensions",
    description="Once per suspension, while it runs or within 30 days after it.",
)
def appeal(request: HttpRequest, penalty_id: int, body: AppealIn):
    penalty = reads.get_own_penalty(request.auth, penalty_id)
    return Status(201, services.appeal(actor=request.auth, penalty=penalty, text=body.text))
