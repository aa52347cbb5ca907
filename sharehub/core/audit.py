"""The audit log: every decision records who, when, why, and on which object."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from .models import AuditEntry


def log_action(
    *, actor: Any, action: str, target: models.Model, reason: str = "", data: dict | None = None
) -> AuditEntry:
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        content_type=ContentType.objects.get_for_model(target),
        object_id=str(target.pk),
        reason=reason,
        data=data or {},
    )


def history_for(target: models.Model) -> models.QuerySet[AuditEntry]:
    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(target), object_id=str(target.pk)
    ).select_related("actor")


# Apps describe their own audit actions in words; others (an organization's history shows
# designation steps, for example) ask here instead of importing each other.
_describers: dict[str, Callable[[AuditEntry], str]] = {}


def register_describer(prefix: str, describe: Callable[[AuditEntry], str]) -> None:
    _describers[prefix] = describe


def describe(entry: AuditEntry) -> str:
    """The entry in words, by the describer of the longest prefix its action starts with (an
    app's part may describe its own actions: "programmes.decision." before "programmes.")."""
    matching = [prefix for prefix in _describers if entry.action.startswith(prefix)]
    if not matching:
        return entry.action
    return _describers[max(matching, key=len)](entry)
