"""Every write of the designation process (DESIGN §3, §4): one transaction each, permission
checked inside, an audit entry on the application or designation AND on the organization (so
the organization's history shows it), and a notification to all its members after commit.

Lock order, always the same: the organization's row, then the application's, then the
designation's, then the year's number counter.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.functional import lazy
from django.utils.translation import gettext as _

from sharehub.core.audit import log_action
from sharehub.organizations.models import Organization

from . import notices
from .documents import MAX_DOCUMENTS, check_document
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
from .permissions import can_apply, can_decide, can_review, can_view_application, is_signed_in

DEFAULT_YEARS = 3


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


def _date_text(day: datetime.date):
    return lazy(lambda: formats.date_format(day, "DATE_FORMAT"), str)()


# --- helpers ------------------------------------------------------------------------------


def _require_signed_in(actor: Any) -> None:
    if not is_signed_in(actor):
        raise PermissionDenied(_("Please log in first."))


def _require_staff(actor: Any) -> None:
    _require_signed_in(actor)
    if not can_decide(actor):
        raise PermissionDenied(_("Only city staff review and decide designations."))


def _clean_text(value: Any) -> str:
    return (value or "").strip() if isinstance(value, str) or value is None else value


def _reason(reason: Any, field: str = "reason") -> str:
    reason = _clean_text(reason)
    if not reason:
        raise ValidationError({field: [_("Give a reason.")]})
    if len(reason) > REASON_LIMIT:
        raise ValidationError(
            {
                field: [
                    _("Ensure this value has at most %(max)s characters.") % {"max": REASON_LIMIT}
                ]
            }
        )
    return reason


def _lock_organization(organization_id: int) -> Organization:
    return Organization.objects.select_for_update(of=("self",)).get(pk=organization_id)


def _lock_application(application: Application) -> tuple[Organization, Application]:
    organization = _lock_organization(application.organization_id)
    application = (
        Application.objects.select_for_update(of=("self",))
        .select_related("renews")
        .get(pk=application.pk)
    )
    application.organization = organization
    return organization, application


def _lock_designation(designation: Designation) -> tuple[Organization, Designation]:
    organization = _lock_organization(designation.organization_id)
    designation = Designation.objects.select_for_update(of=("self",)).get(pk=designation.pk)
    designation.organization = organization
    return organization, designation


def _log(
    *,
    actor: Any,
    action: str,
    target: Application | Designation,
    reason: str = "",
    data: dict | None = None,
) -> None:
    """The same entry on the object and on its organization (the listing's history)."""
    data = dict(data or {})
    log_action(actor=actor, action=f"designation.{action}", target=target, reason=reason, data=data)
    kind = "application_id" if isinstance(target, Application) else "designation_id"
    data.setdefault(kind, target.pk)
    if isinstance(target, Designation):
        data.setdefault("number", target.number)
    log_action(
        actor=actor,
        action=f"designation.{action}",
        target=target.organization,
        reason=reason,
        data=data,
    )


def _invalid_transition(application: Application, action: str) -> ValidationError:
    return ValidationError(
        {
            "status": [
                ValidationError(
                    _("This cannot be done while the application is “%(status)s”.")
                    % {"status": application.get_status_display()},
                    code=f"invalid_transition:{action}",
                )
            ]
        }
    )


def _require_status(application: Application, action: str, *allowed: str) -> None:
    if application.status not in allowed:
        raise _invalid_transition(application, action)


def _notify_application(application: Application, text: str, **params: Any) -> None:
    title, body = notices.TEXTS[text]
    notices.notify_members(
        organization=application.organization,
        kind=notices.APPLICATION_KIND,
        title=title,
        body=body,
        viewname="designation:application",
        url_kwargs={"pk": application.pk},
        params=params,
    )


def _notify_designation(designation: Designation, text: str, **params: Any) -> None:
    title, body = notices.TEXTS[text]
    notices.notify_members(
        organization=designation.organization,
        kind=notices.REMINDER_KIND if text == "reminder" else notices.DESIGNATION_KIND,
        title=title,
        body=body,
        viewname="designation:detail",
        url_kwargs={"number": designation.number},
        params={
            "number": designation.number,
            "valid_until": _date_text(designation.valid_until),
            **params,
        },
    )


def _active_designation(organization: Organization) -> Designation | None:
    """The organization's active designation row (even if its date has passed)."""
    return Designation.objects.filter(
        organization=organization, status=DesignationStatus.ACTIVE
    ).first()


def _expire_if_past(designation: Designation | None, *, today: datetime.date) -> Designation | None:
    """Mark an active designation whose validity has ended as expired; return it if still valid."""
    if designation is None or designation.valid_until >= today:
        return designation
    designation.status = DesignationStatus.EXPIRED
    designation.save(update_fields=["status"])
    _log(actor=None, action="expired", target=designation)
    return None


# --- applications -------------------------------------------------------------------------


@transaction.atomic
def create_application(
    *, actor: Any, organization: Organization, kind: str, activities: str, plan: str
) -> Application:
    """An owner or editor starts an application (a draft). While the organization holds a
    current designation, the application is its renewal."""
    _require_signed_in(actor)
    organization = _lock_organization(organization.pk)
    if not can_apply(actor, organization):
        raise PermissionDenied(
            _("Only the organization's owners and editors may apply for its designation.")
        )
    if Application.objects.filter(organization=organization, status__in=OPEN_STATUSES).exists():
        raise ValidationError(
            {
                "__all__": [
                    ValidationError(
                        _("This organization already has an open application."),
                        code="open_application",
                    )
                ]
            }
        )
    if Designation.objects.filter(
        organization=organization, status=DesignationStatus.SUSPENDED
    ).exists():
        raise ValidationError(
            {
                "__all__": [
                    ValidationError(
                        _("The organization's designation is suspended."), code="suspended"
                    )
                ]
            }
        )
    current = _expire_if_past(_active_designation(organization), today=timezone.localdate())
    application = Application(
        organization=organization,
        kind=kind,
        activities=_clean_text(activities),
        plan=_clean_text(plan),
        created_by=actor,
        is_renewal=current is not None,
        renews=current,
    )
    application.full_clean(
        exclude=["organization", "created_by", "renews"], validate_constraints=False
    )
    application.save()
    _log(
        actor=actor,
        action="application_created",
        target=application,
        data={"renewal": application.is_renewal},
    )
    return application


@transaction.atomic
def update_application(
    *, actor: Any, application: Application, kind: str, activities: str, plan: str
) -> Application:
    _require_signed_in(actor)
    organization, application = _lock_application(application)
    if not can_apply(actor, organization):
        raise PermissionDenied(
            _("Only the organization's owners and editors may change its application.")
        )
    _require_status(
        application, "update", *[ApplicationStatus.DRAFT, ApplicationStatus.CHANGES_REQUESTED]
    )
    application.kind = kind
    application.activities = _clean_text(activities)
    application.plan = _clean_text(plan)
    application.full_clean(
        exclude=["organization", "created_by", "renews"], validate_constraints=False
    )
    application.save()
    _log(actor=actor, action="application_updated", target=application)
    return application


@transaction.atomic
def add_document(*, actor: Any, application: Application, upload: Any) -> ApplicationDocument:
    _require_signed_in(actor)
    organization, application = _lock_application(application)
    if not can_apply(actor, organization):
        raise PermissionDenied(_("Only the organization's owners and editors may add documents."))
    _require_status(
        application, "upload", ApplicationStatus.DRAFT, ApplicationStatus.CHANGES_REQUESTED
    )
    if application.documents.count() >= MAX_DOCUMENTS:
        raise ValidationError(
            {
                "file": [
                    _("An application holds at most %(max)s documents.") % {"max": MAX_DOCUMENTS}
                ]
            }
        )
    stored, document_type, name, size = check_document(upload, actor=actor)
    document = ApplicationDocument(
        application=application,
        original_name=name,
        content_type=document_type.content_type,
        size=size,
        uploaded_by=actor,
    )
    document.file.save(stored.name, stored, save=False)
    # The file is written before its row. On a rollback it stays behind under a random name
    # that no row points to, so it is never served; that is preferred to a row without a file.
    document.save()
    _log(actor=actor, action="document_added", target=application, data={"document": name})
    return document


@transaction.atomic
def remove_document(*, actor: Any, document: ApplicationDocument) -> None:
    _require_signed_in(actor)
    organization, application = _lock_application(document.application)
    if not can_apply(actor, organization):
        raise PermissionDenied(
            _("Only the organization's owners and editors may remove documents.")
        )
    _require_status(
        application, "remove_document", ApplicationStatus.DRAFT, ApplicationStatus.CHANGES_REQUESTED
    )
    name, stored = document.original_name, document.file.name
    storage = document.file.storage
    document.delete()
    transaction.on_commit(lambda: storage.delete(stored))
    _log(actor=actor, action="document_removed", target=application, data={"document": name})


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


@transaction.atomic
def submit_application(*, actor: Any, application: Application) -> Application:
    """Draft → submitted, or changes requested → resubmitted: the applicant hands it to staff."""
    _require_signed_in(actor)
    organization, application = _lock_application(application)
    if not can_apply(actor, organization):
        raise PermissionDenied(
            _("Only the organization's owners and editors may submit its application.")
        )
    _require_status(
        application, "submit", ApplicationStatus.DRAFT, ApplicationStatus.CHANGES_REQUESTED
    )
    _check_complete(application)
    resubmitting = application.status == ApplicationStatus.CHANGES_REQUESTED
    application.status = (
        ApplicationStatus.RESUBMITTED if resubmitting else ApplicationStatus.SUBMITTED
    )
    application.submitted_by = actor
    application.submitted_at = timezone.now()
    application.save(update_fields=["status", "submitted_by", "submitted_at", "updated_at"])
    _log(actor=actor, action="resubmitted" if resubmitting else "submitted", target=application)
    _notify_application(application, "resubmitted" if resubmitting else "submitted")
    return application


def resubmit_application(*, actor: Any, application: Application) -> Application:
    """Changes requested → resubmitted (the same service as the first submission)."""
    if application.status != ApplicationStatus.CHANGES_REQUESTED:
        raise _invalid_transition(application, "resubmit")
    return submit_application(actor=actor, application=application)


@transaction.atomic
def start_review(*, actor: Any, application: Application) -> Application:
    _require_staff(actor)
    _organization, application = _lock_application(application)
    _require_status(
        application, "start_review", ApplicationStatus.SUBMITTED, ApplicationStatus.RESUBMITTED
    )
    application.status = ApplicationStatus.UNDER_REVIEW
    application.reviewer = actor
    application.save(update_fields=["status", "reviewer", "updated_at"])
    _log(actor=actor, action="review_started", target=application)
    _notify_application(application, "review_started")
    return application


@transaction.atomic
def set_checklist(*, actor: Any, application: Application, checked: dict[str, bool]) -> Application:
    """Staff tick the checklist while reviewing; unknown items are refused, missing ones unchanged."""
    _require_staff(actor)
    _organization, application = _lock_application(application)
    _require_status(application, "checklist", ApplicationStatus.UNDER_REVIEW)
    unknown = set(checked) - set(ChecklistItem.values)
    if unknown:
        raise ValidationError(
            {
                "checklist": [
                    _("Unknown checklist item: %(items)s") % {"items": ", ".join(sorted(unknown))}
                ]
            }
        )
    current = {value: state for value, _label, state in application.checklist_items()}
    changes = {item: bool(value) for item, value in checked.items() if current[item] != bool(value)}
    if not changes:
        return application
    current.update(changes)
    application.checklist = current
    application.save(update_fields=["checklist", "updated_at"])
    log_action(
        actor=actor, action="designation.checklist", target=application, data={"changes": changes}
    )
    return application


@transaction.atomic
def add_comment(
    *, actor: Any, application: Application, body: str, internal: bool = False
) -> ReviewComment:
    """Staff comment (internal notes or messages to the applicant); the applicant's owners and
    editors answer in the visible thread once the application has been submitted."""
    _require_signed_in(actor)
    _organization, application = _lock_application(application)
    staff = can_review(actor)
    if not staff:
        if not can_view_application(actor, application):
            raise PermissionDenied(_("You may not comment on this application."))
        if internal:
            raise PermissionDenied(_("Only city staff write internal notes."))
        if application.status == ApplicationStatus.DRAFT:
            raise _invalid_transition(application, "comment")
    comment = ReviewComment(
        application=application,
        author=actor,
        body=_clean_text(body),
        internal=internal,
        by_staff=staff,
    )
    comment.full_clean(exclude=["application", "author"])
    comment.save()
    if not internal:
        log_action(
            actor=actor,
            action="designation.commented",
            target=application,
            data={"comment_id": comment.pk},
        )
        _notify_application(application, "commented", body=comment.body[:300])
    return comment


@transaction.atomic
def request_changes(*, actor: Any, application: Application, reason: str) -> Application:
    """Under review → changes requested: back to the applicant, with the reason as a visible comment."""
    _require_staff(actor)
    reason = _reason(reason)
    _organization, application = _lock_application(application)
    _require_status(application, "request_changes", ApplicationStatus.UNDER_REVIEW)
    application.status = ApplicationStatus.CHANGES_REQUESTED
    application.save(update_fields=["status", "updated_at"])
    ReviewComment.objects.create(
        application=application, author=actor, body=reason, internal=False, by_staff=True
    )
    _log(actor=actor, action="changes_requested", target=application, reason=reason)
    _notify_application(application, "changes_requested", reason=reason)
    return application


@transaction.atomic
def reject_application(*, actor: Any, application: Application, reason: str) -> Application:
    _require_staff(actor)
    reason = _reason(reason)
    _organization, application = _lock_application(application)
    _require_status(application, "reject", ApplicationStatus.UNDER_REVIEW)
    application.status = ApplicationStatus.REJECTED
    application.decision_reason = reason
    application.decided_at = timezone.now()
    application.save(update_fields=["status", "decision_reason", "decided_at", "updated_at"])
    _log(actor=actor, action="rejected", target=application, reason=reason)
    _notify_application(application, "rejected", reason=reason)
    return application


def _next_number(year: int) -> str:
    """The year's next number, under the counter row's lock (the last lock taken)."""
    NumberCounter.objects.bulk_create([NumberCounter(year=year, last=0)], ignore_conflicts=True)
    counter = NumberCounter.objects.select_for_update().get(year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{year}-{counter.last:04d}"


@transaction.atomic
def approve_application(
    *,
    actor: Any,
    application: Application,
    designated_on: datetime.date | None = None,
    valid_until: datetime.date | None = None,
    conditions: str = "",
) -> Designation:
    """Under review → approved, creating the designation with the next number.

    A renewal's designation follows the one it renews without a gap: it starts today and runs
    until the old end date plus the validity period; the old one is marked as renewed.
    """
    _require_staff(actor)
    organization, application = _lock_application(application)
    _require_status(application, "approve", ApplicationStatus.UNDER_REVIEW)
    if not application.checklist_complete:
        raise ValidationError(
            {"checklist": [_("Tick every item of the checklist before approving.")]}
        )
    today = timezone.localdate()
    designated_on = designated_on or today
    previous = None
    if application.is_renewal:
        previous = Designation.objects.select_for_update(of=("self",)).get(pk=application.renews_id)
        if previous.status != DesignationStatus.ACTIVE:
            raise ValidationError(
                {
                    "__all__": [
                        _("The designation to renew is no longer active (%(status)s).")
                        % {"status": previous.get_status_display()}
                    ]
                }
            )
        if valid_until is None:
            valid_until = add_years(max(previous.valid_until, designated_on), designation_years())
    else:
        still_active = _expire_if_past(_active_designation(organization), today=today)
        if still_active is not None:
            raise ValidationError({"__all__": [_("This organization is already designated.")]})
    valid_until = valid_until or default_valid_until(designated_on)
    designation = Designation(
        organization=organization,
        kind=application.kind,
        designated_on=designated_on,
        valid_until=valid_until,
        conditions=_clean_text(conditions),
        decided_by=actor,
        application=application,
        number="pending",
    )
    if valid_until <= designated_on:
        raise ValidationError(
            {"valid_until": [_("The end of validity must be after the designation date.")]}
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
        _log(
            actor=actor, action="renewed", target=previous, data={"renewed_by": designation.number}
        )
    application.status = ApplicationStatus.APPROVED
    application.decided_at = timezone.now()
    application.save(update_fields=["status", "decided_at", "updated_at"])
    _log(actor=actor, action="approved", target=application, data={"number": designation.number})
    _log(
        actor=actor,
        action="designated",
        target=designation,
        data={
            "designated_on": designated_on.isoformat(),
            "valid_until": valid_until.isoformat(),
            "renewal": application.is_renewal,
        },
    )
    _notify_designation(designation, "approved")
    return designation


# --- designations -------------------------------------------------------------------------


def _change_status(
    *,
    actor: Any,
    designation: Designation,
    reason: str,
    allowed: tuple[str, ...],
    to: str,
    action: str,
) -> Designation:
    _require_staff(actor)
    reason = _reason(reason)
    _organization, designation = _lock_designation(designation)
    if designation.effective_status() not in allowed:
        raise ValidationError(
            {
                "status": [
                    ValidationError(
                        _("This cannot be done while the designation is “%(status)s”.")
                        % {"status": DesignationStatus(designation.effective_status()).label},
                        code=f"invalid_transition:{action}",
                    )
                ]
            }
        )
    designation.status = to
    designation.status_reason = reason
    designation.save(update_fields=["status", "status_reason"])
    _log(actor=actor, action=action, target=designation, reason=reason)
    _notify_designation(designation, action, reason=reason)
    return designation


@transaction.atomic
def suspend_designation(*, actor: Any, designation: Designation, reason: str) -> Designation:
    return _change_status(
        actor=actor,
        designation=designation,
        reason=reason,
        allowed=(DesignationStatus.ACTIVE,),
        to=DesignationStatus.SUSPENDED,
        action="suspended",
    )


@transaction.atomic
def reinstate_designation(*, actor: Any, designation: Designation, reason: str) -> Designation:
    if designation.valid_until < timezone.localdate():
        raise ValidationError(
            {"status": [_("The designation's validity has ended; it cannot be reinstated.")]}
        )
    return _change_status(
        actor=actor,
        designation=designation,
        reason=reason,
        allowed=(DesignationStatus.SUSPENDED,),
        to=DesignationStatus.ACTIVE,
        action="reinstated",
    )


@transaction.atomic
def revoke_designation(*, actor: Any, designation: Designation, reason: str) -> Designation:
    return _change_status(
        actor=actor,
        designation=designation,
        reason=reason,
        allowed=(DesignationStatus.ACTIVE, DesignationStatus.SUSPENDED),
        to=DesignationStatus.REVOKED,
        action="revoked",
    )
