"""Every write of the designation process (DESIGN §3, §4): one durable transaction each,
permission checked inside, an audit entry on the application or designation AND on the
organization (so the organization's history shows it), and the members' notifications written in
the same transaction (`notices.announce`: a rollback leaves none; the mail is sent after commit).

Locks: each step takes its rows in ONE `core.locking.lock_objects` call (the organization's, the
application's or designation's, and for a renewal the renewed designation's), so the kernel's
fixed order holds for every step; a year's counter (designation or receipt number) is always the
last lock taken.

Sections: applications (apply, documents, submit), review (stages, score sheet, committee vote,
decisions), designations (status changes), the city's review settings (stages, criteria,
committee), annual activity reports.
"""

from __future__ import annotations

import datetime
from functools import partial
from typing import Any, TypedDict, Unpack, cast

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.functional import lazy
from django.utils.translation import gettext as _

from sharehub.accounts.models import User
from sharehub.accounts.roles import signed_in_user
from sharehub.core.actors import Actor
from sharehub.core.audit import log_action
from sharehub.core.changes import apply_changes
from sharehub.core.forms import field_error
from sharehub.core.locking import lock, lock_objects, lock_pk, lock_rows
from sharehub.organizations.models import Organization
from sharehub.participation.models import Committee

from . import scoring
from .committee_votes import record_vote
from .defaults import install_defaults
from .documents import MAX_DOCUMENTS, check_document
from .history import record
from .models import (
    OPEN_STATUSES,
    REASON_LIMIT,
    AnnualReport,
    Application,
    ApplicationDocument,
    ApplicationStatus,
    ChecklistItem,
    CommitteeDecision,
    CommitteeOutcome,
    Designation,
    DesignationStatus,
    DocumentType,
    NumberCounter,
    ReceiptCounter,
    ReportStatus,
    ReviewComment,
    ReviewStage,
    Score,
    ScoreCriterion,
    YearlyCounter,
)
from .notices import announce, announce_report
from .permissions import (
    can_apply,
    can_decide,
    can_review,
    can_submit_report,
    can_view_application,
)
from .rules import (
    REPORT_OPENS_DAYS,
    check_details,
    processing_days,
    report_days,
    submission_problems,
)
from .selectors import the_committee

DEFAULT_YEARS = 3
# What an applicant may change on a draft or an application sent back for changes.
APPLICATION_FIELDS = (
    "kind",
    "applicant_type",
    "representative",
    "registration_type",
    "registration_number",
    "founded_on",
    "sharing_since",
    "members_count",
    "staff_count",
    "budget_last_year",
    "activities",
    "plan",
)
# Kept as given (choices, dates and numbers); the other fields are trimmed text.
UNTRIMMED_FIELDS = {
    "kind",
    "applicant_type",
    "registration_type",
    "founded_on",
    "sharing_since",
    "members_count",
    "staff_count",
    "budget_last_year",
}


class ApplicationChanges(TypedDict, total=False):
    kind: str
    applicant_type: str
    representative: str
    registration_type: str
    registration_number: str
    founded_on: datetime.date | None
    sharing_since: datetime.date | None
    members_count: int | None
    staff_count: int | None
    budget_last_year: int | None
    activities: str
    plan: str


def designation_years() -> int:
    return int(getattr(settings, "SHAREHUB_DESIGNATION_YEARS", DEFAULT_YEARS))


def add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February → 28 February
        return day.replace(year=day.year + years, day=28)


def default_valid_until(designated_on: datetime.date) -> datetime.date:
    """Three years (by default) including the first day: 2026-03-01 → 2029-02-28."""
    return add_years(designated_on, designation_years()) - datetime.timedelta(days=1)


# --- helpers ------------------------------------------------------------------------------


def _require_staff(actor: Actor) -> User:
    user = signed_in_user(actor)
    if not can_decide(user):
        raise PermissionDenied(_("Only city staff review and decide designations."))
    return user


def _clean_text(value: Any) -> Any:
    return (value or "").strip() if isinstance(value, str) or value is None else value


def _clean_change(name: str, value: Any) -> Any:
    return value if name in UNTRIMMED_FIELDS else _clean_text(value)


def _reason(reason: str | None, field: str = "reason") -> str:
    reason = _clean_text(reason)
    if not reason:
        raise field_error(field, _("Give a reason."))
    if len(reason) > REASON_LIMIT:
        raise field_error(
            field, _("Ensure this value has at most %(max)s characters.") % {"max": REASON_LIMIT}
        )
    return reason


def _invalid_transition(application: Application, action: str) -> ValidationError:
    return field_error(
        "status",
        _("This cannot be done while the application is “%(status)s”.")
        % {"status": application.get_status_display()},
        code=f"invalid_transition:{action}",
    )


def _require_status(application: Application, action: str, *allowed: str) -> None:
    if application.status not in allowed:
        raise _invalid_transition(application, action)


def _active_designation(organization: Organization) -> Designation | None:
    """The organization's active designation row (even if its date has passed)."""
    return Designation.objects.filter(
        organization=organization, status=DesignationStatus.ACTIVE
    ).first()


def expire_if_past(designation: Designation | None, *, today: datetime.date) -> Designation | None:
    """Mark an active designation whose validity has ended as expired; return it if still valid.

    The caller holds the organization's or the designation's row lock."""
    if designation is None or designation.valid_until >= today:
        return designation
    designation.status = DesignationStatus.EXPIRED
    designation.save(update_fields=["status"])
    record(actor=None, action="expired", target=designation)
    return None


