"""The organization's history in words, for its members page."""

from __future__ import annotations

from django.utils.translation import gettext as _

from sharehub.accounts.models import User
from sharehub.core.audit import describe as describe_elsewhere
from sharehub.core.models import AuditEntry

from .models import MemberRole


def _role(value: str | None) -> str:
    return str(MemberRole(value).label) if value in MemberRole.values else ""


def describe(entry: AuditEntry, *, member: User | None = None, show_emails: bool) -> str:
    """One sentence per entry. Invited addresses are shown only to those who manage members."""
    data = entry.data or {}
    values = {
        "actor": entry.actor.public_name if entry.actor else _("Someone"),
        "member": member.public_name if member is not None else _("a former member"),
        "role": _role(data.get("to") or data.get("role")),
        "email": data.get("email") or "",
        "reason": entry.reason,
        "name": data.get("name") or "",
    }
    action = entry.action
    if action == "organizations.created":
        return _("%(actor)s created the organization.") % values
    if action == "organizations.updated":
        return _("%(actor)s edited the organization's details.") % values
    if action == "organizations.invited":
        if show_emails and values["email"]:
            return _("%(actor)s invited %(email)s as %(role)s.") % values
        return _("%(actor)s sent an invitation (%(role)s).") % values
    if action == "organizations.invitation_revoked":
        if show_emails and values["email"]:
            return _("%(actor)s withdrew the invitation to %(email)s.") % values
        return _("%(actor)s withdrew an invitation.") % values
    if action == "organizations.accepted":
        return _("%(member)s accepted an invitation and joined as %(role)s.") % values
    if action == "organizations.left":
        return _("%(member)s left the organization.") % values
    if action == "organizations.member_removed":
        return _("%(actor)s removed %(member)s.") % values
    if action == "organizations.role_changed":
        return _("%(actor)s made %(member)s %(role)s.") % values
    if action == "organizations.ownership_transferred":
        return _("%(actor)s handed ownership over to %(member)s.") % values
    if action == "organizations.name_change_requested":
        return _("%(actor)s asked to rename the organization “%(name)s”.") % values
    if action == "organizations.name_change_withdrawn":
        return _("%(actor)s withdrew the new name “%(name)s”.") % values
    # Like moderation decisions, a reviewer's decision is not signed with their name.
    if action == "organizations.renamed":
        return _("The new name “%(name)s” was approved and is now public.") % values
    if action == "organizations.name_change_rejected":
        return _("The new name “%(name)s” was not approved. Reason: %(reason)s") % values
    if action == "organizations.owner_promoted":
        return (
            _("%(member)s became an owner because the last owner deleted their account.") % values
        )
    if action == "moderation.published":
        return _("A moderator published the organization.")
    if action == "moderation.rejected":
        return _("A moderator did not accept the organization. Reason: %(reason)s") % values
    if action == "moderation.hidden":
        return _("A moderator hid the organization. Reason: %(reason)s") % values
    if action == "moderation.restored":
        return _("A moderator made the organization visible again.")
    if action == "moderation.resubmitted":
        return _("%(actor)s sent the organization for review again.") % values
    return describe_elsewhere(entry)
