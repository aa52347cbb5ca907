"""The city's answers to published recommendations, answer templates, and the results that track
what the city does about an accepted answer (DESIGN §3, §4).

Only city staff write here (`accounts.roles.is_city_staff`, checked inside every service). Every
service runs in one durable transaction; answering locks the recommendation and the proposals it
cites (`core.locking.lock_objects`, the one fixed order), so the same recommendation is never
answered twice and the proposals' states move with the answer. A bulk answer from a template is
all or nothing: every row is checked, and a single refusal leaves nothing behind, with the refusals
listed row by row.
"""

from __future__ import annotations

from datetime import date
from typing import Any, TypedDict, Unpack

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sharehub.accounts.models import User
from sharehub.accounts.roles import is_city_staff, signed_in_user
from sharehub.core.actors import Actor
from sharehub.core.audit import log_action
from sharehub.core.changes import apply_changes
from sharehub.core.forms import field_error
from sharehub.core.locking import lock, lock_objects
from sharehub.participation import notices
from sharehub.participation.models import (
    Answer,
    AnswerStatus,
    AnswerTemplate,
    Milestone,
    Proposal,
    ProposalState,
    Recommendation,
    RecommendationItem,
    RecommendationState,
    Result,
    ResultUpdate,
    Verdict,
)
from sharehub.participation.search_index import reindex_proposal

ACTION = "participation.answer."
ANSWER_KIND = "participation.answers"

# The proposals an answer moves to "answered": those the committee has decided on.
ANSWERABLE_STATES = frozenset(
    {
        ProposalState.ON_AGENDA,
        ProposalState.UNDER_REVIEW,
        ProposalState.RECOMMENDED,
        ProposalState.NOT_RECOMMENDED,
    }
)
# Accepted answers are tracked as results; these verdicts' proposals become "implemented".
TRACKED_STATUSES = frozenset({AnswerStatus.ACCEPTED, AnswerStatus.PARTLY_ACCEPTED})
IMPLEMENTED_VERDICTS = frozenset({Verdict.RECOMMEND, Verdict.RECOMMEND_WITH_CHANGES})

ANSWERED_TITLE = gettext_lazy("The city answered: %(proposal)s")
ANSWERED_BODY = gettext_lazy(
    "%(status)s. Responsible department: %(department)s. Read the answer and its reasons on the "
    "proposal's page."
)
IMPLEMENTED_TITLE = gettext_lazy("Implemented: %(proposal)s")
PROGRESS_TITLE = gettext_lazy("News on what the city does about: %(proposal)s")
PROGRESS_BODY = gettext_lazy("%(result)s: now %(progress)s %% done.")
IMPLEMENTED_BODY = gettext_lazy(
    "The city reports every result of its answer as complete. Thank you for proposing and "
    "following it."
)


def _require_staff(actor: Actor) -> User:
    user = signed_in_user(actor)
    if not is_city_staff(user):
        raise PermissionDenied(_("Only city staff may do this."))
    return user


def _full_clean(obj: Any, exclude: list[str] | None = None) -> None:
    obj.full_clean(exclude=exclude or [])


# Answers -------------------------------------------------------------------------------------


class AnswerValues(TypedDict, total=False):
    """What staff write in an answer (the answer form's fields)."""

    status: str
    reasons: str
    department: str
    cost_estimate: int | None
    target_date: date | None
    language: str


ANSWER_FIELDS = tuple(AnswerValues.__annotations__)