def _lazy_date(day: datetime.date | None) -> Any:
    """A date in each notified member's own language."""
    if day is None:
        return ""
    return lazy(lambda: formats.date_format(day, "DATE_FORMAT"), str)()


def _active_stages() -> models.QuerySet[ReviewStage]:
    return ReviewStage.objects.filter(active=True).order_by("order", "pk")


def _next_stage(stage: ReviewStage) -> ReviewStage | None:
    """The next active stage after `stage` in the city's order (even if `stage` is no longer in
    use), or None at the last."""
    return (
        _active_stages()
        .filter(Q(order__gt=stage.order) | Q(order=stage.order, pk__gt=stage.pk))
        .first()
    )


def missing_scores(application: Application) -> list[ScoreCriterion]:
    """The criteria in use that the application has no score for, in the sheet's order."""
    criteria = {
        c.pk: c
        for c in ScoreCriterion.objects.filter(active=True).order_by("section", "order", "pk")
    }
    scored = application.scores.values_list("criterion_id", flat=True)
    return [criteria[pk] for pk in scoring.missing(criteria, scored)]


def latest_committee_decision(application: Application) -> CommitteeDecision | None:
    return application.committee_decisions.order_by("-meeting_on", "-pk").first()


# --- applications -------------------------------------------------------------------------


def _validate_application(application: Application, organization: Organization) -> None:
    """The details' rules (`rules.check_details`) and the model's, as one set of field errors."""
    errors: dict[str, list[str]] = {}
    try:
        check_details(application, organization, timezone.localdate())
    except ValidationError as error:
        errors.update(error.message_dict)
    try:
        application.full_clean(
            exclude=["organization", "created_by", "renews", "stage"], validate_constraints=False
        )
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            errors.setdefault(field, messages)
    if errors:
        raise ValidationError(errors)


@transaction.atomic(durable=True)
def create_application(
    *, actor: Actor, organization: Organization, **fields: Unpack[ApplicationChanges]
) -> Application:
    """An owner or editor starts an application (a draft). While the organization holds a
    current designation, the application is its renewal. The type of organization defaults to
    the first its kind allows, the designation sought to the first its type allows.
    Locks the organization's row."""
    user = signed_in_user(actor)
    organization = lock(organization)
    if not can_apply(user, organization):
        raise PermissionDenied(
            _("Only the organization's owners and editors may apply for its designation.")
        )
    if Application.objects.filter(organization=organization, status__in=OPEN_STATUSES).exists():
        raise field_error(
            "__all__",
            _("This organization already has an open application."),
            code="open_application",
        )
    if Designation.objects.filter(
        organization=organization, status=DesignationStatus.SUSPENDED
    ).exists():
        raise field_error(
            "__all__", _("The organization's designation is suspended."), code="suspended"
        )
    current = expire_if_past(_active_designation(organization), today=timezone.localdate())
    application = Application(
        organization=organization,
        activities="",
        plan="",
        created_by=user,
        is_renewal=current is not None,
        renews=current,
    )
    apply_changes(application, fields=APPLICATION_FIELDS, data=fields, clean=_clean_change)
    _validate_application(application, organization)
    application.save()
    record(
        actor=user,
        action="application_created",
        target=application,
        data={"renewal": application.is_renewal},
    )
    return application


@transaction.atomic(durable=True)
def update_application(
    *, actor: Actor, application: Application, **changes: Unpack[ApplicationChanges]
) -> Application:
    """The applicant changes the details of a draft or of an application sent back for changes.
    Locks the organization's and the application's rows."""
    user = signed_in_user(actor)
    organization, application = cast(
        tuple[Organization, Application], lock_objects(application.organization, application)
    )
    if not can_apply(user, organization):
        raise PermissionDenied(
            _("Only the organization's owners and editors may change its application.")
        )
    _require_status(
        application, "update", ApplicationStatus.DRAFT, ApplicationStatus.CHANGES_REQUESTED
    )
    apply_changes(application, fields=APPLICATION_FIELDS, data=changes, clean=_clean_change)
    _validate_application(application, organization)
    application.save()
    record(actor=user, action="application_updated", target=application)
    return application


@transaction.atomic(durable=True)
def add_document(
    *,
    actor: Actor,
    application: Application,
    upload: Any,
    document_type: str = DocumentType.OTHER,
) -> ApplicationDocument:
    """Attach a checked file, of one of the checklist's types, to a draft or an application sent
    back for changes. Locks the organization's and the application's rows."""
    user = signed_in_user(actor)
    organization, application = cast(
        tuple[Organization, Application], lock_objects(application.organization, application)
    )
    if not can_apply(user, organization):
        raise PermissionDenied(_("Only the organization's owners and editors may add documents."))
    _require_status(
        application, "upload", ApplicationStatus.DRAFT, ApplicationStatus.CHANGES_REQUESTED
    )
    if document_type not in DocumentType.values:
        raise field_error("document_type", _("Choose the type of the document."))
    if application.documents.count() >= MAX_DOCUMENTS:
        raise field_error(
            "file", _("An application holds at most %(max)s documents.") % {"max": MAX_DOCUMENTS}
        )
    stored, file_type, name, size = check_document(upload, actor=user)
    document = ApplicationDocument(
        application=application,
        document_type=document_type,
        original_name=name,
        content_type=file_type.content_type,
        size=size,
        uploaded_by=user,
    )
    # check_document always names the file to store (a random name).
    document.file.save(str(stored.name), stored, save=False)
    # The file is written before its row. On a rollback it stays behind under a random name
    # that no row points to, so it is never served; that is preferred to a row without a file.
    document.save()
    record(
        actor=user,
        action="document_added",
        target=application,
        data={"document": name, "document_type": document_type},
    )
    return document


