"""The designation part of a person's data export and account deletion (core.privacy).

Applications and annual reports belong to the organization, not to the person: on deletion they
stay, with the person's name removed; comments stay too (they are part of a public decision's
record), with their author anonymised, and so do the staff's scores and committee records.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from .models import (
    AnnualReport,
    Application,
    ApplicationDocument,
    CommitteeDecision,
    ReviewComment,
    Score,
)


def export_designation(user: Any) -> dict[str, Any]:
    applications = Application.objects.filter(created_by=user) | Application.objects.filter(
        submitted_by=user
    )
    return {
        "applications": [
            {
                "organization": a.organization.slug,
                "kind": a.kind,
                "status": a.status,
                "activities": a.activities,
                "plan": a.plan,
                "created_at": a.created_at.isoformat(),
                "submitted_at": a.submitted_at.isoformat() if a.submitted_at else None,
            }
            for a in applications.distinct().select_related("organization").order_by("created_at")
        ],
        "comments": [
            {
                "application": c.application_id,
                "body": c.body,
                "internal": c.internal,
                "created_at": c.created_at.isoformat(),
            }
            for c in ReviewComment.objects.filter(author=user).order_by("created_at")
        ],
        "annual_reports": [
            {
                "designation": r.designation.number,
                "year": r.year,
                "summary": r.summary,
                "submitted_at": r.submitted_at.isoformat() if r.submitted_at else None,
            }
            for r in AnnualReport.objects.filter(submitted_by=user)
            .select_related("designation")
            .order_by("submitted_at")
        ],
    }


@transaction.atomic
def erase_designation(user: Any) -> None:
    ReviewComment.objects.filter(author=user).update(author=None)
    Application.objects.filter(created_by=user).update(created_by=None)
    Application.objects.filter(submitted_by=user).update(submitted_by=None)
    Application.objects.filter(reviewer=user).update(reviewer=None)
    ApplicationDocument.objects.filter(uploaded_by=user).update(uploaded_by=None)
    AnnualReport.objects.filter(submitted_by=user).update(submitted_by=None)
    AnnualReport.objects.filter(reviewed_by=user).update(reviewed_by=None)
    Score.objects.filter(scored_by=user).update(scored_by=None)
    CommitteeDecision.objects.filter(recorded_by=user).update(recorded_by=None)
