"""/api/v1/programmes: the review part's endpoints.

Reviewers: `/reviews` (assigned to you), `/reviews/{id}` (before the conflict declaration only
the call, the organization and the project title; a declared conflict shows nothing more; the
other reviewers' submitted reviews, without names, once yours is submitted), its `conflict`,
`scores` and `submit`. The call's staff: `/applications/{id}/screening`, `…/screening/undo`,
`…/start-review`, `…/to-committee`, `…/reviewers` (list, assign, remove) and the ranked table
`/calls/{slug}/table`. Errors as sharehub/api.py: 401, 403, 404, 422 with field errors
(a score out of range is an error on `score_<criterion id>`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from sharehub.accounts.models import User
from sharehub.core.api_errors import ERRORS
from sharehub.core.api_types import Id, page_query
from sharehub.core.forms import field_error
from sharehub.core.pagination import ApiPage, api_page
from sharehub.programmes.models import (
    REASON_LIMIT,
    Application,
    Conflict,
    ReviewAssignment,
    Track,
)
from sharehub.programmes.permissions import is_call_staff
from sharehub.programmes.selectors import get_application_for, get_call_for
from sharehub.programmes.selectors import review as reads
from sharehub.programmes.selectors.review import TABLE_STATUSES
from sharehub.programmes.services import review as services

router = Router(tags=["programmes"])

PER_PAGE = 20
TABLE_PER_PAGE = 50


class ReviewApplicationOut(Schema):
    id: int
    title: str
    call: str = Field(description="The call's slug")
    call_title: str
    organization: str = Field(description="The applicant organization's name")
    status: str


class ReviewListOut(Schema):
    id: int
    application: ReviewApplicationOut
    conflict: str = Field(description="undeclared, none or declared")
    assigned_at: datetime
    submitted_at: datetime | None


class ReviewScoreOut(Schema):
    criterion: int
    criterion_name: str
    weight: int
    score: int | None
    comment: str


class OtherReviewOut(Schema):
    submitted_at: datetime
    weighted_total: float | None = Field(description="Σ weight × score / 100, 0–5")
    scores: list[ReviewScoreOut]
    comment: str


class ReviewDetailOut(ReviewListOut):
    conflict_statement: str
    comment: str | None = Field(description="Your overall comment (null before the declaration)")
    scores: list[ReviewScoreOut] | None = Field(
        description="Your scores by criterion (null unless you declared no conflict)"
    )
    others: list[OtherReviewOut] | None = Field(
        description="The other reviewers' submitted reviews, once yours is submitted"
    )


class ReviewConflictIn(Schema):
    conflict: bool = Field(description="True: you have a conflict of interest")
    statement: str = Field("", max_length=REASON_LIMIT, description="Required with a conflict")


class ReviewScoreIn(Schema):
    criterion: Id
    score: int | None = Field(None, description="0–5; null clears it")
    comment: str | None = Field(None, description="Null leaves it as it is")


class ReviewScoresIn(Schema):
    scores: list[ReviewScoreIn] = Field(default_factory=list, max_length=100)
    comment: str | None = Field(None, description="Overall comment; null leaves it")


class ScreeningIn(Schema):
    eligible: bool
    reason: str = Field("", max_length=REASON_LIMIT, description="Required when ineligible")


class ScreeningReasonIn(Schema):
    reason: str = Field(max_length=REASON_LIMIT)


class ScreeningOut(Schema):
    id: int
    status: str
    screened_at: datetime | None
    screening_reason: str


class ReviewersIn(Schema):
    reviewers: list[Id] = Field(min_length=1, max_length=50, description="User ids")


class ReviewAssignmentOut(Schema):
    id: int
    reviewer: int | None
    reviewer_name: str
    reviewer_email: str
    conflict: str
    conflict_statement: str
    assigned_at: datetime
    submitted_at: datetime | None

    @staticmethod
    def resolve_reviewer_name(assignment: ReviewAssignment) -> str:
        return assignment.reviewer.public_name if assignment.reviewer else ""

    @staticmethod
    def resolve_reviewer_email(assignment: ReviewAssignment) -> str:
        return assignment.reviewer.email if assignment.reviewer else ""

    @staticmethod
    def resolve_reviewer(assignment: ReviewAssignment) -> int | None:
        return assignment.reviewer_id

    @staticmethod
    def resolve_conflict_statement(assignment: ReviewAssignment) -> str:
        return assignment.conflict_note


class ReviewTableRowOut(Schema):
    rank: int | None
    id: int
    receipt_number: str
    organization: str
    title: str
    track: str
    requested_amount: int
    status: str
    reviews_submitted: int
    reviews_assigned: int = Field(description="Reviewers without a declared conflict")
    conflicts: int
    weighted_mean: float | None = Field(description="0–5")
    weighted_percent: float | None = Field(description="0–100")
    lowest: float | None = Field(description="The lowest reviewer's weighted total, 0–5")
    highest: float | None
    deviation: float | None = Field(description="Standard deviation of the reviewers' totals")


def _application_out(application: Application) -> ReviewApplicationOut:
    return ReviewApplicationOut(
        id=application.pk,
        title=application.title,
        call=application.call.slug,
        call_title=application.call.title,
        organization=application.organization.name,
        status=application.status,
    )


def _list_out(assignment: ReviewAssignment) -> ReviewListOut:
    return ReviewListOut(
        id=assignment.pk,
        application=_application_out(assignment.application),
        conflict=assignment.conflict,
        assigned_at=assignment.assigned_at,
        submitted_at=assignment.submitted_at,
    )


def _scores_out(rows) -> list[ReviewScoreOut]:
    return [
        ReviewScoreOut(
            criterion=criterion.pk,
            criterion_name=criterion.name,
            weight=criterion.weight,
            score=score.score if score else None,
            comment=score.comment if score else "",
        )
        for criterion, score in rows
    ]


def _detail_out(assignment: ReviewAssignment) -> ReviewDetailOut:
    base = _list_out(assignment)
    scores = comment = others = None
    if assignment.conflict == Conflict.NONE:
        criteria = reads.criteria_of(assignment.application.call)
        own = reads.scores_by_criterion(assignment)
        scores = _scores_out([(c, own.get(c.pk)) for c in criteria])
        comment = assignment.comment
        if assignment.submitted_at is not None:
            others = [
                OtherReviewOut(
                    submitted_at=review.assignment.submitted_at,  # type: ignore[arg-type]
                    weighted_total=review.total,
                    scores=_scores_out(review.rows),
                    comment=review.assignment.comment,
                )
                for review in reads.submitted_reviews(assignment.application, exclude=assignment)
            ]
    return ReviewDetailOut(
        **base.dict(),
        conflict_statement=assignment.conflict_note,
        comment=comment,
        scores=scores,
        others=others,
    )


# --- The reviewer --------------------------------------------------------------------------


@router.get(
    "/reviews",
    response={200: ApiPage[ReviewListOut], **ERRORS},
    summary="Applications you are asked to review",
)
def list_reviews(request: HttpRequest, page: int = page_query()):
    return api_page(
        request, reads.assignments_of(request.auth), page, per_page=PER_PAGE, item=_list_out
    )


@router.get(
    "/reviews/{review_id}",
    response={200: ReviewDetailOut, **ERRORS},
    summary="One of your reviews",
    description="Before you declare whether you have a conflict of interest, only the call, the "
    "organization and the project title. The other reviewers' submitted reviews (without their "
    "names) once yours is submitted.",
)
def get_review(request: HttpRequest, review_id: Id):
    return _detail_out(reads.get_assignment_for(request.auth, review_id))


@router.post(
    "/reviews/{review_id}/conflict",
    response={200: ReviewDetailOut, **ERRORS},
    summary="Declare whether you have a conflict of interest",
    description="First, before scoring. A conflict (with a statement) removes you from the "
    "application; no conflict may later become one.",
)
def declare_conflict(request: HttpRequest, review_id: Id, body: ReviewConflictIn):
    assignment = reads.get_assignment_for(request.auth, review_id)
    services.declare_conflict(
        actor=request.auth, assignment=assignment, conflict=body.conflict, statement=body.statement
    )
    return _detail_out(reads.get_assignment_for(request.auth, review_id))


@router.put(
    "/reviews/{review_id}/scores",
    response={200: ReviewDetailOut, **ERRORS},
    summary="Save your scores (a draft)",
    description="Each criterion 0–5 with a comment; criteria not sent stay as they are. A score "
    "out of range is a 422 on `score_<criterion id>`. A declared conflict is a 403.",
)
def save_scores(request: HttpRequest, review_id: Id, body: ReviewScoresIn):
    assignment = reads.get_assignment_for(request.auth, review_id)
    services.save_scores(
        actor=request.auth,
        assignment=assignment,
        scores={item.criterion: item.score for item in body.scores},
        comments={item.criterion: item.comment for item in body.scores if item.comment is not None},
        comment=body.comment,
    )
    return _detail_out(reads.get_assignment_for(request.auth, review_id))


@router.post(
    "/reviews/{review_id}/submit",
    response={200: ReviewDetailOut, **ERRORS},
    summary="Submit your review",
    description="Every criterion scored (else a 422 on each missing `score_<criterion id>`). "
    "It no longer changes; the application may go to the committee.",
)
def submit_review(request: HttpRequest, review_id: Id):
    assignment = reads.get_assignment_for(request.auth, review_id)
    services.submit_review(actor=request.auth, assignment=assignment)
    return _detail_out(reads.get_assignment_for(request.auth, review_id))


# --- The call's staff ----------------------------------------------------------------------


def _staff_application(request: HttpRequest, application_id: int) -> Application:
    application = get_application_for(request.auth, application_id)
    if not is_call_staff(request.auth, application.call):
        raise PermissionDenied
    return application


def _screened(application: Application) -> ScreeningOut:
    return ScreeningOut(
        id=application.pk,
        status=application.status,
        screened_at=application.screened_at,
        screening_reason=application.screening_reason,
    )


@router.post(
    "/applications/{application_id}/screening",
    response={200: ScreeningOut, **ERRORS},
    summary="Screen a submitted application (the call's staff)",
    description="Eligible (the review starts at once when the call says so) or ineligible with "
    "reasons, which the applicant is told.",
)
def screen(request: HttpRequest, application_id: Id, body: ScreeningIn):
    application = _staff_application(request, application_id)
    return _screened(
        services.screen_application(
            actor=request.auth, application=application, eligible=body.eligible, reason=body.reason
        )
    )


@router.post(
    "/applications/{application_id}/screening/undo",
    response={200: ScreeningOut, **ERRORS},
    summary="Withdraw an ineligible finding (the call's staff)",
)
def undo_screening(request: HttpRequest, application_id: Id, body: ScreeningReasonIn):
    application = _staff_application(request, application_id)
    return _screened(
        services.undo_screening(actor=request.auth, application=application, reason=body.reason)
    )


@router.post(
    "/applications/{application_id}/start-review",
    response={200: ScreeningOut, **ERRORS},
    summary="Start the review of an application screened eligible (the call's staff)",
)
def start_review(request: HttpRequest, application_id: Id):
    application = _staff_application(request, application_id)
    return _screened(services.start_review(actor=request.auth, application=application))


@router.post(
    "/applications/{application_id}/to-committee",
    response={200: ScreeningOut, **ERRORS},
    summary="Send an application in review to the committee (the call's staff)",
    description="At least one review submitted.",
)
def to_committee(request: HttpRequest, application_id: Id):
    application = _staff_application(request, application_id)
    return _screened(services.send_to_committee(actor=request.auth, application=application))


@router.get(
    "/applications/{application_id}/reviewers",
    response={200: list[ReviewAssignmentOut], **ERRORS},
    summary="An application's reviewers and their conflicts (the call's staff)",
)
def list_reviewers(request: HttpRequest, application_id: Id):
    application = _staff_application(request, application_id)
    return list(reads.assignments_for_staff(application))


@router.post(
    "/applications/{application_id}/reviewers",
    response={201: list[ReviewAssignmentOut], **ERRORS},
    summary="Assign reviewers (the call's staff)",
    description="Active people, each once, never a member of the applicant organization (a 422 "
    "on `reviewer`); all or none. Each is told.",
)
def assign_reviewers(request: HttpRequest, application_id: Id, body: ReviewersIn):
    application = _staff_application(request, application_id)
    people = {u.pk: u for u in User.objects.filter(pk__in=body.reviewers)}
    missing = [pk for pk in body.reviewers if pk not in people]
    if missing:
        raise field_error("reviewers", _("There is no account with this id."), code="unknown")
    return Status(
        201,
        services.assign_reviewers(
            actor=request.auth,
            application=application,
            reviewers=[people[pk] for pk in body.reviewers],
        ),
    )


@router.delete(
    "/applications/{application_id}/reviewers/{reviewer_id}",
    response={204: None, **ERRORS},
    summary="Remove a reviewer who has not submitted (the call's staff)",
    description="`reviewer_id` is the person's user id.",
)
def remove_reviewer(request: HttpRequest, application_id: Id, reviewer_id: Id):
    application = _staff_application(request, application_id)
    assignment = get_object_or_404(
        ReviewAssignment, application=application, reviewer_id=reviewer_id
    )
    services.remove_assignment(actor=request.auth, assignment=assignment)
    return Status(204, None)


@router.get(
    "/calls/{slug}/table",
    response={200: ApiPage[ReviewTableRowOut], **ERRORS},
    summary="A call's applications ranked by their reviews (the call's staff)",
    description="Every submitted-or-later application, best weighted mean first. Filters: "
    "`status`, `track` (a track's id).",
)
def ranked_table(
    request: HttpRequest,
    slug: str,
    status: str = Query("", pattern=f"^(|{'|'.join(TABLE_STATUSES)})$"),
    track: Id | None = None,
    page: int = page_query(),
):
    call = get_call_for(request.auth, slug[:80])
    if not is_call_staff(request.auth, call):
        raise PermissionDenied
    chosen = get_object_or_404(Track, pk=track, call=call) if track is not None else None
    base = reads.table_applications(call, status=status, track=chosen)
    body = api_page(request, reads.ranked(base), page, per_page=TABLE_PER_PAGE)
    # The rank counts from the page's first row (pages are TABLE_PER_PAGE long).
    first = (min(page, max(1, -(-body["count"] // TABLE_PER_PAGE))) - 1) * TABLE_PER_PAGE + 1
    rows = reads.table_rows(body["results"], first_rank=first)
    body["results"] = [_table_out(row) for row in rows]
    return body


def _table_out(row: dict) -> dict[str, Any]:
    # A dict, validated once by the response schema (a schema instance would be validated twice).
    application = row["application"]
    spread = row["spread"]
    return {
        "rank": row["rank"],
        "id": application.pk,
        "receipt_number": application.receipt_number,
        "organization": application.organization.name,
        "title": application.title,
        "track": application.track.name,
        "requested_amount": application.requested_amount,
        "status": application.status,
        "reviews_submitted": row["submitted"],
        "reviews_assigned": row["assigned"],
        "conflicts": row["conflicts"],
        "weighted_mean": row["mean"],
        "weighted_percent": row["percent"],
        "lowest": spread.low if spread else None,
        "highest": spread.high if spread else None,
        "deviation": spread.deviation if spread else None,
    }
