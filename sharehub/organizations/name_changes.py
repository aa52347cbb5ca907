"""Changes to an organization's public name go through review (issue 10, point 7).

A member (owner or editor) who renames a published or hidden organization does not change its
public name: the new name is kept as the organization's one pending `NameChangeRequest` and city
staff or a moderator approves or rejects it. City staff rename directly, and so does anyone while
the organization itself still waits for review (the moderator then sees the name anyway).

Lock order, as in services: the organization's row first, then the request's. A decision
writes its audit entry and tells the requester and the owners inside its own transaction.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from sharehub.accounts.models import User
from sharehub.accounts.roles import is_city_staff
from sharehub.core.actors import Actor, require_signed_in
from sharehub.core.audit import log_action
from sharehub.core.locking import lock_pk
from sharehub.moderation.models import ModerationStatus

from . import notices
from .models import NameChangeRequest, NameChangeStatus, Organization
from .permissions import can_decide_name_change, can_review_name_changes
from .signals import public_facts_changed

NAME_FIELDS = ("name_ko", "name_en")
REASON_MAX_LENGTH = 2000
# Until then the organization is not public: its moderator reviews the name with the rest.
_UNREVIEWED = (ModerationStatus.PENDING, ModerationStatus.REJECTED)


def needs_review(actor: Actor, organization: Organization) -> bool:
    return not is_city_staff(actor) and organization.moderation_status not in _UNREVIEWED


def pending_for(organization: Organization) -> NameChangeRequest | None:
    return NameChangeRequest.objects.filter(
        organization=organization, status=NameChangeStatus.PENDING
    ).first()


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def take_proposal(organization: Organization, changes: dict[str, Any]) -> dict[str, str] | None:
    """Remove the name fields from `changes`; return the whole proposed name, or None if none was sent.

    A field not sent keeps its pending value (or, without a pending request, its public one).
    """
    if not any(name in changes for name in NAME_FIELDS):
        return None
    pending = pending_for(organization)
    base = pending or organization
    return {
        name: _text(changes.pop(name)) if name in changes else (getattr(base, name) or "")
        for name in NAME_FIELDS
    }


def validate_proposal(proposal: dict[str, str]) -> None:
    """Field errors (`name_ko`, `name_en`) like those of the organization's own form."""
    NameChangeRequest(**proposal).full_clean(
        exclude=[
            "organization",
            "previous_name_ko",
            "previous_name_en",
            "requested_by",
            "decided_by",
        ],
        validate_constraints=False,
    )


def _current(organization: Organization) -> dict[str, str]:
    return {name: getattr(organization, name) or "" for name in NAME_FIELDS}


def submit_proposal(
    *, actor: User, organization: Organization, proposal: dict[str, str]
) -> NameChangeRequest | None:
    """Record the proposal; the caller holds the organization's lock and has checked permission.

    Returns the pending request afterwards (None when the proposal is the public name: a pending
    request is then withdrawn).
    """
    pending = pending_for(organization)
    if proposal == _current(organization):
        if pending is not None:
            pending.status = NameChangeStatus.WITHDRAWN
            pending.decided_by = actor
            pending.decided_at = timezone.now()
            pending.save(update_fields=["status", "decided_by", "decided_at"])
            log_action(
                actor=actor,
                action="organizations.name_change_withdrawn",
                target=organization,
                data={"name_change_id": pending.pk, "name": pending.name_ko},
            )
        return None
    if pending is not None and proposal == {name: getattr(pending, name) for name in NAME_FIELDS}:
        return pending
    change = pending or NameChangeRequest(organization=organization)
    for name, value in proposal.items():
        setattr(change, name, value)
    change.previous_name_ko = organization.name_ko or ""
    change.previous_name_en = organization.name_en or ""
    change.requested_by = actor
    change.requested_at = timezone.now()
    change.save()
    log_action(
        actor=actor,
        action="organizations.name_change_requested",
        target=organization,
        data={"name_change_id": change.pk, "name": change.name_ko, "name_en": change.name_en},
    )
    return change


def _decidable(actor: Actor, change_id: int) -> tuple[User, NameChangeRequest]:
    """The reviewer, and the pending request locked with its organization if they may decide."""
    require_signed_in(actor)
    assert isinstance(actor, User)
    if not can_review_name_changes(actor):
        raise PermissionDenied(_("Only city staff and moderators decide on new names."))
    organization_id = (
        NameChangeRequest.objects.filter(pk=change_id)
        .values_list("organization_id", flat=True)
        .first()
    )
    if organization_id is None:
        raise Http404
    organization = lock_pk(Organization, organization_id)
    change = lock_pk(NameChangeRequest, change_id)
    change.organization = organization
    if not can_decide_name_change(actor, change):
        raise PermissionDenied(
            _("You cannot decide on a new name you asked for, or on one of your own organization.")
        )
    if not change.is_pending:
        raise ValidationError(_("This name change has already been decided."), code="decided")
    return actor, change


def _decided(
    change: NameChangeRequest, *, actor: User, status: NameChangeStatus, reason: str = ""
) -> None:
    """Record the decision and tell the requester and the owners (in this transaction)."""
    change.status = status
    change.reason = reason
    change.decided_by = actor
    change.decided_at = timezone.now()
    change.save(update_fields=["status", "reason", "decided_by", "decided_at"])
    notices.tell(
        status,
        users=notices.name_change_recipients(change),
        organization=change.organization,
        name=notices.lazy_text(lambda: change.name),
        previous=notices.lazy_text(lambda: change.previous_name),
        reason=change.reason,
    )


@transaction.atomic(durable=True)
def approve_name_change(*, actor: Actor, change_id: int) -> NameChangeRequest:
    """Publish the new name: the organization, its listing's search entry, an audit entry, and
    the requester and the owners told. Locks the organization's row, then the request's."""
    actor, change = _decidable(actor, change_id)
    organization = change.organization
    previous = _current(organization)
    organization.name_ko = change.name_ko
    organization.name_en = change.name_en
    organization.save()
    _decided(change, actor=actor, status=NameChangeStatus.APPROVED)
    log_action(
        actor=actor,
        action="organizations.renamed",
        target=organization,
        data={
            "name_change_id": change.pk,
            "name": change.name_ko,
            "previous": previous,
            "new": _current(organization),
            "member_id": change.requested_by_id,
        },
    )
    public_facts_changed.send(
        sender=Organization, organization=organization, fields=list(NAME_FIELDS)
    )
    return change


def _clean_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"reason": [_("Please give a reason: the organization will read it.")]}
        )
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError(
            {
                "reason": [
                    _("Keep the reason under %(limit)d characters.") % {"limit": REASON_MAX_LENGTH}
                ]
            }
        )
    return reason


@transaction.atomic(durable=True)
def reject_name_change(*, actor: Actor, change_id: int, reason: str) -> NameChangeRequest:
    """Keep the old name; the requester and the owners are told why. Locks the organization's
    row, then the request's."""
    actor, change = _decidable(actor, change_id)
    reason = _clean_reason(reason)
    _decided(change, actor=actor, status=NameChangeStatus.REJECTED, reason=reason)
    log_action(
        actor=actor,
        action="organizations.name_change_rejected",
        target=change.organization,
        reason=reason,
        data={
            "name_change_id": change.pk,
            "name": change.name_ko,
            "member_id": change.requested_by_id,
        },
    )
    return change
