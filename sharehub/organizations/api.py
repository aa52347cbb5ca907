"""/api/v1/organizations: list, detail, create, update, logo, members and invitations.

Reads of published organizations are public (auth=None); a signed-in member or city staff also
reads their unpublished one. Errors follow sharehub/api.py: 401, 403, 404, 422 with field errors.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, ModelSchema, Query, Router, Schema, Status
from ninja.files import UploadedFile

from sharehub.accounts.auth import optional_user
from sharehub.core.api_errors import ERRORS, RATE_LIMITED, ErrorOut
from sharehub.core.api_types import HeaderText, Id, page_query
from sharehub.core.filters import api_filters, query_schema
from sharehub.core.pagination import ApiPage, api_page
from sharehub.core.ratelimit import check

from . import counts, name_changes, selectors, services
from .forms import OrganizationFilterForm
from .models import (
    Invitation,
    MemberRole,
    Membership,
    NameChangeRequest,
    NameChangeStatus,
    Organization,
    OrganizationKind,
)
from .permissions import can_edit_organization

router = Router(tags=["organizations"])

CREATE_RATE = "10/h"
INVITE_RATE = "30/h"


class DistrictRef(Schema):
    slug: str
    name: str


class PendingNameOut(ModelSchema):
    class Meta:
        model = NameChangeRequest
        fields = ["id", "name_ko", "name_en", "requested_at"]


class OrganizationOut(Schema):
    id: int
    slug: str
    name: str
    name_ko: str
    name_en: str
    kind: OrganizationKind
    kind_label: str
    district: DistrictRef | None
    address: str
    website: str
    email: str
    phone: str
    description: str
    description_ko: str
    description_en: str
    logo_url: str | None
    moderation_status: str
    pending_name: PendingNameOut | None = None
    created_at: datetime
    url: str

    @staticmethod
    def resolve_name(obj: Organization) -> str:
        return obj.name

    @staticmethod
    def resolve_pending_name(obj: Organization) -> NameChangeRequest | None:
        """The new name waiting for review: shown only to those who may edit (see get/update)."""
        return getattr(obj, "pending_name_change", None)

    @staticmethod
    def resolve_name_en(obj: Organization) -> str:
        return obj.name_en or ""

    @staticmethod
    def resolve_kind_label(obj: Organization) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_district(obj: Organization) -> dict | None:
        return {"slug": obj.district.slug, "name": obj.district.name} if obj.district_id else None

    @staticmethod
    def resolve_description(obj: Organization) -> str:
        return obj.description or ""

    @staticmethod
    def resolve_description_ko(obj: Organization) -> str:
        return obj.description_ko or ""

    @staticmethod
    def resolve_description_en(obj: Organization) -> str:
        return obj.description_en or ""

    @staticmethod
    def resolve_logo_url(obj: Organization, context: dict) -> str | None:
        return context["request"].build_absolute_uri(obj.logo.url) if obj.logo else None

    @staticmethod
    def resolve_url(obj: Organization, context: dict) -> str:
        return context["request"].build_absolute_uri(obj.get_absolute_url())


class OrganizationIn(Schema):
    """Required fields default to empty so the answer is a translated field error, not a schema one."""

    name_ko: HeaderText = ""
    name_en: HeaderText = ""
    kind: str = ""
    district: str | None = None
    address: str = ""
    website: str = ""
    email: str = ""
    phone: str = ""
    description_ko: str = ""
    description_en: str = ""


class OrganizationPatch(Schema):
    name_ko: HeaderText | None = None
    name_en: HeaderText | None = None
    kind: str | None = None
    district: str | None = None
    address: str | None = None
    website: str | None = None
    email: str | None = None
    phone: str | None = None
    description_ko: str | None = None
    description_en: str | None = None


class OrganizationMemberOut(ModelSchema):
    user_id: int
    name: str
    role: MemberRole

    class Meta:
        model = Membership
        fields = ["joined_at"]

    @staticmethod
    def resolve_name(obj: Membership) -> str:
        return obj.user.public_name


class RoleIn(Schema):
    role: str


class InvitationIn(Schema):
    email: str = ""
    role: str = MemberRole.EDITOR


class InvitationOut(ModelSchema):
    role: MemberRole
    invited_by: str | None
    expired: bool

    class Meta:
        model = Invitation
        fields = ["id", "email", "created_at", "expires_at"]

    @staticmethod
    def resolve_invited_by(obj: Invitation) -> str | None:
        return obj.invited_by.public_name if obj.invited_by else None

    @staticmethod
    def resolve_expired(obj: Invitation) -> bool:
        return obj.is_expired


class OrganizationInvitationAcceptIn(Schema):
    token: str


class MembershipOut(Schema):
    organization: str
    role: MemberRole
    joined_at: datetime

    @staticmethod
    def resolve_organization(obj: Membership) -> str:
        return obj.organization.slug


def _district(slug: str | None) -> Any:
    if not slug:
        return None
    district = selectors.district_for_slug(slug)
    if district is None:
        raise ValidationError({"district": [_("There is no district with this address name.")]})
    return district


OrganizationQuery = query_schema(OrganizationFilterForm)


@router.get(
    "",
    response={200: ApiPage[OrganizationOut], 422: ErrorOut},
    auth=None,
    summary="List published organizations",
    description="Filters, as on the page: `q` (part of the Korean or English name), `district` "
    "(district slug), `kind`. A bad filter is a 422 naming it. 20 per page.",
)
def list_organizations(
    request: HttpRequest, query: Query[OrganizationQuery], page: int = page_query()
):
    filters = api_filters(OrganizationFilterForm, query).cleaned_data
    queryset = selectors.search_organizations(**filters)
    return api_page(request, queryset, page, count=counts.count(queryset, **filters))


@router.post(
    "",
    response={201: OrganizationOut, **ERRORS, **RATE_LIMITED},
    summary="Create an organization",
    description="The signed-in user becomes its owner. Waits for moderation unless created by city staff.",
)
def create_organization(request: HttpRequest, payload: OrganizationIn):
    check(request, "organizations-create", CREATE_RATE)
    fields = payload.dict()
    fields["district"] = _district(fields["district"])
    return Status(201, services.create_organization(actor=request.auth, **fields))


@router.post(
    "/invitations/accept",
    response={200: MembershipOut, **ERRORS},
    summary="Accept an invitation",
    description="The token comes from the invitation link. The signed-in user must own the invited, verified e-mail address.",
)
def accept_invitation(request: HttpRequest, payload: OrganizationInvitationAcceptIn):
    return services.accept_invitation(actor=request.auth, token=payload.token)


class NameChangeOut(ModelSchema):
    organization: str
    status: NameChangeStatus

    class Meta:
        model = NameChangeRequest
        fields = [
            "id",
            "name_ko",
            "name_en",
            "previous_name_ko",
            "previous_name_en",
            "reason",
            "requested_at",
            "decided_at",
        ]

    @staticmethod
    def resolve_organization(obj: NameChangeRequest) -> str:
        return obj.organization.slug


class OrganizationNameChangeRejectIn(Schema):
    reason: str = ""


@router.get(
    "/name-changes",
    response={200: ApiPage[NameChangeOut], **ERRORS},
    summary="New names waiting for review",
    description="City staff and moderators. A member's new name for a public organization is published only once approved.",
)
def list_name_changes(request: HttpRequest, page: int = page_query()):
    return api_page(request, selectors.name_changes_for(actor=request.auth), page)


@router.post(
    "/name-changes/{change_id}/approve",
    response={200: NameChangeOut, **ERRORS},
    summary="Approve a new name",
    description="City staff and moderators, never on their own request. The name becomes public at once.",
)
def approve_name_change(request: HttpRequest, change_id: Id):
    return name_changes.approve_name_change(actor=request.auth, change_id=change_id)


@router.post(
    "/name-changes/{change_id}/reject",
    response={200: NameChangeOut, **ERRORS},
    summary="Reject a new name",
    description="City staff and moderators. The `reason` is required; the organization reads it.",
)
def reject_name_change(
    request: HttpRequest, change_id: Id, payload: OrganizationNameChangeRejectIn
):
    return name_changes.reject_name_change(
        actor=request.auth, change_id=change_id, reason=payload.reason
    )


@router.get(
    "/{slug}",
    response={200: OrganizationOut, 404: ErrorOut},
    auth=None,
    summary="One organization",
    description="Unpublished organizations are found only by their members, moderators and city staff.",
)
def get_organization(request: HttpRequest, slug: str):
    user = optional_user(request)
    organization = selectors.get_organization_for(user, slug)
    if can_edit_organization(user, organization):
        organization.pending_name_change = selectors.pending_name_change_of(organization)
    return organization


@router.patch(
    "/{slug}",
    response={200: OrganizationOut, **ERRORS},
    summary="Update an organization",
    description="Owners, editors and city staff. Only the fields sent are changed. A new name (`name_ko`, `name_en`) "
    "sent by a member for a public organization waits for review: the public name stays until city staff or a "
    "moderator approves it, and `pending_name` shows it meanwhile.",
)
def update_organization(request: HttpRequest, slug: str, payload: OrganizationPatch):
    organization = selectors.get_organization_for(request.auth, slug)
    changes = payload.dict(exclude_unset=True)
    if "district" in changes:
        changes["district"] = _district(changes["district"])
    return services.update_organization(actor=request.auth, organization=organization, **changes)


@router.post(
    "/{slug}/logo",
    response={200: OrganizationOut, **ERRORS},
    summary="Upload the organization's logo",
    description="Multipart field `logo`: PNG, JPEG or WebP up to 2 MB, stored at most 512 px.",
)
def upload_logo(request: HttpRequest, slug: str, logo: File[UploadedFile]):
    organization = selectors.get_organization_for(request.auth, slug)
    return services.update_organization(actor=request.auth, organization=organization, logo=logo)


@router.get(
    "/{slug}/members",
    response={200: ApiPage[OrganizationMemberOut], **ERRORS},
    summary="Members of an organization",
    description="Visible to its members and city staff.",
)
def list_members(request: HttpRequest, slug: str, page: int = page_query()):
    organization = selectors.get_organization_for(request.auth, slug)
    return api_page(
        request, selectors.members_for(actor=request.auth, organization=organization), page
    )


@router.patch(
    "/{slug}/members/{user_id}",
    response={200: OrganizationMemberOut, **ERRORS},
    summary="Change a member's role",
    description="Owners and city staff. The last owner cannot be made an editor.",
)
def change_role(request: HttpRequest, slug: str, user_id: Id, payload: RoleIn):
    organization = selectors.get_organization_for(request.auth, slug)
    return services.change_role(
        actor=request.auth, organization=organization, member_id=user_id, role=payload.role
    )


@router.delete(
    "/{slug}/members/{user_id}",
    response={204: None, **ERRORS},
    summary="Remove a member, or leave",
    description="With your own user id you leave the organization; owners and city staff remove others. The last owner stays.",
)
def remove_member(request: HttpRequest, slug: str, user_id: Id):
    organization = selectors.get_organization_for(request.auth, slug)
    if user_id == request.auth.pk:
        services.leave_organization(actor=request.auth, organization=organization)
    else:
        services.remove_member(actor=request.auth, organization=organization, member_id=user_id)
    return Status(204, None)


@router.post(
    "/{slug}/members/{user_id}/transfer",
    response={200: OrganizationMemberOut, **ERRORS},
    summary="Hand ownership over to another member",
    description="An owner makes the member an owner and becomes an editor.",
)
def transfer_ownership(request: HttpRequest, slug: str, user_id: Id):
    organization = selectors.get_organization_for(request.auth, slug)
    return services.transfer_ownership(
        actor=request.auth, organization=organization, member_id=user_id
    )


@router.get(
    "/{slug}/invitations",
    response={200: ApiPage[InvitationOut], **ERRORS},
    summary="Pending invitations",
    description="Owners and city staff.",
)
def list_invitations(request: HttpRequest, slug: str, page: int = page_query()):
    organization = selectors.get_organization_for(request.auth, slug)
    return api_page(
        request, selectors.invitations_for(actor=request.auth, organization=organization), page
    )


@router.post(
    "/{slug}/invitations",
    response={201: InvitationOut, **ERRORS, **RATE_LIMITED},
    summary="Invite someone by e-mail",
    description="Owners and city staff. The invitation e-mail carries a signed link that expires.",
)
def create_invitation(request: HttpRequest, slug: str, payload: InvitationIn):
    check(request, "organizations-invite", INVITE_RATE)
    organization = selectors.get_organization_for(request.auth, slug)
    invitation = services.invite_member(
        actor=request.auth, organization=organization, email=payload.email, role=payload.role
    )
    return Status(201, invitation)


@router.delete(
    "/{slug}/invitations/{invitation_id}",
    response={204: None, **ERRORS},
    summary="Withdraw an invitation",
    description="Owners and city staff. The link stops working at once.",
)
def revoke_invitation(request: HttpRequest, slug: str, invitation_id: Id):
    organization = selectors.get_organization_for(request.auth, slug)
    services.revoke_invitation(
        actor=request.auth, organization=organization, invitation_id=invitation_id
    )
    return Status(204, None)
