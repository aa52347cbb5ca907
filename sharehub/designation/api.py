"""/api/v1/designation: applications (members of the organization and city staff), staff
decisions, and the public register of designations.

Errors follow sharehub/api.py: 401 signed out, 403 not allowed, 404 missing or not visible to
the caller, 422 with field errors (including a step that the application's status forbids).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.http import HttpRequest
from ninja import File, ModelSchema, Query, Router, Schema, Status
from ninja.files import UploadedFile

from sharehub.core.api_errors import ERRORS, RATE_LIMITED, ErrorOut
from sharehub.core.api_types import Id, page_query
from sharehub.core.filters import api_filters, query_schema
from sharehub.core.pagination import ApiPage, api_page
from sharehub.core.ratelimit import check
from sharehub.organizations.selectors import get_organization_for

from . import selectors, services
from .forms import DesignationFilterForm, QueueFilterForm
from .models import (
    Application,
    ApplicationDocument,
    ApplicationStatus,
    ChecklistItem,
    Designation,
    DesignationKind,
    DesignationStatus,
    ReviewComment,
)

router = Router(tags=["designation"])


class DocumentOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    url: str

    @staticmethod
    def resolve_name(obj: ApplicationDocument) -> str:
        return obj.original_name

    @staticmethod
    def resolve_url(obj: ApplicationDocument, context: dict) -> str:
        return context["request"].build_absolute_uri(obj.get_absolute_url())


class ApplicationOut(Schema):
    id: int
    organization: str
    kind: DesignationKind
    status: ApplicationStatus
    activities: str
    plan: str
    is_renewal: bool
    renews: str | None
    checklist: dict[str, bool]
    decision_reason: str
    created_at: datetime.datetime
    submitted_at: datetime.datetime | None
    decided_at: datetime.datetime | None

    @staticmethod
    def resolve_organization(obj: Application) -> str:
        return obj.organization.slug

    @staticmethod
    def resolve_renews(obj: Application) -> str | None:
        return obj.renews.number if obj.renews_id else None

    @staticmethod
    def resolve_checklist(obj: Application) -> dict[str, bool]:
        return {value: checked for value, _label, checked in obj.checklist_items()}


class ApplicationDetailOut(ApplicationOut):
    documents: list[DocumentOut]

    @staticmethod
    def resolve_documents(obj: Application) -> list[ApplicationDocument]:
        return list(obj.documents.all())


class DesignationOut(Schema):
    number: str
    organization: str
    organization_name: str
    kind: DesignationKind
    status: DesignationStatus
    designated_on: datetime.date
    valid_until: datetime.date
    conditions: str
    status_reason: str
    renewed_by: str | None

    @staticmethod
    def resolve_organization(obj: Designation) -> str:
        return obj.organization.slug

    @staticmethod
    def resolve_organization_name(obj: Designation) -> str:
        return obj.organization.name

    @staticmethod
    def resolve_status(obj: Designation) -> str:
        return obj.effective_status()

    @staticmethod
    def resolve_renewed_by(obj: Designation) -> str | None:
        return obj.renewed_by.number if obj.renewed_by_id else None


class CommentOut(ModelSchema):
    class Meta:
        model = ReviewComment
        fields = ["id", "internal"]


ApplicationQuery = query_schema(QueueFilterForm)
DesignationQuery = query_schema(DesignationFilterForm)


class ApplicationIn(Schema):
    organization: str
    kind: str = ""
    activities: str = ""
    plan: str = ""


class ApplicationPatch(Schema):
    kind: str
    activities: str
    plan: str


class ReasonIn(Schema):
    reason: str = ""


class CommentIn(Schema):
    body: str = ""
    internal: bool = False


class ChecklistIn(Schema):
    checklist: dict[str, bool]


class ApproveIn(Schema):
    designated_on: datetime.date | None = None
    valid_until: datetime.date | None = None
    conditions: str = ""


@router.get(
    "/applications",
    response={200: ApiPage[ApplicationOut], **ERRORS},
    summary="Designation applications",
    description="City staff see every submitted application (filter `status`); members see their organizations' ones.",
)
def list_applications(
    request: HttpRequest, query: Query[ApplicationQuery], page: int = page_query()
):
    status = api_filters(QueueFilterForm, query).cleaned_data["status"]
    return api_page(request, selectors.applications_for(actor=request.auth, status=status), page)


@router.post(
    "/applications",
    response={201: ApplicationDetailOut, **ERRORS, **RATE_LIMITED},
    summary="Start an application (draft)",
    description="Owners and editors of the organization (`organization` is its slug). A renewal while it is designated.",
)
def create_application(request: HttpRequest, payload: ApplicationIn):
    check(request, "designation-apply", "20/h")
    organization = get_organization_for(request.auth, payload.organization)
    application = services.create_application(
        actor=request.auth,
        organization=organization,
        kind=payload.kind,
        activities=payload.activities,
        plan=payload.plan,
    )
    return Status(201, application)


@router.get(
    "/applications/{pk}", response={200: ApplicationDetailOut, **ERRORS}, summary="One application"
)
def get_application(request: HttpRequest, pk: Id):
    return selectors.get_application_for(request.auth, pk)


@router.patch(
    "/applications/{pk}",
    response={200: ApplicationDetailOut, **ERRORS},
    summary="Edit a draft or an application sent back for changes",
)
def update_application(request: HttpRequest, pk: Id, payload: ApplicationPatch):
    application = selectors.get_application_for(request.auth, pk)
    return services.update_application(
        actor=request.auth, application=application, **payload.dict()
    )


@router.post(
    "/applications/{pk}/documents",
    response={201: DocumentOut, **ERRORS, **RATE_LIMITED},
    summary="Attach a document",
    description="Multipart field `file`: PDF, HWP, HWPX, DOCX, PNG or JPEG up to 10 MB; its content must match its extension.",
)
def upload_document(request: HttpRequest, pk: Id, file: File[UploadedFile]):
    check(request, "designation-upload", "60/h")
    application = selectors.get_application_for(request.auth, pk)
    return Status(
        201, services.add_document(actor=request.auth, application=application, upload=file)
    )


@router.post(
    "/applications/{pk}/submit",
    response={200: ApplicationDetailOut, **ERRORS},
    summary="Submit (or resubmit) the application",
)
def submit_application(request: HttpRequest, pk: Id):
    application = selectors.get_application_for(request.auth, pk)
    return services.submit_application(actor=request.auth, application=application)


@router.post(
    "/applications/{pk}/comments",
    response={201: CommentOut, **ERRORS},
    summary="Comment on an application",
)
def comment(request: HttpRequest, pk: Id, payload: CommentIn):
    application = selectors.get_application_for(request.auth, pk)
    created = services.add_comment(
        actor=request.auth, application=application, body=payload.body, internal=payload.internal
    )
    return Status(201, created)


@router.post(
    "/applications/{pk}/review",
    response={200: ApplicationDetailOut, **ERRORS},
    summary="Start the review (staff)",
)
def start_review(request: HttpRequest, pk: Id):
    application = selectors.get_application_for(request.auth, pk)
    return services.start_review(actor=request.auth, application=application)


@router.put(
    "/applications/{pk}/checklist",
    response={200: ApplicationDetailOut, **ERRORS},
    summary="Tick checklist items (staff)",
    description="Items: " + ", ".join(ChecklistItem.values),
)
def set_checklist(request: HttpRequest, pk: Id, payload: ChecklistIn):
    application = selectors.get_application_for(request.auth, pk)
    return services.set_checklist(
        actor=request.auth, application=application, checked=payload.checklist
    )


@router.post(
    "/applications/{pk}/request-changes",
    response={200: ApplicationDetailOut, **ERRORS},
    summary="Send the application back to the applicant (staff, reason required)",
)
def request_changes(request: HttpRequest, pk: Id, payload: ReasonIn):
    application = selectors.get_application_for(request.auth, pk)
    return services.request_changes(
        actor=request.auth, application=application, reason=payload.reason
    )


@router.post(
    "/applications/{pk}/reject",
    response={200: ApplicationDetailOut, **ERRORS},
    summary="Reject the application (staff, reason required)",
)
def reject(request: HttpRequest, pk: Id, payload: ReasonIn):
    application = selectors.get_application_for(request.auth, pk)
    return services.reject_application(
        actor=request.auth, application=application, reason=payload.reason
    )


@router.post(
    "/applications/{pk}/approve",
    response={201: DesignationOut, **ERRORS},
    summary="Approve and designate (staff)",
    description="Every checklist item must be ticked. Defaults: today, and the city's validity period (3 years).",
)
def approve(request: HttpRequest, pk: Id, payload: ApproveIn):
    application = selectors.get_application_for(request.auth, pk)
    return Status(
        201,
        services.approve_application(actor=request.auth, application=application, **payload.dict()),
    )


@router.get(
    "/designations",
    response={200: ApiPage[DesignationOut], 422: ErrorOut},
    auth=None,
    summary="Designations (public)",
    description="Filter `status`: active (currently valid), suspended, revoked, expired, renewed. 20 per page.",
)
def list_designations(
    request: HttpRequest, query: Query[DesignationQuery], page: int = page_query()
):
    status = api_filters(DesignationFilterForm, query).cleaned_data["status"]
    return api_page(
        request, selectors.public_designations(status=status).select_related("renewed_by"), page
    )


@router.get(
    "/designations/{number}",
    response={200: DesignationOut, 404: ErrorOut},
    auth=None,
    summary="One designation",
)
def get_designation(request: HttpRequest, number: str):
    return selectors.get_designation(number)


def _status_change(
    request: HttpRequest, number: str, payload: ReasonIn, action: Callable[..., Designation]
) -> Designation:
    return action(
        actor=request.auth, designation=selectors.get_designation(number), reason=payload.reason
    )


@router.post(
    "/designations/{number}/suspend",
    response={200: DesignationOut, **ERRORS},
    summary="Suspend (staff, reason required)",
)
def suspend(request: HttpRequest, number: str, payload: ReasonIn):
    return _status_change(request, number, payload, services.suspend_designation)


@router.post(
    "/designations/{number}/reinstate",
    response={200: DesignationOut, **ERRORS},
    summary="Reinstate (staff, reason required)",
)
def reinstate(request: HttpRequest, number: str, payload: ReasonIn):
    return _status_change(request, number, payload, services.reinstate_designation)


@router.post(
    "/designations/{number}/revoke",
    response={200: DesignationOut, **ERRORS},
    summary="Revoke (staff, reason required)",
)
def revoke(request: HttpRequest, number: str, payload: ReasonIn):
    return _status_change(request, number, payload, services.revoke_designation)
