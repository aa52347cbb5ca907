"""`/api/v1/me`: the signed-in account (accounts) with its organization memberships
(organizations)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from sharehub.accounts.api import AccountOut, account_fields
from sharehub.organizations.selectors import memberships_of

router = Router(tags=["me"])


class MyMembershipOut(Schema):
    organization_id: int
    organization_slug: str
    role: str


class MeOut(AccountOut):
    memberships: list[MyMembershipOut]


# The operation id it had when accounts served it, so that generated clients keep their names.
@router.get(
    "/me", response=MeOut, summary="The signed-in user", operation_id="sharehub_accounts_api_me"
)
def me(request: HttpRequest) -> dict[str, Any]:
    user = request.auth  # type: ignore[attr-defined]
    return {
        **account_fields(user),
        "memberships": [
            {
                "organization_id": m.organization_id,
                "organization_slug": m.organization.slug,
                "role": m.role,
            }
            for m in memberships_of(user=user)
        ],
    }