@transaction.atomic(durable=True)
def remove_document(*, actor: Actor, document: ApplicationDocument) -> None:
    """Remove a document (its file is deleted after commit). Locks the organization's and the
    application's rows."""
    user = signed_in_user(actor)
    organization, application = cast(
        tuple[Organization, Application],
        lock_objects(document.application.organization, document.application),
    )
    if not can_apply(user, organization):
        raise PermissionDenied(
            _("Only the organization's owners and editors may remove documents.")
        )
    _require_status(
        application, "remove_document", ApplicationStatus.DRAFT, ApplicationStatus.CHANGES_REQUESTED
    )
    name, stored = document.original_name, document.file.name
    storage = document.file.storage
    document.delete()
    if stored:
        transaction.on_commit(partial(storage.delete, stored))
    record(actor=user, action="document_removed", target=application, data={"document": name})


def _check_complete(application: Application) -> None:
    if errors := submission_problems(application, timezone.localdate()):
        raise ValidationError(errors)


def _next_in_year(counter_model: type[YearlyCounter], year: int) -> str:
    """The year's next number of a counter (2026-0001), under its row's lock: callers take it as
    their last lock, so the row is held for the shortest time."""
    counter_model._default_manager.bulk_create(
        [counter_model(year=year, last=0)], ignore_conflicts=True
    )
    counter = lock_pk(counter_model, year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{year}-{counter.last:04d}"


def _next_receipt_number(year: int) -> str:
    return _next_in_year(ReceiptCounter, year)


def _submit(*, actor: Actor, application: Application) -> Application:
    user = signed_in_user(actor)
    organization, application = cast(
        tuple[Organization, Application], lock_objects(application.organization, application)
    )
    if not can_apply(user, organization):
        raise PermissionDenied(
            _("Only the organization's owners and editors may submit its application.")
        )
    _require_status(
        application, "submit", ApplicationStatus.DRAFT, ApplicationStatus.CHANGES_REQUESTED
    )
    _check_complete(application)
    transition = (
        "resubmitted" if application.status == ApplicationStatus.CHANGES_REQUESTED else "submitted"
    )
    now = timezone.now()
    today = timezone.localdate(now)
    fields = ["status", "submitted_by", "submitted_at", "updated_at", "due_on"]
    if not application.receipt_number:
        application.receipt_number = _next_receipt_number(today.year)
        application.due_on = today + datetime.timedelta(days=processing_days())
        fields.append("receipt_number")
    elif application.due_on is not None and application.changes_requested_at is not None:
        # The deadline stops while the application waits for the applicant's changes.
        waited = today - timezone.localdate(application.changes_requested_at)
        application.due_on += datetime.timedelta(days=max(waited.days, 0))
    application.status = ApplicationStatus(transition)
    application.submitted_by = user
    application.submitted_at = now
    application.save(update_fields=fields)
    record(
        actor=user,
        action=transition,
        target=application,
        data={"receipt_number": application.receipt_number},
    )
    announce(
        application,
        transition,
        receipt=application.receipt_number,
        due=_lazy_date(application.due_on),
    )
    return application


@transaction.atomic(durable=True)
def submit_application(*, actor: Actor, application: Application) -> Application:
    """Draft → submitted, or changes requested → resubmitted: the applicant hands it to staff.
    Locks the organization's and the application's rows."""
    return _submit(actor=actor, application=application)


@transaction.atomic(durable=True)
def resubmit_application(*, actor: Actor, application: Application) -> Application:
    """Changes requested → resubmitted (the same step as the first submission)."""
    if application.status != ApplicationStatus.CHANGES_REQUESTED:
        raise _invalid_transition(application, "resubmit")
    return _submit(actor=actor, application=application)


@transaction.atomic(durable=True)
def start_review(*, actor: Actor, application: Application) -> Application:
    """Submitted or resubmitted → under review, by the acting staff member.
    Locks the organization's and the application's rows."""
    user = _require_staff(actor)
    _organization, application = cast(
        tuple[Organization, Application], lock_objects(application.organization, application)
    )
    _require_status(
        application, "start_review", ApplicationStatus.SUBMITTED, ApplicationStatus.RESUBMITTED
    )
    if application.stage_id is None:  # a resubmitted application resumes at its stage
        if not ReviewStage.objects.exists():  # a database that lost the migration's rows
            install_defaults(ReviewStage, ScoreCriterion, Committee)
        first = _active_stages().first()
        if first is None:
            raise field_error("stage", _("No review stage is in use: set up the stages first."))
        application.stage = first
    application.status = ApplicationStatus.UNDER_REVIEW
    application.reviewer = user
    application.save(update_fields=["status", "reviewer", "stage", "updated_at"])
    record(actor=user, action="review_started", target=application)
    announce(application, "review_started")
    return application


@transaction.atomic(durable=True)
def set_checklist(
    *, actor: Actor, application: Application, checked: dict[str, bool]
) -> Application:
    """Staff tick the checklist while reviewing; unknown items are refused, missing ones unchanged.
    Locks the organization's and the application's rows."""
    user = _require_staff(actor)
    _organization, application = cast(
        tuple[Organization, Application], lock_objects(application.organization, application)
    )
    _require_status(application, "checklist", ApplicationStatus.UNDER_REVIEW)
    unknown = set(checked) - set(ChecklistItem.values)
    if unknown:
        raise field_error(
            "checklist",
            _("Unknown checklist item: %(items)s") % {"items": ", ".join(sorted(unknown))},
        )
    current = {value: state for value, _label, state in application.checklist_items()}
    changes = {item: bool(value) for item, value in checked.items() if current[item] != bool(value)}
    if not changes:
        return application
    current.update(changes)
    application.checklist = current
    application.save(update_fields=["checklist", "updated_at"])
    log_action(
        actor=user, action="designation.checklist", target=application, data={"changes": changes}
    )
    return application


@transaction.atomic(durable=True)
def add_comment(
    *, actor: Actor, application: Application, body: str, internal: bool = False
) -> ReviewComment:
    """Staff comment (internal notes or messages to the applicant); the applicant's owners and
    editors answer in the visible thread once the application has been submitted.
    Locks the organization's and the application's rows."""
    user = signed_in_user(actor)
    _organization, application = cast(
        tuple[Organization, Application], lock_objects(application.organization, application)
    )
    staff = can_review(user)
    if not staff:
        if not can_view_application(user, application):
            raise PermissionDenied(_("You may not comment on this application."))
        if internal:
            raise PermissionDenied(_("Only city staff write internal notes."))
        if application.status == ApplicationStatus.DRAFT:
            raise _invalid_transition(application, "comment")
    comment = ReviewComment(
        application=application,
        author=user,
        body=_clean_text(body),
        internal=internal,
        by_staff=staff,
    )
    comment.full_clean(exclude=["application", "author"])
    comment.save()
    if not internal:
        log_action(
            actor=user,
            action="designation.commented",
            target=application,
            data={"comment_id": comment.pk},
        )
        announce(application, "commented", body=comment.body[:300])
    return comment


@transaction.atomic(durable=True)
def request_changes(*, actor: Actor, application: Application, reason: str) -> Application:
    """Under review → changes requested: back to the applicant, with the reason as a visible
    comment. Locks the organization's and the application's rows."""
    user = _require_staff(actor)
    reason = _reason(reason)
    _organization, application = cast(
        tuple[Organization, Application], lock_objects(application.organization, application)
    )
    _require_status(application, "request_changes", ApplicationStatus.UNDER_REVIEW)
    application.status = ApplicationStatus.CHANGES_REQUESTED
    application.changes_requested_at = timezone.now()
    application.save(update_fields=["status", "changes_requested_at", "updated_at"])
    ReviewComment.objects.create(
        application=application, author=user, body=reason, internal=False, by_staff=True
    )
    record(actor=user, action="changes_requested", target=application, reason=reason)
    announce(application, "changes_requested", reason=reason)
    return application


@transaction.atomic(durable=True)
def reject_application(*, actor: Actor, application: Application, reason: str) -> Application:
    """Under review → rejected, with the reason. Locks the organization's and the application's
    rows."""
    user = _require_staff(actor)
    reason = _reason(reason)
    _organization, application = cast(
        tuple[Organization, Application], lock_objects(application.organization, application)
    )
    _require_status(application, "reject", ApplicationStatus.UNDER_REVIEW)
    application.status = ApplicationStatus.REJECTED
    application.decision_reason = reason
    application.decided_at = timezone.now()
    application.save(update_fields=["status", "decision_reason", "decided_at", "updated_at"])
    record(actor=user, action="rejected", target=application, reason=reason)
    announce(application, "rejected", reason=reason)
    return application


# --- review: stages, score sheet, committee ----------------------------------------------


def _lock_application(application: Application) -> Application:
    _organization, locked = cast(
        tuple[Organization, Application], lock_objects(application.organization, application)
    )
    return locked


def _ready_for_committee(application: Application) -> None:
    """The committee deliberates on a checked and scored application."""
    errors: dict[str, list[str]] = {}
    if not application.checklist_complete:
        errors["checklist"] = [_("Tick every item of the checklist first.")]
    if missing := missing_scores(application):
        errors["scores"] = [
            _("Score every criterion first (missing: %(criteria)s).")
            % {"criteria": ", ".join(c.name for c in missing)}
        ]
    if errors:
        raise ValidationError(errors)


@transaction.atomic(durable=True)
def advance_stage(*, actor: Actor, application: Application, note: str = "") -> Application:
    """Move an application under review to the next stage in use. Stages are never skipped; the
    committee's stage needs the checklist ticked and every criterion scored.
    Locks the organization's and the application's rows."""
    user = _require_staff(actor)
    application = _lock_application(application)
    _require_status(application, "advance", ApplicationStatus.UNDER_REVIEW)
    current = application.stage
    if current is None:
        raise field_error("stage", _("Start the review first."))
    following = _next_stage(current)
    if following is None:
        raise field_error(
            "stage",
            _("This is the last stage: decide on the application."),
            code="invalid_transition:advance",
        )
    if following.is_committee:
        _ready_for_committee(application)
    note = _clean_text(note)
    if len(note) > REASON_LIMIT:
        raise field_error(
            "note", _("Ensure this value has at most %(max)s characters.") % {"max": REASON_LIMIT}
        )
    application.stage = following
    application.save(update_fields=["stage", "updated_at"])
    log_action(
        actor=user,
        action="designation.stage_advanced",
        target=application,
        # The note is the staff's (shown on the review page only), never the entry's public reason.
        data={"from": current.code, "to": following.code, "stage": following.name, "note": note},
    )
    announce(application, "stage_advanced", stage=lazy(lambda: following.name, str)())
    return application


@transaction.atomic(durable=True)
def set_scores(
    *, actor: Actor, application: Application, points: dict[str, int | None]
) -> Application:
    """Staff fill in the score sheet: criterion code → points (None clears it). Each score is
    checked against its criterion's maximum (and the database checks it again); totals are the
    database's sums (`selectors.score_sheet`). Locks the organization's and the application's
    rows."""
    user = _require_staff(actor)
    application = _lock_application(application)
    _require_status(application, "scores", ApplicationStatus.UNDER_REVIEW)
    criteria = {c.code: c for c in ScoreCriterion.objects.filter(active=True, code__in=points)}
    scoring.check(
        {code: scoring.Line(maximum=c.max_points) for code, c in criteria.items()},
        points,
        field=lambda code: f"score_{code}",
        unknown=_("Unknown criterion: %(codes)s")
        % {"codes": ", ".join(sorted(set(points) - set(criteria)))},
    )
    now = timezone.now()

    def create(code: str, value: int) -> None:
        criterion = criteria[code]
        Score.objects.create(
            application=application,
            criterion=criterion,
            points=value,
            max_points=criterion.max_points,
            scored_by=user,
            scored_at=now,
        )

    def change(score: Score, value: int) -> None:
        score.points, score.max_points = value, criteria[score.criterion.code].max_points
        score.scored_by, score.scored_at = user, now
        score.save(update_fields=["points", "max_points", "scored_by", "scored_at"])

    changes = scoring.write(
        points,
        {s.criterion.code: s for s in application.scores.select_related("criterion")},
        unchanged=lambda score, value: score.points == value,
        create=create,
        change=change,
        clear=lambda score: score.delete(),
    )
    if changes:
        log_action(
            actor=user, action="designation.scored", target=application, data={"changes": changes}
        )
    return application


def designation_committee() -> Committee:
    """The participation committee that votes on designations (created by the migrations)."""
    found = the_committee()
    if found is None:
        raise field_error("committee", _("No committee is set up."))
    return found


@transaction.atomic(durable=True)
def record_committee_decision(
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
    """The committee's vote on an application at the committee stage. The meeting must have its
    quorum (`committee.py`); the motion to designate carries with a majority of those present.
    A second meeting may vote again (the latest decision counts). The applicant learns only that
    the committee deliberated; votes and names stay with the city.
    Locks the organization's and the application's rows."""
    user = _require_staff(actor)
    application = _lock_application(application)
    _require_status(application, "committee", ApplicationStatus.UNDER_REVIEW)
    if application.stage is None or not application.stage.is_committee:
        raise field_error(
            "stage",
            _("The committee votes at the committee stage."),
            code="invalid_transition:committee",
        )
    decision = record_vote(
        CommitteeDecision,
        committee=designation_committee(),
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
        action="designation.committee_decided",
        target=application,
        data={"meeting_on": meeting_on.isoformat(), "decision_id": decision.pk},
    )
    return decision


def _ready_for_decision(application: Application, organization: Organization) -> None:
    """An approval comes at the last stage in use, after the committee's approving vote when that
    stage is the committee's, on a checked and scored application of a published organization."""
    if not organization.is_published:
        raise field_error(
            "organization",
            _(
                "The organization's page is not published yet: a moderator must publish it "
                "before it can be designated."
            ),
            code="unpublished",
        )
    last = _active_stages().last()
    if last is not None and application.stage_id != last.pk:
        raise field_error(
            "stage",
            _("The application must reach the last stage (%(stage)s) before the decision.")
            % {"stage": last.name},
            code="invalid_transition:approve",
        )
    if not application.checklist_complete:
        raise field_error("checklist", _("Tick every item of the checklist before approving."))
    if missing := missing_scores(application):
        raise field_error(
            "scores",
            _("Score every criterion first (missing: %(criteria)s).")
            % {"criteria": ", ".join(c.name for c in missing)},
        )
    if last is not None and last.is_committee:
        decision = latest_committee_decision(application)
        if decision is None or decision.outcome != CommitteeOutcome.APPROVED:
            raise field_error(
                "committee",
                _("The committee has not voted to designate this organization."),
                code="committee",
            )


def _next_number(year: int) -> str:
    return _next_in_year(NumberCounter, year)


def _lock_for_approval(
    application: Application,
) -> tuple[Organization, Application, Designation | None]:
    """The organization's, the application's and (a renewal) the renewed designation's rows,
    locked in one `lock_objects` call."""
    rows: list[models.Model] = [application.organization, application]
    if application.renews_id is not None:  # set when the application is created, never changed
        rows.append(Designation(pk=application.renews_id))
    locked = lock_objects(*rows)
    previous = cast(Designation, locked[2]) if len(locked) > 2 else None
    return cast(Organization, locked[0]), cast(Application, locked[1]), previous


@transaction.atomic(durable=True)
def approve_application(
    *,
    actor: Actor,
    application: Application,
    designated_on: datetime.date | None = None,
    valid_until: datetime.date | None = None,
    conditions: str = "",
) -> Designation:
    """Under review → approved, creating the designation with the next number, its
    verification code (printed on the certificate, `certificate.py`) and its annual reports.
    See `_ready_for_decision` for what must come first; an unpublished organization is refused
    (publishing is a moderator's decision, not the designation's).

    A renewal's designation follows the one it renews without a gap: it starts today and runs
    until the old end date plus the validity period; the old one is marked as renewed.
    Locks the organization's, the application's and the renewed designation's rows, then the
    year's number counter.
    """
    user = _require_staff(actor)
    organization, application, previous = _lock_for_approval(application)
    _require_status(application, "approve", ApplicationStatus.UNDER_REVIEW)
    _ready_for_decision(application, organization)
    today = timezone.localdate()
    designated_on = designated_on or today
    if previous is not None:
        if previous.status != DesignationStatus.ACTIVE:
            raise field_error(
                "__all__",
                _("The designation to renew is no longer active (%(status)s).")
                % {"status": previous.get_status_display()},
            )
        if valid_until is None:
            valid_until = add_years(max(previous.valid_until, designated_on), designation_years())
    else:
        still_active = expire_if_past(_active_designation(organization), today=today)
        if still_active is not None:
            raise field_error("__all__", _("This organization is already designated."))
    valid_until = valid_until or default_valid_until(designated_on)
    designation = Designation(
        organization=organization,
        kind=application.kind,
        designated_on=designated_on,
        valid_until=valid_until,
        conditions=_clean_text(conditions),
        decided_by=user,
        application=application,
        number="pending",
    )
    if valid_until <= designated_on:
        raise field_error(
            "valid_until", _("The end of validity must be after the designation date.")
        )
    designation.full_clean(
        exclude=["organization", "number", "decided_by", "application", "renewed_by"],
        validate_constraints=False,
    )
    if previous is not None:
        previous.status = DesignationStatus.RENEWED
        previous.save(update_fields=["status"])
    designation.number = _next_number(designated_on.year)
    designation.save()
    if previous is not None:
        previous.renewed_by = designation
        previous.save(update_fields=["renewed_by"])
        record(
            actor=user, action="renewed", target=previous, data={"renewed_by": designation.number}
        )
    application.status = ApplicationStatus.APPROVED
    application.decided_at = timezone.now()
    application.save(update_fields=["status", "decided_at", "updated_at"])
    _ensure_reports(designation, since=None)
    record(actor=user, action="approved", target=application, data={"number": designation.number})
    record(
        actor=user,
        action="designated",
        target=designation,
        data={
            "designated_on": designated_on.isoformat(),
            "valid_until": valid_until.isoformat(),
            "renewal": application.is_renewal,
        },
    )
    announce(designation, "approved")
    return designation


# --- designations -------------------------------------------------------------------------


def _change_status(
    *,
    actor: Actor,
    designation: Designation,
    reason: str,
    allowed: tuple[str, ...],
    to: DesignationStatus,
    action: str,
) -> Designation:
    """One designation status change: locks the organization's and the designation's rows."""
    user = _require_staff(actor)
    reason = _reason(reason)
    _organization, designation = cast(
        tuple[Organization, Designation], lock_objects(designation.organization, designation)
    )
    if designation.effective_status() not in allowed:
        raise field_error(
            "status",
            _("This cannot be done while the designation is “%(status)s”.")
            % {"status": DesignationStatus(designation.effective_status()).label},
            code=f"invalid_transition:{action}",
        )
    designation.status = to
    designation.status_reason = reason
    designation.save(update_fields=["status", "status_reason"])
    record(actor=user, action=action, target=designation, reason=reason)
    announce(designation, action, reason=reason)
    return designation


@transaction.atomic(durable=True)
def suspend_designation(*, actor: Actor, designation: Designation, reason: str) -> Designation:
    return _change_status(
        actor=actor,
        designation=designation,
        reason=reason,
        allowed=(DesignationStatus.ACTIVE,),
        to=DesignationStatus.SUSPENDED,
        action="suspended",
    )


@transaction.atomic(durable=True)
def reinstate_designation(*, actor: Actor, designation: Designation, reason: str) -> Designation:
    if designation.valid_until < timezone.localdate():
        raise field_error(
            "status", _("The designation's validity has ended; it cannot be reinstated.")
        )
    return _change_status(
        actor=actor,
        designation=designation,
        reason=reason,
        allowed=(DesignationStatus.SUSPENDED,),
        to=DesignationStatus.ACTIVE,
        action="reinstated",
    )


@transaction.atomic(durable=True)
def revoke_designation(*, actor: Actor, designation: Designation, reason: str) -> Designation:
    return _change_status(
        actor=actor,
        designation=designation,
        reason=reason,
        allowed=(DesignationStatus.ACTIVE, DesignationStatus.SUSPENDED),
        to=DesignationStatus.REVOKED,
        action="revoked",
    )


# --- the city's review settings: stages, score sheet, committee ----------------------------

SETTINGS_MAX_POINTS = 100
SETTINGS_MAX_SEATS = 200


class StageChanges(TypedDict, total=False):
    name_ko: str
    name_en: str
    order: int
    is_committee: bool
    active: bool


class CriterionChanges(TypedDict, total=False):
    section: str
    name_ko: str
    name_en: str
    max_points: int
    order: int
    active: bool


class CommitteeChanges(TypedDict, total=False):
    name_ko: str
    name_en: str
    seats: int | None


STAGE_FIELDS = ("name_ko", "name_en", "order", "is_committee", "active")
CRITERION_FIELDS = ("section", "name_ko", "name_en", "max_points", "order", "active")
COMMITTEE_FIELDS = ("name_ko", "name_en", "seats")


def _clean_setting(name: str, value: Any) -> Any:
    return _clean_text(value) if name in ("name_ko", "name_en") else value


def _check_name(instance: models.Model) -> dict[str, list[str]]:
    return {} if getattr(instance, "name_ko", "") else {"name_ko": [_("Enter the Korean name.")]}


def _check_code(model: type[models.Model], code: str) -> str:
    code = _clean_text(code).lower()
    if not code or not all(c.isascii() and (c.isalnum() or c in "-_") for c in code):
        raise field_error("code", _("Use lower-case letters, digits, - and _ only."))
    if model._default_manager.filter(code=code).exists():
        raise field_error("code", _("This code is already in use."))
    return code


def _check_stage_sequence(stage: ReviewStage) -> None:
    """The sequence after the change: one stage in use at least, one committee stage at most,
    the committee's last; a stage holding open applications stays in use.
    The caller holds every stage row's lock."""
    errors = _check_name(stage)
    others = (
        list(ReviewStage.objects.exclude(pk=stage.pk))
        if stage.pk
        else list(ReviewStage.objects.all())
    )
    stages = [*others, stage]
    active = sorted(
        (s for s in stages if s.active), key=lambda s: (s.order, s.pk or SETTINGS_MAX_SEATS**3)
    )
    if not active:
        errors["active"] = [_("Keep at least one stage in use.")]
    if stage.is_committee and any(s.is_committee for s in others):
        errors["is_committee"] = [_("Another stage is already the committee's.")]
    committee = [s for s in active if s.is_committee]
    if committee and active[-1] is not committee[0]:
        errors["order"] = [_("The committee's stage must come last.")]
    if (
        stage.pk
        and not stage.active
        and Application.objects.filter(stage=stage, status__in=OPEN_STATUSES).exists()
    ):
        errors["active"] = [_("Applications are at this stage: it must stay in use.")]
    if errors:
        raise ValidationError(errors)


def _save_stage(user: User, stage: ReviewStage, changes: StageChanges) -> ReviewStage:
    lock_rows(ReviewStage, ReviewStage.objects.values_list("pk", flat=True))
    changed = apply_changes(stage, fields=STAGE_FIELDS, data=changes, clean=_clean_setting)
    _check_stage_sequence(stage)
    stage.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            stage.save()
    except IntegrityError as error:  # two staff made two committee stages at once
        raise field_error("is_committee", _("Another stage is already the committee's.")) from error
    log_action(
        actor=user,
        action="designation.settings_changed",
        target=stage,
        data={"stage": stage.code, "fields": changed},
    )
    return stage


@transaction.atomic(durable=True)
def create_stage(*, actor: Actor, code: str, **changes: Unpack[StageChanges]) -> ReviewStage:
    """City staff add a review stage. Locks every stage's row."""
    user = _require_staff(actor)
    stage = ReviewStage(code=_check_code(ReviewStage, code), name="")
    return _save_stage(user, stage, changes)


@transaction.atomic(durable=True)
def update_stage(
    *, actor: Actor, stage: ReviewStage, **changes: Unpack[StageChanges]
) -> ReviewStage:
    """City staff rename, reorder, retire or bring back a stage. Locks every stage's row."""
    user = _require_staff(actor)
    return _save_stage(user, ReviewStage.objects.get(pk=stage.pk), changes)


def _save_criterion(
    user: User, criterion: ScoreCriterion, changes: CriterionChanges
) -> ScoreCriterion:
    changed = apply_changes(criterion, fields=CRITERION_FIELDS, data=changes, clean=_clean_setting)
    errors = _check_name(criterion)
    if not 1 <= (criterion.max_points or 0) <= SETTINGS_MAX_POINTS:
        errors["max_points"] = [
            _("Give between 1 and %(max)s points.") % {"max": SETTINGS_MAX_POINTS}
        ]
    if errors:
        raise ValidationError(errors)
    criterion.full_clean(validate_constraints=False)
    criterion.save()
    log_action(
        actor=user,
        action="designation.settings_changed",
        target=criterion,
        data={"criterion": criterion.code, "fields": changed},
    )
    return criterion


@transaction.atomic(durable=True)
def create_criterion(
    *, actor: Actor, code: str, **changes: Unpack[CriterionChanges]
) -> ScoreCriterion:
    """City staff add a criterion to the score sheet; its maximum is its weight."""
    user = _require_staff(actor)
    criterion = ScoreCriterion(code=_check_code(ScoreCriterion, code), name="", max_points=0)
    return _save_criterion(user, criterion, changes)


@transaction.atomic(durable=True)
def update_criterion(
    *, actor: Actor, criterion: ScoreCriterion, **changes: Unpack[CriterionChanges]
) -> ScoreCriterion:
    """City staff change a criterion. Scores already given keep the maximum they were given
    under. Locks the criterion's row."""
    user = _require_staff(actor)
    return _save_criterion(user, lock(criterion), changes)


@transaction.atomic(durable=True)
def update_committee(
    *, actor: Actor, committee: Committee, **changes: Unpack[CommitteeChanges]
) -> Committee:
    """City staff rename the committee (one of participation's) or change its seats; no seats
    means the members whose term runs are counted (`selectors.committee_seats`). Decisions keep
    the seats they were taken with. Locks the committee's row."""
    user = _require_staff(actor)
    committee = lock(committee)
    changed = apply_changes(committee, fields=COMMITTEE_FIELDS, data=changes, clean=_clean_setting)
    errors = _check_name(committee)
    if committee.seats is not None and not 1 <= committee.seats <= SETTINGS_MAX_SEATS:
        errors["seats"] = [_("Give between 1 and %(max)s members.") % {"max": SETTINGS_MAX_SEATS}]
    if errors:
        raise ValidationError(errors)
    committee.full_clean(validate_constraints=False)
    committee.save()
    log_action(
        actor=user,
        action="designation.settings_changed",
        target=committee,
        data={"committee": committee.slug, "fields": changed},
    )
    return committee


# --- annual activity reports --------------------------------------------------------------


def report_schedule(
    designation: Designation,
) -> list[tuple[int, datetime.date, datetime.date, datetime.date]]:
    """(year, first day, last day, due date) of every designation year within its validity;
    a report is due `rules.report_days()` after its year ends."""
    schedule = []
    year = 1
    start = designation.designated_on
    while start <= designation.valid_until:
        end = min(
            add_years(designation.designated_on, year) - datetime.timedelta(days=1),
            designation.valid_until,
        )
        schedule.append((year, start, end, end + datetime.timedelta(days=report_days())))
        start = add_years(designation.designated_on, year)
        year += 1
    return schedule


def _ensure_reports(designation: Designation, since: datetime.date | None = None) -> int:
    """The report rows of the designation's years that end on or after the day it was recorded
    in the hub (or `since`): a designation recorded late (the demo's, older ones) is not asked
    for years long past. Idempotent: existing rows are left as they are."""
    since = since or timezone.localdate(designation.created_at)
    rows = [
        AnnualReport(
            designation=designation, year=year, period_start=start, period_end=end, due_on=due
        )
        for year, start, end, due in report_schedule(designation)
        if end >= since
    ]
    created = AnnualReport.objects.bulk_create(rows, ignore_conflicts=True)
    return len(created)


def ensure_reports(designation: Designation) -> int:
    """For the daily job: the designation's report rows, in the caller's transaction."""
    return _ensure_reports(designation)


def _lock_report(report: AnnualReport) -> tuple[Organization, AnnualReport]:
    return cast(
        tuple[Organization, AnnualReport],
        lock_objects(report.designation.organization, report),
    )


def _invalid_report_step(report: AnnualReport, action: str) -> ValidationError:
    return field_error(
        "status",
        _("This cannot be done while the report is “%(status)s”.")
        % {"status": report.get_status_display()},
        code=f"invalid_transition:{action}",
    )


@transaction.atomic(durable=True)
def submit_report(
    *,
    actor: Actor,
    report: AnnualReport,
    summary: str,
    beneficiaries: int | None = None,
    upload: Any = None,
) -> AnnualReport:
    """The organization's owners send the year's activity report (again, after changes were
    asked for), from `rules.REPORT_OPENS_DAYS` before the year ends. An attached file replaces
    the one sent before. Locks the organization's and the report's rows."""
    user = signed_in_user(actor)
    organization, report = _lock_report(report)
    if not can_submit_report(user, organization):
        raise PermissionDenied(_("Only the organization's owners send its activity reports."))
    if not report.is_open:
        raise _invalid_report_step(report, "submit")
    if report.designation.status == DesignationStatus.REVOKED:
        raise field_error("status", _("The designation is revoked."))
    opens = report.period_end - datetime.timedelta(days=REPORT_OPENS_DAYS)
    if timezone.localdate() < opens:
        raise field_error(
            "status",
            _("This report can be sent from %(date)s.")
            % {"date": formats.date_format(opens, "DATE_FORMAT")},
        )
    errors: dict[str, list[str]] = {}
    summary = _clean_text(summary)
    if not summary:
        errors["summary"] = [_("Describe the year's sharing activities.")]
    if beneficiaries is not None and beneficiaries < 0:
        errors["beneficiaries"] = [_("Enter 0 or more.")]
    if errors:
        raise ValidationError(errors)
    report.summary = summary
    report.beneficiaries = beneficiaries
    report.full_clean(exclude=["designation", "document"], validate_constraints=False)
    if upload is not None:
        stored, file_type, name, _size = check_document(upload, actor=user)
        old = report.document.name
        storage = report.document.storage
        report.document.save(str(stored.name), stored, save=False)
        report.document_name = name
        report.document_type = file_type.content_type
        if old:
            transaction.on_commit(partial(storage.delete, old))
    resubmitted = report.status == ReportStatus.CHANGES_REQUESTED
    report.status = ReportStatus.SUBMITTED
    report.submitted_by = user
    report.submitted_at = timezone.now()
    report.save()
    log_action(
        actor=user,
        action="designation.report_resubmitted" if resubmitted else "designation.report_submitted",
        target=report,
        data={"year": report.year, "number": report.designation.number},
    )
    return report


def _review_report(
    *, actor: Actor, report: AnnualReport, to: ReportStatus, note: str, transition: str
) -> AnnualReport:
    user = _require_staff(actor)
    _organization, report = _lock_report(report)
    if report.status != ReportStatus.SUBMITTED:
        raise _invalid_report_step(report, transition)
    report.status = to
    report.review_note = note
    report.reviewed_by = user
    report.reviewed_at = timezone.now()
    report.save(update_fields=["status", "review_note", "reviewed_by", "reviewed_at"])
    log_action(
        actor=user,
        action=f"designation.{transition}",
        target=report,
        reason=note,
        data={"year": report.year, "number": report.designation.number},
    )
    announce_report(report, transition, reason=note)
    return report


@transaction.atomic(durable=True)
def accept_report(*, actor: Actor, report: AnnualReport, note: str = "") -> AnnualReport:
    """City staff accept a submitted report. Locks the organization's and the report's rows."""
    note = _clean_text(note)
    if len(note) > REASON_LIMIT:
        raise field_error(
            "note", _("Ensure this value has at most %(max)s characters.") % {"max": REASON_LIMIT}
        )
    return _review_report(
        actor=actor,
        report=report,
        to=ReportStatus.ACCEPTED,
        note=note,
        transition="report_accepted",
    )


@transaction.atomic(durable=True)
def request_report_changes(*, actor: Actor, report: AnnualReport, reason: str) -> AnnualReport:
    """City staff send a submitted report back, saying what to change. Locks the organization's
    and the report's rows."""
    return _review_report(
        actor=actor,
        report=report,
        to=ReportStatus.CHANGES_REQUESTED,
        note=_reason(reason),
        transition="report_changes_requested",
    )
