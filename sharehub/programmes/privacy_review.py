"""A reviewer's reviews in "download my data", and what deleting the account does to them.

Export: each assignment with its conflict declaration, scores and comments. Erase: the
assignment's reviewer becomes empty (the model's SET_NULL, done here explicitly so the erasure
does not depend on the order of the deletion); the scores, comments and conflict statement stay
with the application, as the record of the review the decision rests on, no longer linked to the
person. Text the reviewer wrote is kept as it is: it is about the application, not about them."""

from __future__ import annotations

from typing import Any

from .models import ReviewAssignment


def export_reviews(user: Any) -> list[dict]:
    rows = []
    assignments = (
        ReviewAssignment.objects.filter(reviewer=user)
        .select_related("application__call", "application__organization")
        .prefetch_related("scores__criterion")
        .order_by("pk")
    )
    for assignment in assignments:
        application = assignment.application
        rows.append(
            {
                "call": application.call.slug,
                "application": application.title,
                "organization": application.organization.name,
                "assigned_at": assignment.assigned_at.isoformat(),
                "conflict": assignment.conflict,
                "conflict_statement": assignment.conflict_note,
                "declared_at": assignment.declared_at.isoformat()
                if assignment.declared_at
                else None,
                "comment": assignment.comment,
                "submitted_at": assignment.submitted_at.isoformat()
                if assignment.submitted_at
                else None,
                "scores": [
                    {
                        "criterion": score.criterion.name_ko,
                        "score": score.score,
                        "comment": score.comment,
                    }
                    for score in sorted(
                        assignment.scores.all(), key=lambda s: (s.criterion.order, s.criterion_id)
                    )
                ],
            }
        )
    return rows


def erase_reviews(user: Any) -> None:
    ReviewAssignment.objects.filter(reviewer=user).update(reviewer=None)
