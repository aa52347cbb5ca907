"""The designation steps: recorded once on the object and on its organization (`record`), and
in words for the application's, the designation's and (through `describe`) the organization's
history."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from sharehub.core.actors import Actor
from sharehub.core.audit import log_action
from sharehub.core.models import AuditEntry

from .models import Application, Designation, ReviewStage


def record(
    *,
    actor: Actor,
    action: str,
    target: Application | Designation,
    reason: str = "",
    data: dict[str, Any] | None = None,
) -> None:
    """The same audit entry on the object and on its organization (the listing's history),
    written inside the step's transaction."""
    data = dict(data or {})
    if isinstance(target, Designation):
        # Its own history names it too ("No. 2026-0001", never "No. ").
        data.setdefault("number", target.number)
    log_action(actor=actor, action=f"designation.{action}", target=target, reason=reason, data=data)
    if isinstance(target, Application):
        data.setdefault("application_id", target.pk)
    else:
        data.setdefault("designation_id", target.pk)
    log_action(
        actor=actor,
        action=f"designation.{action}",
        target=target.organization,
        reason=reason,
        data=data,
    )


def _stage_names() -> dict[str, str]:
    """Stage code → its name in the reader's language (a handful of rows)."""
    return {stage.code: stage.name for stage in ReviewStage.objects.all()}


def describe(entry: AuditEntry, stage_names: dict[str, str] | None = None) -> str:
    data = entry.data or {}
    stage = data.get("stage") or ""
    if entry.action == "designation.stage_advanced" and data.get("to"):
        # The entry keeps the stage's code; its name is read in the reader's language (the name
        # saved with the entry is the writer's, kept only for a stage deleted since).
        if stage_names is None:
            stage_names = _stage_names()
        stage = stage_names.get(data["to"], stage)
    values = {
        "actor": entry.actor.public_name if entry.actor else _("Someone"),
        # A renewal's entry is on the old designation: it names the new one.
        "number": data.get("renewed_by") or data.get("number") or "",
        "document": data.get("document") or "",
        "receipt": data.get("receipt_number") or "",
        "stage": stage,
        "year": data.get("year") or "",
    }
    texts = {
        "designation.application_created": _("%(actor)s started an application for designation."),
        "designation.application_updated": _("%(actor)s edited the application."),
        "designation.document_added": _("%(actor)s attached “%(document)s”."),
        "designation.document_removed": _("%(actor)s removed “%(document)s”."),
        "designation.submitted": _(
            "%(actor)s submitted the application (receipt No. %(receipt)s)."
        ),
        "designation.resubmitted": _("%(actor)s sent the application again after changes."),
        "designation.review_started": _("City staff started the review."),
        "designation.stage_advanced": _("The review moved to the stage: %(stage)s."),
        "designation.scored": _("City staff updated the score sheet."),
        "designation.committee_decided": _("The committee deliberated on the application."),
        "designation.settings_changed": _("City staff changed the review settings."),
        "designation.report_submitted": _("%(actor)s sent the activity report for year %(year)s."),
        "designation.report_resubmitted": _(
            "%(actor)s sent the activity report for year %(year)s again."
        ),
        "designation.report_accepted": _(
            "City staff accepted the activity report for year %(year)s."
        ),
        "designation.report_changes_requested": _(
            "City staff asked for changes to the activity report for year %(year)s."
        ),
        "designation.checklist": _("City staff updated the checklist."),
        "designation.commented": _("%(actor)s commented."),
        "designation.changes_requested": _("City staff asked for changes."),
        "designation.rejected": _("City staff rejected the application."),
        "designation.approved": _("City staff approved the application (No. %(number)s)."),
        "designation.designated": _("The city designated the organization (No. %(number)s)."),
        "designation.renewed": _("The designation was renewed by No. %(number)s."),
        "designation.suspended": _("City staff suspended the designation."),
        "designation.reinstated": _("City staff reinstated the designation."),
        "designation.revoked": _("City staff revoked the designation."),
        "designation.expired": _("The designation expired."),
        "designation.reminded": _(
            "The organization was reminded that the designation expires soon."
        ),
    }
    if entry.action == "designation.submitted" and not values["receipt"]:
        texts[entry.action] = _("%(actor)s submitted the application.")  # before receipt numbers
    text = texts.get(entry.action)
    return text % values if text else entry.action


def described(entries: list[AuditEntry]) -> list[tuple[AuditEntry, str]]:
    stage_names = (
        _stage_names()
        if any(entry.action == "designation.stage_advanced" for entry in entries)
        else {}
    )
    return [(entry, describe(entry, stage_names)) for entry in entries]
