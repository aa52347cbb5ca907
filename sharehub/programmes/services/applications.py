"""Support programmes: the applicant's services (lock order: services/__init__.py).

An organization's member starts a draft for one of their organizations (eligible, one live
application per call), fills it in (answers, files) as often as they like, and submits it before
the deadline by the server's clock: a complete, eligible application gets a receipt number from
the year's counter and the organization's members a notice that is the receipt. Until the
deadline a submitted application may still be edited where the call allows it (each edit
audited); it may be withdrawn until it is decided."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sharehub.accounts.models import User
from sharehub.accounts.roles import signed_in_user
from sharehub.core.actors import Actor
from sharehub.core.audit import log_action
from sharehub.core.forms import field_error
from sharehub.core.locking import lock_pk
from sharehub.core.uploads import check_document
from sharehub.organizations.models import Organization
from sharehub.programmes import notices, rules
from sharehub.programmes.forms_applications import (
    FILE_EXTENSIONS,
    MAX_FILE_BYTES,
    clean_answers,
    parse_money,
)
from sharehub.programmes.models import (
    Application,
    ApplicationFile,
    ApplicationStatus,
    Call,
    FieldKind,
    FormField,
    ReceiptCounter,
    Track,
)
from sharehub.programmes.permissions import can_edit_application, is_member
from sharehub.programmes.services import invalid_transition, lock_application, lock_call

ACTION = "programmes.application."
WITHDRAWABLE = (
    ApplicationStatus.DRAFT,
    ApplicationStatus.SUBMITTED,
    ApplicationStatus.IN_REVIEW,
    ApplicationStatus.COMMITTEE,
    ApplicationStatus.WAITLISTED,
)
REASON_LIMIT = 500

SUBMITTED_TITLE = gettext_lazy("Application received: %(receipt)s")
SUBMITTED_BODY = gettext_lazy(
    "The application “%(title)s” to “%(call)s” was submitted on %(when)s. "
    "Its receipt number is %(receipt)s. Keep this message as your receipt."
)
EDITED_TITLE = gettext_lazy("Application changed: %(receipt)s")
EDITED_BODY = gettext_lazy(
    "The submitted application “%(title)s” to “%(call)s” was changed before the deadline."
)
WITHDRAWN_TITLE = gettext_lazy("Application withdrawn: %(title)s")
WITHDRAWN_BODY = gettext_lazy("The application “%(title)s” to “%(call)s” was withdrawn.")


@dataclass(frozen=True)
class ApplicationChanges:
    """What an edit sends; None leaves a value as it is. `answers` replaces the answers it
    names (other questions keep theirs); `uploads` maps file questions' keys to uploads."""

    title: str | None = None
    requested_amount: Any = None
    answers: dict[str, Any] | None = None
    uploads: dict[str, Any] | None = None


