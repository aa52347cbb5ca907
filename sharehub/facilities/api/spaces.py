"""/api/v1/spaces: Staff create and edit spaces: details (ko, en), hours, fee table, refund bands, photos.

Under /api/v1/spaces/manage/spaces: city staff create spaces and name their staff; a space's staff
(and city staff) read and change it, its opening hours, fee table and refund bands, and open or
close it for bookings. The same services as the pages: 403 for anyone else, 422 with field errors
(a refused row as `<rows>-<index>-<field>`, e.g. `hours-2-closes`, its index in `rows`), and nothing half-written.
"""

from __future__ import annotations

from datetime import time
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from sharehub.core.api_errors import ERRORS
from sharehub.core.forms import field_error
from sharehub.facilities.models import Space
from sharehub.facilities.selectors import spaces as selectors
from sharehub.facilities.services import spaces as services
from sharehub.places.models import District

router = Router(tags=["spaces"])


class HoursRowIO(Schema):
    weekday: int = Field(description="Monday 0 … Sunday 6")
    opens: time
    closes: time


class FeeRowIO(Schema):
    day_kind: str = Field(description="weekday, or weekend (Saturdays, Sundays, public holidays)")
    starts: time
    amount: int = Field(description="Won per hour or per block, from `starts`")


class BandRowIO(Schema):
    days_before: int
    percent: int


class HoursIn(Schema):
    rows: list[HoursRowIO] = Field(max_length=50)


class FeesIn(Schema):
    rows: list[FeeRowIO] = Field(max_length=50)


class BandsIn(Schema):
    rows: list[BandRowIO] = Field(max_length=50)


class SpaceFieldsIn(Schema):
    """A space's details and rules; on update every field is optional (what is sent changes)."""

    name_ko: str | None = Field(None, max_length=150)
    name_en: str | None = Field(None, max_length=150)
    description_ko: str | None = Field(None, max_length=4000)
    description_en: str | None = Field(None, max_length=4000)
    office_ko: str | None = Field(None, max_length=150)
    office_en: str | None = Field(None, max_length=150)
    exemptions_ko: str | None = Field(None, max_length=4000)
    exemptions_en: str | None = Field(None, max_length=4000)
    district: str | None = Field(None, description="The district's address name (slug)")
    road_address: str | None = Field(None, max_length=200)
    latitude: float | None = None
    longitude: float | None = None
    capacity: int | None = None
    area_m2: Decimal | None = None
    features: list[str] | None = Field(None, description="Feature codes (amenities, accessibility)")
    fee_mode: str | None = Field(None, description="free, hour or block")
    fee_amount: int | None = None
    block_minutes: int | None = None
    slot_minutes: int | None = None
    min_minutes: int | None = None
    max_minutes: int | None = None
    opens_days_ahead: int | None = None
    closes_days_ahead: int | None = None
    closed_on_holidays: bool | None = None
    max_hours_per_day: int | None = None
    max_bookings_per_month: int | None = None
    eligibility: str | None = Field(None, description="anyone, city or organizations")
    excluded_purposes: list[str] | None = Field(None, description="Purpose codes")
    confirmation: str | None = Field(None, description="instant or approval")
    request_hours: int | None = None
    payment_hours: int | None = None
    allocation: str | None = Field(None, description="first or lottery")
    human_seconds: int | None = None
    lottery_draw_days: int | None = None
    no_show_limit: int | None = None
    suspension_days: int | None = None


class SpaceIn(SpaceFieldsIn):
    slug: str = Field("", max_length=80, description="Empty: made from the name")
    name_ko: str = Field(max_length=150)  # type: ignore[assignment]
    description_ko: str = Field(max_length=4000)  # type: ignore[assignment]
    office_ko: str = Field(max_length=150)  # type: ignore[assignment]
    district: str  # type: ignore[assignment]
    road_address: str = Field(max_length=200)  # type: ignore[assignment]
    capacity: int  # type: ignore[assignment]


class SpaceStaffOut(Schema):
    slug: str
    is_active: bool
    name_ko: str
    name_en: str | None
    description_ko: str | None
    description_en: str | None
    office_ko: str
    office_en: str | None
    exemptions_ko: str | None
    exemptions_en: str | None
    district: str
    road_address: str
    latitude: float | None
    longitude: float | None
    capacity: int
    area_m2: Decimal | None
    features: list[str]
    fee_mode: str
    fee_amount: int
    block_minutes: int
    slot_minutes: int
    min_minutes: int
    max_minutes: int
    opens_days_ahead: int
    closes_days_ahead: int
    closed_on_holidays: bool
    max_hours_per_day: int
    max_bookings_per_month: int
    eligibility: str
    excluded_purposes: list[str]
    confirmation: str
    request_hours: int
    payment_hours: int
    allocation: str
    human_seconds: int
    lottery_draw_days: int
    no_show_limit: int
    suspension_days: int
    hours: list[HoursRowIO]
    fees: list[FeeRowIO]
    refund_bands: list[BandRowIO]
    staff: list[str] = Field(description="The staff's e-mail addresses (city staff only)")

    @staticmethod
    def resolve_district(space: Space) -> str:
        return space.district.slug

    @staticmethod
    def resolve_features(space: Space) -> list[str]:
        return sorted(f.code for f in space.features.all())

    @staticmethod
    def resolve_excluded_purposes(space: Space) -> list[str]:
        return sorted(space.excluded)

    @staticmethod
    def resolve_hours(space: Space) -> list[Any]:
        return sorted(space.hours.all(), key=lambda h: (h.weekday, h.opens))

    @staticmethod
    def resolve_fees(space: Space) -> list[Any]:
        return list(space.fee_rates.all())

    @staticmethod
    def resolve_refund_bands(space: Space) -> list[Any]:
        return list(space.refund_bands.all())

    @staticmethod
    def resolve_staff(space: Space, context: dict) -> list[str]:
        if not selectors.may_create_spaces(context["request"].auth):
            return []
        return sorted(u.email for u in space.staff.all())


