"""The committee review (DESIGN §3, §4): a rapporteur for each proposal on a committee's agenda,
the members' private notes, draft recommendations with one decision per proposal they answer, and
their publication.

Who may do what (`participation.permissions`): any current member of the committee writes notes,
drafts recommendations and their decisions; its chair or secretary assigns rapporteurs and
publishes. Nobody else, whatever their role in the hub (city staff and moderators included): the
notes and drafts are the committee's private workspace.

Publishing locks the recommendation and every proposal it answers (`core.locking.lock_objects`,
one fixed order), checks each is still this committee's to decide and has not been decided by an
other published recommendation, moves it to `recommended` or `not_recommended`, and tells its
author and followers. The city then owes an answer within `CITY_ANSWER_DAYS` days of publication
(`Recommendation.answer_due`).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any, TypedDict, Unpack

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sharehub.accounts.models import User
from sharehub.accounts.roles import signed_in_user
from sharehub.core.actors import Actor
from sharehub.core.audit import log_action
from sharehub.core.changes import apply_changes
from sharehub.core.forms import field_error
from sharehub.core.locking import lock, lock_objects
from sharehub.core.sanitize import check_rich_text, clean_html
from sharehub.participation import notices
from sharehub.participation.models import (
    Committee,
    CommitteeNote,
    Proposal,
    ProposalState,
    Recommendation,
    RecommendationItem,
    RecommendationState,
    Review,
    Verdict,
)
from sharehub.participation.permissions import is_committee_member
from sharehub.participation.search_index import reindex_proposal
from sharehub.participation.selectors.review import REVIEWABLE_STATES, can_lead_committee
from sharehub.search.services import index_object

from . import ACTION, _is_blank

# The city's deadline to answer a published recommendation, in days from its publication (the
# Seoul ordinance on citizens' proposals gives the city three months to answer a committee).
CITY_ANSWER_DAYS = 90
NOTE_MAX = 4000

REVIEW_KIND = "participation.review"
DECISION_TITLE = gettext_lazy("The committee decided on the proposal %(proposal)s")
DECISION_BODY = gettext_lazy(
    "%(committee)s: %(verdict)s. Its recommendation “%(recommendation)s” gives the reasons; "
    "the city is to answer it."
)


def _lazy_name(obj: Any) -> Any:
    """A translated name, read when `notify` formats the text in the recipient's language."""
    return lazy(lambda: str(obj), str)()


class RecommendationChanges(TypedDict, total=False):
    """What the committee writes on a recommendation (the recommendation form's fields)."""

    title: str
    body: str
    language: str


RECOMMENDATION_FIELDS = tuple(RecommendationChanges.__annotations__)


def _require_member(actor: Actor, committee: Committee) -> User:
    user = signed_in_user(actor)
    if not is_committee_member(user, committee):
        raise PermissionDenied(_("Only the committee's members may do this."))
    return user


def _require_lead(actor: Actor, committee: Committee) -> User:
    user = signed_in_user(actor)
    if not can_lead_committee(user, committee):
        raise PermissionDenied(_("Only the committee's chair or secretary may do this."))
    return user


def _check_reviewable(proposal: Proposal, committee: Committee, field: str = "proposal") -> None:
    """The proposal is on this committee's agenda or under its review, and public."""
    if (
        proposal.agenda_committee_id != committee.pk
        or proposal.state not in REVIEWABLE_STATES
        or not proposal.is_published
    ):
        raise field_error(
            field,
            _("This proposal is not on the committee's agenda."),
            code="not_on_agenda",
        )


# Rapporteurs and notes -----------------------------------------------------------------------


@transaction.atomic(durable=True)
def assign_rapporteur(*, actor: Actor, proposal: Proposal, rapporteur: User) -> Review:
    """The chair or secretary of the committee whose agenda holds the proposal names one of its
    current members rapporteur; the proposal goes under review. Naming another later replaces
    them. Locks the proposal's row."""
    committee = proposal.agenda_committee
    if committee is None:
        raise field_error("proposal", _("This proposal is not on the committee's agenda."))
    user = _require_lead(actor, committee)
    proposal = lock(proposal)
    _check_reviewable(proposal, committee)
    if not is_committee_member(rapporteur, committee):
        raise field_error(
            "rapporteur",
            _("The rapporteur must be a current member of the committee."),
            code="not_member",
        )
    review, created = Review.objects.get_or_create(
        proposal=proposal, defaults={"committee": committee, "rapporteur": rapporteur}
    )
    if not created:
        review.committee = committee
        review.rapporteur = rapporteur
        review.save(update_fields=["committee", "rapporteur"])
    if proposal.state != ProposalState.UNDER_REVIEW:
        proposal.state = ProposalState.UNDER_REVIEW
        proposal.save(update_fields=["state", "updated_at"])
        reindex_proposal(proposal)
    log_action(
        actor=user,
        action=ACTION + "rapporteur",
        target=proposal,
        data={"committee": committee.pk, "rapporteur": rapporteur.pk},
    )
    return review


