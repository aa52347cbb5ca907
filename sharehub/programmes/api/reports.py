"""/api/v1/programmes: the reports part's endpoints. Awarded organizations' members read and send
their reports; the call's staff read the reports waiting for them and accept them or ask for
changes. A report is private: anyone else gets a 404. Errors as sharehub/api.py: 401, 403, 404,
422 with field errors. Files are sent on the report's page (multipart), not here."""

from __future__ import annotations

from datetime import date, datetime

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from sharehub.core.api_errors import ERRORS
from sharehub.core.api_types import Id, page_query
from sharehub.core.pagination import ApiPage, api_page
from sharehub.programmes.models import REASON_LIMIT, TEXT_LIMIT, Report
from sharehub.programmes.permissions import runs_any_call
from sharehub.programmes.selectors import reports as selectors
from sharehub.programmes.services import reports as services

router = Router(tags=["programmes"])

PER_PAGE = 20
MAX_WON = 10**12


class ProgrammeReportOut(Schema):
    id: int
    kind: str
    status: str
    due_on: date
    overdue: bool
    application: int
    project: str
    organization: str
    call: str = Field(description="The call's slug")
    award_amount: int
    body: str
    spent: int | None
    has_file: bool
    submitted_at: datetime | None
    reviewed_at: datetime | None
    review_note: str
    url: str

    @staticmethod
    def resolve_overdue(report: Report) -> bool:
        return selectors.is_overdue(report)

    @staticmethod
    def resolve_application(report: Report) -> int:
        return report.award.application_id

    @staticmethod
    def resolve_project(report: Report) -> str:
        return report.award.application.title

    @staticmethod
    def resolve_organization(report: Report) -> str:
        return report.award.application.organization.name

    @staticmethod
    def resolve_call(report: Report) -> str:
        return report.award.call.slug

    @staticmethod
    def resolve_award_amount(report: Report) -> int:
        return report.award.amount

    @staticmethod
    def resolve_has_file(report: Report) -> bool:
        return bool(report.file)

    @staticmethod
    def resolve_url(report: Report, context: dict) -> str:
        return context["request"].build_absolute_uri(services.report_url(report))


class SubmitIn(Schema):
    body: str = Field(max_length=TEXT_LIMIT, description="What the project did and its results")
    spent: int = Field(ge=0, le=MAX_WON, description="Amount of the award spent, in won")


class ProgrammeReportAcceptIn(Schema):
    note: str = Field("", max_length=REASON_LIMIT)


class ChangesIn(Schema):
    reason: str = Field(max_length=REASON_LIMIT, description="What should change")


@router.get(
    "/reports",
    response={200: ApiPage[ProgrammeReportOut], **ERRORS},
    summary="Project reports: your organizations' or, for the calls' staff, those to review",
    description="`role=member`: the reports your organizations owe or sent, by due date. "
    "`role=staff`: the submitted reports of the calls you run, oldest first (`state=overdue`: "
    "those still owed after their due date). Without `role`: staff when you run a call.",
)
def report_list(
    request: HttpRequest,
    role: str = Query("", pattern="^(|member|staff)$"),
    state: str = Query("", pattern="^(|review|overdue)$"),
    page: int = page_query(),
):
    actor = request.auth
    if role == "staff" or (role == "" and runs_any_call(actor)):
        reports = selectors.staff_reports(actor, state=state or "review")
    else:
        reports = selectors.reports_of_members(actor)
    return api_page(request, reports, page, per_page=PER_PAGE)


@router.get(
    "/reports/{report_id}",
    response={200: ProgrammeReportOut, **ERRORS},
    summary="One project report (its organization's members, its call's staff)",
)
def report_detail(request: HttpRequest, report_id: Id):
    return selectors.get_report_for(request.auth, report_id)


@router.post(
    "/reports/{report_id}/submit",
    response={200: ProgrammeReportOut, **ERRORS},
    summary="Send a report (members of the awarded organization)",
    description="While the report is due or sent back for changes. `spent` cannot exceed the "
    "award.",
)
def report_submit(request: HttpRequest, report_id: Id, body: SubmitIn):
    report = selectors.get_report_for(request.auth, report_id)
    services.submit_report(actor=request.auth, report=report, body=body.body, spent=body.spent)
    return selectors.get_report_for(request.auth, report_id)


@router.post(
    "/reports/{report_id}/accept",
    response={200: ProgrammeReportOut, **ERRORS},
    summary="Accept a submitted report (the call's staff)",
)
def report_accept(request: HttpRequest, report_id: Id, body: ProgrammeReportAcceptIn):
    report = selectors.get_report_for(request.auth, report_id)
    services.accept_report(actor=request.auth, report=report, note=body.note)
    return selectors.get_report_for(request.auth, report_id)


@router.post(
    "/reports/{report_id}/request-changes",
    response={200: ProgrammeReportOut, **ERRORS},
    summary="Send a submitted report back with the changes to make (the call's staff)",
)
def report_request_changes(request: HttpRequest, report_id: Id, body: ChangesIn):
    report = selectors.get_report_for(request.auth, report_id)
    services.request_report_changes(actor=request.auth, report=report, reason=body.reason)
    return selectors.get_report_for(request.auth, report_id)
