"""The account's own fields in the API. The `/me` endpoint that adds what other apps know of the
person (memberships) is the portal's (sharehub.portal.api)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema

from sharehub.core.api_errors import ERRORS
from sharehub.core.api_types import Id, PageNumber
from sharehub.core.pagination import ApiPage, api_page

from . import selectors, services
from .models import User
from .roles import is_administrator


class AccountOut(Schema):
    id: int
    email: str
    display_name: str
    preferred_language: str
    home_district: str | None
    is_city_staff: bool
    is_moderator: bool
    is_administrator: bool


def account_fields(user: User) -> dict[str, Any]:
    """The account as the API shows it to its owner: the role flags as set, not the roles they
    imply (an administrator's `is_city_staff` is the flag)."""
    return {
        "id": user.pk,
        "email": user.email,
        "display_name": user.display_name,
        "preferred_language": user.preferred_language,
        "home_district": user.home_district.code if user.home_district_id else None,
        "is_city_staff": user.is_city_staff,
        "is_moderator": user.is_moderator,
        "is_administrator": user.is_superuser,
    }


# --- Staff management by administrators (the pages' services, DESIGN §5) -------------------

staff_router = Router(tags=["staff"])


class StaffPersonOut(Schema):
    id: int
    email: str
    display_name: str
    is_city_staff: bool
    is_moderator: bool
    is_administrator: bool
    has_totp: bool

    @staticmethod
    def resolve_is_administrator(obj: User) -> bool:
        return obj.is_superuser


class StaffRoleIn(Schema):
    role: services.StaffRole
    granted: bool
    reason: str = Field(min_length=1, max_length=500)


class ResetIn(Schema):
    reason: str = Field(min_length=1, max_length=500)


class ResetOut(Schema):
    removed: int


def _administrator(request: HttpRequest) -> None:
    if not is_administrator(request.user):
        raise PermissionDenied


def _person(user_id: int) -> User:
    person = selectors.person_for_staff_management(user_id)
    if person is None:
        raise Http404
    return person


@staff_router.get(
    "/people",
    response={200: ApiPage[StaffPersonOut], **ERRORS},
    summary="People and their roles (administrators)",
    description="Search by part of the e-mail address or the name (`q`), filter by `role` "
    "(privileged, city_staff, moderator, administrator). 20 per page.",
)
def list_people(
    request: HttpRequest,
    q: str = Query("", max_length=100),
    role: str = Query("", max_length=20),
    page: PageNumber = 1,
):
    _administrator(request)
    return api_page(request, selectors.people_for_staff_management(q=q, role=role), page)


@staff_router.post(
    "/people/{user_id}/roles",
    response={200: StaffPersonOut, **ERRORS},
    summary="Give or remove a role (administrators)",
    description="Revokes the person's API tokens; audited with the reason; the person is told. "
    "Nobody changes their own roles (403).",
)
def change_role(request: HttpRequest, user_id: Id, body: StaffRoleIn):
    _administrator(request)
    person = _person(user_id)
    services.set_staff_role(
        actor=request.user, user=person, role=body.role, granted=body.granted, reason=body.reason
    )
    return _person(user_id)


@staff_router.post(
    "/people/{user_id}/two-factor/reset",
    response={200: ResetOut, **ERRORS},
    summary="Reset a lost two-factor authentication (administrators)",
    description="Removes the person's authenticators and recovery codes, ends their sessions and "
    "revokes their API tokens; audited with the reason; the person is told.",
)
def reset_two_factor(request: HttpRequest, user_id: Id, body: ResetIn):
    _administrator(request)
    person = _person(user_id)
    removed = services.reset_two_factor(actor=request.user, user=person, reason=body.reason)
    return {"removed": removed}
