"""The support programmes' audit entries in words, for every `programmes.` action that no part
describes itself (the applications' `programmes.application.` and the decisions'
`programmes.decision.` have their own, longer prefixes, which core.audit prefers): the calls'
edits, screening and review, reports and their reminders.

Blind review: what a reviewer did is said without naming them (the review's entries are on the
assignment, and the automatic transition has no actor)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from sharehub.core.models import AuditEntry

PREFIX = "programmes."


def _texts() -> dict[str, str]:
    """Action (without the prefix) → its words, in the reader's language."""
    return {
        # The calls (programmes.call_*).
        "call_create": _("%(actor)s created the call."),
        "call_update": _("%(actor)s edited the call."),
        "call_tracks": _("%(actor)s changed the call's tracks."),
        "call_fields": _("%(actor)s changed the application form's questions."),
        "call_criteria": _("%(actor)s changed the evaluation criteria."),
        "call_document_add": _("%(actor)s added a document to the call."),
        "call_document_delete": _("%(actor)s removed a document from the call."),
        "call_publish": _("%(actor)s published the call."),
        "call_unpublish": _("%(actor)s withdrew the call from publication."),
        # Screening and review.
        "screened_eligible": _("The call's staff found the application eligible."),
        "screened_ineligible": _("The call's staff found the application ineligible."),
        "screening_undone": _("The call's staff withdrew the ineligible finding."),
        "review_started": _("The review started."),
        "reviewer_assigned": _("A reviewer was assigned."),
        "reviewer_removed": _("A reviewer was removed."),
        "no_conflict_declared": _("The reviewer declared no conflict of interest."),
        "conflict_declared": _("The reviewer declared a conflict of interest."),
        "review_submitted": _("A review was submitted."),
        "review_reopened": _("The call's staff reopened a review."),
        "to_committee": _("The application went to the committee."),
        # Reports.
        "report_submitted": _("%(actor)s submitted a report."),
        "report_resubmitted": _("%(actor)s submitted a report again after changes."),
        "report_accepted": _("The call's staff accepted the report."),
        "report_changes_requested": _("The call's staff asked for changes to the report."),
        "report_reminded_due_soon": _("A reminder was sent: the report is due soon."),
        "report_reminded_overdue": _("A reminder was sent: the report is overdue."),
    }


def describe(entry: AuditEntry) -> str:
    """The entry in words; an action unknown here (a newer one) is shown as it is stored."""
    text = _texts().get(entry.action.removeprefix(PREFIX))
    if text is None:
        return entry.action
    if entry.action == PREFIX + "to_committee" and (entry.data or {}).get("automatic"):
        return _("Every review was in: the application went to the committee.")
    actor = entry.actor.public_name if entry.actor else _("Someone")
    return text % {"actor": actor} if "%(actor)s" in text else text
