"""Every write to participation (DESIGN §3, §4): one durable transaction each, permission checked
inside, every refusal a field error in the actor's language.

Locking (pretix's quota lock, `core.locking`): a support or its withdrawal locks the proposal's
row first, then writes or deletes the `Support` row and moves `supports_count` by the rows written,
so simultaneous supports and withdrawals never lose or double one and the count stays the number
of rows (as few statements as possible are run under the lock: it is the proposal's bottleneck). The threshold is crossed
under the same lock and recorded in `threshold_reached_at`, so it fires exactly once. On SQLite the
transactions are IMMEDIATE, which serialises them.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, TypedDict, Unpack

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from sharehub.accounts.models import User
from sharehub.accounts.roles import signed_in_user
from sharehub.core.actors import Actor
from sharehub.core.audit import log_action
from sharehub.core.changes import apply_changes
from sharehub.core.forms import field_error
from sharehub.core.locking import lock
from sharehub.core.sanitize import check_rich_text, clean_html
from sharehub.moderation import services as moderation
from sharehub.moderation.models import ModerationStatus
from sharehub.participation import notices
from sharehub.participation.models import (
    SUPPORT_STATES,
    WITHDRAWABLE_STATES,
    PolicyArea,
    Proposal,
    ProposalAmendment,
    ProposalState,
    Support,
)
from sharehub.participation.permissions import can_edit_in_place, has_verified_email, is_author
from sharehub.participation.search_index import reindex_proposal
from sharehub.participation.selectors import due_for_closing
from sharehub.participation.services.comments import follow_as_author
from sharehub.places.models import District

ACTION = "participation."


class ProposalChanges(TypedDict, total=False):
    """What an author sets on a proposal (the proposal form's fields)."""

    title: str
    body: str
    language: str
    area: PolicyArea


PROPOSAL_FIELDS = tuple(ProposalChanges.__annotations__)


def _require_verified(actor: Actor) -> User:
    user = signed_in_user(actor)
    if not has_verified_email(user):
        raise ValidationError(
            {"__all__": [_("Please verify your e-mail address first (see your account page).")]},
            code="unverified",
        )
    return user


def _require_author(actor: Actor, proposal: Proposal) -> User:
    user = signed_in_user(actor)
    if not is_author(user, proposal):
        raise PermissionDenied(_("Only the proposal's author may do this."))
    return user


def _clean(name: str, value: Any) -> Any:
    if name == "body":
        return clean_html((value or "").strip()).strip()
    if isinstance(value, str):
        return value.strip()
    return value


def _is_blank(html: str) -> bool:
    """Nothing written: no text and no image (the editor leaves empty paragraphs)."""
    return not strip_tags(html or "").strip() and "<img" not in (html or "")


def _check(proposal: Proposal) -> None:
    errors: dict[str, list] = {}
    try:
        proposal.full_clean(exclude=["author", "agenda_committee", "moderated_by"])
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    if _is_blank(proposal.body):
        errors.setdefault("body", []).append(_("Please describe your proposal."))
    if errors:
        raise ValidationError(errors)


def _set_districts(proposal: Proposal, districts: list[District] | None) -> None:
    if districts is not None:
        proposal.districts.set(districts)


@transaction.atomic(durable=True)
def create_proposal(
    *, actor: Actor, districts: list[District] | None = None, **changes: Unpack[ProposalChanges]
) -> Proposal:
    """A new draft, visible only to its author until submitted. Needs a verified e-mail."""
    user = _require_verified(actor)
    check_rich_text(changes, ("body",))
    proposal = Proposal(author=user, area=changes.get("area"))
    apply_changes(proposal, fields=PROPOSAL_FIELDS, data=changes, clean=_clean)
    _check(proposal)
    proposal.save()
    _set_districts(proposal, districts)
    log_action(actor=user, action=ACTION + "create", target=proposal)
    return proposal


@transaction.atomic(durable=True)
def update_proposal(
    *,
    actor: Actor,
    proposal: Proposal,
    districts: list[District] | None = None,
    **changes: Unpack[ProposalChanges],
) -> Proposal:
    """The author edits the text until the first support; later, only amendments add to it.
    Locks the proposal's row, so a support cannot slip in between the check and the edit."""
    user = _require_author(actor, proposal)
    proposal = lock(proposal)
    if not can_edit_in_place(proposal):
        if proposal.supports_count and proposal.state in SUPPORT_STATES:
            raise field_error(
                "body",
                _("People already support this text: add a dated amendment instead."),
                code="supported",
            )
        raise field_error("__all__", _("This proposal can no longer be edited."), code="closed")
    check_rich_text(changes, ("body",))
    changed = apply_changes(proposal, fields=PROPOSAL_FIELDS, data=changes, clean=_clean)
    if "area" in changed and proposal.state not in (ProposalState.DRAFT, ProposalState.SUBMITTED):
        raise field_error(
            "area", _("The policy area cannot change once supports are being collected.")
        )
    _check(proposal)
    proposal.save()
    _set_districts(proposal, districts)
    reindex_proposal(proposal)
    log_action(actor=user, action=ACTION + "update", target=proposal, data={"fields": changed})
    return proposal


@transaction.atomic(durable=True)
def delete_draft(*, actor: Actor, proposal: Proposal) -> None:
    """A draft was never public: its author may simply delete it."""
    _require_author(actor, proposal)
    proposal = lock(proposal)
    if proposal.state != ProposalState.DRAFT:
        raise field_error(
            "__all__", _("Only a draft can be deleted; withdraw it with a reason instead.")
        )
    proposal.delete()


@transaction.atomic(durable=True)
def _submit_draft(*, actor: Actor, proposal: Proposal) -> Proposal:
    user = _require_verified(actor)
    _require_author(user, proposal)
    proposal = lock(proposal)
    if proposal.state != ProposalState.DRAFT:
        raise field_error("__all__", _("This proposal has already been submitted."))
    _check(proposal)
    proposal.state = ProposalState.SUBMITTED
    proposal.moderation_status = ModerationStatus.PENDING
    proposal.submitted_at = timezone.now()
    proposal.save(update_fields=["state", "moderation_status", "submitted_at", "updated_at"])
    log_action(actor=user, action=ACTION + "submit", target=proposal)
    follow_as_author(user=user, proposal=proposal)  # told of comments and of what becomes of it
    return proposal


def submit_proposal(*, actor: Actor, proposal: Proposal) -> Proposal:
    """Send a draft to the moderators (or, after a rejection and an edit, send it again). Once a
    moderator publishes it, it collects supports (`on_moderation_changed`)."""
    if proposal.moderation_status == ModerationStatus.REJECTED:
        _require_verified(actor)
        return moderation.resubmit(actor=actor, obj=proposal)
    return _submit_draft(actor=actor, proposal=proposal)


def on_moderation_changed(
    sender: type, *, obj: Any, previous: str, status: str, **kwargs: Any
) -> None:
    """A moderator's first publication opens the support period (its deadline and threshold from
    the area, as they are now); hiding or restoring keeps the state and refreshes the index.
    Runs inside the decision's transaction, on the row it has locked."""
    if not isinstance(obj, Proposal):
        return
    if status == ModerationStatus.PUBLISHED and obj.state == ProposalState.SUBMITTED:
        now = timezone.now()
        area = obj.area
        obj.state = ProposalState.COLLECTING
        obj.published_at = now
        obj.support_deadline = now + timedelta(days=area.support_days)
        obj.support_threshold = area.support_threshold
        obj.save(
            update_fields=[
                "state",
                "published_at",
                "support_deadline",
                "support_threshold",
                "updated_at",
            ]
        )
    reindex_proposal(obj)


@transaction.atomic(durable=True)
def amend_proposal(*, actor: Actor, proposal: Proposal, text: str) -> ProposalAmendment:
    """A dated addition to a supported proposal: the supported text stays as it was."""
    user = _require_author(actor, proposal)
    proposal = lock(proposal)
    if proposal.state not in SUPPORT_STATES or not proposal.is_published:
        raise field_error("text", _("This proposal can no longer be amended."), code="closed")
    if can_edit_in_place(proposal):
        raise field_error(
            "text", _("Nobody supports it yet: edit the proposal itself instead."), code="editable"
        )
    check_rich_text({"text": text}, ("text",))
    amendment = ProposalAmendment(proposal=proposal, text=clean_html((text or "").strip()).strip())
    if _is_blank(amendment.text):
        raise field_error("text", _("Please write the amendment."), code="required")
    amendment.full_clean()
    amendment.save()
    reindex_proposal(proposal)
    log_action(actor=user, action=ACTION + "amend", target=proposal)
    return amendment


@transaction.atomic(durable=True)
def withdraw_proposal(*, actor: Actor, proposal: Proposal, reason: str) -> Proposal:
    """The author withdraws the proposal with a reason; it stays public, marked withdrawn, with its
    supports. Locks the proposal's row."""
    user = _require_author(actor, proposal)
    proposal = lock(proposal)
    if proposal.state not in WITHDRAWABLE_STATES:
        raise field_error("reason", _("This proposal can no longer be withdrawn."), code="closed")
    reason = (reason or "").strip()
    if not reason:
        raise field_error("reason", _("Please say why you withdraw it."), code="required")
    if len(reason) > 2000:
        raise field_error("reason", _("Please keep the reason under 2,000 characters."))
    proposal.state = ProposalState.WITHDRAWN
    proposal.withdrawal_reason = reason
    proposal.withdrawn_at = timezone.now()
    proposal.save(update_fields=["state", "withdrawal_reason", "withdrawn_at", "updated_at"])
    reindex_proposal(proposal)
    log_action(actor=user, action=ACTION + "withdraw", target=proposal, reason=reason)
    return proposal


# Supports -------------------------------------------------------------------------------------


def _check_open(proposal: Proposal, now: datetime) -> None:
    """The proposal takes supports (and their withdrawal) now. Expects its row lock."""
    if not proposal.is_published:
        raise field_error("__all__", _("This proposal is not open for support."), code="hidden")
    if proposal.state == ProposalState.WITHDRAWN:
        raise field_error("__all__", _("This proposal has been withdrawn."), code="withdrawn")
    if proposal.state not in SUPPORT_STATES:
        raise field_error("__all__", _("Supports for this proposal are closed."), code="closed")
    if proposal.support_deadline is None or now >= proposal.support_deadline:
        raise field_error("__all__", _("The support period has ended."), code="deadline")


def _recount(proposal: Proposal) -> None:
    """`supports_count` becomes the number of rows. Expects the proposal's row lock."""
    proposal.supports_count = Support.objects.filter(proposal=proposal).count()


def _put_on_agenda(proposal: Proposal, now: datetime) -> None:
    """The threshold is crossed: once only (`threshold_reached_at`), under the row lock."""
    area = proposal.area
    proposal.state = ProposalState.ON_AGENDA
    proposal.threshold_reached_at = now
    proposal.agenda_committee_id = area.committee_id
    proposal.answer_due = now + timedelta(days=area.answer_days)
    log_action(
        actor=None,
        action=ACTION + "threshold",
        target=proposal,
        data={"supports": proposal.supports_count, "committee": area.committee_id},
    )
    notices.tell_threshold_reached(proposal)


AGENDA_FIELDS = ["state", "threshold_reached_at", "agenda_committee", "answer_due"]


@transaction.atomic(durable=True)
def support_proposal(*, actor: Actor, proposal: Proposal) -> Support:
    """The actor supports the proposal (once, before its deadline; their own only where the area
    allows it). Reaching the threshold puts it on the area's committee's agenda, once. Locks the
    proposal's row."""
    user = _require_verified(actor)
    proposal = lock(proposal)
    now = timezone.now()
    _check_open(proposal, now)
    if proposal.author_id == user.pk and not proposal.area.allow_self_support:
        raise field_error(
            "__all__",
            _("In this policy area, authors may not support their own proposals."),
            code="own",
        )
    if Support.objects.filter(proposal=proposal, user=user).exists():
        raise field_error("__all__", _("You already support this proposal."), code="twice")
    # Under the row lock nobody else adds or removes this proposal's supports, so the count moves
    # with the one row written (the unique constraint stays the database's word on doubles).
    support = Support.objects.create(proposal=proposal, user=user, created_at=now)
    proposal.supports_count += 1
    fields = ["supports_count", "updated_at"]
    if (
        proposal.state == ProposalState.COLLECTING
        and proposal.threshold_reached_at is None
        and proposal.supports_count >= (proposal.support_threshold or 0)
    ):
        _put_on_agenda(proposal, now)
        fields += AGENDA_FIELDS
    proposal.save(update_fields=fields)
    if len(fields) > 2:
        reindex_proposal(proposal)
    return support


@transaction.atomic(durable=True)
def withdraw_support(*, actor: Actor, proposal: Proposal) -> Proposal:
    """The actor takes back their support, until the deadline. A proposal already on the agenda
    stays there. Locks the proposal's row."""
    user = signed_in_user(actor)
    proposal = lock(proposal)
    _check_open(proposal, timezone.now())
    deleted, _rows = Support.objects.filter(proposal=proposal, user=user).delete()
    if not deleted:
        raise field_error("__all__", _("You do not support this proposal."), code="not_supported")
    proposal.supports_count -= deleted
    proposal.save(update_fields=["supports_count", "updated_at"])
    return proposal


# The daily job --------------------------------------------------------------------------------


def close_expired_proposals(*, now: datetime | None = None) -> int:
    """Proposals whose support period ended close as "not enough support", each in its own
    transaction under its row lock, and their authors are told; safe to run twice at once (the
    second finds nothing to close). One that reached the threshold (its area's threshold was
    lowered meanwhile) goes on the agenda instead. Returns how many were closed or put forward."""
    now = now or timezone.now()
    done = 0
    for pk in list(due_for_closing(now=now).values_list("pk", flat=True)):
        with transaction.atomic(durable=True):
            proposal = lock(Proposal(pk=pk))
            if proposal.state != ProposalState.COLLECTING or not (
                proposal.support_deadline and proposal.support_deadline <= now
            ):
                continue
            if proposal.supports_count >= (proposal.support_threshold or 0) > 0:
                _put_on_agenda(proposal, now)
                proposal.save(update_fields=[*AGENDA_FIELDS, "updated_at"])
            else:
                proposal.state = ProposalState.NOT_ENOUGH_SUPPORT
                proposal.closed_at = now
                proposal.save(update_fields=["state", "closed_at", "updated_at"])
                log_action(actor=None, action=ACTION + "close", target=proposal)
                notices.tell_not_enough_support(proposal)
            reindex_proposal(proposal)
            done += 1
    return done


def erase_supports_of(user: User) -> None:
    """A departing person's supports go, each proposal recounted under its row lock (so the count
    stays the rows). Runs inside the account deletion's transaction."""
    with transaction.atomic():
        for pk in sorted(
            set(Support.objects.filter(user=user).values_list("proposal_id", flat=True))
        ):
            proposal = lock(Proposal(pk=pk))
            Support.objects.filter(proposal=proposal, user=user).delete()
            _recount(proposal)
            proposal.save(update_fields=["supports_count", "updated_at"])
