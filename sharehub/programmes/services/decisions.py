"""Support programmes: the decisions part's services (lock order: services/__init__.py).

- `record_committee_vote`: the committee's vote on an application before it, with designation's
  committee step (`designation.committee_votes.record_vote`); several meetings may vote, the
  latest counts; `record_committee_votes` records one meeting's votes on several applications.
- `decide`: the call's staff award (an amount within the cap and the budget left, after the
  committee's approving vote), waitlist or reject (with reasons). The budget is counted on the
  call's row, locked first, and moved by an F() update the database checks
  (`programmes_awards_within_budget`), so concurrent awards never pass the budget.
- `reduce_award`: lower an award's amount (the difference goes back to the call's budget).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sharehub.accounts.models import User
from sharehub.core.actors import Actor
from sharehub.core.audit import log_action
from sharehub.core.forms import field_error
from sharehub.core.locking import lock_pk
from sharehub.designation.committee_votes import record_vote
from sharehub.designation.models import CommitteeOutcome
from sharehub.designation.selectors import the_committee
from sharehub.participation.models import Committee
from sharehub.programmes import notices
from sharehub.programmes.models import (
    REASON_LIMIT,
    Application,
    ApplicationStatus,
    Award,
    Call,
    CommitteeDecision,
)
from sharehub.programmes.services import invalid_transition, lock_application, require_call_staff
from sharehub.programmes.services.reports import create_reports_for

ACTION = "programmes.decision."

# The outcomes staff decide, and the statuses each may follow (a waitlisted application may still
# be awarded, when money frees up or the budget grows, or finally rejected).
OUTCOMES = (ApplicationStatus.AWARDED, ApplicationStatus.WAITLISTED, ApplicationStatus.REJECTED)
DECIDABLE_FROM = {
    ApplicationStatus.AWARDED: (ApplicationStatus.COMMITTEE, ApplicationStatus.WAITLISTED),
    ApplicationStatus.WAITLISTED: (ApplicationStatus.COMMITTEE,),
    ApplicationStatus.REJECTED: (ApplicationStatus.COMMITTEE, ApplicationStatus.WAITLISTED),
}

# What the applicant is told (each member in their own language: notices.tell_applicant).
AWARDED_TITLE = gettext_lazy("Your application “%(title)s” was selected for support")
AWARDED_BODY = gettext_lazy("The call “%(call)s” awards your project %(amount)s won.")
AWARDED_BODY_REASON = gettext_lazy(
    "The call “%(call)s” awards your project %(amount)s won. Reasons: %(reason)s"
)
WAITLISTED_TITLE = gettext_lazy("Your application “%(title)s” is on the waitlist")
WAITLISTED_BODY = gettext_lazy(
    "Your application to the call “%(call)s” is on the waitlist: it may be awarded later if "
    "budget becomes available. Reasons: %(reason)s"
)
REJECTED_TITLE = gettext_lazy("Your application “%(title)s” was not selected")
REJECTED_BODY = gettext_lazy(
    "Your application to the call “%(call)s” was not selected. Reasons: %(reason)s"
)
REDUCED_TITLE = gettext_lazy("The award for “%(title)s” was changed")
REDUCED_BODY = gettext_lazy(
    "The amount awarded to your project in the call “%(call)s” is now %(amount)s won. "
    "Reasons: %(reason)s"
)


def won(amount: int) -> str:
    """An amount as people read it (12,000,000): Korean and English both group by thousands."""
    return f"{amount:,}"


def committee_of(call: Call) -> Committee | None:
    """The committee that votes on a call's applications: the call's own, else designation's
    (the 공유촉진위원회)."""
    if call.committee_id is not None:
        return call.committee
    return the_committee()


def latest_vote(application: Application) -> CommitteeDecision | None:
    """The vote that counts: the latest meeting's (the latest recorded on one day)."""
    return application.committee_decisions.order_by("-meeting_on", "-pk").first()


def cap_for(application: Application, call: Call) -> int:
    """The cap in force for an application: its track's, else the call's (`Track.cap`, read
    against the locked call)."""
    return application.track.award_cap or call.award_cap


def _reason(reason: str | None, *, required: bool) -> str:
    reason = (reason or "").strip()
    if required and not reason:
        raise field_error(
            "reason", _("Please give the reasons for this decision."), code="required"
        )
    if len(reason) > REASON_LIMIT:
        raise field_error(
            "reason",
            _("At most %(limit)s characters.") % {"limit": won(REASON_LIMIT)},
            code="max_length",
        )
    return reason


