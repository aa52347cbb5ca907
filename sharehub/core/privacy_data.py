"""The audit log's part of the privacy registry (core.privacy).

The export lists what the person did (entries they caused) and what was decided about their
account. On erasure the entries stay, since they are the record of decisions, and their actor is
the anonymised account; any copy of the person's e-mail, name or IP address in an entry's reason
or data is replaced.
"""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType

from . import privacy
from .audit import describe
from .models import AuditEntry


def _entry(entry: AuditEntry) -> dict[str, Any]:
    return {
        "action": entry.action,
        "description": str(describe(entry)),
        "object": ".".join(entry.content_type.natural_key()),
        "object_id": entry.object_id,
        "reason": entry.reason,
        "data": entry.data,
        "at": entry.created_at.isoformat(),
    }


def export_audit(user: Any) -> dict[str, list[dict[str, Any]]]:
    account = ContentType.objects.get_for_model(user)
    entries = AuditEntry.objects.select_related("content_type").order_by("created_at", "pk")
    return {
        "caused_by_you": [_entry(e) for e in entries.filter(actor=user)],
        "about_your_account": [
            _entry(e) for e in entries.filter(content_type=account, object_id=str(user.pk))
        ],
    }


def erase_audit(user: Any) -> None:
    identifiers = privacy.identifiers_of(user)
    for entry in AuditEntry.objects.filter(
        privacy.mentions(identifiers, "reason", "data")
    ).iterator():
        entry.reason = privacy.scrub(entry.reason, identifiers)
        entry.data = privacy.scrub(entry.data, identifiers)
        entry.save(update_fields=["reason", "data"])