@transaction.atomic(durable=True)
def add_note(*, actor: Actor, committee: Committee, proposal: Proposal, text: str) -> CommitteeNote:
    """A member's private note on a proposal on the committee's agenda (not audited: the audit
    history is not the committee's to read)."""
    user = _require_member(actor, committee)
    _check_reviewable(proposal, committee)
    text = (text or "").strip()
    if not text:
        raise field_error("text", _("Please write the note."), code="required")
    note = CommitteeNote(committee=committee, proposal=proposal, author=user, text=text)
    note.full_clean(exclude=["author"])
    note.save()
    return note


@transaction.atomic(durable=True)
def delete_note(*, actor: Actor, note: CommitteeNote) -> None:
    """Its author (still a member) deletes a note."""
    user = _require_member(actor, note.committee)
    if note.author_id != user.pk:
        raise PermissionDenied(_("Only the note's author may delete it."))
    note.delete()


# Recommendations -----------------------------------------------------------------------------


def _clean(name: str, value: object) -> object:
    if name == "body":
        return clean_html(str(value or "").strip()).strip()
    if isinstance(value, str):
        return value.strip()
    return value


def _check_recommendation(recommendation: Recommendation) -> None:
    errors: dict[str, list] = {}
    try:
        recommendation.full_clean(exclude=["committee", "created_by"])
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    if _is_blank(recommendation.body):
        errors.setdefault("body", []).append(_("Please write the recommendation."))
    if errors:
        raise ValidationError(errors)


def _lock_draft(actor: Actor, recommendation: Recommendation) -> tuple[User, Recommendation]:
    user = _require_member(actor, recommendation.committee)
    recommendation = lock(recommendation)
    if recommendation.state != RecommendationState.DRAFT:
        raise field_error(
            "__all__",
            _("This recommendation is published and can no longer be changed."),
            code="published",
        )
    return user, recommendation


@transaction.atomic(durable=True)
def create_recommendation(
    *, actor: Actor, committee: Committee, **changes: Unpack[RecommendationChanges]
) -> Recommendation:
    """A member starts a draft, seen only by the committee's members until published."""
    user = _require_member(actor, committee)
    check_rich_text(changes, ("body",))
    recommendation = Recommendation(committee=committee, created_by=user)
    apply_changes(recommendation, fields=RECOMMENDATION_FIELDS, data=changes, clean=_clean)
    _check_recommendation(recommendation)
    recommendation.save()
    log_action(actor=user, action=ACTION + "draft_recommendation", target=recommendation)
    return recommendation


@transaction.atomic(durable=True)
def update_recommendation(
    *, actor: Actor, recommendation: Recommendation, **changes: Unpack[RecommendationChanges]
) -> Recommendation:
    """A member edits a draft. Locks its row."""
    _user, recommendation = _lock_draft(actor, recommendation)
    check_rich_text(changes, ("body",))
    apply_changes(recommendation, fields=RECOMMENDATION_FIELDS, data=changes, clean=_clean)
    _check_recommendation(recommendation)
    recommendation.save()
    return recommendation


@transaction.atomic(durable=True)
def delete_recommendation(*, actor: Actor, recommendation: Recommendation) -> None:
    """A draft is the committee's working paper: a member may discard it."""
    _user, recommendation = _lock_draft(actor, recommendation)
    recommendation.delete()


def _decided_elsewhere(proposal: Proposal, recommendation: Recommendation) -> bool:
    return (
        RecommendationItem.objects.filter(
            proposal=proposal, recommendation__state=RecommendationState.PUBLISHED
        )
        .exclude(recommendation=recommendation)
        .exists()
    )


