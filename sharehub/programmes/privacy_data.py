"""A person's part in their organizations' applications, in "download my data", and what
deleting the account does: the applications belong to the organization and stay; only the
person's name leaves them (created by, submitted by, uploaded by)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from .models import Application, ApplicationFile
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
        Application.objects.filter(created_by=user).update(created_by=None)
        Application.objects.filter(submitted_by=user).update(submitted_by=None)
        ApplicationFile.objects.filter(uploaded_by=user).update(uploaded_by=None)