def _next_receipt_number(year: int) -> str:
    """The year's next receipt number (2026-0001), under the counter row's lock, taken last."""
    ReceiptCounter.objects.bulk_create([ReceiptCounter(year=year, last=0)], ignore_conflicts=True)
    counter = lock_pk(ReceiptCounter, year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{year}-{counter.last:04d}"


def _require_member(user: User, organization: Organization, message: str) -> None:
    if not is_member(user, organization):
        raise PermissionDenied(message)


def _require_open(call: Call, now: datetime, field: str = "__all__") -> None:
    """The call takes applications now, by the server's clock."""
    if call.published_at is None or call.published_at > now or now < call.opens_at:
        raise field_error(field, _("This call does not take applications yet."), code="not_open")
    if now >= call.closes_at:
        raise field_error(
            field,
            _("The deadline of this call has passed: applications are no longer accepted."),
            code="deadline",
        )


def _require_eligible(call: Call, organization: Organization) -> None:
    problems = rules.eligibility_problems(call, organization)
    if problems:
        raise ValidationError(
            {"organization": [ValidationError(p, code="ineligible") for p in problems]}
        )


def _amount(value: Any, track: Track, *, required: bool) -> int:
    try:
        amount = parse_money(value)
    except ValidationError as error:
        raise ValidationError({"requested_amount": error.error_list}) from None
    if amount is None or amount < 0:
        if amount is not None:
            raise field_error(
                "requested_amount", _("Enter an amount in won, such as 1,000,000."), code="invalid"
            )
        amount = 0
    if amount > track.cap:
        raise field_error(
            "requested_amount",
            _("The cap of this track is ₩%(cap)s.") % {"cap": f"{track.cap:,}"},
            code="over_cap",
        )
    if required and amount < 1:
        raise field_error("requested_amount", _("Enter the amount you request."), code="required")
    return amount


def _clean_title(value: str | None) -> str:
    title = (value or "").strip()
    if not title:
        raise field_error("title", _("Give your project a title."), code="required")
    if len(title) > 200:
        raise field_error(
            "title", _("Ensure this value has at most %(max)s characters.") % {"max": 200}
        )
    if "\x00" in title:  # PostgreSQL refuses it; the page's form never sends one
        raise field_error("title", _("Null characters are not allowed."), code="null_characters")
    return title


def _duplicate() -> ValidationError:
    return field_error(
        "organization",
        _("This organization already has an application to this call."),
        code="duplicate",
    )


@transaction.atomic(durable=True)
def create_application(
    *,
    actor: Actor,
    call: Call,
    organization: Organization,
    track: Track,
    title: str,
    requested_amount: Any = 0,
) -> Application:
    """A member of an eligible organization starts its application to an open call (a draft).
    Locks the call's row, so two members starting at once make one draft."""
    user = signed_in_user(actor)
    _require_member(user, organization, _("Only the organization's members may apply for it."))
    call = lock_call(call)
    now = timezone.now()
    _require_open(call, now)
    if track.call_id != call.pk:
        raise field_error("track", _("Choose one of this call's tracks."), code="invalid")
    _require_eligible(call, organization)
    title = _clean_title(title)
    amount = _amount(requested_amount, track, required=False)
    if (
        Application.objects.filter(call=call, organization=organization)
        .exclude(status=ApplicationStatus.WITHDRAWN)
        .exists()
    ):
        raise _duplicate()
    application = Application(
        call=call,
        track=track,
        organization=organization,
        title=title,
        requested_amount=amount,
        created_by=user,
        created_at=now,
    )
    try:
        with transaction.atomic():  # a savepoint: the constraint's refusal is the same error
            application.save()
    except IntegrityError as error:
        message = str(error)  # PostgreSQL names the constraint, SQLite its columns
        if "programmes_one_live_application" in message or "application.organization_id" in message:
            raise _duplicate() from error
        raise
    log_action(
        actor=user,
        action=ACTION + "created",
        target=application,
        data={"call": call.slug, "organization": organization.pk, "track": track.pk},
    )
    return application


def editable_now(application: Application, *, now: datetime | None = None) -> bool:
    """Whether the applicant may still change it: a draft (until the deadline), or a submitted
    application before the deadline where the call allows it."""
    now = now or timezone.now()
    if now >= application.call.closes_at:
        return False
    if application.status == ApplicationStatus.DRAFT:
        return True
    return (
        application.status == ApplicationStatus.SUBMITTED
        and application.call.editable_after_submission
    )


def _questions(call: Call) -> list[FormField]:
    return list(FormField.objects.filter(call=call).order_by("order", "pk"))


def _store_file(user: User, application: Application, key: str, upload: Any) -> ApplicationFile:
    """Check and store one upload as the file of its question, replacing the one before (the
    replaced file leaves the storage once the transaction commits)."""
    checked = check_document(
        upload,
        actor=user,
        extensions=FILE_EXTENSIONS,
        max_bytes=MAX_FILE_BYTES,
        wrong_type=_("Upload a PDF, HWP, HWPX, DOCX, PPTX, ZIP, PNG or JPEG file."),
        field=key,
    )
    stored = ApplicationFile.objects.filter(application=application, key=key).first()
    old_name = stored.file.name if stored else ""
    if stored is None:
        stored = ApplicationFile(application=application, key=key)
    stored.file = checked.file
    stored.original_name = checked.name
    stored.content_type = checked.type.content_type
    stored.size = checked.size
    stored.uploaded_by = user
    stored.uploaded_at = timezone.now()
    stored.save()
    if old_name and old_name != stored.file.name:
        storage = stored.file.storage
        transaction.on_commit(lambda: storage.delete(old_name))
    return stored


def _check_uploads(questions: list[FormField], uploads: dict[str, Any]) -> None:
    by_key = {q.key: q for q in questions}
    errors = {
        key: [ValidationError(_("There is no such document to upload."), code="unknown")]
        for key in uploads
        if key not in by_key or by_key[key].kind != FieldKind.FILE
    }
    if errors:
        raise ValidationError(errors)


def _files_present(application: Application) -> set[str]:
    return set(
        ApplicationFile.objects.filter(application=application).values_list("key", flat=True)
    )


def _check_complete(
    application: Application, questions: list[FormField], answers: dict[str, Any]
) -> dict[str, Any]:
    """Everything a submission needs, errors by key (the title, the amount, each question)."""
    errors: dict[str, list[ValidationError]] = {}
    cleaned: dict[str, Any] = {}
    if not application.title.strip():
        errors["title"] = [ValidationError(_("Give your project a title."), code="required")]
    try:
        _amount(application.requested_amount, application.track, required=True)
    except ValidationError as error:
        errors.update(error.error_dict)
    # Answers to questions the call no longer asks are left out, not held against the applicant.
    keys = {q.key for q in questions if q.kind != FieldKind.FILE}
    answers = {key: value for key, value in answers.items() if key in keys}
    try:
        cleaned = clean_answers(
            questions, answers, complete=True, files_present=_files_present(application)
        )
        cleaned = {key: value for key, value in cleaned.items() if value is not None}
    except ValidationError as error:
        errors.update(error.error_dict)
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic(durable=True)
def save_application(
    *, actor: Actor, application: Application, changes: ApplicationChanges
) -> Application:
    """Save the applicant's changes: a draft takes incomplete answers (each answer given must
    still be valid); a submitted one (where the call allows edits until the deadline) must stay
    complete, and each edit is audited and told to the members. Nothing is written when
    anything is refused. Locks the call's row, then the application's."""
    user = signed_in_user(actor)
    if not can_edit_application(user, application):
        raise PermissionDenied(_("Only the organization's members may change its application."))
    call, application = lock_application(application)
    now = timezone.now()
    if application.status not in (ApplicationStatus.DRAFT, ApplicationStatus.SUBMITTED):
        raise invalid_transition(application, "edit")
    if now >= call.closes_at:
        raise field_error(
            "__all__",
            _("The deadline of this call has passed: the application can no longer be changed."),
            code="deadline",
        )
    submitted = application.status == ApplicationStatus.SUBMITTED
    if submitted and not call.editable_after_submission:
        raise invalid_transition(application, "edit")
    questions = _questions(call)
    errors: dict[str, list[ValidationError]] = {}
    if changes.title is not None:
        try:
            application.title = _clean_title(changes.title)
        except ValidationError as error:
            errors.update(error.error_dict)
    if changes.requested_amount is not None:
        try:
            application.requested_amount = _amount(
                changes.requested_amount, application.track, required=False
            )
        except ValidationError as error:
            errors.update(error.error_dict)
    answers = dict(application.answers or {})
    if changes.answers:
        try:
            cleaned = clean_answers(questions, changes.answers, complete=False)
            for key, value in cleaned.items():
                if value is None:
                    answers.pop(key, None)
                else:
                    answers[key] = value
        except ValidationError as error:
            errors.update(error.error_dict)
    uploads = changes.uploads or {}
    try:
        _check_uploads(questions, uploads)
    except ValidationError as error:
        errors.update(error.error_dict)
    if errors:
        raise ValidationError(errors)
    for key, upload in uploads.items():
        try:
            _store_file(user, application, key, upload)
        except ValidationError as error:
            errors.update(error.error_dict)
    if errors:
        # A refused upload undoes the others: the whole save is one decision.
        raise ValidationError(errors)
    application.answers = answers
    if submitted:
        _check_complete(application, questions, answers)
    application.save(update_fields=["title", "requested_amount", "answers", "updated_at"])
    if submitted:
        log_action(
            actor=user,
            action=ACTION + "edited",
            target=application,
            data={
                "answers": sorted((changes.answers or {}).keys()),
                "files": sorted(uploads),
                "title": changes.title is not None,
                "requested_amount": changes.requested_amount is not None,
            },
        )
        notices.tell_applicant(
            application,
            title=EDITED_TITLE,
            body=EDITED_BODY,
            receipt=application.receipt_number,
        )
    return application


@transaction.atomic(durable=True)
def submit_application(*, actor: Actor, application: Application) -> Application:
    """Draft → submitted, before the deadline by the server's clock: the organization still
    eligible, the title, amount and every required answer present and valid (errors by key).
    Gives the year's next receipt number and tells the organization's members (the receipt).
    Locks the call's row, the application's, then the year's counter."""
    user = signed_in_user(actor)
    if not can_edit_application(user, application):
        raise PermissionDenied(_("Only the organization's members may submit its application."))
    call, application = lock_application(application)
    if application.status != ApplicationStatus.DRAFT:
        raise invalid_transition(application, "submit")
    now = timezone.now()
    _require_open(call, now)
    _require_eligible(call, application.organization)
    questions = _questions(call)
    application.answers = _check_complete(application, questions, application.answers or {})
    application.receipt_number = _next_receipt_number(timezone.localdate(now).year)
    application.status = ApplicationStatus.SUBMITTED
    application.submitted_at = now
    application.submitted_by = user
    application.save(
        update_fields=[
            "answers",
            "receipt_number",
            "status",
            "submitted_at",
            "submitted_by",
            "updated_at",
        ]
    )
    log_action(
        actor=user,
        action=ACTION + "submitted",
        target=application,
        data={"receipt_number": application.receipt_number},
    )
    notices.tell_applicant(
        application,
        title=SUBMITTED_TITLE,
        body=SUBMITTED_BODY,
        receipt=application.receipt_number,
        when=timezone.localtime(now).strftime("%Y-%m-%d %H:%M"),
    )
    return application


@transaction.atomic(durable=True)
def withdraw_application(
    *, actor: Actor, application: Application, reason: str = ""
) -> Application:
    """The organization withdraws its application (until it is decided); it may then apply
    again. Locks the call's row, then the application's."""
    user = signed_in_user(actor)
    if not can_edit_application(user, application):
        raise PermissionDenied(_("Only the organization's members may withdraw its application."))
    reason = (reason or "").strip()
    if len(reason) > REASON_LIMIT:
        raise field_error(
            "reason", _("Ensure this value has at most %(max)s characters.") % {"max": REASON_LIMIT}
        )
    _call, application = lock_application(application)
    if application.status not in WITHDRAWABLE:
        raise invalid_transition(application, "withdraw")
    now = timezone.now()
    previous = application.status
    application.status = ApplicationStatus.WITHDRAWN
    application.withdrawn_at = now
    application.save(update_fields=["status", "withdrawn_at", "updated_at"])
    log_action(
        actor=user,
        action=ACTION + "withdrawn",
        target=application,
        reason=reason,
        data={"from": previous},
    )
    notices.tell_applicant(application, title=WITHDRAWN_TITLE, body=WITHDRAWN_BODY)
    return application