def over_budget(left: int) -> ValidationError:
    return field_error(
        "amount",
        _("This is over the call's budget: %(left)s won is left.") % {"left": won(left)},
        code="over_budget",
    )


def over_cap(cap: int) -> ValidationError:
    return field_error(
        "amount",
        _("An award of this track is at most %(cap)s won.") % {"cap": won(cap)},
        code="over_cap",
    )


@dataclass(frozen=True)
class Vote:
    """One application's votes at a meeting (`record_committee_votes`)."""

    application: Application
    members_present: int
    votes_for: int
    votes_against: int
    votes_abstain: int
    note: str = ""


def _record_vote(
    *,
    actor: Actor,
    application: Application,
    meeting_on: datetime.date,
    members_present: int,
    votes_for: int,
    votes_against: int,
    votes_abstain: int,
    attendees: str,
    note: str,
) -> CommitteeDecision:
    """The shared body: lock the call and the application, check, record, audit (inside the
    caller's transaction)."""
    call, application = lock_application(application)
    user = require_call_staff(actor, call)
    if application.status != ApplicationStatus.COMMITTEE:
        raise invalid_transition(application, "committee")
    committee = committee_of(call)
    if committee is None:
        raise field_error(
            "members_present",
            _("No committee votes on this call: choose the call's committee first."),
            code="no_committee",
        )
    vote = record_vote(
        CommitteeDecision,
        committee=committee,
        recorded_by=user,
        meeting_on=meeting_on,
        members_present=members_present,
        votes_for=votes_for,
        votes_against=votes_against,
        votes_abstain=votes_abstain,
        attendees=attendees,
        note=note,
        application=application,
    )
    log_action(
        actor=user,
        action=ACTION + "committee_vote",
        target=application,
        data={
            "meeting_on": meeting_on.isoformat(),
            "vote_id": vote.pk,
            "outcome": vote.outcome,
        },
    )
    return vote


def record_committee_vote(
    *,
    actor: Actor,
    application: Application,
    meeting_on: datetime.date,
    members_present: int,
    votes_for: int,
    votes_against: int,
    votes_abstain: int,
    attendees: str = "",
    note: str = "",
) -> CommitteeDecision:
    """The committee's vote on an application before it (status `committee`), by the call's
    staff. The meeting must have its quorum; the motion to award carries with a majority of those
    present. Another meeting may vote again: the latest vote counts. The applicant is not told
    (votes and names stay with the city; they learn the decision). Locks the call, then the
    application."""
    with transaction.atomic(durable=True):
        return _record_vote(
            actor=actor,
            application=application,
            meeting_on=meeting_on,
            members_present=members_present,
            votes_for=votes_for,
            votes_against=votes_against,
            votes_abstain=votes_abstain,
            attendees=attendees,
            note=note,
        )


def record_committee_votes(
    *,
    actor: Actor,
    call: Call,
    meeting_on: datetime.date,
    attendees: str = "",
    votes: list[Vote],
) -> list[CommitteeDecision]:
    """One meeting's votes on several applications of one call, all or nothing: an error on any
    is raised with the application's receipt number or title, and nothing is recorded."""
    if not votes:
        raise field_error("votes", _("Record at least one application's votes."), code="required")
    with transaction.atomic(durable=True):
        recorded: list[CommitteeDecision] = []
        for vote in sorted(votes, key=lambda v: v.application.pk):
            if vote.application.call_id != call.pk:
                raise field_error("votes", _("Every application must be of this call."))
            try:
                recorded.append(
                    _record_vote(
                        actor=actor,
                        application=vote.application,
                        meeting_on=meeting_on,
                        members_present=vote.members_present,
                        votes_for=vote.votes_for,
                        votes_against=vote.votes_against,
                        votes_abstain=vote.votes_abstain,
                        attendees=attendees,
                        note=vote.note,
                    )
                )
            except ValidationError as error:
                name = vote.application.receipt_number or vote.application.title
                by_field = (
                    error.message_dict
                    if hasattr(error, "error_dict")
                    else {"__all__": error.messages}
                )
                raise ValidationError(
                    {
                        field: [f"{name}: {message}" for message in messages]
                        for field, messages in by_field.items()
                    }
                ) from error
        return recorded


