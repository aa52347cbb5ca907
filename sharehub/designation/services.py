"""Every write of the designation process (DESIGN §3, §4): one durable transaction each,
permission checked inside, an audit entry on the application or designation AND on the
organization (so the organization's history shows it), and the members' notifications written in
the same transaction (`notices.announce`: a rollback leaves none; the mail is sent after commit).

Locks: each step takes its rows in ONE `core.locking.lock_objects` call (the organization's, the
application's or designation's, and for a renewal the renewed designation's), so the kernel's
fixed order holds for every step; the year's number counter is always the last lock taken.
"""

from __future__ import annotations

import datetime
from functools import partial
from typing import Any, TypedDict, Unpack, cast

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sharehub.accounts.models import User
from sharehub.accounts.roles import signed_in_user
from sharehub.core.actors import Actor
from sharehub.core.audit import log_action
from sharehub.core.changes import apply_changes
from sharehub.core.forms import field_error
from sharehub.core.locking import lock, lock_objects, lock_pk
from sharehub.organizations.models import Organization

from .documents import MAX_DOCUMENTS, check_document
from .history import record
from .models import (
    OPEN_STATUSES,
    REASON_LIMIT,
    Application,
    ApplicationDocument,
    ApplicationStatus,
    ChecklistItem,
    Designation,
    DesignationStatus,
    NumberCounter,
    ReviewComment,
)
from .notices import announce
from .permissions import can_apply, can_decide, can_review, can_view_application

DEFAULT_YEARS = 3
# What an applicant may change on a draft or an application sent back for changes.
APPLICATION_FIELDS = ("kind", "activities", "plan")


class ApplicationChanges(TypedDict, total=False):
    kind: str
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
    return value if name == "kind" else _clean_text(value)


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


# --- applications -------------------------------------------------------------------------


@transaction.atomic(durable=True)
def create_application(
    *, actor: Actor, organization: Organization, kind: str, activities: str, plan: str
) -> Application:
    """An owner or editor starts an application (a draft). While the organization holds a
    current designation, the application is its renewal. Locks the organization's row."""
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
        kind=kind,
        activities=_clean_text(activities),
        plan=_clean_text(plan),
        created_by=user,
        is_renewal=current is not None,
        renews=current,
    )
    application.full_clean(
        exclude=["organization", "created_by", "renews"], validate_constraints=False
    )
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
    """The applicant changes the text of a draft or of an application sent back for changes.
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
    application.full_clean(
        exclude=["organization", "created_by", "renews"], validate_constraints=False
    )
    application.save()
    record(actor=user, action="application_updated", target=application)
    return application


@transaction.atomic(durable=True)
def add_document(*, actor: Actor, application: Application, upload: Any) -> ApplicationDocument:
    """Attach a checked file to a draft or an application sent back for changes.
    Locks the organization's and the application's rows."""
    user = signed_in_user(actor)
    organization, application = cast(
        tuple[Organization, Application], lock_objects(application.organization, application)
    )
    if not can_apply(user, organization):
        raise PermissionDenied(_("Only the organization's owners and editors may add documents."))
    _require_status(
        application, "upload", ApplicationStatus.DRAFT, ApplicationStatus.CHANGES_REQUESTED
    )
    if application.documents.count() >= MAX_DOCUMENTS:
        raise field_error(
            "file", _("An application holds at most %(max)s documents.") % {"max": MAX_DOCUMENTS}
        )
    stored, document_type, name, size = check_document(upload, actor=user)
    document = ApplicationDocument(
        application=application,
        original_name=name,
        content_type=document_type.content_type,
        size=size,
        uploaded_by=user,
    )
    # check_document always names the file to store (a random name).
    document.file.save(str(stored.name), stored, save=False)
    # The file is written before its row. On a rollback it stays behind under a random name
    # that no row points to, so it is never served; that is preferred to a row without a file.
    document.save()
    record(actor=user, action="document_added", target=application, data={"document": name})
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
    errors: dict[str, list[str]] = {}
    if not application.activities:
        errors["activities"] = [_("Describe the organization's sharing activities.")]
    if not application.plan:
        errors["plan"] = [_("Describe the operating plan.")]
    if not application.documents.exists():
        errors["file"] = [_("Attach at least one document.")]
    if errors:
        raise ValidationError(errors)


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
    application.status = ApplicationStatus(transition)
    application.submitted_by = user
    application.submitted_at = timezone.now()
    application.save(update_fields=["status", "submitted_by", "submitted_at", "updated_at"])
    record(actor=user, action=transition, target=application)
    announce(application, transition)
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
    application.status = ApplicationStatus.UNDER_REVIEW
    application.reviewer = user
    application.save(update_fields=["status", "reviewer", "updated_at"])
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
    application.save(update_fields=["status", "updated_at"])
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


def _next_number(year: int) -> str:
    """The year's next number, under the counter row's lock (the last lock taken)."""
    NumberCounter.objects.bulk_create([NumberCounter(year=year, last=0)], ignore_conflicts=True)
    counter = lock_pk(NumberCounter, year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{year}-{counter.last:04d}"


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
    """Under review → approved, creating the designation with the next number.

    A renewal's designation follows the one it renews without a gap: it starts today and runs
    until the old end date plus the validity period; the old one is marked as renewed.
    Locks the organization's, the application's and the renewed designation's rows, then the
    year's number counter.
    """
    user = _require_staff(actor)
    organization, application, previous = _lock_for_approval(application)
    _require_status(application, "approve", ApplicationStatus.UNDER_REVIEW)
    if not application.checklist_complete:
        raise field_error("checklist", _("Tick every item of the checklist before approving."))
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
