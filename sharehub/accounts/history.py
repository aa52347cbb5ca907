"""accounts' audit actions in words (core.audit.register_describer)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from sharehub.core.models import AuditEntry

from .services import StaffRole


def describe(entry: AuditEntry) -> str:
    role = entry.data.get("role", "")
    label = StaffRole(role).label if role in StaffRole.values else role
    if entry.action == "accounts.role_granted":
        return _("Role given: %(role)s") % {"role": label}
    if entry.action == "accounts.role_removed":
        return _("Role removed: %(role)s") % {"role": label}
    if entry.action == "accounts.two_factor_reset":
        return _("Two-factor authentication reset")
    return entry.action
