"""Moderation's part of the privacy registry.

Reports a person made are kept after erasure (moderators still need the reason and the outcome)
but lose their reporter and the free text of their details, which often says who wrote it.
"""

from __future__ import annotations

from typing import Any

from .models import Report
from .selectors import reports_made_by


def export_moderation(user) -> dict[str, Any]:
    return {
        "reports": [
            {
                "content_type": ".".join(report.content_type.natural_key()),
                "object_id": report.object_id,
                "reason": report.reason,
                "details": report.details,
                "created_at": report.created_at.isoformat(),
                "resolved_at": report.resolved_at.isoformat() if report.resolved_at else None,
                "resolution": report.resolution,
            }
            for report in reports_made_by(user=user)
        ]
    }


def erase_moderation(user) -> None:
    Report.objects.filter(reporter=user).update(reporter=None, details="")
