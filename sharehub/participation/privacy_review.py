"""The committee review in a person's data: "download my data" holds the private notes they
wrote (their own words; never another member's notes, never a draft), and the proposals they
report on. On erasure their notes stay with the committee without an author (the foreign key's
SET_NULL, done here explicitly), with any mention of them scrubbed; rapporteur and drafter
become empty the same way."""

from __future__ import annotations

from typing import Any

from sharehub.core import privacy

from .models import CommitteeNote, Recommendation, Review


def export_review(user: Any) -> dict:
    return {
        "committee_notes": [
            {
                "committee": note.committee.slug,
                "proposal": note.proposal_id,
                "text": note.text,
                "created_at": note.created_at.isoformat(),
            }
            for note in CommitteeNote.objects.filter(author=user)
            .select_related("committee")
            .order_by("created_at", "pk")
        ],
        "rapporteur_of": [
            {"proposal": review.proposal_id, "since": review.started_at.isoformat()}
            for review in Review.objects.filter(rapporteur=user).order_by("started_at", "pk")
        ],
    }


def erase_review(user: Any) -> None:
    identifiers = privacy.identifiers_of(user)
    for note in CommitteeNote.objects.filter(privacy.mentions(identifiers, "text")):
        note.text = privacy.scrub(note.text, identifiers)
        note.save(update_fields=["text"])
    CommitteeNote.objects.filter(author=user).update(author=None)
    Review.objects.filter(rapporteur=user).update(rapporteur=None)
    Recommendation.objects.filter(created_by=user).update(created_by=None)