def _award(
    user: User, call: Call, application: Application, amount: int | None, now: datetime.datetime
) -> Award:
    """Check the amount against the cap and the budget left of the locked call, move the call's
    total (the database refuses a total over the budget) and write the award and its reports."""
    if amount is None:
        raise field_error("amount", _("Enter the amount awarded."), code="required")
    if amount < 1:
        raise field_error("amount", _("Enter an amount of at least 1 won."), code="min_value")
    latest = latest_vote(application)
    if latest is None or latest.outcome != CommitteeOutcome.APPROVED:
        raise field_error(
            "outcome",
            _("The committee's latest vote must approve the application before it is awarded."),
            code="not_approved",
        )
    cap = cap_for(application, call)
    if amount > cap:
        raise over_cap(cap)
    if amount > call.budget_left:
        raise over_budget(call.budget_left)
    try:
        with transaction.atomic():  # a savepoint: the constraint's refusal is a field error
            Call.objects.filter(pk=call.pk).update(awarded_total=F("awarded_total") + amount)
    except IntegrityError as error:
        raise over_budget(call.budget_left) from error
    call.awarded_total += amount
    award = Award.objects.create(
        application=application,
        call=call,
        amount=amount,
        cap=cap,
        awarded_on=timezone.localdate(now),
        identifier=Award.new_identifier(),
        decided_by=user,
        created_at=now,
    )
    create_reports_for(award)
    return award


def decide(
    *,
    actor: Actor,
    application: Application,
    outcome: str,
    amount: int | None = None,
    reason: str = "",
) -> Application:
    """The call's staff decide on an application before the committee: award it an amount
    (after the committee's latest vote approved it; within the cap of its track and the budget
    left), put it on the waitlist or reject it, with reasons (required unless awarded). A
    waitlisted application may later be awarded or rejected; no other decision is taken twice.
    The applicant's members are told, with the amount or the reasons. Locks the call, then the
    application."""
    if outcome not in OUTCOMES:
        raise field_error("outcome", _("Choose award, waitlist or reject."), code="invalid_choice")
    reason = _reason(reason, required=outcome != ApplicationStatus.AWARDED)
    now = timezone.now()
    with transaction.atomic(durable=True):
        call, application = lock_application(application)
        user = require_call_staff(actor, call)
        if application.status not in DECIDABLE_FROM[ApplicationStatus(outcome)]:
            raise invalid_transition(application, "decide")
        award = None
        if outcome == ApplicationStatus.AWARDED:
            award = _award(user, call, application, amount, now)
        application.status = outcome
        application.decided_at, application.decided_by = now, user
        application.decision_reason = reason
        application.save(update_fields=["status", "decided_at", "decided_by", "decision_reason"])
        application.call = call
        data: dict = {"outcome": outcome}
        if award is not None:
            data |= {"amount": award.amount, "award_id": award.pk}
        log_action(
            actor=user, action=ACTION + str(outcome), target=application, reason=reason, data=data
        )
        if award is not None:
            notices.tell_applicant(
                application,
                title=AWARDED_TITLE,
                body=AWARDED_BODY_REASON if reason else AWARDED_BODY,
                amount=won(award.amount),
                reason=reason,
            )
        else:
            waitlisted = outcome == ApplicationStatus.WAITLISTED
            notices.tell_applicant(
                application,
                title=WAITLISTED_TITLE if waitlisted else REJECTED_TITLE,
                body=WAITLISTED_BODY if waitlisted else REJECTED_BODY,
                reason=reason,
            )
    return application


def reduce_award(*, actor: Actor, award: Award, amount: int, reason: str) -> Award:
    """Lower an award (the project shrank, or was partly given up), with reasons: the difference
    returns to the call's budget. Raising an award is a new decision the budget must allow, so it
    is refused here. Locks the call, then the application, then the award."""
    reason = _reason(reason, required=True)
    with transaction.atomic(durable=True):
        call, application = lock_application(award.application)
        user = require_call_staff(actor, call)
        award = lock_pk(Award, award.pk)
        if amount < 1:
            raise field_error("amount", _("Enter an amount of at least 1 won."), code="min_value")
        if amount >= award.amount:
            raise field_error(
                "amount",
                _("Enter less than the amount awarded now (%(amount)s won).")
                % {"amount": won(award.amount)},
                code="not_lower",
            )
        before = award.amount
        Call.objects.filter(pk=call.pk).update(awarded_total=F("awarded_total") - (before - amount))
        call.awarded_total -= before - amount
        award.amount = amount
        award.save(update_fields=["amount"])
        application.call = call
        log_action(
            actor=user,
            action=ACTION + "award_reduced",
            target=application,
            reason=reason,
            data={"from": before, "amount": amount, "award_id": award.pk},
        )
        notices.tell_applicant(
            application, title=REDUCED_TITLE, body=REDUCED_BODY, amount=won(amount), reason=reason
        )
    return award
