"""/api/v1/spaces/lottery: lottery rounds (public: the seed's fingerprint before the draw, the seed
and the draw after it) and your entries (enter, withdraw, list)."""

from __future__ import annotations

from datetime import date, datetime

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from sharehub.core.api_errors import ERRORS, ErrorOut
from sharehub.core.api_types import CityDateTime, Id, page_query
from sharehub.core.forms import field_error
from sharehub.core.pagination import ApiPage, api_page
from sharehub.core.ratelimit import check
from sharehub.facilities import rules, selectors
from sharehub.facilities.models import LotteryEntry, LotteryRound
from sharehub.facilities.selectors import lottery as reads
from sharehub.facilities.services import BookingAsk
from sharehub.facilities.services import lottery as service
from sharehub.organizations.models import Organization

router = Router(tags=["spaces"])

PER_PAGE = 20
ENTER_RATE = "30/h"


class RoundOut(Schema):
    id: int
    space: str
    covers_from: date
    covers_until: date
    draws_at: datetime
    drawn_at: datetime | None
    seed_hash: str = Field(description="SHA-256 of the seed, published when the round opens")
    seed: str | None = Field(description="Published when the round is drawn")
    entries: int
    won: int
    url: str

    @staticmethod
    def resolve_space(lottery: LotteryRound) -> str:
        return lottery.space.slug

    @staticmethod
    def resolve_seed(lottery: LotteryRound) -> str | None:
        return lottery.seed if lottery.drawn_at is not None else None

    @staticmethod
    def resolve_entries(lottery: LotteryRound) -> int:
        return getattr(lottery, "entry_count", 0)

    @staticmethod
    def resolve_won(lottery: LotteryRound) -> int:
        return getattr(lottery, "won_count", 0)

    @staticmethod
    def resolve_url(lottery: LotteryRound, context: dict) -> str:
        return context["request"].build_absolute_uri(f"/api/v1/spaces/lottery/rounds/{lottery.pk}")


class PublishedEntryOut(Schema):
    number: int
    starts_at: datetime
    ends_at: datetime
    position: int | None
    status: str
    outcome: str | None


class RoundDrawOut(RoundOut):
    draw: list[PublishedEntryOut] = Field(
        description="Entries by number (never who), in the order of the draw once drawn"
    )

    @staticmethod
    def resolve_draw(lottery: LotteryRound) -> list[dict]:
        drawn = lottery.drawn_at is not None
        return [
            {
                "number": e.pk,
                "starts_at": e.starts_at,
                "ends_at": e.ends_at,
                "position": e.position,
                "status": e.status if drawn else "entered",
                "outcome": e.outcome if drawn else None,
            }
            for e in reads.published_entries(lottery)
        ]


class EntryIn(Schema):
    space: str = Field(max_length=80, description="The space's address name (slug)")
    starts_at: CityDateTime
    ends_at: CityDateTime
    purpose: str = Field(max_length=12)
    purpose_detail: str = Field(max_length=300)
    people: int = Field(ge=1, le=10000)
    organization: str | None = Field(None, description="An organization's slug you belong to")
    declares_eligible: bool = False


class EntryOut(Schema):
    id: int
    round: int
    space: str
    starts_at: datetime
    ends_at: datetime
    purpose: str
    people: int
    status: str
    position: int | None
    outcome: str | None
    booking: str | None = Field(description="The winner's booking reference")

    @staticmethod
    def resolve_round(entry: LotteryEntry) -> int:
        return entry.round_id

    @staticmethod
    def resolve_space(entry: LotteryEntry) -> str:
        return entry.round.space.slug

    @staticmethod
    def resolve_outcome(entry: LotteryEntry) -> str | None:
        return entry.outcome or None

    @staticmethod
    def resolve_booking(entry: LotteryEntry) -> str | None:
        return entry.booking.reference if entry.booking else None


@router.get(
    "/lottery/rounds",
    response={200: ApiPage[RoundOut], 404: ErrorOut, 422: ErrorOut},
    auth=None,
    summary="Lottery rounds",
    description="Newest first; `space` (a slug) keeps one space's.",
)
def list_rounds(request: HttpRequest, space: str | None = None, page: int = page_query()):
    chosen = selectors.get_space(slug=space[:80]) if space else None
    return api_page(request, reads.rounds_list(space=chosen), page, per_page=PER_PAGE)


@router.get(
    "/lottery/rounds/{round_id}",
    response={200: RoundDrawOut, 404: ErrorOut, 422: ErrorOut},
    auth=None,
    summary="One lottery round and its draw",
    description="Before the draw: the seed's SHA-256 and the entries by number. After it: the "
    "seed, each entry's place and outcome. The order is the entries sorted by "
    "HMAC-SHA256(key=seed, message=entry number).",
)
def get_round(request: HttpRequest, round_id: Id):
    return reads.public_round(round_id)


@router.get(
    "/lottery/entries",
    response={200: ApiPage[EntryOut], **ERRORS},
    summary="Your lottery entries",
)
def my_entries(request: HttpRequest, page: int = page_query()):
    return api_page(request, reads.entries_of(user=request.auth), page, per_page=PER_PAGE)


@router.post(
    "/lottery/entries",
    response={201: EntryOut, **ERRORS, 429: ErrorOut},
    summary="Enter a lottery",
    description="For a period of a day whose round still takes entries; the same rules as a "
    "booking apply, counted at the draw time. A day without an open round is a 422 (`round`).",
)
def enter(request: HttpRequest, body: EntryIn):
    check(request, "facilities.lottery.enter", ENTER_RATE)
    space = selectors.get_space(slug=body.space)
    organization = None
    if body.organization:
        organization = Organization.objects.filter(slug=body.organization[:100]).first()
        if organization is None:
            raise field_error(
                "organization",
                _("There is no organization with this address name."),
                code="invalid",
            )
    day = rules.local(body.starts_at).date()
    lottery = reads.entering_round(space, day, now=timezone.now())
    if lottery is None:
        raise field_error(
            "starts_at", _("No lottery round takes entries for this day."), code="round"
        )
    ask = BookingAsk(
        starts_at=body.starts_at,
        ends_at=body.ends_at,
        purpose=body.purpose,
        purpose_detail=body.purpose_detail,
        people=body.people,
        organization=organization,
        declares_eligible=body.declares_eligible,
    )
    entry = service.enter(actor=request.auth, lottery=lottery, ask=ask)
    return Status(201, reads.entries_of(user=request.auth).get(pk=entry.pk))


@router.post(
    "/lottery/entries/{entry_id}/withdraw",
    response={200: EntryOut, **ERRORS},
    summary="Withdraw your entry before the draw",
)
def withdraw(request: HttpRequest, entry_id: Id):
    entry = reads.get_entry_for(request.auth, entry_id)
    service.withdraw(actor=request.auth, entry=entry)
    return reads.get_entry_for(request.auth, entry_id)