@transaction.atomic(durable=True)
def set_decision(
    *,
    actor: Actor,
    recommendation: Recommendation,
    proposal: Proposal,
    verdict: str,
    reasons: str,
    replace: bool = False,
) -> RecommendationItem:
    """The draft's decision on one proposal on the committee's agenda. A second decision for
    the same proposal is refused unless `replace` says it edits the first (the page's "Edit the
    decision"), so nothing is overwritten by mistake. A proposal decided in a published
    recommendation is not decided again. Locks the draft's row."""
    _user, recommendation = _lock_draft(actor, recommendation)
    _check_reviewable(proposal, recommendation.committee)
    if _decided_elsewhere(proposal, recommendation):
        raise field_error(
            "proposal", _("The committee has already decided on this proposal."), code="decided"
        )
    if verdict not in Verdict.values:
        raise field_error("verdict", _("Please choose a decision."), code="invalid")
    reasons = (reasons or "").strip()
    if not reasons:
        raise field_error("reasons", _("Please give the reasons for the decision."))
    item = RecommendationItem.objects.filter(
        recommendation=recommendation, proposal=proposal
    ).first()
    if item is None:
        item = RecommendationItem(recommendation=recommendation, proposal=proposal)
    elif not replace:
        raise field_error(
            "proposal",
            _("This draft already has a decision on this proposal: edit that decision instead."),
            code="duplicate",
        )
    item.verdict = verdict
    item.reasons = reasons
    item.full_clean(exclude=["recommendation", "proposal"], validate_constraints=False)
    item.save()
    return item


@transaction.atomic(durable=True)
def remove_decision(*, actor: Actor, item: RecommendationItem) -> None:
    """A member takes a decision out of a draft."""
    _lock_draft(actor, item.recommendation)
    item.delete()


VERDICT_STATES = {
    Verdict.RECOMMEND: ProposalState.RECOMMENDED,
    Verdict.RECOMMEND_WITH_CHANGES: ProposalState.RECOMMENDED,
    Verdict.NOT_RECOMMEND: ProposalState.NOT_RECOMMENDED,
}


@transaction.atomic(durable=True)
def publish_recommendation(*, actor: Actor, recommendation: Recommendation) -> Recommendation:
    """The chair or secretary publishes a draft: it becomes a public document citing the
    proposals it decides, each proposal moves to recommended or not recommended, and its author
    and followers are told. The city owes its answer within `CITY_ANSWER_DAYS` days. A draft
    without decisions is refused. Locks the draft and its proposals."""
    user = _require_lead(actor, recommendation.committee)
    items = list(RecommendationItem.objects.filter(recommendation=recommendation))
    proposals = [Proposal(pk=pk) for pk in sorted({item.proposal_id for item in items})]
    fresh, *locked = lock_objects(recommendation, *proposals)
    assert isinstance(fresh, Recommendation)
    recommendation = fresh
    if recommendation.state != RecommendationState.DRAFT:
        raise field_error(
            "__all__", _("This recommendation is already published."), code="published"
        )
    items = list(
        RecommendationItem.objects.filter(recommendation=recommendation).order_by("pk")
    )  # read again under the lock: nobody changes the draft now
    if not items:
        raise field_error(
            "__all__",
            _("Add the committee's decision on at least one proposal before publishing."),
            code="empty",
        )
    by_pk = {proposal.pk: proposal for proposal in locked if isinstance(proposal, Proposal)}
    if {item.proposal_id for item in items} - set(by_pk):
        # A decision was added between the first read and the lock: its proposal is not locked.
        raise field_error(
            "__all__",
            _("The draft changed meanwhile. Please check it and publish again."),
            code="changed",
        )
    for item in items:
        proposal = by_pk[item.proposal_id]
        try:
            _check_reviewable(proposal, recommendation.committee, field="__all__")
        except ValidationError:
            raise field_error(
                "__all__",
                _("“%(proposal)s” is no longer on the committee's agenda: remove its decision.")
                % {"proposal": proposal.title},
                code="not_on_agenda",
            ) from None
        if _decided_elsewhere(proposal, recommendation):
            raise field_error(
                "__all__",
                _("The committee has already decided on “%(proposal)s”.")
                % {"proposal": proposal.title},
                code="decided",
            )
    now = timezone.now()
    recommendation.state = RecommendationState.PUBLISHED
    recommendation.published_at = now
    recommendation.answer_due = now + timedelta(days=CITY_ANSWER_DAYS)
    recommendation.save(update_fields=["state", "published_at", "answer_due"])
    index_object(recommendation)  # now public: its content goes into the search index
    for item in items:
        proposal = by_pk[item.proposal_id]
        proposal.state = VERDICT_STATES[Verdict(item.verdict)]
        proposal.save(update_fields=["state", "updated_at"])
        reindex_proposal(proposal)
        notices.tell_author_and_followers(
            proposal,
            kind=REVIEW_KIND,
            title=DECISION_TITLE,
            body=DECISION_BODY,
            params={
                "committee": _lazy_name(recommendation.committee),
                "verdict": Verdict(item.verdict).label,
                "recommendation": recommendation.title,
            },
        )
    log_action(
        actor=user,
        action=ACTION + "publish_recommendation",
        target=recommendation,
        data={"proposals": [item.proposal_id for item in items]},
    )
    return recommendation
