"""A person's suspensions and appeals in "download my data", and what deleting the account does
to them: they are deleted (a suspension concerns only its person; the no-show marks on the
bookings stay, anonymous, in the space's operating results)."""

from __future__ import annotations

from typing import Any

from .models import Penalty


def export_penalties(user: Any) -> list[dict]:
    rows = []
    for penalty in (
        Penalty.objects.filter(user=user).select_related("space", "appeal").order_by("pk")
    ):
        appeal = getattr(penalty, "appeal", None)
        rows.append(
            {
                "space": penalty.space.slug if penalty.space else None,
                "kind": penalty.kind,
                "reason": penalty.reason,
                "starts_at": penalty.starts_at.isoformat(),
                "ends_at": penalty.ends_at.isoformat(),
                "lifted_at": penalty.lifted_at.isoformat() if penalty.lifted_at else None,
                "appeal": {
                    "text": appeal.text,
                    "status": appeal.status,
                    "appealed_at": appeal.created_at.isoformat(),
                    "decided_at": appeal.decided_at.isoformat() if appeal.decided_at else None,
                    "answer": appeal.answer,
                }
                if appeal is not None
                else None,
            }
        )
    return rows


def erase_penalties(user: Any) -> None:
    # Appeals go with their penalty (on_delete=CASCADE).
    Penalty.objects.filter(user=user).delete()
