"""participation: comments and follows — reads, query-bounded (DESIGN §4).

A thread shows published comments and, in their place, hidden ones as placeholders (their text
never leaves the database through a page, the API or a feed). Comments that never were public
(none today: comments are published at once) are left out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, cast

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from sharehub.accounts.models import User
from sharehub.core.actors import Actor, is_signed_in
from sharehub.moderation.models import ModerationStatus
from sharehub.participation.models import Comment, Follow, PolicyArea, Proposal, Stance
from sharehub.participation.permissions import can_see_proposal
from sharehub.participation.selectors import public_proposals, timeline

if TYPE_CHECKING:
    from . import TimelineEntry

# Shown in a thread: published comments, and hidden ones as placeholders.
THREAD_STATUSES = (ModerationStatus.PUBLISHED, ModerationStatus.HIDDEN)
FEED_SIZE = 30


def timeline_entries(proposal: Proposal) -> list[TimelineEntry]:
    """This part's entries in the proposal's public timeline: none (comments have their own
    section and feed items)."""
    return []


def thread_comments(proposal: Proposal) -> QuerySet[Comment]:
    """The proposal's comments as threads show them, oldest first, with their authors."""
    return (
        Comment.objects.filter(proposal=proposal, moderation_status__in=THREAD_STATUSES)
        .select_related("author")
        .order_by("created_at", "pk")
    )


def root_comments(proposal: Proposal) -> QuerySet[Comment]:
    """The threads' first comments (what a page of comments counts), oldest first."""
    return thread_comments(proposal).filter(parent__isnull=True)


@dataclass
class ThreadNode:
    comment: Comment
    depth: int
    replies: list[ThreadNode] = field(default_factory=list)
    # Set by the page: the reply form under this comment, open when it shows errors.
    reply_form: Any = None
    reply_open: bool = False

    @property
    def hidden(self) -> bool:
        return self.comment.moderation_status != ModerationStatus.PUBLISHED


def build_threads(roots: list[Comment]) -> list[ThreadNode]:
    """The page's threads: its first comments and every reply under them (one query; replies
    nest at most three levels, so two joins reach them all)."""
    if not roots:
        return []
    root_ids = [root.pk for root in roots]
    replies = list(
        Comment.objects.filter(moderation_status__in=THREAD_STATUSES)
        .filter(Q(parent_id__in=root_ids) | Q(parent__parent_id__in=root_ids))
        .select_related("author")
        .order_by("created_at", "pk")
    )
    nodes: dict[int, ThreadNode] = {root.pk: ThreadNode(root, 1) for root in roots}
    # Oldest first: a reply comes after its parent, except when clocks disagree; place the
    # orphans in a second pass.
    pending = replies
    for _round in range(3):
        left = []
        for reply in pending:
            parent = nodes.get(cast(int, reply.parent_id))
            if parent is None:
                left.append(reply)
                continue
            node = ThreadNode(reply, parent.depth + 1)
            parent.replies.append(node)
            nodes[reply.pk] = node
        pending = left
        if not pending:
            break
    return [nodes[pk] for pk in root_ids]


def stance_counts(proposal: Proposal) -> dict[str, int]:
    """Published first comments of threads by stance: {"for": n, "against": n, "neutral": n}
    (one query); replies take no stance (`Comment.takes_stance`) and are not counted."""
    counts = dict.fromkeys(Stance.values, 0)
    rows = (
        Comment.objects.filter(
            proposal=proposal, moderation_status=ModerationStatus.PUBLISHED, parent__isnull=True
        )
        .values("stance")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in rows:
        counts[row["stance"]] = row["n"]
    return counts


def comments_page_for_api(proposal: Proposal) -> QuerySet[Comment]:
    """The flat list the API pages through: oldest first, with the parent's id."""
    return thread_comments(proposal)


def get_comment_for(actor: Actor, pk: int) -> Comment:
    """A comment in a thread the actor may see, or 404 (comments of a proposal the actor cannot
    see, or that never were public)."""
    comment = (
        Comment.objects.select_related("proposal", "author", "parent")
        .filter(pk=pk, moderation_status__in=THREAD_STATUSES)
        .first()
    )
    if comment is None or not can_see_proposal(actor, comment.proposal):
        raise Http404
    return comment


def is_following(*, user: Actor, proposal: Proposal) -> bool:
    if not is_signed_in(user):
        return False
    return Follow.objects.filter(user=cast(User, user), proposal=proposal).exists()


def follows_of(*, user: Actor) -> QuerySet[Follow]:
    """The proposals the actor follows that they may still see (public, or their own), newest
    first."""
    if not is_signed_in(user):
        return Follow.objects.none()
    person = cast(User, user)
    return (
        Follow.objects.filter(user=person)
        .filter(Q(proposal__in=public_proposals()) | Q(proposal__author=person))
        .select_related("proposal", "proposal__area")
        .order_by("-created_at", "-pk")
    )


# Feeds ----------------------------------------------------------------------------------------


def feed_area(slug: str) -> PolicyArea:
    area = PolicyArea.objects.filter(slug=slug[:60]).first()
    if area is None:
        raise Http404
    return area


def area_feed_proposals(area: PolicyArea) -> QuerySet[Proposal]:
    """The area's newest public proposals (never a draft, a pending or a hidden one)."""
    return (
        public_proposals()
        .filter(area=area)
        .select_related("author", "area")
        .order_by("-published_at", "-pk")[:FEED_SIZE]
    )


def feed_proposal(pk: int) -> Proposal:
    """A public proposal for its feed, with what its timeline reads; 404 otherwise."""
    proposal = (
        public_proposals()
        .select_related("area", "agenda_committee", "author")
        .prefetch_related("amendments")
        .filter(pk=pk)
        .first()
    )
    if proposal is None:
        raise Http404
    return proposal


@dataclass(frozen=True)
class FeedItem:
    key: str
    when: datetime
    title: str
    text: str
    url: str
    html: bool = False
    author: str = ""


def proposal_feed_items(proposal: Proposal, *, labels: dict[str, Any]) -> list[FeedItem]:
    """A public proposal's timeline and its newest published comments, newest first (hidden
    comments never; `labels` gives the wording: "comment" with %(name)s and %(stance)s, "reply"
    with %(name)s)."""
    url = proposal.get_absolute_url()
    items = [
        FeedItem(
            key=f"proposal-{proposal.pk}-t{int(entry.when.timestamp() * 1_000_000)}",
            when=entry.when,
            title=str(entry.label),
            text=entry.html or entry.text,
            html=bool(entry.html),
            url=url + "#timeline-heading",
        )
        for entry in timeline(proposal)
    ]
    comments = (
        Comment.objects.filter(proposal=proposal, moderation_status=ModerationStatus.PUBLISHED)
        .select_related("author")
        .order_by("-created_at", "-pk")[:FEED_SIZE]
    )
    for comment in comments:
        name = comment.author.display_name if comment.author else str(labels["former"])
        items.append(
            FeedItem(
                key=f"proposal-{proposal.pk}-comment-{comment.pk}",
                when=comment.created_at,
                title=str(labels["comment"])
                % {"name": name, "stance": comment.get_stance_display()}
                if comment.takes_stance
                else str(labels["reply"]) % {"name": name},
                text=comment.body,
                url=f"{url}#comment-{comment.pk}",
                author=name,
            )
        )
    items.sort(key=lambda item: item.when, reverse=True)
    return items[:FEED_SIZE]
