"""The committee step, one for every matter a committee decides (designation applications,
support-programme applications): check the meeting's numbers against the quorum rule
(`committee.py`) and save the vote with its outcome. The caller locks and checks its matter first
and writes its own audit entry."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from sharehub.accounts.models import User
from sharehub.core.forms import field_error
from sharehub.participation.models import Committee

from . import committee as voting
from .models import CommitteeOutcome, CommitteeVote
from .selectors import committee_seats


def record_vote[V: CommitteeVote](
    vote_model: type[V],
    *,
    committee: Committee,
    recorded_by: User,
    meeting_on: datetime.date,
    members_present: int,
    votes_for: int,
    votes_against: int,
    votes_abstain: int,
    attendees: str = "",
    note: str = "",
    **matter: Any,
) -> V:
    """Validate a meeting's vote and save it as a `vote_model` about `matter` (its foreign key,
    e.g. `application=`). The meeting must have its quorum of the seats (재적위원: the seats the
    city set, or the members whose term ran on the meeting's day); the motion carries with a
    majority of those present. Field errors name the form's fields."""
    # 재적위원: the seats the city set, or the members whose term ran on the meeting's day.
    seats = committee_seats(committee, on=meeting_on)
    if seats < 1:
        raise field_error(
            "members_present",
            _("The committee has no seats set and no current members: set its seats first."),
            code="no_seats",
        )
    errors: dict[str, list[str]] = {}
    if meeting_on > timezone.localdate():
        errors["meeting_on"] = [_("The meeting cannot be in the future.")]
    counts = {
        "members_present": members_present,
        "votes_for": votes_for,
        "votes_against": votes_against,
        "votes_abstain": votes_abstain,
    }
    for field, value in counts.items():
        if value < 0:
            errors[field] = [_("Enter 0 or more.")]
    if members_present > seats:
        errors["members_present"] = [
            _("The committee has %(seats)s members: no more can be present.") % {"seats": seats}
        ]
    elif not voting.has_quorum(seats=seats, present=members_present):
        errors["members_present"] = [
            _(
                "No quorum: at least %(quorum)s of the %(seats)s members must be present for the "
                "committee to decide."
            )
            % {"quorum": voting.quorum(seats), "seats": seats}
        ]
    votes = votes_for + votes_against + votes_abstain
    if votes > members_present:
        errors["votes_for"] = [
            _("%(votes)s votes cannot come from %(present)s members present.")
            % {"votes": votes, "present": members_present}
        ]
    if errors:
        raise ValidationError(errors)
    outcome = (
        CommitteeOutcome.APPROVED
        if voting.carried(present=members_present, votes_for=votes_for)
        else CommitteeOutcome.NOT_APPROVED
    )
    vote = vote_model(
        committee=committee,
        meeting_on=meeting_on,
        seats=seats,
        members_present=members_present,
        attendees=(attendees or "").strip(),
        votes_for=votes_for,
        votes_against=votes_against,
        votes_abstain=votes_abstain,
        outcome=outcome,
        note=(note or "").strip(),
        recorded_by=recorded_by,
        **matter,
    )
    vote.full_clean(exclude=["committee", "recorded_by", *matter])
    vote.save()
    return vote
