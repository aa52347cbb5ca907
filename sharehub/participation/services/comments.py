"""participation: comments and follows — every write (DESIGN §4).

Comments are post-moderated: published at once, reported through moderation's `report`, hidden
or restored by a moderator; a hidden comment keeps its place in the thread. `Proposal.comments_count`
is the number of published comments: it moves under the proposal's row lock (`core.locking`), on
creation and on every moderation decision (`on_comment_moderation_changed`, a recount). Lock order:
creation locks the proposal only; a decision locks the comment (moderation) then the proposal;
nothing locks a proposal and then one of its comments, so no two writes wait on each other in a
circle.

Replies nest at most `MAX_DEPTH` levels; a reply to a comment at the deepest level joins that
comment's own thread (attached to its parent), as Decidim does.

This module does not import the services package (which imports it for the author's follow).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sharehub.accounts.models import User
from sharehub.accounts.roles import signed_in_user
from sharehub.core import privacy
from sharehub.core.actors import Actor, is_signed_in
from sharehub.core.audit import log_action
from sharehub.core.forms import field_error
from sharehub.core.locking import lock
from sharehub.moderation import services as moderation
from sharehub.moderation.models import ModerationStatus, Report
from sharehub.notifications.services import notify
from sharehub.participation import notices
from sharehub.participation.models import (
    COMMENT_MAX,
    Comment,
    Follow,
    Proposal,
    ProposalState,
    Stance,
)
from sharehub.participation.permissions import has_verified_email

ACTION = "participation.comment."
COMMENT_KIND = "participation.comment"
# Levels of a thread: a comment, a reply, a reply to a reply.
MAX_DEPTH = 3
EXCERPT = 200

COMMENT_TITLE = gettext_lazy("New comment on the proposal “%(proposal)s”")
COMMENT_BODY = gettext_lazy("%(name)s (%(stance)s): %(excerpt)s")
REPLY_BODY = gettext_lazy("%(name)s: %(excerpt)s")
REPLY_TITLE = gettext_lazy("A reply to your comment on “%(proposal)s”")


def comment_closed_reason(proposal: Proposal) -> tuple[str, str] | None:
    """Why nobody may comment on the proposal now (code, message), or None when it is open.
    Comments are for public proposals that are neither withdrawn nor closed."""
    if proposal.state in (ProposalState.DRAFT, ProposalState.SUBMITTED) or (
        proposal.moderation_status in ("", ModerationStatus.PENDING, ModerationStatus.REJECTED)
    ):
        return "unpublished", _("This proposal is not published: it cannot be commented on.")
    if proposal.moderation_status == ModerationStatus.HIDDEN:
        return "hidden", _("This proposal has been hidden by a moderator: comments are closed.")
    if proposal.state == ProposalState.WITHDRAWN:
        return "withdrawn", _("This proposal has been withdrawn: comments are closed.")
    if proposal.state == ProposalState.NOT_ENOUGH_SUPPORT:
        return "closed", _("This proposal closed without enough support: comments are closed.")
    return None


def _require_commenter(actor: Actor) -> User:
    """Signed in (else PermissionDenied) with a verified e-mail (else a field error)."""
    if not is_signed_in(actor):
        raise PermissionDenied(_("Log in to take part."))
    user = signed_in_user(actor)
    if not has_verified_email(user):
        raise field_error(
            "__all__",
            _("Please verify your e-mail address first (see your account page)."),
            code="unverified",
        )
    return user


def _check_open(proposal: Proposal, field: str = "__all__") -> None:
    closed = comment_closed_reason(proposal)
    if closed is not None:
        raise field_error(field, closed[1], code=closed[0])


def _clean_body(body: str) -> str:
    body = (body or "").replace("\r\n", "\n").strip()
    if not body:
        raise field_error("body", _("Please write your comment."), code="required")
    if len(body) > COMMENT_MAX:
        raise field_error(
            "body",
            _("Please keep your comment under %(limit)s characters.")
            % {"limit": f"{COMMENT_MAX:,}"},
            code="max_length",
        )
    return body


def _clean_stance(stance: str | None, *, reply: bool) -> str:
    """A thread's first comment says for, against or neutral (neutral when it says nothing);
    a reply takes no stance, as in Decidim, where only a top-level comment has the for/against
    toggle: it is stored as the column's default and never shown or counted (`takes_stance`)."""
    if reply:
        if stance:
            raise field_error(
                "stance",
                _("A reply takes no position: only a thread's first comment is for or against."),
                code="reply_stance",
            )
        return Stance.NEUTRAL
    if not stance:
        return Stance.NEUTRAL
    if stance not in Stance.values:
        raise field_error("stance", _("Choose for, against or neutral."), code="invalid")
    return stance


