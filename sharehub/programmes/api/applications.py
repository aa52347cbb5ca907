"""/api/v1/programmes: the applicant's endpoints — your organizations' applications: start a
draft, fill it in, upload a question's file, submit before the deadline (the server's clock), and
withdraw. The same services as the pages: 401 anonymous, 404 for an application you may not see,
403 for one you may see but not change (staff, reviewers), 422 with field errors by key (a
question's answers under its key; `organization` for eligibility or a duplicate; `__all__` for
the deadline), and nothing half-written."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, File, Router, Schema, Status
from ninja.files import UploadedFile

from sharehub.core.api_errors import ERRORS, RATE_LIMITED
from sharehub.core.api_types import Id, page_query
from sharehub.core.forms import field_error
from sharehub.core.pagination import ApiPage, api_page
from sharehub.core.ratelimit import check
from sharehub.organizations.models import Organization
from sharehub.programmes.models import Application, ApplicationFile, Track
from sharehub.programmes.selectors import applications as selectors
from sharehub.programmes.selectors import get_application_for, get_call_for
from sharehub.programmes.services import applications as services

router = Router(tags=["programmes"])
SLUG = re.compile(r"[-a-zA-Z0-9_]{1,80}")

PER_PAGE = 20
APPLY_RATE = "30/h"
SAVE_RATE = "240/h"
UPLOAD_RATE = "60/h"


class ApplicationFileOut(Schema):
    key: str
    name: str = Field(description="The file's name as it was uploaded")
    content_type: str
    size: int
    uploaded_at: datetime

    @staticmethod
    def resolve_name(stored: ApplicationFile) -> str:
        return stored.original_name


class ProgrammeApplicationOut(Schema):
    id: int
    call: str = Field(description="The call's address name (slug)")
    track: int = Field(description="The track's id")
    organization: str = Field(description="The applicant organization's address name (slug)")
    title: str
    requested_amount: int = Field(description="Won")
    status: str = Field(
        description="draft, submitted, withdrawn, ineligible, in_review, committee, awarded, "
        "waitlisted or rejected"
    )
    receipt_number: str = Field(description="Empty until submitted")
    created_at: datetime
    submitted_at: datetime | None
    withdrawn_at: datetime | None
    url: str

    @staticmethod
    def resolve_call(application: Application) -> str:
        return application.call.slug

    @staticmethod
    def resolve_track(application: Application) -> int:
        return application.track_id

    @staticmethod
    def resolve_organization(application: Application) -> str:
        return application.organization.slug

    @staticmethod
    def resolve_url(application: Application, context: dict) -> str:
        return context["request"].build_absolute_uri(application.get_absolute_url())


class ProgrammeApplicationDetailOut(ProgrammeApplicationOut):
    answers: dict[str, Any] = Field(
        description="Answers by question key: text, whole numbers (won for amounts), ISO dates, "
        "a choice's value"
    )
    files: list[ApplicationFileOut]
    screening_reason: str
    decision_reason: str

    @staticmethod
    def resolve_files(application: Application) -> list[ApplicationFile]:
        return list(application.files.order_by("key"))


class ProgrammeApplicationIn(Schema):
    organization: str = Field(
        max_length=80,
        description="The applying organization's address name (slug); you belong to it",
    )
    track: Id
    title: str = Field(max_length=200)
    requested_amount: int | str = Field(
        default=0, description='Won, as a number or text such as "1,000,000"'
    )


class ProgrammeApplicationPatch(Schema):
    title: str | None = Field(default=None, max_length=200)
    requested_amount: int | str | None = Field(default=None, description="Won")
    answers: dict[str, Any] | None = Field(
        default=None,
        description="Answers by question key; the ones sent replace the stored ones (null clears "
        "one). Files: POST /applications/{id}/files/{key}.",
    )


class WithdrawIn(Schema):
    reason: str = Field(default="", max_length=500)


@router.get(
    "/applications",
    response={200: ApiPage[ProgrammeApplicationOut], **ERRORS},
    summary="Your organizations' applications",
    description="Every application of the organizations you belong to, newest first.",
)
def list_applications(request: HttpRequest, page: int = page_query()):
    return api_page(
        request, selectors.applications_of_member(request.auth), page, per_page=PER_PAGE
    )


@router.post(
    "/calls/{slug}/applications",
    response={201: ProgrammeApplicationDetailOut, **ERRORS, **RATE_LIMITED},
    summary="Start an application (a draft)",
    description="For an organization you belong to (403 otherwise), eligible for the call, while "
    "it is open; one live application per organization and call (`organization`, code "
    "duplicate).",
)
def create_application(request: HttpRequest, slug: str, payload: ProgrammeApplicationIn):
    check(request, "programmes.apply", APPLY_RATE)
    if not SLUG.fullmatch(slug):
        raise Http404
    call = get_call_for(request.auth, slug)
    if "\x00" in payload.organization:
        raise field_error("organization", _("There is no such organization."), code="unknown")
    # Any organization by its address name: the service answers 403 to a non-member.
    organization = Organization.objects.filter(slug=payload.organization).first()
    if organization is None:
        raise field_error("organization", _("There is no such organization."), code="unknown")
    track = Track.objects.filter(call=call, pk=payload.track).first()
    if track is None:
        raise field_error("track", _("Choose one of this call's tracks."), code="invalid")
    application = services.create_application(
        actor=request.auth,
        call=call,
        organization=organization,
        track=track,
        title=payload.title,
        requested_amount=payload.requested_amount,
    )
    return Status(201, application)


@router.get(
    "/applications/{application_id}",
    response={200: ProgrammeApplicationDetailOut, **ERRORS},
    summary="One application",
    description="Its organization's members, the call's staff and its reviewers without a "
    "declared conflict; 404 for anyone else.",
)
def get_application(request: HttpRequest, application_id: Id):
    return get_application_for(request.auth, application_id)


@router.patch(
    "/applications/{application_id}",
    response={200: ProgrammeApplicationDetailOut, **ERRORS, **RATE_LIMITED},
    summary="Change a draft (or a submitted application the call lets you edit)",
    description="A draft takes incomplete answers (each given must be valid); a submitted one "
    "must stay complete, until the deadline. Files: POST /applications/{id}/files/{key} "
    "(or the page).",
)
def update_application(
    request: HttpRequest, application_id: Id, payload: ProgrammeApplicationPatch
):
    check(request, "programmes.save", SAVE_RATE)
    application = get_application_for(request.auth, application_id)
    data = payload.dict(exclude_unset=True)
    changed = services.save_application(
        actor=request.auth,
        application=application,
        changes=services.ApplicationChanges(
            title=data.get("title"),
            requested_amount=data.get("requested_amount"),
            answers=data.get("answers"),
        ),
    )
    return get_application_for(request.auth, changed.pk)


@router.post(
    "/applications/{application_id}/files/{key}",
    response={200: ProgrammeApplicationDetailOut, **ERRORS, **RATE_LIMITED},
    summary="Upload the file answering a question",
    description="Multipart field `file`: PDF, HWP, HWPX, DOCX, PPTX, ZIP, PNG or JPEG up to "
    "20 MB, its content matching its extension; replaces the question's file.",
)
def upload_file(request: HttpRequest, application_id: Id, key: str, file: File[UploadedFile]):
    check(request, "programmes.upload", UPLOAD_RATE)
    if not SLUG.fullmatch(key):
        raise Http404
    application = get_application_for(request.auth, application_id)
    services.save_application(
        actor=request.auth,
        application=application,
        changes=services.ApplicationChanges(uploads={key[:40]: file}),
    )
    return get_application_for(request.auth, application_id)


@router.post(
    "/applications/{application_id}/submit",
    response={200: ProgrammeApplicationDetailOut, **ERRORS},
    summary="Submit before the deadline",
    description="The server's clock decides the deadline. Every required answer must be present "
    "and valid (errors by key); gives the receipt number, mailed to the organization's members.",
)
def submit_application(request: HttpRequest, application_id: Id):
    application = get_application_for(request.auth, application_id)
    services.submit_application(actor=request.auth, application=application)
    return get_application_for(request.auth, application_id)


@router.post(
    "/applications/{application_id}/withdraw",
    response={200: ProgrammeApplicationDetailOut, **ERRORS},
    summary="Withdraw",
    description="Until the application is decided (not once awarded, ineligible or rejected).",
)
def withdraw_application(request: HttpRequest, application_id: Id, payload: WithdrawIn):
    application = get_application_for(request.auth, application_id)
    services.withdraw_application(
        actor=request.auth, application=application, reason=payload.reason
    )
    return get_application_for(request.auth, application_id)
