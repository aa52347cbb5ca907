"""/api/v1/designation: applications (members of the organization and city staff), the staff's
review (stages, score sheet, committee votes: staff only) and decisions, the public register of
designations and the verification of certificates, and the annual activity reports (the
organization's members and city staff).

Errors follow sharehub/api.py: 401 signed out, 403 not allowed, 404 missing or not visible to
the caller, 422 with field errors (including a step that the application's status forbids).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from ninja import File, Form, ModelSchema, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from sharehub.core.api_errors import ERRORS, RATE_LIMITED, ErrorOut
from sharehub.core.api_types import Id, page_query
from sharehub.core.filters import api_filters, query_schema
from sharehub.core.pagination import ApiPage, api_page
from sharehub.core.ratelimit import check
from sharehub.organizations.selectors import get_organization_for

from . import selectors, services
from .certificate import certificate_filename, certificate_pdf
from .forms import DesignationFilterForm, QueueFilterForm
from .models import (
    AnnualReport,
    ApplicantType,
    Application,
    ApplicationDocument,
    ApplicationStatus,
    ChecklistItem,
    CommitteeDecision,
    CommitteeOutcome,
    Designation,
    DesignationKind,
    DesignationStatus,
    DocumentType,
    RegistrationType,
    ReportStatus,
    ReviewComment,
)
from .permissions import can_review

router = Router(tags=["designation"])


def _require_staff(request: HttpRequest) -> None:
    """Scores and the committee's record are the city's: 403 for the applicant who may see the
    application itself."""
    if not can_review(request.auth):
        raise PermissionDenied


class StageOut(Schema):
    code: str
    name: str
    order: int
    is_committee: bool


class DesignationDocumentOut(Schema):
    id: int
    document_type: DocumentType
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


class DesignationApplicationOut(Schema):
    id: int
    organization: str
    kind: DesignationKind
    applicant_type: ApplicantType | None
    status: ApplicationStatus
    receipt_number: str
    due_on: datetime.date | None
    stage: StageOut | None
    representative: str
    registration_type: RegistrationType | None
    registration_number: str
    founded_on: datetime.date | None
    sharing_since: datetime.date | None
    members_count: int | None
    staff_count: int | None
    budget_last_year: int | None
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
    def resolve_applicant_type(obj: Application) -> str | None:
        return obj.applicant_type or None

    @staticmethod
    def resolve_registration_type(obj: Application) -> str | None:
        return obj.registration_type or None

    @staticmethod
    def resolve_organization(obj: Application) -> str:
        return obj.organization.slug

    @staticmethod
    def resolve_renews(obj: Application) -> str | None:
        return obj.renews.number if obj.renews_id else None

    @staticmethod
    def resolve_checklist(obj: Application) -> dict[str, bool]:
        return {value: checked for value, _label, checked in obj.checklist_items()}


class DesignationApplicationDetailOut(DesignationApplicationOut):
    documents: list[DesignationDocumentOut]

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


class DesignationCommentOut(ModelSchema):
    class Meta:
        model = ReviewComment
        fields = ["id", "internal"]


ApplicationQuery = query_schema(QueueFilterForm)
DesignationQuery = query_schema(DesignationFilterForm)


MAX_COUNT = 10_000_000
MAX_BUDGET = 10**15


class ApplicationFields(Schema):
    """The application's details; the service checks how they go together (field errors)."""

    kind: str = ""
    applicant_type: str = ""
    representative: str = Field("", max_length=100)
    registration_type: str = ""
    registration_number: str = Field("", max_length=20)
    founded_on: datetime.date | None = None
    sharing_since: datetime.date | None = None
    members_count: int | None = Field(None, ge=0, le=MAX_COUNT)
    staff_count: int | None = Field(None, ge=0, le=MAX_COUNT)
    budget_last_year: int | None = Field(None, ge=0, le=MAX_BUDGET)
    activities: str = ""
    plan: str = ""


class DesignationApplicationIn(ApplicationFields):
    organization: str


class DesignationApplicationPatch(ApplicationFields):
    """Only the fields sent are changed."""


class ReasonIn(Schema):
    reason: str = ""


class DesignationCommentIn(Schema):
    body: str = ""
    internal: bool = False


class ChecklistIn(Schema):
    checklist: dict[str, bool]


class AdvanceIn(Schema):
    note: str = ""


