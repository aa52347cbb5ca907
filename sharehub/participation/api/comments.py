"""/api/v1/participation: comments (list, write, edit your own, report) and follows (follow,
unfollow, yours).

The comment list is flat, oldest first, each with its `parent` id and `depth` (threads nest three
levels); a hidden comment keeps its place with `hidden: true` and no text or author. Errors follow
sharehub/api.py: 401, 403, 404, 422 with field errors, 429 past the rate limit.
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import Field

from sharehub.accounts.auth import optional_user
from sharehub.core.api_errors import ERRORS, ErrorOut
from sharehub.core.api_types import Id, page_query
from sharehub.core.pagination import ApiPage, api_page
from sharehub.core.ratelimit import check
from sharehub.moderation.models import ModerationStatus, ReportReason
from sharehub.participation import selectors
from sharehub.participation.models import COMMENT_MAX, Comment, Follow, Stance
from sharehub.participation.selectors import comments as comment_selectors
from sharehub.participation.services import comments as services

router = Router(tags=["participation"])

PER_PAGE = 50
COMMENT_RATE = "30/h"
FOLLOW_RATE = "120/h"
REPORT_RATE = "20/h"


class ParticipationCommentOut(Schema):
    id: int
    parent: int | None
    hidden: bool
    author: str | None = Field(description="The author's public name; null when hidden or gone.")
    body: str | None = Field(description="Plain text; null when hidden by a moderator.")
    stance: Stance | None = Field(
        description="For, against or neutral; null for a reply (replies take no stance) or when "
        "hidden."
    )
    created_at: datetime
    edited_at: datetime | None
    url: str

    @staticmethod
    def resolve_parent(comment: Comment) -> int | None:
        return comment.parent_id

    @staticmethod
    def resolve_hidden(comment: Comment) -> bool:
        return comment.moderation_status != ModerationStatus.PUBLISHED

    @staticmethod
    def resolve_author(comment: Comment) -> str | None:
        if comment.moderation_status != ModerationStatus.PUBLISHED or comment.author is None:
            return None
        return comment.author.display_name

    @staticmethod
    def resolve_body(comment: Comment) -> str | None:
        return comment.body if comment.moderation_status == ModerationStatus.PUBLISHED else None

    @staticmethod
    def resolve_stance(comment: Comment) -> str | None:
        shown = comment.moderation_status == ModerationStatus.PUBLISHED and comment.takes_stance
        return comment.stance if shown else None

    @staticmethod
    def resolve_edited_at(comment: Comment) -> datetime | None:
        return (
            comment.edited_at if comment.moderation_status == ModerationStatus.PUBLISHED else None
        )

    @staticmethod
    def resolve_url(comment: Comment, context: dict) -> str:
        return context["request"].build_absolute_uri(comment.get_absolute_url())


class ParticipationCommentIn(Schema):
    body: str = Field(max_length=COMMENT_MAX * 2)
    stance: Stance | None = Field(
        None,
        description="A comment's position (neutral when left out); a reply takes none (422).",
    )
    parent: int | None = Field(
        None,
        description="The comment replied to; a reply to a third-level comment joins its thread.",
    )


class CommentEditIn(Schema):
    body: str = Field(max_length=COMMENT_MAX * 2)
    stance: Stance | None = None


class ReportIn(Schema):
    reason: ReportReason
    details: str = Field("", max_length=4000)


class ParticipationReportOut(Schema):
    id: int
    reason: str
    created_at: datetime


class StanceCountsOut(Schema):
    comments_count: int = Field(description="Published comments and replies.")
    stances: dict[Stance, int] = Field(
        description="Published first comments of threads by stance (replies take none)."
    )


class FollowOut(Schema):
    proposal: int
    title: str
    followed_at: datetime
    url: str

    @staticmethod
    def resolve_proposal(follow: Follow) -> int:
        return follow.proposal_id

    @staticmethod
    def resolve_title(follow: Follow) -> str:
        return follow.proposal.title

    @staticmethod
    def resolve_followed_at(follow: Follow) -> datetime:
        return follow.created_at

    @staticmethod
    def resolve_url(follow: Follow, context: dict) -> str:
        return context["request"].build_absolute_uri(follow.proposal.get_absolute_url())


class UnfollowOut(Schema):
    proposal: int
    following: bool


@router.get(
    "/proposals/{proposal_id}/comments",
    response={200: ApiPage[ParticipationCommentOut], 404: ErrorOut},
    auth=None,
    summary="A proposal's comments",
    description="Flat, oldest first, 50 per page; rebuild the threads from `parent`. Hidden "
    "comments keep their place without text.",
)
def list_comments(request: HttpRequest, proposal_id: Id, page: int = page_query()):
    proposal = selectors.get_proposal_for(optional_user(request), proposal_id)
    return api_page(
        request, comment_selectors.comments_page_for_api(proposal), page, per_page=PER_PAGE
    )


@router.get(
    "/proposals/{proposal_id}/stances",
    response={200: StanceCountsOut, 404: ErrorOut},
    auth=None,
    summary="How many comments are for, against or neutral",
)
def stance_counts(request: HttpRequest, proposal_id: Id):
    proposal = selectors.get_proposal_for(optional_user(request), proposal_id)
    counts = comment_selectors.stance_counts(proposal)
    return {"comments_count": proposal.comments_count, "stances": counts}


@router.post(
    "/proposals/{proposal_id}/comments",
    response={201: ParticipationCommentOut, **ERRORS, 429: ErrorOut},
    summary="Comment on a proposal, or reply to a comment",
    description="Needs a verified e-mail address. A hidden, withdrawn, closed or unpublished "
    "proposal takes no comments (422).",
)
def create_comment(request: HttpRequest, proposal_id: Id, data: ParticipationCommentIn):
    check(request, "participation.comment", COMMENT_RATE)
    proposal = selectors.get_proposal_for(request.auth, proposal_id)
    parent = None
    if data.parent is not None:
        parent = Comment.objects.filter(pk=data.parent, proposal=proposal).first()
        if parent is None:
            raise ValidationError({"parent": [_("The comment you reply to does not exist.")]})
    comment = services.create_comment(
        actor=request.auth, proposal=proposal, body=data.body, stance=data.stance, parent=parent
    )
    return Status(201, comment)


@router.patch(
    "/comments/{comment_id}",
    response={200: ParticipationCommentOut, **ERRORS, 429: ErrorOut},
    summary="Edit your comment",
    description="Only its author, while the proposal takes comments; it shows as edited.",
)
def edit_comment(request: HttpRequest, comment_id: Id, data: CommentEditIn):
    check(request, "participation.comment", COMMENT_RATE)
    comment = comment_selectors.get_comment_for(request.auth, comment_id)
    return services.edit_comment(
        actor=request.auth, comment=comment, body=data.body, stance=data.stance
    )


@router.post(
    "/comments/{comment_id}/report",
    response={201: ParticipationReportOut, **ERRORS, 429: ErrorOut},
    summary="Report a comment to the moderators",
    description="One open report per person and comment; a hidden comment cannot be reported.",
)
def report_comment(request: HttpRequest, comment_id: Id, data: ReportIn):
    check(request, "moderation-report", REPORT_RATE)
    comment = comment_selectors.get_comment_for(request.auth, comment_id)
    report = services.report_comment(
        actor=request.auth, comment=comment, reason=data.reason, details=data.details
    )
    return Status(201, report)


@router.get("/follows", response={200: ApiPage[FollowOut], **ERRORS}, summary="What you follow")
def list_follows(request: HttpRequest, page: int = page_query()):
    return api_page(request, comment_selectors.follows_of(user=request.auth), page, per_page=20)


@router.post(
    "/proposals/{proposal_id}/follow",
    response={201: FollowOut, **ERRORS, 429: ErrorOut},
    summary="Follow a proposal",
    description="Needs a verified e-mail address; following twice changes nothing.",
)
def follow(request: HttpRequest, proposal_id: Id):
    check(request, "participation.follow", FOLLOW_RATE)
    proposal = selectors.get_proposal_for(request.auth, proposal_id)
    return Status(201, services.follow_proposal(actor=request.auth, proposal=proposal))


@router.delete(
    "/proposals/{proposal_id}/follow",
    response={200: UnfollowOut, **ERRORS, 429: ErrorOut},
    summary="Stop following a proposal",
)
def unfollow(request: HttpRequest, proposal_id: Id):
    check(request, "participation.follow", FOLLOW_RATE)
    proposal = selectors.get_proposal_for(request.auth, proposal_id)
    services.unfollow_proposal(actor=request.auth, proposal=proposal)
    return {"proposal": proposal.pk, "following": False}
