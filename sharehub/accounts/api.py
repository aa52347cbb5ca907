from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from sharehub.organizations.selectors import memberships_of

router = Router(tags=["me"])


class MyMembershipOut(Schema):
    organization_id: int
    organization_slug: str
    role: str


class MeOut(Schema):
    id: int
    email: str
    display_name: str
    preferred_language: str
    home_district: str | None
    is_city_staff: bool
    is_moderator: bool
    is_administrator: bool
    memberships: list[MyMembershipOut]


@router.get("/me", response=MeOut, summary="The signed-in user")
def me(request: HttpRequest):
    user = request.auth
    return {
        "id": user.pk,
        "email": user.email,
        "display_name": user.display_name,
        "preferred_language": user.preferred_language,
        "home_district": user.home_district.code if user.home_district_id else None,
        "is_city_staff": user.is_city_staff,
        "is_moderator": user.is_moderator,
        "is_administrator": user.is_superuser,
        "memberships": [
            {
                "organization_id": m.organization_id,
                "organization_slug": m.organization.slug,
                "role": m.role,
            }
            for m in memberships_of(user=user)
        ],
    }