class ScoresIn(Schema):
    scores: dict[str, int | None]


class CriterionScoreOut(Schema):
    code: str
    name: str
    max_points: int
    points: int | None


class SectionOut(Schema):
    code: str
    label: str
    points: int
    maximum: int
    criteria: list[CriterionScoreOut]


class ScoreSheetOut(Schema):
    points: int
    maximum: int
    complete: bool
    sections: list[SectionOut]


class CommitteeDecisionIn(Schema):
    meeting_on: datetime.date
    members_present: int = Field(ge=0, le=1000)
    votes_for: int = Field(ge=0, le=1000)
    votes_against: int = Field(ge=0, le=1000)
    votes_abstain: int = Field(ge=0, le=1000)
    attendees: str = ""
    note: str = ""


class CommitteeDecisionOut(Schema):
    id: int
    committee: str
    meeting_on: datetime.date
    seats: int
    members_present: int
    attendees: str
    votes_for: int
    votes_against: int
    votes_abstain: int
    outcome: CommitteeOutcome
    note: str

    @staticmethod
    def resolve_committee(obj: CommitteeDecision) -> str:
        return obj.committee.name


class DesignationReportOut(Schema):
    id: int
    designation: str
    year: int
    period_start: datetime.date
    period_end: datetime.date
    due_on: datetime.date
    status: ReportStatus
    summary: str
    beneficiaries: int | None
    file: str | None
    submitted_at: datetime.datetime | None
    reviewed_at: datetime.datetime | None
    review_note: str

    @staticmethod
    def resolve_designation(obj: AnnualReport) -> str:
        return obj.designation.number

    @staticmethod
    def resolve_file(obj: AnnualReport, context: dict) -> str | None:
        if not obj.document:
            return None
        return context["request"].build_absolute_uri(
            reverse("designation:report_document", kwargs={"pk": obj.pk})
        )


class DesignationNoteIn(Schema):
    note: str = ""


def _sheet(application: Application) -> dict:
    sheet = selectors.score_sheet(application)
    return {
        "points": sheet["points"],
        "maximum": sheet["maximum"],
        "complete": sheet["complete"],
        "sections": [
            {
                "code": section["code"],
                "label": str(section["label"]),
                "points": section["points"],
                "maximum": section["maximum"],
                "criteria": [
                    {
                        "code": criterion.code,
                        "name": criterion.name,
                        "max_points": criterion.max_points,
                        "points": score.points if score else None,
                    }
                    for criterion, score in section["rows"]
                ],
            }
            for section in sheet["sections"]
        ],
    }


class ApproveIn(Schema):
    designated_on: datetime.date | None = None
    valid_until: datetime.date | None = None
    conditions: str = ""


@router.get(
    "/applications",
    response={200: ApiPage[DesignationApplicationOut], **ERRORS},
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
    response={201: DesignationApplicationDetailOut, **ERRORS, **RATE_LIMITED},
    summary="Start an application (draft)",
    description="Owners and editors of the organization (`organization` is its slug). A renewal while it is designated.",
)
def create_application(request: HttpRequest, payload: DesignationApplicationIn):
    check(request, "designation-apply", "20/h")
    organization = get_organization_for(request.auth, payload.organization)
    application = services.create_application(
        actor=request.auth, organization=organization, **payload.dict(exclude={"organization"})
    )
    return Status(201, application)


@router.get(
    "/applications/{pk}",
    response={200: DesignationApplicationDetailOut, **ERRORS},
    summary="One application",
)
def get_application(request: HttpRequest, pk: Id):
    return selectors.get_application_for(request.auth, pk)


@router.patch(
    "/applications/{pk}",
    response={200: DesignationApplicationDetailOut, **ERRORS},
    summary="Edit a draft or an application sent back for changes",
)
def update_application(request: HttpRequest, pk: Id, payload: DesignationApplicationPatch):
    application = selectors.get_application_for(request.auth, pk)
    return services.update_application(
        actor=request.auth, application=application, **payload.dict(exclude_unset=True)
    )