def _clean(name: str, value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _refusal(recommendation: Recommendation) -> ValidationError | None:
    """Why this (locked) recommendation cannot be answered, or None."""
    if recommendation.state != RecommendationState.PUBLISHED:
        return field_error(
            "recommendation",
            _("Only a published recommendation can be answered; this one is a draft."),
            code="draft",
        )
    if Answer.objects.filter(recommendation=recommendation).exists():
        return field_error(
            "recommendation", _("The city has already answered this recommendation."), code="twice"
        )
    return None


def _answer(
    *,
    user: User,
    recommendation: Recommendation,
    template: AnswerTemplate | None,
    values: AnswerValues,
) -> Answer:
    """Answer one recommendation inside the caller's transaction: lock it and the proposals it
    cites, check, write, move the proposals to "answered" and tell their people."""
    items = list(RecommendationItem.objects.filter(recommendation_id=recommendation.pk))
    locked = lock_objects(
        Recommendation(pk=recommendation.pk), *(Proposal(pk=item.proposal_id) for item in items)
    )
    recommendation = locked[0]  # type: ignore[assignment]
    proposals: list[Proposal] = locked[1:]  # type: ignore[assignment]
    if (refusal := _refusal(recommendation)) is not None:
        raise refusal
    answer = Answer(
        recommendation=recommendation,
        template=template,
        answered_by=user,
        answered_at=timezone.now(),
    )
    apply_changes(answer, fields=ANSWER_FIELDS, data=dict(values), clean=_clean)
    errors: dict[str, list] = {}
    try:
        _full_clean(answer, exclude=["recommendation", "template", "answered_by"])
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    if not answer.reasons:
        errors.setdefault("reasons", []).append(_("Please give the city's reasons."))
    if not answer.department:
        errors.setdefault("department", []).append(_("Please name the responsible department."))
    if answer.target_date and answer.target_date < timezone.localdate() and not errors:
        errors.setdefault("target_date", []).append(_("The target date cannot be in the past."))
    if errors:
        raise ValidationError(errors)
    answer.save()
    if answer.status in TRACKED_STATUSES:
        # The result starts with the recommendation's title, in the language it is written in
        # (the other language falls back to it, marked as such, until staff translate it).
        Result.objects.create(
            answer=answer, **{f"title_{recommendation.language}": recommendation.title}
        )
    status_label = answer.get_status_display()
    department = answer.department
    for proposal in proposals:
        if proposal.state not in ANSWERABLE_STATES:
            continue
        proposal.state = ProposalState.ANSWERED
        proposal.save(update_fields=["state", "updated_at"])
        reindex_proposal(proposal)
        notices.tell_author_and_followers(
            proposal,
            kind=ANSWER_KIND,
            title=ANSWERED_TITLE,
            body=ANSWERED_BODY,
            params={"status": _lazy_status(answer.status), "department": department},
            exclude=user,
        )
    log_action(
        actor=user,
        action=ACTION + "create",
        target=answer,
        reason=answer.reasons,
        data={
            "recommendation": recommendation.pk,
            "status": answer.status,
            "label": str(status_label),
            "template": template.pk if template else None,
        },
    )
    return answer


def _lazy_status(status: str) -> Any:
    """The answer's status in the recipient's language (formatted by `notify`)."""
    return notices._lazy_text(lambda: str(AnswerStatus(status).label))


@transaction.atomic(durable=True)
def answer_recommendation(
    *,
    actor: Actor,
    recommendation: Recommendation,
    template: AnswerTemplate | None = None,
    **values: Unpack[AnswerValues],
) -> Answer:
    """The city answers a published recommendation, once: accepted, partly accepted or rejected,
    with reasons, the responsible department, a cost estimate and a target date. The proposals it
    cites become "answered" and their authors and followers are told; an accepted (or partly
    accepted) answer starts one result, to be tracked until implemented."""
    user = _require_staff(actor)
    return _answer(user=user, recommendation=recommendation, template=template, values=values)


def template_values(
    template: AnswerTemplate,
    *,
    language: str,
    department: str = "",
    target_date: date | None = None,
) -> AnswerValues:
    """An answer's values from a template, in one language (the other one when it is empty)."""
    reasons = getattr(template, f"reasons_{language}", "") or template.reasons_ko or ""
    return AnswerValues(
        status=template.status,
        reasons=reasons,
        department=department or template.department,
        target_date=target_date,
        language=language,
    )


@transaction.atomic(durable=True)
def answer_in_bulk(
    *,
    actor: Actor,
    recommendations: list[Recommendation],
    template: AnswerTemplate,
    language: str,
    department: str = "",
    target_date: date | None = None,
) -> list[Answer]:
    """Answer several recommendations at once from one template (decidim#12359), with the
    department and target date adjusted for all. All or nothing: when any of them cannot be
    answered, none is, and the error lists each refusal with its recommendation."""
    user = _require_staff(actor)
    if not recommendations:
        raise field_error(
            "recommendations", _("Please choose at least one recommendation."), code="required"
        )
    if template is None:
        raise field_error("template", _("Please choose a template."), code="required")
    values = template_values(
        template, language=language, department=department, target_date=target_date
    )
    answers: list[Answer] = []
    problems: list[str] = []
    field_problems: dict[str, list] = {}
    for recommendation in sorted(recommendations, key=lambda r: r.pk):
        try:
            with transaction.atomic():
                answers.append(
                    _answer(
                        user=user, recommendation=recommendation, template=template, values=values
                    )
                )
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                if field in ("recommendation", "__all__"):
                    problems += [f"{recommendation.title}: {message}" for message in messages]
                else:
                    field_problems.setdefault(field, [])
                    for message in messages:
                        if message not in field_problems[field]:
                            field_problems[field].append(message)
    if problems or field_problems:
        errors: dict[str, list] = dict(field_problems)
        if problems:
            errors["recommendations"] = problems
        raise ValidationError(errors)
    return answers


# Answer templates ----------------------------------------------------------------------------


class TemplateValues(TypedDict, total=False):
    name_ko: str
    name_en: str
    status: str
    reasons_ko: str
    reasons_en: str
    department: str


TEMPLATE_FIELDS = tuple(TemplateValues.__annotations__)


def _check_template(template: AnswerTemplate) -> None:
    errors: dict[str, list] = {}
    try:
        template.full_clean(exclude=["name", "reasons"])
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    if not template.name_ko:
        errors.setdefault("name_ko", []).append(_("Please give the template a Korean name."))
    if not template.reasons_ko:
        errors.setdefault("reasons_ko", []).append(_("Please write the reasons in Korean."))
    if errors:
        raise ValidationError(errors)


@transaction.atomic(durable=True)
def create_answer_template(*, actor: Actor, **values: Unpack[TemplateValues]) -> AnswerTemplate:
    user = _require_staff(actor)
    template = AnswerTemplate()
    apply_changes(template, fields=TEMPLATE_FIELDS, data=dict(values), clean=_clean)
    _check_template(template)
    template.save()
    log_action(actor=user, action=ACTION + "template_create", target=template)
    return template


@transaction.atomic(durable=True)
def update_answer_template(
    *, actor: Actor, template: AnswerTemplate, **values: Unpack[TemplateValues]
) -> AnswerTemplate:
    user = _require_staff(actor)
    template = lock(template)
    changed = apply_changes(template, fields=TEMPLATE_FIELDS, data=dict(values), clean=_clean)
    _check_template(template)
    template.save()
    log_action(
        actor=user, action=ACTION + "template_update", target=template, data={"fields": changed}
    )
    return template


# Results -------------------------------------------------------------------------------------


@transaction.atomic(durable=True)
def create_result(
    *,
    actor: Actor,
    answer: Answer,
    title_ko: str,
    title_en: str = "",
    description_ko: str = "",
    description_en: str = "",
) -> Result:
    """Another result tracked for an accepted (or partly accepted) answer."""
    user = _require_staff(actor)
    answer = lock(answer)
    if answer.status not in TRACKED_STATUSES:
        raise field_error(
            "__all__", _("Only an accepted or partly accepted answer has results."), code="rejected"
        )
    result = Result(
        answer=answer,
        title_ko=title_ko.strip(),
        title_en=title_en.strip() or None,
        description_ko=description_ko.strip(),
        description_en=description_en.strip() or None,
    )
    if not result.title_ko:
        raise field_error("title_ko", _("Please give the result a Korean title."), code="required")
    _full_clean(result, exclude=["answer"])
    result.save()
    log_action(actor=user, action=ACTION + "result_create", target=result)
    return result


@transaction.atomic(durable=True)
def add_milestone(
    *, actor: Actor, result: Result, title_ko: str, title_en: str = "", due_date: date | None
) -> Milestone:
    user = _require_staff(actor)
    result = lock(result)
    milestone = Milestone(
        result=result,
        title_ko=title_ko.strip(),
        title_en=title_en.strip() or None,
        due_date=due_date,
    )
    if not milestone.title_ko:
        raise field_error("title_ko", _("Please name the milestone in Korean."), code="required")
    _full_clean(milestone, exclude=["result"])
    milestone.save()
    log_action(actor=user, action=ACTION + "milestone_create", target=milestone)
    return milestone


@transaction.atomic(durable=True)
def reach_milestone(*, actor: Actor, milestone: Milestone) -> Milestone:
    """Mark a milestone reached (now), once."""
    user = _require_staff(actor)
    milestone = lock(milestone)
    if milestone.done_at:
        raise field_error("__all__", _("This milestone is already reached."), code="twice")
    milestone.done_at = timezone.now()
    milestone.save(update_fields=["done_at"])
    log_action(actor=user, action=ACTION + "milestone_reach", target=milestone)
    return milestone


def _implement(answer: Answer, now: Any, user: User) -> list[Proposal]:
    """Every result of the answer is complete: the proposals it cites (those the committee
    recommended) become implemented. Runs under the locks of the caller's transaction."""
    items = RecommendationItem.objects.filter(
        recommendation_id=answer.recommendation_id, verdict__in=IMPLEMENTED_VERDICTS
    )
    pks = [item.proposal_id for item in items]
    done = []
    for proposal in lock_objects(*(Proposal(pk=pk) for pk in pks)):
        assert isinstance(proposal, Proposal)
        if proposal.state != ProposalState.ANSWERED:
            continue
        proposal.state = ProposalState.IMPLEMENTED
        proposal.closed_at = now
        proposal.save(update_fields=["state", "closed_at", "updated_at"])
        reindex_proposal(proposal)
        notices.tell_author_and_followers(
            proposal,
            kind=ANSWER_KIND,
            title=IMPLEMENTED_TITLE,
            body=IMPLEMENTED_BODY,
            params={},
            exclude=user,
        )
        log_action(actor=user, action=ACTION + "implemented", target=proposal)
        done.append(proposal)
    return done


@transaction.atomic(durable=True)
def post_result_update(
    *, actor: Actor, result: Result, text: str, progress: int | None, language: str = "ko"
) -> ResultUpdate:
    """A dated public update that moves the result's progress (0–100 %). A result at 100 % is
    complete; when every result of its answer is complete, the recommended proposals become
    implemented and their authors and followers are told. A complete result stays at 100 %."""
    user = _require_staff(actor)
    # The answer first, then the result (fixed order): two updates of one answer's results
    # never both miss that the other completed it.
    answer_locked, result_locked = lock_objects(Answer(pk=result.answer_id), result)
    assert isinstance(answer_locked, Answer) and isinstance(result_locked, Result)
    answer, result = answer_locked, result_locked
    update = ResultUpdate(
        result=result,
        text=(text or "").strip(),
        progress=progress if progress is not None else result.progress,
        language=language,
        author=user,
    )
    errors: dict[str, list] = {}
    try:
        _full_clean(update, exclude=["result", "author"])
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    if progress is not None and progress < 0:
        errors.setdefault("progress", []).append(_("Progress is between 0 and 100 %."))
    if result.implemented_at and update.progress < 100 and "progress" not in errors:
        errors.setdefault("progress", []).append(
            _("This result is complete: its progress stays at 100 %.")
        )
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    update.created_at = now
    update.save()
    result.progress = update.progress
    fields = ["progress"]
    if result.progress == 100 and not result.implemented_at:
        result.implemented_at = now
        fields.append("implemented_at")
    result.save(update_fields=fields)
    log_action(
        actor=user,
        action=ACTION + "result_update",
        target=result,
        data={"progress": result.progress},
    )
    if (
        result.implemented_at
        and not Result.objects.filter(answer=answer, implemented_at__isnull=True).exists()
    ):
        _implement(answer, now, user)  # tells authors and followers itself
    else:
        _tell_progress(answer, result, user)
    return update


def _tell_progress(answer: Answer, result: Result, user: User) -> None:
    """Each update is news for the authors and followers of the proposals the answer cites."""
    items = RecommendationItem.objects.filter(
        recommendation_id=answer.recommendation_id
    ).select_related("proposal", "proposal__author")
    for item in items:
        notices.tell_author_and_followers(
            item.proposal,
            kind=ANSWER_KIND,
            title=PROGRESS_TITLE,
            body=PROGRESS_BODY,
            params={"result": lazy(lambda: result.title, str)(), "progress": result.progress},
            exclude=user,
        )
