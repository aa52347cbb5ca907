"""/api/v1/spaces: public spaces (the list's filters), a space's availability for a date range,
your bookings (create, cancel, list) and, for the spaces' staff, the bookings to decide.

Reads of spaces are public (auth=None); the public sees slots as free or taken, never who booked.
Errors follow sharehub/api.py: 401, 403, 404, 422 with field errors.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from sharehub.core.api_errors import ERRORS, ErrorOut
from sharehub.core.api_types import CityDateTime, page_query
from sharehub.core.filters import api_filters, query_schema
from sharehub.core.forms import field_error
from sharehub.core.pagination import ApiPage, api_page
from sharehub.core.ratelimit import check
from sharehub.facilities import selectors, services
from sharehub.facilities.filters import SpaceFilterForm
from sharehub.facilities.models import Booking, BookingStatus, Space
from sharehub.organizations.models import Organization

router = Router(tags=["spaces"])

PER_PAGE = 20
BOOK_RATE = "30/h"
MAX_RANGE_DAYS = 31


class SpaceOut(Schema):
    slug: str
    name: str
    name_ko: str
    name_en: str | None
    district: str
    office: str
    road_address: str
    latitude: float | None
    longitude: float | None
    capacity: int
    fee_mode: str
    fee_amount: int
    confirmation: str
    eligibility: str
    url: str

    @staticmethod
    def resolve_district(space: Space) -> str:
        return space.district.slug

    @staticmethod
    def resolve_url(space: Space, context: dict) -> str:
        return context["request"].build_absolute_uri(space.get_absolute_url())


class SlotOut(Schema):
    starts_at: datetime
    ends_at: datetime
    state: str = Field(
        description="free, taken, past, not_yet (outside the booking window), short (free but "
        "too short a gap) or lottery (free, allocated by a lottery round: enter it)"
    )


class DayOut(Schema):
    day: date
    closed: str | None
    slots: list[SlotOut]


class BookingIn(Schema):
    starts_at: CityDateTime
    ends_at: CityDateTime
    purpose: str
    purpose_detail: str = Field(max_length=300)
    people: int = Field(ge=1, le=10000)
    organization: str | None = Field(None, description="An organization's slug you belong to")
    declares_eligible: bool = False
    weeks: int = Field(1, ge=1, le=services.MAX_SERIES_WEEKS)


class BookingOut(Schema):
    reference: str
    space: str
    starts_at: datetime
    ends_at: datetime
    purpose: str
    purpose_detail: str
    people: int
    status: str
    fee: int
    payment_due: datetime | None
    paid_at: datetime | None
    refund: int | None
    held_because: str = Field(
        description="Why a held booking waits for the space's staff: fast (completed faster than "
        "a person could), unsigned (sent without the booking form's opening time) or burst (one "
        "of many in a few minutes); empty unless the status is held. As on the booking's page, "
        "its booker and the space's staff see it."
    )
    url: str

    @staticmethod
    def resolve_space(booking: Booking) -> str:
        return booking.space.slug

    @staticmethod
    def resolve_held_because(booking: Booking) -> str:
        return booking.held_because if booking.status == BookingStatus.HELD else ""

    @staticmethod
    def resolve_url(booking: Booking, context: dict) -> str:
        return context["request"].build_absolute_uri(booking.get_absolute_url())


class CancelIn(Schema):
    reason: str = Field("", max_length=2000)


class RejectIn(Schema):
    reason: str = Field(max_length=2000)


@router.get(
    "",
    response={200: ApiPage[SpaceOut], 422: ErrorOut},
    auth=None,
    summary="List public spaces",
    description="Filters: `district`, `day` with `start` and `end` (free for that whole time), "
    "`people`, `free_of_charge`, `features` (codes), `near` (latitude,longitude: nearest first).",
)
def list_spaces(
    request: HttpRequest,
    query: Query[query_schema(SpaceFilterForm)],  # type: ignore[valid-type]
    page: int = page_query(),
):
    filters = api_filters(SpaceFilterForm, query).cleaned_data
    return api_page(request, selectors.space_list(filters=filters), page, per_page=PER_PAGE)


@router.get(
    "/bookings",
    response={200: ApiPage[BookingOut], **ERRORS},
    summary="Your bookings",
)
def my_bookings(request: HttpRequest, page: int = page_query()):
    return api_page(request, selectors.bookings_of(user=request.auth), page, per_page=PER_PAGE)


@router.get(
    "/bookings/waiting",
    response={200: ApiPage[BookingOut], **ERRORS},
    summary="Bookings to decide (the spaces' staff)",
    description="Requests and held bookings of the spaces you run; empty for anyone else.",
)
def waiting(request: HttpRequest, page: int = page_query()):
    return api_page(request, selectors.waiting_for(request.auth), page, per_page=PER_PAGE)


@router.get(
    "/bookings/{reference}",
    response={200: BookingOut, **ERRORS},
    summary="One booking (its booker or the space's staff)",
)
def get_booking(request: HttpRequest, reference: str):
    return selectors.get_booking_for(request.auth, reference[:12])


@router.post(
    "/bookings/{reference}/cancel",
    response={200: BookingOut, **ERRORS},
    summary="Cancel a booking",
    description="The booker (the refund band applies) or the space's staff (a reason is needed).",
)
def cancel_booking(request: HttpRequest, reference: str, body: CancelIn):
    booking = selectors.get_booking_for(request.auth, reference[:12])
    return services.cancel(actor=request.auth, booking=booking, reason=body.reason)


@router.post(
    "/bookings/{reference}/approve",
    response={200: BookingOut, **ERRORS},
    summary="Approve a booking (the space's staff)",
)
def approve_booking(request: HttpRequest, reference: str):
    booking = selectors.get_booking_for(request.auth, reference[:12])
    return services.approve(actor=request.auth, booking=booking)


@router.post(
    "/bookings/{reference}/reject",
    response={200: BookingOut, **ERRORS},
    summary="Reject a booking with a reason (the space's staff)",
)
def reject_booking(request: HttpRequest, reference: str, body: RejectIn):
    booking = selectors.get_booking_for(request.auth, reference[:12])
    return services.reject(actor=request.auth, booking=booking, reason=body.reason)


@router.get(
    "/{slug}",
    response={200: SpaceOut, 404: ErrorOut},
    auth=None,
    summary="One space",
)
def get_space(request: HttpRequest, slug: str):
    return selectors.get_space(slug=slug[:80])


@router.get(
    "/{slug}/availability",
    response={200: list[DayOut], 404: ErrorOut, 422: ErrorOut},
    auth=None,
    summary="Free and taken slots of a space, day by day",
    description=f"From `start` (a date, today by default) for `days` days (1–{MAX_RANGE_DAYS}).",
)
def availability(request: HttpRequest, slug: str, start: date | None = None, days: int = 7):
    space = selectors.get_space(slug=slug[:80])
    if not 1 <= days <= MAX_RANGE_DAYS:
        raise field_error(
            "days", _("From 1 to %(max)s days.") % {"max": MAX_RANGE_DAYS}, code="range"
        )
    first = start or date.today()
    weeks = []
    for offset in range(0, days, 7):
        weeks.extend(selectors.week(space, first + timedelta(days=offset)))
    return weeks[:days]


@router.post(
    "/{slug}/bookings",
    response={201: BookingOut | list[BookingOut], **ERRORS, 429: ErrorOut},
    summary="Book a space",
    description="One booking, or with `weeks` > 1 the same time every week (all or nothing). "
    "Every rule refused is a 422 with the field and the reason; a taken time has code `taken`.",
)
def create_booking(request: HttpRequest, slug: str, body: BookingIn):
    check(request, "facilities.book", BOOK_RATE)
    space = selectors.get_space(slug=slug[:80])
    organization = None
    if body.organization:
        organization = Organization.objects.filter(slug=body.organization[:100]).first()
        if organization is None:
            raise field_error(
                "organization",
                _("There is no organization with this address name."),
                code="invalid",
            )
    ask = services.BookingAsk(
        starts_at=body.starts_at,
        ends_at=body.ends_at,
        purpose=body.purpose,
        purpose_detail=body.purpose_detail,
        people=body.people,
        organization=organization,
        declares_eligible=body.declares_eligible,
    )
    if body.weeks > 1:
        series = services.book_series(actor=request.auth, space=space, ask=ask, weeks=body.weeks)
        return Status(201, list(series.bookings.select_related("space").order_by("starts_at")))
    return Status(201, services.book(actor=request.auth, space=space, ask=ask))


# Each part's endpoints (their own modules), under the same /api/v1/spaces.
from sharehub.facilities.api import lottery, penalties, results, spaces, waitlist  # noqa: E402

for _part in (spaces, lottery, penalties, waitlist, results):
    router.add_router("", _part.router)