class StaffIn(Schema):
    emails: list[str] = Field(max_length=services.MAX_STAFF)


class ActiveIn(Schema):
    active: bool


def _fields(payload: SpaceFieldsIn) -> dict[str, Any]:
    data = payload.dict(exclude_unset=True)
    if "district" in data:
        district = District.objects.filter(slug=str(data["district"] or "")[:80]).first()
        if district is None:
            raise field_error(
                "district", _("There is no district with this address name."), code="invalid"
            )
        data["district"] = district
    if data.get("excluded_purposes") is None:
        data.pop("excluded_purposes", None)
    if data.get("features") is None:
        data.pop("features", None)
    return data


def _fresh(request: HttpRequest, slug: str) -> Space:
    return selectors.space_to_manage(request.auth, slug[:80])


@router.post(
    "/manage/spaces",
    response={201: SpaceStaffOut, **ERRORS},
    summary="Add a space (city staff)",
    description="The space starts closed for bookings; give it opening hours, then open it.",
)
def create_space(request: HttpRequest, body: SpaceIn):
    data = _fields(body)
    space = services.create_space(actor=request.auth, **data)
    return Status(201, _fresh(request, space.slug))


@router.get(
    "/manage/spaces/{slug}",
    response={200: SpaceStaffOut, **ERRORS},
    summary="A space with all its rules (its staff)",
)
def get_space(request: HttpRequest, slug: str):
    return _fresh(request, slug)


@router.patch(
    "/manage/spaces/{slug}",
    response={200: SpaceStaffOut, **ERRORS},
    summary="Change a space (its staff)",
    description="Only the fields sent change; `features` replaces the amenities and accessibility.",
)
def update_space(request: HttpRequest, slug: str, body: SpaceFieldsIn):
    space = _fresh(request, slug)
    services.update_space(actor=request.auth, space=space, **_fields(body))
    return _fresh(request, slug)


@router.put(
    "/manage/spaces/{slug}/hours",
    response={200: SpaceStaffOut, **ERRORS},
    summary="Replace the opening hours (its staff)",
    description="Several periods a day, none overlapping; all rows or none.",
)
def put_hours(request: HttpRequest, slug: str, body: HoursIn):
    space = _fresh(request, slug)
    rows = [services.HoursRow(weekday=r.weekday, opens=r.opens, closes=r.closes) for r in body.rows]
    services.replace_hours(actor=request.auth, space=space, rows=rows)
    return _fresh(request, slug)


@router.put(
    "/manage/spaces/{slug}/fees",
    response={200: SpaceStaffOut, **ERRORS},
    summary="Replace the fee table (its staff)",
    description="Rates by kind of day from a time of day; before the first, the base fee.",
)
def put_fees(request: HttpRequest, slug: str, body: FeesIn):
    space = _fresh(request, slug)
    rows = [
        services.FeeRow(day_kind=r.day_kind, starts=r.starts, amount=r.amount) for r in body.rows
    ]
    services.replace_fee_rates(actor=request.auth, space=space, rows=rows)
    return _fresh(request, slug)


@router.put(
    "/manage/spaces/{slug}/refunds",
    response={200: SpaceStaffOut, **ERRORS},
    summary="Replace the refund bands (its staff)",
)
def put_refunds(request: HttpRequest, slug: str, body: BandsIn):
    space = _fresh(request, slug)
    rows = [services.BandRow(days_before=r.days_before, percent=r.percent) for r in body.rows]
    services.replace_refund_bands(actor=request.auth, space=space, rows=rows)
    return _fresh(request, slug)


@router.put(
    "/manage/spaces/{slug}/staff",
    response={200: SpaceStaffOut, **ERRORS},
    summary="Name the space's staff (city staff)",
)
def put_staff(request: HttpRequest, slug: str, body: StaffIn):
    space = _fresh(request, slug)
    services.set_staff(actor=request.auth, space=space, emails=body.emails)
    return _fresh(request, slug)


@router.post(
    "/manage/spaces/{slug}/active",
    response={200: SpaceStaffOut, **ERRORS},
    summary="Open a space for bookings, or close it to new ones (its staff)",
)
def set_active(request: HttpRequest, slug: str, body: ActiveIn):
    space = _fresh(request, slug)
    services.set_active(actor=request.auth, space=space, active=body.active)
    return _fresh(request, slug)
