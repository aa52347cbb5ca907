"""The synonym dictionary's audit entries in words."""

from __future__ import annotations

from django.utils.translation import gettext as _

from sharehub.core.models import AuditEntry


def describe(entry: AuditEntry) -> str:
    data = entry.data or {}
    values = {
        "actor": entry.actor.public_name if entry.actor else _("Someone"),
        "words": " · ".join(str(w) for w in data.get("words") or []),
    }
    if entry.action == "search.synonyms_created":
        return _("%(actor)s added the synonyms %(words)s.") % values
    if entry.action == "search.synonyms_updated":
        return _("%(actor)s changed the synonyms to %(words)s.") % values
    if entry.action == "search.synonyms_deleted":
        return _("%(actor)s removed the synonyms %(words)s.") % values
    return entry.action
