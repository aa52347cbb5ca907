"""Support programmes: the review part's services (lock order: services/__init__.py).

- Screening: the call's staff find a submitted application eligible (the review starts at once
  when the call says so, else with `start_review`) or ineligible, with reasons the applicant is
  told; an ineligible finding can be undone, with a reason.
- Reviewers: the call's staff assign active people who are not members of the applicant
  organization (that would be a conflict by definition), each once; an assignment without a
  submitted review can be removed.
- The reviewer declares any conflict of interest first. A declared conflict removes them from the
  application (the database refuses their review). Then they score each criterion 0–5 with a
  comment, save drafts and submit; a submitted review no longer changes (the staff may reopen it).
- Automatic transition: when every assigned reviewer without a conflict has submitted (and at
  least one has), the call's `auto_committee_when_reviewed` sends the application to the
  committee; otherwise the staff do it (`send_to_committee`).

Locks: the call, then the application, then the assignment, in every service that takes them.

Blind: what concerns a reviewer (assigned, removed, conflict, submitted, reopened) is audited on
the assignment, never on the application, whose history its applicant may read.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Sum
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sharehub.accounts.models import User
from sharehub.accounts.roles import signed_in_user
from sharehub.core.actors import Actor
from sharehub.core.audit import log_action
from sharehub.core.forms import field_error
from sharehub.core.locking import lock_pk
from sharehub.designation import scoring
from sharehub.notifications.services import notify
from sharehub.organizations.models import Membership
from sharehub.programmes import notices
from sharehub.programmes.models import (
    REASON_LIMIT,
    Application,
    ApplicationStatus,
    Call,
    Conflict,
    Criterion,
    ReviewAssignment,
    ReviewScore,
)
from sharehub.programmes.selectors.review import sheet
from sharehub.programmes.services import invalid_transition, lock_application, require_call_staff

ACTION = "programmes."
COMMENT_LIMIT = 4000
TEXT_LIMIT = 20_000
# Reviewers may be assigned before the review starts (screened or not) and during it.
ASSIGNABLE = (ApplicationStatus.SUBMITTED, ApplicationStatus.IN_REVIEW)

# --- Notices (lazy: each recipient reads their own language) --------------------------------------

TEXTS: dict[str, tuple[Any, Any]] = {
    "ineligible": (
        gettext_lazy("Your application “%(title)s” was found ineligible"),
        gettext_lazy("The staff of the call “%(call)s” screened it. Reasons: %(reason)s"),
    ),
    "rescreen": (
        gettext_lazy("Your application “%(title)s” is being screened again"),
        gettext_lazy("The finding that it was ineligible was withdrawn. Reason: %(reason)s"),
    ),
    "assigned": (
        gettext_lazy("You are asked to review an application: “%(title)s”"),
        gettext_lazy(
            "Call “%(call)s”, %(organization)s. First declare whether you have a conflict of "
            "interest; then score it."
        ),
    ),
    "conflict": (
        gettext_lazy("A reviewer declared a conflict of interest: “%(title)s”"),
        gettext_lazy("%(reviewer)s will not review it. You may assign someone else."),
    ),
    "reviewed": (
        gettext_lazy("All reviews are in: “%(title)s” goes to the committee"),
        gettext_lazy("Call “%(call)s”: %(count)s reviews submitted."),
    ),
    "reopened": (
        gettext_lazy("Your review was reopened: “%(title)s”"),
        gettext_lazy("You may change it and submit it again. Reason: %(reason)s"),
    ),
}


def _url_for(person: User, name: str, **kwargs: Any) -> str:
    with translation.override(person.preferred_language or settings.LANGUAGE_CODE):
        return reverse(name, kwargs=kwargs)


def _tell(person: User | None, transition: str, *, url: str, **params: Any) -> None:
    if person is None or not person.is_active:
        return
    title, body = TEXTS[transition]
    notify(user=person, kind=notices.REVIEW_KIND, title=title, body=body, url=url, params=params)


def _tell_review(assignment: ReviewAssignment, transition: str, **params: Any) -> None:
    reviewer = assignment.reviewer
    if reviewer is None:
        return
    application = assignment.application
    _tell(
        reviewer,
        transition,
        url=_url_for(reviewer, "programmes:review", pk=assignment.pk),
        title=application.title,
        call=application.call.title,
        organization=application.organization.name,
        **params,
    )


def call_staff_people(call: Call) -> list[User]:
    """Who runs the call and hears of it: its named staff, or its author when it names none."""
    people = list(call.staff.filter(is_active=True))
    if not people and call.created_by is not None and call.created_by.is_active:
        people = [call.created_by]
    return people


def _tell_staff(application: Application, transition: str, **params: Any) -> None:
    for person in call_staff_people(application.call):
        _tell(
            person,
            transition,
            url=_url_for(person, "programmes:application", pk=application.pk),
            title=application.title,
            call=application.call.title,
            **params,
        )


# --- Small checks ------------------------------------------------------------------------------


def _text(field: str, value: str | None, *, limit: int, required: str = "") -> str:
    value = (value or "").strip()
    if required and not value:
        raise field_error(field, required, code="required")
    if len(value) > limit:
        raise field_error(
            field,
            _("Ensure this value has at most %(max)s characters.") % {"max": limit},
            code="max_length",
        )
    return value


def _require_status(application: Application, action: str, *allowed: str) -> None:
    if application.status not in allowed:
        raise invalid_transition(application, action)


def _lock_assignment(assignment: ReviewAssignment) -> tuple[Call, Application, ReviewAssignment]:
    """The call, the application, then the assignment, locked and freshly read."""
    application = Application.objects.only("pk", "call_id").get(pk=assignment.application_id)
    call, application = lock_application(application)
    try:
        fresh = lock_pk(ReviewAssignment, assignment.pk)
    except ReviewAssignment.DoesNotExist:
        raise field_error("reviewer", _("This assignment no longer exists."), code="gone") from None
    fresh.application = application
    application.call = call
    return call, application, fresh


def _require_own(actor: Actor, assignment: ReviewAssignment) -> User:
    user = signed_in_user(actor)
    if assignment.reviewer_id != user.pk:
        raise PermissionDenied(_("Only the assigned reviewer may do this."))
    return user


# --- Screening ---------------------------------------------------------------------------------


def screen_application(
    *, actor: Actor, application: Application, eligible: bool, reason: str = ""
) -> Application:
    """The call's staff screen a submitted application: eligible (the review starts at once when
    the call says so) or ineligible with reasons, which the applicant is told. Screening again a
    submitted application that was found eligible but not yet sent to review is allowed."""
    with transaction.atomic(durable=True):
        call, application = lock_application(application)
        user = require_call_staff(actor, call)
        _require_status(application, "screen", ApplicationStatus.SUBMITTED)
        reason = _text(
            "reason",
            reason,
            limit=REASON_LIMIT,
            required="" if eligible else _("Give the reasons it is ineligible."),
        )
        application.screened_at = timezone.now()
        application.screened_by = user
        application.screening_reason = reason
        if not eligible:
            application.status = ApplicationStatus.INELIGIBLE
        elif call.auto_review_when_screened:
            application.status = ApplicationStatus.IN_REVIEW
        application.save(
            update_fields=["status", "screened_at", "screened_by", "screening_reason", "updated_at"]
        )
        log_action(
            actor=user,
            action=ACTION + ("screened_eligible" if eligible else "screened_ineligible"),
            target=application,
            reason=reason,
            data={"status": application.status},
        )
        if not eligible:
            application.call = call
            title, body = TEXTS["ineligible"]
            notices.tell_applicant(application, title=title, body=body, reason=reason)
    return application


def undo_screening(*, actor: Actor, application: Application, reason: str) -> Application:
    """An ineligible finding withdrawn by the call's staff: the application is submitted again,
    to be screened anew; the applicant is told."""
    with transaction.atomic(durable=True):
        call, application = lock_application(application)
        user = require_call_staff(actor, call)
        _require_status(application, "undo_screening", ApplicationStatus.INELIGIBLE)
        reason = _text(
            "reason", reason, limit=REASON_LIMIT, required=_("Give the reason for screening again.")
        )
        previous = application.screening_reason
        application.status = ApplicationStatus.SUBMITTED
        application.screened_at = None
        application.screened_by = None
        application.screening_reason = ""
        application.save(
            update_fields=["status", "screened_at", "screened_by", "screening_reason", "updated_at"]
        )
        log_action(
            actor=user,
            action=ACTION + "screening_undone",
            target=application,
            reason=reason,
            data={"previous_reason": previous},
        )
        application.call = call
        title, body = TEXTS["rescreen"]
        notices.tell_applicant(application, title=title, body=body, reason=reason)
    return application


def start_review(*, actor: Actor, application: Application) -> Application:
    """A submitted application screened eligible goes to review (where the call does not start
    it by itself)."""
    with transaction.atomic(durable=True):
        call, application = lock_application(application)
        user = require_call_staff(actor, call)
        _require_status(application, "start_review", ApplicationStatus.SUBMITTED)
        if application.screened_at is None:
            raise field_error(
                "status", _("Screen the application first."), code="invalid_transition:not_screened"
            )
        application.status = ApplicationStatus.IN_REVIEW
        application.save(update_fields=["status", "updated_at"])
        log_action(actor=user, action=ACTION + "review_started", target=application)
    return application


# --- Reviewers -----------------------------------------------------------------------------------


def _check_reviewer(application: Application, reviewer: User) -> None:
    if not reviewer.is_active:
        raise field_error("reviewer", _("This account is not active."), code="inactive")
    if Membership.objects.filter(
        organization_id=application.organization_id, user_id=reviewer.pk
    ).exists():
        raise field_error(
            "reviewer",
            _(
                "%(person)s is a member of the applicant organization: that is a conflict of interest."
            )
            % {"person": reviewer.public_name},
            code="member",
        )
    if ReviewAssignment.objects.filter(application=application, reviewer=reviewer).exists():
        raise field_error(
            "reviewer",
            _("%(person)s is already assigned to this application.")
            % {"person": reviewer.public_name},
            code="already",
        )


def _assign(user: User, application: Application, reviewer: User) -> ReviewAssignment:
    _check_reviewer(application, reviewer)
    try:
        with transaction.atomic():
            assignment = ReviewAssignment.objects.create(
                application=application, reviewer=reviewer, assigned_by=user
            )
    except IntegrityError:  # assigned meanwhile (the application's lock makes this rare)
        raise field_error(
            "reviewer", _("This person is already assigned."), code="already"
        ) from None
    log_action(
        actor=user,
        action=ACTION + "reviewer_assigned",
        target=assignment,
        data={"application": application.pk, "reviewer": reviewer.pk},
    )
    _tell_review(assignment, "assigned")
    return assignment


def assign_reviewers(
    *, actor: Actor, application: Application, reviewers: Iterable[User]
) -> list[ReviewAssignment]:
    """Assign people to review an application, all or none; each is told."""
    people = list(dict.fromkeys(reviewers))
    if not people:
        raise field_error("reviewer", _("Choose at least one person."), code="required")
    with transaction.atomic(durable=True):
        call, application = lock_application(application)
        user = require_call_staff(actor, call)
        _require_status(application, "assign", *ASSIGNABLE)
        application.call = call
        return [_assign(user, application, person) for person in people]


@dataclass(frozen=True)
class CallAssignment:
    assigned: int
    skipped: int  # already assigned, or a member of the applicant organization


def assign_to_call(*, actor: Actor, call: Call, reviewer: User) -> CallAssignment:
    """Assign one person to every application of the call in review, except those they are
    already assigned to and those of organizations they belong to."""
    with transaction.atomic(durable=True):
        call = lock_pk(Call, call.pk)
        user = require_call_staff(actor, call)
        if not reviewer.is_active:
            raise field_error("reviewer", _("This account is not active."), code="inactive")
        applications = list(
            Application.objects.select_for_update(of=("self",))
            .filter(call=call, status=ApplicationStatus.IN_REVIEW)
            .select_related("organization")
            .order_by("pk")
        )
        taken = set(
            ReviewAssignment.objects.filter(
                application__in=applications, reviewer=reviewer
            ).values_list("application_id", flat=True)
        )
        member_of = set(
            Membership.objects.filter(user=reviewer).values_list("organization_id", flat=True)
        )
        assigned = 0
        for application in applications:
            if application.pk in taken or application.organization_id in member_of:
                continue
            application.call = call
            _assign(user, application, reviewer)
            assigned += 1
    return CallAssignment(assigned=assigned, skipped=len(applications) - assigned)


def remove_assignment(*, actor: Actor, assignment: ReviewAssignment) -> Application:
    """The call's staff remove a reviewer who has not submitted a review (their draft goes with
    it). The review may then be complete: the automatic transition is checked."""
    with transaction.atomic(durable=True):
        call, application, assignment = _lock_assignment(assignment)
        user = require_call_staff(actor, call)
        if assignment.submitted_at is not None:
            raise field_error(
                "reviewer",
                _("A reviewer whose review is submitted cannot be removed."),
                code="submitted",
            )
        log_action(
            actor=user,
            action=ACTION + "reviewer_removed",
            target=assignment,
            data={"application": application.pk, "reviewer": assignment.reviewer_id},
        )
        assignment.delete()
        _maybe_to_committee(call, application)
    return application


# --- The reviewer ------------------------------------------------------------------------------


def declare_conflict(
    *, actor: Actor, assignment: ReviewAssignment, conflict: bool, statement: str = ""
) -> ReviewAssignment:
    """The reviewer declares, first, whether they have a conflict of interest. "No conflict" may
    later become a conflict (found while reading; the draft is deleted); a declared conflict is
    final. A conflict removes them from the application; its staff are told."""
    with transaction.atomic(durable=True):
        call, application, assignment = _lock_assignment(assignment)
        user = _require_own(actor, assignment)
        if assignment.conflict == Conflict.DECLARED:
            raise field_error(
                "conflict", _("You already declared a conflict of interest."), code="declared"
            )
        if assignment.submitted_at is not None:
            raise field_error("conflict", _("Your review is already submitted."), code="submitted")
        if not conflict and assignment.conflict == Conflict.NONE:
            return assignment
        statement = _text(
            "statement",
            statement,
            limit=REASON_LIMIT,
            required=_("Say what the conflict is.") if conflict else "",
        )
        assignment.conflict = Conflict.DECLARED if conflict else Conflict.NONE
        assignment.conflict_note = statement
        assignment.declared_at = timezone.now()
        if conflict:
            assignment.comment = ""
            assignment.scores.all().delete()
        assignment.save(update_fields=["conflict", "conflict_note", "declared_at", "comment"])
        log_action(
            actor=user,
            action=ACTION + ("conflict_declared" if conflict else "no_conflict_declared"),
            target=assignment,
            reason=statement,
            data={"application": application.pk},
        )
        if conflict:
            _tell_staff(application, "conflict", reviewer=user.public_name)
            _maybe_to_committee(call, application)
    return assignment


def _writable(user: User, application: Application, assignment: ReviewAssignment) -> None:
    """What scoring and submitting both need: the reviewer's own, no conflict, not submitted, the
    application in review."""
    if assignment.conflict == Conflict.DECLARED:
        raise PermissionDenied(
            _("You declared a conflict: you are not reviewing this application.")
        )
    if assignment.conflict != Conflict.NONE:
        raise field_error(
            "conflict",
            _("Declare first whether you have a conflict of interest."),
            code="undeclared",
        )
    if assignment.submitted_at is not None:
        raise field_error(
            "__all__", _("Your review is submitted and can no longer change."), code="submitted"
        )
    _require_status(application, "score", ApplicationStatus.IN_REVIEW)


def score_field(criterion_id: int) -> str:
    return f"score_{criterion_id}"


def comment_field(criterion_id: int) -> str:
    return f"comment_{criterion_id}"


def save_scores(
    *,
    actor: Actor,
    assignment: ReviewAssignment,
    scores: Mapping[int, int | None],
    comments: Mapping[int, str] | None = None,
    comment: str | None = None,
) -> ReviewAssignment:
    """A draft of the review: criterion id → score 0–5 (None clears it), criterion id → comment,
    the overall comment (None leaves it). Errors on `score_<id>` / `comment_<id>` fields."""
    comments = comments or {}
    with transaction.atomic(durable=True):
        _call, application, assignment = _lock_assignment(assignment)
        user = _require_own(actor, assignment)
        _writable(user, application, assignment)
        criteria = {c.pk: c for c in Criterion.objects.filter(call_id=application.call_id)}
        if set(comments) - set(criteria):
            raise field_error(
                "scores", _("These criteria are not the call's."), code="unknown_criterion"
            )
        errors: dict[str, list[ValidationError]] = {}
        try:
            scoring.check(
                sheet(criteria.values()),
                scores,
                field=score_field,
                unknown=_("These criteria are not the call's."),
            )
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                raise
            errors.update(error.error_dict)
        for pk, text in comments.items():
            if len((text or "").strip()) > COMMENT_LIMIT:
                errors[comment_field(pk)] = [
                    ValidationError(
                        _("Ensure this value has at most %(max)s characters.")
                        % {"max": COMMENT_LIMIT},
                        code="max_length",
                    )
                ]
        if comment is not None and len(comment.strip()) > TEXT_LIMIT:
            errors["comment"] = [
                ValidationError(
                    _("Ensure this value has at most %(max)s characters.") % {"max": TEXT_LIMIT},
                    code="max_length",
                )
            ]
        if errors:
            raise ValidationError(errors)
        existing = {s.criterion_id: s for s in assignment.scores.all()}
        # A comment alone keeps the score given; a score alone keeps its comment.
        entries: dict[int, tuple[int, str] | None] = {}
        for pk in set(scores) | set(comments):
            value = scores.get(pk, existing[pk].score if pk in existing else None)
            note = comments[pk] if pk in comments else getattr(existing.get(pk), "comment", "")
            entries[pk] = None if value is None else (value, (note or "").strip())

        def change(score: ReviewScore, entry: tuple[int, str]) -> None:
            score.score, score.comment = entry
            score.save(update_fields=["score", "comment"])

        scoring.write(
            entries,
            existing,
            unchanged=lambda score, entry: (score.score, score.comment) == entry,
            create=lambda pk, entry: ReviewScore.objects.create(
                assignment=assignment, criterion_id=pk, score=entry[0], comment=entry[1]
            ),
            change=change,
            clear=lambda score: score.delete(),
        )
        if comment is not None:
            assignment.comment = comment.strip()
            assignment.save(update_fields=["comment"])
    return assignment


def submit_review(*, actor: Actor, assignment: ReviewAssignment) -> ReviewAssignment:
    """The reviewer submits their review: every criterion scored. It no longer changes; the
    application may go to the committee (automatic transition)."""
    with transaction.atomic(durable=True):
        call, application, assignment = _lock_assignment(assignment)
        user = _require_own(actor, assignment)
        _writable(user, application, assignment)
        criteria = Criterion.objects.filter(call=call).order_by("order", "pk")
        scored = assignment.scores.values_list("criterion_id", flat=True)
        if missing := scoring.missing([c.pk for c in criteria], scored):
            raise ValidationError(
                {
                    score_field(pk): [ValidationError(_("Score this criterion."), code="required")]
                    for pk in missing
                }
            )
        assignment.submitted_at = timezone.now()
        assignment.save(update_fields=["submitted_at"])
        refresh_review_figures(application)
        log_action(
            actor=user,
            action=ACTION + "review_submitted",
            target=assignment,
            data={"application": application.pk},
        )
        _maybe_to_committee(call, application)
    return assignment


def reopen_review(*, actor: Actor, assignment: ReviewAssignment, reason: str) -> ReviewAssignment:
    """The call's staff reopen a submitted review while the application is in review (a mistake
    the reviewer asks to correct); the reviewer is told."""
    with transaction.atomic(durable=True):
        call, application, assignment = _lock_assignment(assignment)
        user = require_call_staff(actor, call)
        _require_status(application, "reopen", ApplicationStatus.IN_REVIEW)
        if assignment.submitted_at is None:
            raise field_error("reason", _("This review is not submitted."), code="not_submitted")
        reason = _text("reason", reason, limit=REASON_LIMIT, required=_("Give a reason."))
        assignment.submitted_at = None
        assignment.save(update_fields=["submitted_at"])
        refresh_review_figures(application)
        log_action(
            actor=user,
            action=ACTION + "review_reopened",
            target=assignment,
            reason=reason,
            data={"application": application.pk},
        )
        _tell_review(assignment, "reopened", reason=reason)
    return assignment


# --- The application's review figures ---------------------------------------------------------
# `Application.reviews_submitted`, `review_points` and `review_mean` let the ranked table order by
# a column instead of aggregating every score of the call on each request. They are recounted
# from the scores (not adjusted by a delta) wherever a review's submitted state changes, so a
# change of the criteria's weights cannot leave them drifting: submit and reopen here; removing an
# assignment and declaring a conflict refuse a submitted review, so they never change them.


def _figures(reviews: int, points: int | None) -> tuple[int, int, float | None]:
    points = points or 0
    # The same division as a mean of the reviews' totals / 100 (0–5 scale).
    return reviews, points, (points / (reviews * 100) if reviews else None)


def refresh_review_figures(application: Application) -> Application:
    """Recount one application's review columns from its submitted reviews' scores (one
    aggregate, one update); the caller holds the application's lock."""
    found = ReviewAssignment.objects.filter(
        application_id=application.pk, submitted_at__isnull=False
    ).aggregate(
        reviews=Count("pk", distinct=True),
        points=Sum(F("scores__score") * F("scores__criterion__weight")),
    )
    figures = _figures(found["reviews"], found["points"])
    application.reviews_submitted, application.review_points, application.review_mean = figures
    Application.objects.filter(pk=application.pk).update(
        reviews_submitted=figures[0], review_points=figures[1], review_mean=figures[2]
    )
    return application


