"""The author's attachments of a proposal: added and removed while the text may be edited in
place (`permissions.can_edit_in_place`: a draft, awaiting review, or collecting with no support
yet), at most `MAX_ATTACHMENTS`, each checked like every upload of the hub. Locks the proposal's
row, as an edit of its text does, so a support cannot slip in between the check and the change.
Every upload is checked before any is stored; a removed file is deleted after the commit (the
model's post_delete receiver), and so are the files of a deleted draft."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from sharehub.accounts.models import User
from sharehub.accounts.roles import signed_in_user
from sharehub.core.actors import Actor
from sharehub.core.audit import log_action
from sharehub.core.forms import field_error
from sharehub.core.locking import lock
from sharehub.participation.attachments import MAX_ATTACHMENTS, check_attachment
from sharehub.participation.models import Proposal, ProposalAttachment
from sharehub.participation.permissions import can_edit_in_place, is_author

ACTION = "participation.attachments"


def _require_editable(actor: Actor, proposal: Proposal) -> tuple[User, Proposal]:
    user = signed_in_user(actor)
    if not is_author(user, proposal):
        raise PermissionDenied(_("Only the proposal's author may do this."))
    proposal = lock(proposal)
    if not can_edit_in_place(proposal):
        raise field_error(
            "attachments",
            _("The attachments can no longer change: people already support this proposal."),
            code="closed",
        )
    return user, proposal


def _change(
    user: User,
    proposal: Proposal,
    uploads: Sequence[Any],
    remove: Sequence[ProposalAttachment],
) -> list[ProposalAttachment]:
    removed = [a for a in remove if a.proposal_id == proposal.pk]
    if len(removed) != len(remove):
        raise PermissionDenied(_("This file is not one of the proposal's."))
    kept = proposal.attachments.exclude(pk__in=[a.pk for a in removed]).count()
    if kept + len(uploads) > MAX_ATTACHMENTS:
        raise field_error(
            "attachments",
            _("A proposal holds at most %(max)s files.") % {"max": MAX_ATTACHMENTS},
            code="too_many",
        )
    checked = [check_attachment(upload, actor=user) for upload in uploads]
    for attachment in removed:
        attachment.delete()  # its file goes after the commit
    added = []
    for document in checked:
        attachment = ProposalAttachment(
            proposal=proposal,
            title=document.name,
            content_type=document.type.content_type,
            size=document.size,
        )
        # The file is written before its row. On a rollback it stays behind under a random name
        # that no row points to, so it is never served (as designation's documents).
        attachment.file.save(str(document.file.name), document.file, save=False)
        attachment.save()
        added.append(attachment)
    if added or removed:
        log_action(
            actor=user,
            action=ACTION,
            target=proposal,
            data={"added": [a.title for a in added], "removed": [a.title for a in removed]},
        )
    return added


@transaction.atomic(durable=True)
def change_attachments(
    *,
    actor: Actor,
    proposal: Proposal,
    uploads: Sequence[Any] = (),
    remove: Sequence[ProposalAttachment] = (),
) -> list[ProposalAttachment]:
    """Add these uploads and remove these attachments, all or nothing; the attachments added."""
    user, proposal = _require_editable(actor, proposal)
    return _change(user, proposal, uploads, remove)


@transaction.atomic(durable=True)
def remove_attachment(*, actor: Actor, attachment: ProposalAttachment) -> None:
    user, proposal = _require_editable(actor, attachment.proposal)
    _change(user, proposal, (), [attachment])


def delete_file_after_commit(sender: type, *, instance: ProposalAttachment, **kwargs: Any) -> None:
    """post_delete of an attachment (removed, or gone with its draft or its proposal): its file
    is deleted once the deletion commits, never before (a rollback keeps the row's file)."""
    storage, name = instance.file.storage, instance.file.name
    if name:
        transaction.on_commit(lambda: storage.delete(name))
