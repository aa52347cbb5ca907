"""/api/v1/spaces: The waitlist for taken periods: offers when a period is released; reminders before a booking.

Your own entries only (join, leave, list, live offers); errors as everywhere: 401, 403, 404, 422
with field errors (a free time: code `free`; already waiting: `already`; over the cap: `limit`).
Paths start with `waitlist/` and have two segments, so the space routes (`/{slug}`) never take them.
"""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status

from sharehub.core.api_errors import ERRORS, RATE_LIMITED
from sharehub.core.api_types import CityDateTime, Id, page_query
from sharehub.core.pagination import ApiPage, api_page
from sharehub.core.ratelimit import check
from sharehub.facilities import selectors
from sharehub.facilities.models import WaitlistEntry
from sharehub.facilities.selectors import waitlist as waitlist_selectors
from sharehub.facilities.services import waitlist as services

router = Router(tags=["spaces"])

PER_PAGE = 20
JOIN_RATE = "30/h"


class WaitlistIn(Schema):
    space: str = Field(max_length=80, description="The space's address name (slug)")
    starts_at: CityDateTime
    ends_at: CityDateTime


class WaitlistOut(Schema):
    id: int
    space: str
    starts_at: datetime
    ends_at: datetime
    status: str = Field(description="waiting, offered, booked, expired or withdrawn")
    joined_at: datetime
    offered_at: datetime | None
    offer_expires_at: datetime | None
    booking: str | None = Field(description="The booking's reference, once booked from the offer")
    book_url: str | None = Field(description="Where to book the offered time, while offered")

    @staticmethod
    def resolve_space(entry: WaitlistEntry) -> str:
        return entry.space.slug

    @staticmethod
    def resolve_joined_at(entry: WaitlistEntry) -> datetime:
        return entry.created_at

    @staticmethod
    def resolve_booking(entry: WaitlistEntry) -> str | None:
        return entry.booking.reference if entry.booking else None

    @staticmethod
    def resolve_book_url(entry: WaitlistEntry, context: dict) -> str | None:
        if entry.status != "offered" or not entry.offer_expires_at:
            return None
        if entry.offer_expires_at <= timezone.now():
            return None
        return context["request"].build_absolute_uri(services.book_url(entry))


@router.get(
    "/waitlist/entries",
    response={200: ApiPage[WaitlistOut], **ERRORS},
    summary="Your waitlist entries",
    description="Live and past, offers first.",
)
def my_entries(request: HttpRequest, page: int = page_query()):
    return api_page(request, waitlist_selectors.entries_of(request.auth), page, per_page=PER_PAGE)


@router.get(
    "/waitlist/offers",
    response={200: list[WaitlistOut], **ERRORS},
    summary="Your live offers",
    description="Times released to you from the waitlist that you may book until they expire.",
)
def my_offers(request: HttpRequest):
    return list(waitlist_selectors.live_offers_of(request.auth))


@router.post(
    "/waitlist/entries",
    response={201: WaitlistOut, **ERRORS, **RATE_LIMITED},
    summary="Join the waitlist for a taken time",
    description="The time must be taken now (not by you) and allowed by the space's rules; "
    f"at most {services.MAX_LIVE_ENTRIES} live entries per person.",
)
def join(request: HttpRequest, body: WaitlistIn):
    check(request, "facilities.waitlist", JOIN_RATE)
    space = selectors.get_space(slug=body.space)
    entry = services.join(
        actor=request.auth, space=space, starts_at=body.starts_at, ends_at=body.ends_at
    )
    return Status(201, entry)


@router.post(
    "/waitlist/entries/{entry_id}/leave",
    response={200: WaitlistOut, **ERRORS},
    summary="Leave the waitlist",
    description="An offer you give up goes to the next person waiting.",
)
def leave(request: HttpRequest, entry_id: Id):
    entry = waitlist_selectors.get_entry_for(request.auth, entry_id)
    return services.leave(actor=request.auth, entry=entry)