@router.post(
    "/applications/{pk}/documents",
    response={201: DesignationDocumentOut, **ERRORS, **RATE_LIMITED},
    summary="Attach a document",
    description="Multipart fields `file` (PDF, HWP, HWPX, DOCX, PNG or JPEG up to 10 MB; its content must match its extension) and `document_type`: "
    + ", ".join(DocumentType.values)
    + ".",
)
def upload_document(
    request: HttpRequest,
    pk: Id,
    file: File[UploadedFile],
    document_type: Form[str] = DocumentType.OTHER.value,
):
    check(request, "designation-upload", "60/h")
    application = selectors.get_application_for(request.auth, pk)
    return Status(
        201,
        services.add_document(
            actor=request.auth,
            application=application,
            upload=file,
            document_type=document_type,
        ),
    )


@router.post(
    "/applications/{pk}/submit",
    response={200: DesignationApplicationDetailOut, **ERRORS},
    summary="Submit (or resubmit) the application",
)
def submit_application(request: HttpRequest, pk: Id):
    application = selectors.get_application_for(request.auth, pk)
    return services.submit_application(actor=request.auth, application=application)


@router.post(
    "/applications/{pk}/comments",
    response={201: DesignationCommentOut, **ERRORS},
    summary="Comment on an application",
)
def comment(request: HttpRequest, pk: Id, payload: DesignationCommentIn):
    application = selectors.get_application_for(request.auth, pk)
    created = services.add_comment(
        actor=request.auth, application=application, body=payload.body, internal=payload.internal
    )
    return Status(201, created)


@router.post(
    "/applications/{pk}/review",
    response={200: DesignationApplicationDetailOut, **ERRORS},
    summary="Start the review (staff)",
)
def start_review(request: HttpRequest, pk: Id):
    application = selectors.get_application_for(request.auth, pk)
    return services.start_review(actor=request.auth, application=application)


@router.put(
    "/applications/{pk}/checklist",
    response={200: DesignationApplicationDetailOut, **ERRORS},
    summary="Tick checklist items (staff)",
    description="Items: " + ", ".join(ChecklistItem.values),
)
def set_checklist(request: HttpRequest, pk: Id, payload: ChecklistIn):
    application = selectors.get_application_for(request.auth, pk)
    return services.set_checklist(
        actor=request.auth, application=application, checked=payload.checklist
    )


@router.post(
    "/applications/{pk}/advance",
    response={200: DesignationApplicationDetailOut, **ERRORS},
    summary="Move to the next review stage (staff)",
    description="Stages are never skipped; the committee's stage needs the whole checklist and every criterion scored.",
)
def advance_stage(request: HttpRequest, pk: Id, payload: AdvanceIn):
    application = selectors.get_application_for(request.auth, pk)
    return services.advance_stage(actor=request.auth, application=application, note=payload.note)


@router.get(
    "/applications/{pk}/scores",
    response={200: ScoreSheetOut, **ERRORS},
    summary="The score sheet (staff)",
    description="Criteria in use with the points given; totals per section and overall.",
)
def get_scores(request: HttpRequest, pk: Id):
    application = selectors.get_application_for(request.auth, pk)
    _require_staff(request)
    return _sheet(application)


@router.put(
    "/applications/{pk}/scores",
    response={200: ScoreSheetOut, **ERRORS},
    summary="Give points (staff)",
    description="`scores`: criterion code → points (0 to the criterion's maximum), or null to clear. Errors name `score_<code>`.",
)
def put_scores(request: HttpRequest, pk: Id, payload: ScoresIn):
    application = selectors.get_application_for(request.auth, pk)
    services.set_scores(actor=request.auth, application=application, points=payload.scores)
    return _sheet(application)


@router.get(
    "/applications/{pk}/committee-decisions",
    response={200: list[CommitteeDecisionOut], **ERRORS},
    summary="The committee's votes on an application (staff)",
)
def list_committee_decisions(request: HttpRequest, pk: Id):
    application = selectors.get_application_for(request.auth, pk)
    _require_staff(request)
    return list(selectors.committee_decisions(application))


@router.post(
    "/applications/{pk}/committee-decisions",
    response={201: CommitteeDecisionOut, **ERRORS},
    summary="Record the committee's vote (staff)",
    description="At the committee stage. Quorum: more than half of the seats present (the committee's seats, or when none are set, its members whose term runs); the motion carries with more than half of those present voting for it.",
)
def record_committee_decision(request: HttpRequest, pk: Id, payload: CommitteeDecisionIn):
    application = selectors.get_application_for(request.auth, pk)
    decision = services.record_committee_decision(
        actor=request.auth, application=application, **payload.dict()
    )
    return Status(201, decision)