def refresh_call_review_figures(call: Call) -> int:
    """Recount the review columns of every application of a call (after its criteria's weights
    change, or rows written without the services, e.g. seeding); the caller holds the call's lock
    or owns the data. Two grouped queries and a batched update; returns the rows changed."""
    reviews = dict(
        ReviewAssignment.objects.filter(application__call=call, submitted_at__isnull=False)
        .values("application_id")
        .annotate(n=Count("pk"))
        .values_list("application_id", "n")
        .order_by()
    )
    points = dict(
        ReviewScore.objects.filter(
            assignment__application__call=call, assignment__submitted_at__isnull=False
        )
        .values("assignment__application_id")
        .annotate(points=Sum(F("score") * F("criterion__weight")))
        .values_list("assignment__application_id", "points")
        .order_by()
    )
    changed = []
    for application in Application.objects.filter(call=call).only(
        "pk", "reviews_submitted", "review_points", "review_mean"
    ):
        figures = _figures(reviews.get(application.pk, 0), points.get(application.pk))
        current = (
            application.reviews_submitted,
            application.review_points,
            application.review_mean,
        )
        if figures != current:
            application.reviews_submitted, application.review_points = figures[:2]
            application.review_mean = figures[2]
            changed.append(application)
    Application.objects.bulk_update(
        changed, ["reviews_submitted", "review_points", "review_mean"], batch_size=1000
    )
    return len(changed)


