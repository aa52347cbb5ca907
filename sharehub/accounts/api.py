"""The account's own fields in the API. The `/me` endpoint that adds what other apps know of the
person (memberships) is the portal's (sharehub.portal.api)."""

from __future__ import annotations

from typing import Any

from ninja import Schema

from .models import User


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