def depth_of(comment: Comment) -> int:
    """1 for a comment, 2 for a reply, 3 for a reply to a reply (at most MAX_DEPTH queries)."""
    depth = 1
    current = comment
    while current.parent_id is not None and depth < MAX_DEPTH + 1:
        current = current.parent  # type: ignore[assignment]
        depth += 1
    return depth


def _attach_point(parent: Comment) -> Comment:
    """The comment a reply to `parent` hangs from: `parent`, or, when `parent` is at the deepest
    level, its own parent (the reply joins the same thread one level up)."""
    while depth_of(parent) >= MAX_DEPTH and parent.parent_id is not None:
        parent = parent.parent  # type: ignore[assignment]
    return parent


def _excerpt(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= EXCERPT else text[: EXCERPT - 1] + "…"


def _tell_about(comment: Comment, proposal: Proposal, user: User) -> None:
    """The proposal's author and followers (by their preferences for COMMENT_KIND), and the author
    of the comment replied to, are told; never the commenter."""
    params: dict[str, Any] = {"name": user.display_name, "excerpt": _excerpt(comment.body)}
    body = REPLY_BODY
    if comment.takes_stance:
        params["stance"] = Stance(comment.stance).label
        body = COMMENT_BODY
    notices.tell_author_and_followers(
        proposal,
        kind=COMMENT_KIND,
        title=COMMENT_TITLE,
        body=body,
        params=params,
        exclude=user,
    )
    parent_author = comment.parent.author if comment.parent_id and comment.parent else None
    if (
        parent_author is None
        or not parent_author.is_active
        or parent_author.pk == user.pk
        or parent_author.pk == proposal.author_id
        or Follow.objects.filter(proposal=proposal, user=parent_author).exists()
    ):
        return  # already told above, or nobody to tell
    notify(
        user=parent_author,
        kind=COMMENT_KIND,
        title=REPLY_TITLE,
        body=body,
        url=comment.get_absolute_url(),
        params={"proposal": proposal.title, **params},
    )


@transaction.atomic(durable=True)
def create_comment(
    *,
    actor: Actor,
    proposal: Proposal,
    body: str,
    stance: str | None = None,
    parent: Comment | None = None,
) -> Comment:
    """A comment on a public, open proposal (or a reply to one of its comments), published at
    once; the proposal's author and followers are told. Needs a verified e-mail. Locks the
    proposal's row, which holds `comments_count`. A comment's stance defaults to neutral; a
    reply takes none (`_clean_stance`)."""
    user = _require_commenter(actor)
    proposal = lock(proposal)
    _check_open(proposal)
    body = _clean_body(body)
    stance = _clean_stance(stance, reply=parent is not None)
    if parent is not None:
        if parent.proposal_id != proposal.pk:
            raise field_error("parent", _("You can only reply to a comment on this proposal."))
        if parent.moderation_status != ModerationStatus.PUBLISHED:
            raise field_error(
                "parent", _("This comment has been hidden: it cannot be replied to."), code="hidden"
            )
        parent = _attach_point(parent)
    comment = Comment(
        proposal=proposal,
        parent=parent,
        author=user,
        body=body,
        stance=stance,
        moderation_status=ModerationStatus.PUBLISHED,
        created_at=timezone.now(),
    )
    comment.full_clean(exclude=["moderated_by", "author", "proposal", "parent"])
    comment.save()
    proposal.comments_count += 1
    proposal.save(update_fields=["comments_count", "updated_at"])
    comment.proposal = proposal
    log_action(actor=user, action=ACTION + "create", target=comment)
    _tell_about(comment, proposal, user)
    return comment


@transaction.atomic(durable=True)
def edit_comment(
    *, actor: Actor, comment: Comment, body: str, stance: str | None = None
) -> Comment:
    """The author edits their own published comment while the proposal takes comments; the
    comment shows "edited" with the time. Locks the comment's row."""
    user = signed_in_user(actor)
    if comment.author_id != user.pk:
        raise PermissionDenied(_("Only its author may edit a comment."))
    comment = lock(comment)
    if comment.moderation_status != ModerationStatus.PUBLISHED:
        raise field_error(
            "body", _("This comment has been hidden: it cannot be edited."), code="hidden"
        )
    _check_open(comment.proposal, "body")
    body = _clean_body(body)
    reply = comment.parent_id is not None
    new_stance = comment.stance if stance in (None, "") else _clean_stance(stance, reply=reply)
    if body == comment.body and new_stance == comment.stance:
        return comment
    comment.body = body
    comment.stance = new_stance
    comment.edited_at = timezone.now()
    comment.full_clean(exclude=["moderated_by", "author", "proposal", "parent"])
    comment.save(update_fields=["body", "stance", "edited_at"])
    log_action(actor=user, action=ACTION + "edit", target=comment)
    return comment


def report_comment(*, actor: Actor, comment: Comment, reason: str, details: str = "") -> Report:
    """A report on a published comment, for the moderators (moderation's `report`, one open
    report per person); not one's own comment (edit it instead)."""
    if is_signed_in(actor) and comment.author_id == getattr(actor, "pk", None):
        raise field_error("__all__", _("This is your own comment: edit it instead."), code="own")
    return moderation.report(actor=actor, obj=comment, reason=reason, details=details)


def _recount(proposal: Proposal) -> None:
    """`comments_count` becomes the number of published comments. Expects the row lock."""
    proposal.comments_count = Comment.objects.filter(
        proposal=proposal, moderation_status=ModerationStatus.PUBLISHED
    ).count()


def on_comment_moderation_changed(
    sender: type, *, obj: Any, previous: str, status: str, **kwargs: Any
) -> None:
    """A comment hidden or restored moves the proposal's count, under its row lock, inside the
    decision's transaction."""
    if not isinstance(obj, Comment) or previous == status:
        return
    if ModerationStatus.PUBLISHED not in (previous, status):
        return
    proposal = lock(Proposal(pk=obj.proposal_id))
    _recount(proposal)
    proposal.save(update_fields=["comments_count", "updated_at"])


# Follows --------------------------------------------------------------------------------------


def _follow(user: User, proposal: Proposal) -> Follow:
    try:
        with transaction.atomic():
            follow, _created = Follow.objects.get_or_create(proposal=proposal, user=user)
    except IntegrityError:  # a double click racing the first
        follow = Follow.objects.get(proposal=proposal, user=user)
    return follow


def follow_as_author(*, user: User, proposal: Proposal) -> Follow:
    """The author follows their proposal once it is submitted (inside the submission's
    transaction)."""
    return _follow(user, proposal)


@transaction.atomic(durable=True)
def follow_proposal(*, actor: Actor, proposal: Proposal) -> Follow:
    """The actor follows a public proposal (following twice changes nothing): they are told of
    its comments and of what becomes of it. Needs a verified e-mail (notices go there)."""
    user = _require_commenter(actor)
    if not proposal.is_public and proposal.author_id != user.pk:
        raise field_error(
            "__all__", _("Only a published proposal can be followed."), code="unpublished"
        )
    return _follow(user, proposal)


@transaction.atomic(durable=True)
def unfollow_proposal(*, actor: Actor, proposal: Proposal) -> bool:
    """The actor stops following; True when they followed it."""
    user = signed_in_user(actor)
    deleted, _rows = Follow.objects.filter(proposal=proposal, user=user).delete()
    return bool(deleted)


def anonymise_comments_of(user: User) -> int:
    """A departing person's comments stay, by "a former member"; their follows go; their name
    and addresses are scrubbed from every comment that copied them (anyone's). Runs inside the
    account deletion's transaction."""
    Follow.objects.filter(user=user).delete()
    anonymised = Comment.objects.filter(author=user).update(author=None)
    identifiers = privacy.identifiers_of(user)
    for comment in Comment.objects.filter(privacy.mentions(identifiers, "body")):
        comment.body = privacy.scrub(comment.body, identifiers)
        comment.save(update_fields=["body"])
    return anonymised