@router.get(
    "/stages",
    response={200: list[StageOut]},
    auth=None,
    summary="The review stages in use, in order",
)
def list_stages(request: HttpRequest):
    return selectors.review_stages()


@router.post(
    "/applications/{pk}/request-changes",
    response={200: DesignationApplicationDetailOut, **ERRORS},
    summary="Send the application back to the applicant (staff, reason required)",
)
def request_changes(request: HttpRequest, pk: Id, payload: ReasonIn):
    application = selectors.get_application_for(request.auth, pk)
    return services.request_changes(
        actor=request.auth, application=application, reason=payload.reason
    )


@router.post(
    "/applications/{pk}/reject",
    response={200: DesignationApplicationDetailOut, **ERRORS},
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
    description="At the last stage, after the committee's approving vote; every checklist item ticked and every criterion scored; the organization's page published. Defaults: today, and the city's validity period (3 years).",
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
    description="The public register, newest first. Filters: `q` (a number or part of a name), `kind`, `status`: active (currently valid), suspended, revoked, expired, renewed. 20 per page.",
)
def list_designations(
    request: HttpRequest, query: Query[DesignationQuery], page: int = page_query()
):
    filters = api_filters(DesignationFilterForm, query).cleaned_data
    designations = selectors.public_designations(
        q=filters["q"], kind=filters["kind"], status=filters["status"]
    )
    return api_page(request, designations.select_related("renewed_by"), page)


@router.get(
    "/verify",
    response={200: DesignationOut, 404: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    auth=None,
    summary="Verify a certificate's code (public)",
    description="The designation whose certificate carries `code` (as printed, hyphens optional), as the register holds it now; 404 if no certificate has it.",
)
def verify(request: HttpRequest, code: str = Query(..., max_length=40)):
    check(request, "designation-verify", "30/m")
    designation = selectors.verify_code(code)
    if designation is None:
        raise Http404
    return designation


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


@router.get(
    "/designations/{number}/certificate",
    response={200: None, **ERRORS},
    summary="The certificate as PDF (the organization's members, city staff)",
    openapi_extra={
        "responses": {
            "200": {
                "description": "The certificate, in Korean and English",
                "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def certificate(request: HttpRequest, number: str):
    designation = selectors.get_designation_for_certificate(request.auth, number)
    response = HttpResponse(certificate_pdf(designation), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{certificate_filename(designation)}"'
    return response


@router.get(
    "/designations/{number}/reports",
    response={200: list[DesignationReportOut], **ERRORS},
    summary="Annual activity reports (the organization's members, city staff)",
)
def list_reports(request: HttpRequest, number: str):
    designation = selectors.get_designation_for_certificate(request.auth, number)
    return list(selectors.reports_of(designation).select_related("designation"))


@router.post(
    "/reports/{pk}/submit",
    response={200: DesignationReportOut, **ERRORS, **RATE_LIMITED},
    summary="Send an annual activity report (the organization's owners)",
    description="Multipart: `summary`, optional `beneficiaries` and `file`.",
)
def submit_report(
    request: HttpRequest,
    pk: Id,
    summary: Form[str],
    beneficiaries: Form[int | None] = None,
    file: File[UploadedFile] | None = None,
):
    check(request, "designation-report", "30/h")
    report = selectors.get_report_by_id_for(request.auth, pk)
    return services.submit_report(
        actor=request.auth,
        report=report,
        summary=summary,
        beneficiaries=beneficiaries,
        upload=file,
    )


@router.post(
    "/reports/{pk}/accept",
    response={200: DesignationReportOut, **ERRORS},
    summary="Accept a submitted report (staff)",
)
def accept_report(request: HttpRequest, pk: Id, payload: DesignationNoteIn):
    report = selectors.get_report_by_id_for(request.auth, pk)
    return services.accept_report(actor=request.auth, report=report, note=payload.note)


@router.post(
    "/reports/{pk}/request-changes",
    response={200: DesignationReportOut, **ERRORS},
    summary="Ask for changes to a submitted report (staff, reason required)",
)
def request_report_changes(request: HttpRequest, pk: Id, payload: ReasonIn):
    report = selectors.get_report_by_id_for(request.auth, pk)
    return services.request_report_changes(actor=request.auth, report=report, reason=payload.reason)
