"""A person's part in their organizations' applications, in "download my data", and what
deleting the account does: the applications belong to the organization and stay; the person's
name leaves them (created by, submitted by, uploaded by), and any mention of the person (their
e-mail, name or addresses, `core.privacy.identifiers_of`) is scrubbed from every text of the
programmes: answers, reasons, reports, reviews and the committee's minutes."""

from __future__ import annotations

from typing import Any

from django.db import models, transaction

from sharehub.core import privacy

from .models import (
    Application,
    ApplicationFile,
    CommitteeDecision,
    Report,
    ReviewAssignment,
    ReviewScore,
)
from .selectors.applications import applications_for_export


def export_applications(user: Any) -> list[dict]:
    """The applications the person started or submitted, with their answers and file names."""
    return [
        {
            "id": application.pk,
            "call": application.call.slug,
            "track": application.track.name,
            "organization": application.organization.slug,
            "title": application.title,
            "requested_amount": application.requested_amount,
            "answers": application.answers,
            "files": [
                {"key": f.key, "name": f.original_name, "size": f.size}
                for f in application.files.all()
            ],
            "status": application.status,
            "receipt_number": application.receipt_number,
            "started_by_you": application.created_by_id == user.pk,
            "submitted_by_you": application.submitted_by_id == user.pk,
            "created_at": application.created_at.isoformat(),
            "submitted_at": application.submitted_at.isoformat()
            if application.submitted_at
            else None,
        }
        for application in applications_for_export(user)
    ]


def erase_applications(user: Any) -> None:
    with transaction.atomic():
        scrub_mentions(user)
        Application.objects.filter(created_by=user).update(created_by=None)
        Application.objects.filter(submitted_by=user).update(submitted_by=None)
        ApplicationFile.objects.filter(uploaded_by=user).update(uploaded_by=None)


# The programmes' free texts, where anyone may have written a person's e-mail or name.
TEXTS: list[tuple[type[models.Model], tuple[str, ...]]] = [
    (Application, ("title", "answers", "screening_reason", "decision_reason")),
    (Report, ("body", "review_note")),
    (ReviewAssignment, ("comment", "conflict_note")),
    (ReviewScore, ("comment",)),
    (CommitteeDecision, ("attendees", "note")),
]


def scrub_mentions(user: Any) -> None:
    identifiers = privacy.identifiers_of(user)
    for model, fields in TEXTS:
        for row in model._default_manager.filter(privacy.mentions(identifiers, *fields)):
            for field in fields:
                setattr(row, field, privacy.scrub(getattr(row, field), identifiers))
            row.save(update_fields=list(fields))