# --- To the committee ------------------------------------------------------------------------


def review_counts(application: Application) -> tuple[int, int]:
    """(reviews submitted, reviews still expected from reviewers without a conflict)."""
    rows = ReviewAssignment.objects.filter(application=application).exclude(
        conflict=Conflict.DECLARED
    )
    submitted = rows.filter(submitted_at__isnull=False).count()
    return submitted, rows.filter(submitted_at__isnull=True).count()


def _to_committee(user: User | None, application: Application, *, automatic: bool) -> None:
    application.status = ApplicationStatus.COMMITTEE
    application.save(update_fields=["status", "updated_at"])
    log_action(
        actor=user,
        action=ACTION + "to_committee",
        target=application,
        data={"automatic": automatic},
    )


def _maybe_to_committee(call: Call, application: Application) -> bool:
    """The automatic transition (the call and application locked by the caller): every
    non-conflicted reviewer has submitted, and at least one has."""
    if not call.auto_committee_when_reviewed or application.status != ApplicationStatus.IN_REVIEW:
        return False
    submitted, pending = review_counts(application)
    if submitted < 1 or pending:
        return False
    # No actor: the reviewer whose step completed the review stays unnamed in the application's
    # history, which its applicant may read (blind review).
    _to_committee(None, application, automatic=True)
    application.call = call
    _tell_staff(application, "reviewed", count=submitted)
    return True


def send_to_committee(*, actor: Actor, application: Application) -> Application:
    """The call's staff send an application in review to the committee: at least one review
    submitted (pending ones stop counting)."""
    with transaction.atomic(durable=True):
        call, application = lock_application(application)
        user = require_call_staff(actor, call)
        _require_status(application, "to_committee", ApplicationStatus.IN_REVIEW)
        submitted, _pending = review_counts(application)
        if submitted < 1:
            raise field_error(
                "status",
                _("At least one review must be submitted first."),
                code="invalid_transition:no_review",
            )
        _to_committee(user, application, automatic=False)
    return application
