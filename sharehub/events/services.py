"""Every write to events (DESIGN §3, §4): one transaction each, permission checked inside.

Locking (pretix's quota lock): anything that changes who holds a place takes the event's row lock
first (`_lock_event`), then counts and writes. `Event.seats_taken` is changed only under that lock
and a CHECK constraint keeps it at or below the capacity, so no number of simultaneous
registrations can overbook. On SQLite the transactions are IMMEDIATE, which serialises them.
Side effects (mail, notifications) run on commit.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from sharehub.core.audit import log_action
from sharehub.organizations.models import Organization

from . import notices
from .checkin import read_checkin_code
from .materials import check_material
from .models import (
    ACTIVE_STATUSES,
    SEAT_STATUSES,
    Attendance,
    CalendarFeed,
    Event,
    EventKind,
    EventMaterial,
    EventQuestion,
    EventSession,
    EventStatus,
    QuestionKind,
    Registration,
    RegistrationStatus,
    ReminderDelivery,
    WaitlistMode,
)
from .permissions import can_manage_event, can_organize_for, can_register
from .search_index import reindex_event

EVENT_FIELDS = (
    "title_ko",
    "title_en",
    "summary_ko",
    "summary_en",
    "description_ko",
    "description_en",
    "kind",
    "status",
    "district",
    "venue_ko",
    "venue_en",
    "address",
    "latitude",
    "longitude",
    "online_url",
    "starts_at",
    "ends_at",
    "capacity",
    "registration_opens_at",
    "registration_closes_at",
    "cancellation_deadline",
    "requires_approval",
    "waitlist_mode",
    "offer_hours",
    "reminder_hours",
    "certificate_min_sessions",
)
_NULLABLE = {
    "district",
    "latitude",
    "longitude",
    "registration_opens_at",
    "registration_closes_at",
    "cancellation_deadline",
    "certificate_min_sessions",
    "starts_at",
    "ends_at",
    "capacity",
}
MAX_QUESTIONS = 10
MAX_SESSIONS = 30
MAX_ANSWER = 500


def _require_signed_in(actor: Any) -> None:
    if actor is None or not actor.is_authenticated:
        raise PermissionDenied(_("Please log in first."))


def _lock_event(event: Event | int) -> Event:
    pk = event.pk if isinstance(event, Event) else event
    return Event.objects.select_for_update(of=("self",)).get(pk=pk)


def _authorize(actor: Any, event: Event) -> Event:
    """Lock the event and check the actor organizes it. Expects a transaction."""
    _require_signed_in(actor)
    event = _lock_event(event)
    if not can_manage_event(actor, event):
        raise PermissionDenied(_("Only the event's organizer may do this."))
    return event


def _clean(name: str, value: Any) -> Any:
    if isinstance(value, str):
        return value.strip()
    if value is None and name not in _NULLABLE:
        return ""
    return value


def _check_event(event: Event) -> None:
    """full_clean() plus the rules between fields, all as field errors."""
    errors: dict[str, list] = {}
    try:
        event.full_clean(exclude=["organization", "created_by"])
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    if event.starts_at and event.ends_at and event.ends_at <= event.starts_at:
        errors.setdefault("ends_at", []).append(_("The event must end after it starts."))
    if (
        event.starts_at
        and event.registration_closes_at
        and event.registration_closes_at > event.ends_at
    ):
        errors.setdefault("registration_closes_at", []).append(
            _("Registration must close before the event ends.")
        )
    if (
        event.registration_opens_at
        and event.registration_closes_at
        and event.registration_opens_at >= event.registration_closes_at
    ):
        errors.setdefault("registration_opens_at", []).append(
            _("Registration must open before it closes.")
        )
    if event.kind == EventKind.ONLINE and not event.online_url:
        errors.setdefault("online_url", []).append(_("An online session needs its link."))
    if event.capacity is not None and event.capacity < event.seats_taken:
        errors.setdefault("capacity", []).append(
            _("%(taken)d places are already taken: the capacity cannot be lower.")
            % {"taken": event.seats_taken}
        )
    if event.certificate_min_sessions is not None and event.kind != EventKind.TRAINING:
        errors.setdefault("certificate_min_sessions", []).append(
            _("Only trainings give certificates.")
        )
    if errors:
        raise ValidationError(errors)


def _apply(event: Event, fields: dict) -> None:
    unknown = set(fields) - set(EVENT_FIELDS)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(event, name, _clean(name, value))


@transaction.atomic
def create_event(*, actor: Any, organization: Organization | None, fields: dict) -> Event:
    """A new event for the city (organization None, city staff only) or an organization (its editors)."""
    _require_signed_in(actor)
    if organization is not None:
        organization = Organization.objects.select_for_update(of=("self",)).get(pk=organization.pk)
    if not can_organize_for(actor, organization):
        raise PermissionDenied(_("You may not organize events for this organizer."))
    event = Event(organization=organization, created_by=actor)
    _apply(event, fields)
    _check_event(event)
    event.save()
    reindex_event(event)
    log_action(actor=actor, action="events.create", target=event)
    return event


@transaction.atomic
def update_event(*, actor: Any, event: Event, fields: dict) -> Event:
    """Edit an event. A capacity below the places already taken is refused; a higher one promotes
    the waitlist at once."""
    event = _authorize(actor, event)
    if event.status == EventStatus.CANCELLED:
        raise ValidationError({"__all__": [_("A cancelled event cannot be changed.")]})
    if fields.get("status") == EventStatus.CANCELLED:
        raise ValidationError(
            {"status": [_("Use “Cancel the event” to cancel it: everyone registered is told.")]}
        )
    _apply(event, fields)
    _check_event(event)
    event.save()
    _promote_waitlist(event)
    reindex_event(event)
    log_action(actor=actor, action="events.update", target=event, data={"fields": sorted(fields)})
    return event


@transaction.atomic
def cancel_event(*, actor: Any, event: Event, reason: str = "") -> Event:
    """Cancel the event: every active registration is cancelled and its person told."""
    event = _authorize(actor, event)
    if event.status == EventStatus.CANCELLED:
        raise ValidationError({"__all__": [_("This event is already cancelled.")]})
    if event.status == EventStatus.DRAFT:
        # A cancelled event is public (calendars drop it): a draft's title would come out.
        raise ValidationError(
            {
                "__all__": [
                    _(
                        "A draft was never public: there is nothing to cancel. Keep it as a draft or publish it."
                    )
                ]
            }
        )
    now = timezone.now()
    active = Registration.objects.filter(event=event, status__in=ACTIVE_STATUSES)
    user_ids = list(active.values_list("user_id", flat=True))
    active.update(status=RegistrationStatus.CANCELLED, cancelled_at=now, offer_expires_at=None)
    event.status = EventStatus.CANCELLED
    event.cancelled_at = now
    event.seats_taken = 0
    event.save(update_fields=["status", "cancelled_at", "seats_taken", "updated_at"])
    reindex_event(event)
    log_action(actor=actor, action="events.cancel", target=event, reason=reason[:1000])
    transaction.on_commit(partial(notices.tell_cancelled_event, event, user_ids, reason[:1000]))
    return event


# Questions, sessions, materials ---------------------------------------------------------------


@transaction.atomic
def add_question(*, actor: Any, event: Event, fields: dict) -> EventQuestion:
    event = _authorize(actor, event)
    if event.questions.count() >= MAX_QUESTIONS:
        raise ValidationError(
            {"__all__": [_("An event has at most %(max)d questions.") % {"max": MAX_QUESTIONS}]}
        )
    question = EventQuestion(event=event, **{k: _clean(k, v) for k, v in fields.items()})
    question.full_clean()
    if question.kind == QuestionKind.CHOICE and len(question.choice_list) < 2:
        raise ValidationError({"choices": [_("Give at least two choices, one per line.")]})
    question.save()
    return question


@transaction.atomic
def delete_question(*, actor: Any, question: EventQuestion) -> None:
    _authorize(actor, question.event)
    question.delete()


@transaction.atomic
def add_session(*, actor: Any, event: Event, fields: dict) -> EventSession:
    event = _authorize(actor, event)
    if event.sessions.count() >= MAX_SESSIONS:
        raise ValidationError(
            {"__all__": [_("A training has at most %(max)d sessions.") % {"max": MAX_SESSIONS}]}
        )
    session = EventSession(event=event, **{k: _clean(k, v) for k, v in fields.items()})
    session.full_clean()
    if session.ends_at <= session.starts_at:
        raise ValidationError({"ends_at": [_("The session must end after it starts.")]})
    session.save()
    return session


@transaction.atomic
def delete_session(*, actor: Any, session: EventSession) -> None:
    _authorize(actor, session.event)
    session.delete()


@transaction.atomic
def add_material(*, actor: Any, event: Event, fields: dict) -> EventMaterial:
    """A file is checked (materials.check_material), stored privately under a random name and
    served only through views.material_download; a link is kept as given."""
    event = _authorize(actor, event)
    fields = dict(fields)
    upload = fields.pop("file", None) or None
    material = EventMaterial(event=event, **fields)
    material.full_clean(exclude=["file"])
    if upload is None and not material.link:
        raise ValidationError({"link": [_("Give a file or a link.")]})
    if upload is not None:
        checked = check_material(upload, actor=actor)
        material.original_name = checked.original_name
        material.content_type = checked.content_type
        # The file is written before its row. On a rollback it stays behind under a random name
        # that no row points to, so it is never served.
        material.file.save(checked.file.name, checked.file, save=False)
    material.save()
    return material


@transaction.atomic
def delete_material(*, actor: Any, material: EventMaterial) -> None:
    _authorize(actor, material.event)
    name, storage = material.file.name, material.file.storage
    material.delete()
    if name:
        transaction.on_commit(lambda: storage.delete(name))


# Registration -----------------------------------------------------------------------------------


def clean_answers(event: Event, answers: dict | None) -> dict[str, str]:
    """Answers keyed by question id; errors keyed `question_<id>`."""
    answers = answers or {}
    cleaned: dict[str, str] = {}
    errors: dict[str, list] = {}
    for question in event.questions.all():
        key = str(question.pk)
        value = answers.get(key, answers.get(question.pk, ""))
        value = str(value).strip()[:MAX_ANSWER] if value is not None else ""
        field = f"question_{question.pk}"
        if not value:
            if question.required:
                errors[field] = [_("Please answer this question.")]
            continue
        if question.kind == QuestionKind.CHOICE and value not in question.choice_list:
            errors[field] = [_("Select one of the choices.")]
        elif question.kind == QuestionKind.YES_NO and value not in ("yes", "no"):
            errors[field] = [_("Answer yes or no.")]
        else:
            cleaned[key] = value
    if errors:
        raise ValidationError(errors)
    return cleaned


def _take_seat(event: Event) -> None:
    Event.objects.filter(pk=event.pk).update(seats_taken=F("seats_taken") + 1)
    event.seats_taken += 1


def _free_seat(event: Event) -> None:
    Event.objects.filter(pk=event.pk).update(seats_taken=F("seats_taken") - 1)
    event.seats_taken -= 1


def _promote_waitlist(event: Event, *, now: datetime | None = None) -> list[Registration]:
    """Give free places to the waitlist in order. Expects the event's row lock."""
    if event.status != EventStatus.PUBLISHED:
        return []
    now = now or timezone.now()
    free = event.capacity - event.seats_taken
    if free <= 0 or now >= event.ends_at:
        return []
    queue = list(
        Registration.objects.filter(event=event, status=RegistrationStatus.WAITLISTED).order_by(
            "waitlisted_at", "pk"
        )[:free]
    )
    for registration in queue:
        if event.waitlist_mode == WaitlistMode.OFFER:
            registration.status = RegistrationStatus.OFFERED
            expires = now + timedelta(hours=event.offer_hours)
            # An offer made before the start must be taken before the start.
            registration.offer_expires_at = (
                min(expires, event.starts_at) if event.starts_at > now else expires
            )
        else:
            registration.status = RegistrationStatus.CONFIRMED
            registration.confirmed_at = now
        registration.save(update_fields=["status", "offer_expires_at", "confirmed_at"])
        _take_seat(event)
        transaction.on_commit(partial(notices.tell_promoted, registration))
    return queue


@transaction.atomic
def register(
    *, actor: Any, event: Event, answers: dict | None = None, user: Any = None
) -> Registration:
    """Register the actor for the event: confirmed while places remain, else on the waitlist;
    awaiting approval when the organizer approves registrations. Takes the event's row lock."""
    _require_signed_in(actor)
    if user is not None and user.pk != actor.pk:
        raise PermissionDenied(_("You can only register yourself."))
    if not can_register(actor):
        raise PermissionDenied(_("Please log in first."))
    event = _lock_event(event)
    now = timezone.now()
    if event.status == EventStatus.CANCELLED:
        raise ValidationError({"__all__": [_("This event has been cancelled.")]})
    if event.status != EventStatus.PUBLISHED:
        raise ValidationError({"__all__": [_("This event is not open for registration.")]})
    if event.registration_opens_at and now < event.registration_opens_at:
        raise ValidationError({"__all__": [_("Registration has not opened yet.")]})
    if now >= event.closes_at:
        raise ValidationError({"__all__": [_("Registration is closed.")]})
    if Registration.objects.filter(event=event, user=actor, status__in=ACTIVE_STATUSES).exists():
        raise ValidationError({"__all__": [_("You are already registered for this event.")]})
    cleaned = clean_answers(event, answers)
    registration = Registration(event=event, user=actor, answers=cleaned, created_at=now)
    if event.requires_approval:
        registration.status = RegistrationStatus.PENDING
    elif event.seats_taken < event.capacity:
        registration.status = RegistrationStatus.CONFIRMED
        registration.confirmed_at = now
    else:
        registration.status = RegistrationStatus.WAITLISTED
        registration.waitlisted_at = now
    try:
        with transaction.atomic():
            registration.save()
    except IntegrityError as error:  # a second tab registering at the same moment
        raise ValidationError(
            {"__all__": [_("You are already registered for this event.")]}
        ) from error
    if registration.holds_seat:
        _take_seat(event)
    transaction.on_commit(partial(notices.tell_registration, registration))
    return registration


def _release(event: Event, registration: Registration, *, status: str, now: datetime) -> None:
    """End a registration; a place it held goes to the waitlist. Expects the event's row lock."""
    held = registration.holds_seat
    registration.status = status
    registration.cancelled_at = now
    registration.offer_expires_at = None
    registration.save(update_fields=["status", "cancelled_at", "offer_expires_at"])
    if held:
        _free_seat(event)
        _promote_waitlist(event, now=now)


@transaction.atomic
def cancel_registration(*, actor: Any, registration: Registration) -> Registration:
    """The attendee cancels, until the event's cancellation deadline; the organizer may remove anyone."""
    _require_signed_in(actor)
    event = _lock_event(registration.event_id)
    registration = Registration.objects.select_for_update(of=("self",)).get(pk=registration.pk)
    organizer = can_manage_event(actor, event)
    if registration.user_id != actor.pk and not organizer:
        raise PermissionDenied(_("You can only cancel your own registration."))
    if not registration.is_active:
        raise ValidationError({"__all__": [_("This registration is not active.")]})
    now = timezone.now()
    if not organizer and now >= event.cancellable_until:
        raise ValidationError({"__all__": [_("The cancellation deadline has passed.")]})
    _release(event, registration, status=RegistrationStatus.CANCELLED, now=now)
    log_action(
        actor=actor,
        action="events.registration.cancel",
        target=event,
        data={"registration": registration.pk},
    )
    return registration


@transaction.atomic
def accept_offer(*, actor: Any, registration: Registration) -> Registration:
    _require_signed_in(actor)
    _lock_event(registration.event_id)
    registration = Registration.objects.select_for_update(of=("self",)).get(pk=registration.pk)
    if registration.user_id != actor.pk:
        raise PermissionDenied(_("You can only accept your own offer."))
    now = timezone.now()
    if registration.status != RegistrationStatus.OFFERED or registration.offer_expires_at <= now:
        raise ValidationError({"__all__": [_("This offer is no longer valid.")]})
    registration.status = RegistrationStatus.CONFIRMED
    registration.confirmed_at = now
    registration.offer_expires_at = None
    registration.save(update_fields=["status", "confirmed_at", "offer_expires_at"])
    transaction.on_commit(partial(notices.tell_registration, registration))
    return registration


@transaction.atomic
def decide_registration(*, actor: Any, registration: Registration, approve: bool) -> Registration:
    """The organizer approves (a place, or the waitlist when full) or declines a pending registration."""
    event = _authorize(actor, registration.event)
    registration = Registration.objects.select_for_update(of=("self",)).get(pk=registration.pk)
    if registration.status != RegistrationStatus.PENDING:
        raise ValidationError({"__all__": [_("This registration is not awaiting approval.")]})
    now = timezone.now()
    if not approve:
        registration.status = RegistrationStatus.REJECTED
        registration.cancelled_at = now
    elif event.seats_taken < event.capacity:
        registration.status = RegistrationStatus.CONFIRMED
        registration.confirmed_at = now
        _take_seat(event)
    else:
        registration.status = RegistrationStatus.WAITLISTED
        registration.waitlisted_at = now
    registration.save(update_fields=["status", "cancelled_at", "confirmed_at", "waitlisted_at"])
    log_action(
        actor=actor,
        action="events.registration.approve" if approve else "events.registration.decline",
        target=event,
        data={"registration": registration.pk},
    )
    transaction.on_commit(partial(notices.tell_registration, registration))
    return registration


def expire_offers(*, now: datetime | None = None) -> int:
    """Offers not accepted in time pass to the next on the waitlist. One transaction per event;
    safe to run twice at once (the second finds nothing expired under the lock)."""
    now = now or timezone.now()
    event_ids = (
        Registration.objects.filter(status=RegistrationStatus.OFFERED, offer_expires_at__lte=now)
        .values_list("event_id", flat=True)
        .distinct()
    )
    expired = 0
    for event_id in list(event_ids):
        with transaction.atomic():
            event = _lock_event(event_id)
            for registration in Registration.objects.filter(
                event=event, status=RegistrationStatus.OFFERED, offer_expires_at__lte=now
            ).order_by("offer_expires_at", "pk"):
                _release(event, registration, status=RegistrationStatus.CANCELLED, now=now)
                transaction.on_commit(partial(notices.tell_offer_expired, registration))
                expired += 1
    return expired


# Check-in and attendance ---------------------------------------------------------------------


class CheckInResult:
    OK = "ok"
    ALREADY = "already"

    def __init__(
        self, registration: Registration, outcome: str, session: EventSession | None = None
    ) -> None:
        self.registration = registration
        self.outcome = outcome
        self.session = session

    @property
    def already(self) -> bool:
        return self.outcome == self.ALREADY


@transaction.atomic
def check_in(
    *,
    actor: Any,
    event: Event,
    code: str = "",
    registration_id: int | None = None,
    session: EventSession | None = None,
) -> CheckInResult:
    """Mark a confirmed attendee present, once: by the signed QR code or, after a name search, by id.

    For a training with sessions, the attendance is recorded for `session`. A second scan answers
    "already checked in". A forged code or someone not confirmed for this event is a clear error.
    """
    _require_signed_in(actor)
    event = Event.objects.get(pk=event.pk)
    if not can_manage_event(actor, event):
        raise PermissionDenied(_("Only the event's organizer may check people in."))
    if code:
        decoded = read_checkin_code(code)
        if decoded is None:
            raise ValidationError(
                {"code": [_("This code is not valid: it was not issued by this hub.")]}
            )
        registration_id, event_id = decoded
        if event_id != event.pk:
            raise ValidationError({"code": [_("This code is for another event.")]})
    if registration_id is None:
        raise ValidationError({"code": [_("Scan a code or choose a person.")]})
    registration = (
        Registration.objects.select_related("user").filter(pk=registration_id, event=event).first()
    )
    if registration is None:
        raise ValidationError({"code": [_("This code is for another event.")]})
    if registration.status != RegistrationStatus.CONFIRMED:
        raise ValidationError(
            {
                "code": [
                    _("This registration is not confirmed (%(status)s).")
                    % {"status": registration.get_status_display()}
                ]
            }
        )
    now = timezone.now()
    if session is not None:
        if session.event_id != event.pk:
            raise ValidationError({"session": [_("This session belongs to another event.")]})
        try:
            with transaction.atomic():
                Attendance.objects.create(
                    registration=registration, session=session, recorded_by=actor, recorded_at=now
                )
        except IntegrityError:
            return CheckInResult(registration, CheckInResult.ALREADY, session)
        Registration.objects.filter(pk=registration.pk, checked_in_at__isnull=True).update(
            checked_in_at=now, checked_in_by=actor
        )
        return CheckInResult(registration, CheckInResult.OK, session)
    updated = Registration.objects.filter(pk=registration.pk, checked_in_at__isnull=True).update(
        checked_in_at=now, checked_in_by=actor
    )
    registration.refresh_from_db(fields=["checked_in_at", "checked_in_by"])
    return CheckInResult(registration, CheckInResult.OK if updated else CheckInResult.ALREADY)


@transaction.atomic
def message_attendees(*, actor: Any, event: Event, subject: str, message: str) -> int:
    """Write to everyone confirmed (and offered a place); returns how many were written to."""
    event = _authorize(actor, event)
    subject, message = (subject or "").strip(), (message or "").strip()
    errors = {}
    if not subject:
        errors["subject"] = [_("This field is required.")]
    elif len(subject) > 150:
        errors["subject"] = [_("Ensure this value has at most %(max)s characters.") % {"max": 150}]
    if not message:
        errors["message"] = [_("This field is required.")]
    elif len(message) > 5000:
        errors["message"] = [_("Ensure this value has at most %(max)s characters.") % {"max": 5000}]
    if errors:
        raise ValidationError(errors)
    user_ids = list(
        Registration.objects.filter(event=event, status__in=SEAT_STATUSES).values_list(
            "user_id", flat=True
        )
    )
    log_action(
        actor=actor,
        action="events.message",
        target=event,
        data={"subject": subject, "recipients": len(user_ids)},
    )
    transaction.on_commit(partial(notices.tell_attendees, event, user_ids, subject, message))
    return len(user_ids)


# Reminders and the private feed ------------------------------------------------------------------


def send_due_reminders(*, now: datetime | None = None) -> int:
    """Remind confirmed attendees `reminder_hours` before the start, each exactly once.

    The ReminderDelivery row is inserted in the same transaction as the notification: a second
    worker racing for the same registration hits the unique constraint and sends nothing.
    """
    from .selectors import due_reminders

    now = now or timezone.now()
    sent = 0
    for registration in due_reminders(now=now):
        try:
            with transaction.atomic():
                ReminderDelivery.objects.create(
                    registration=registration,
                    hours_before=registration.event.reminder_hours,
                    sent_at=now,
                )
                notices.tell_reminder(registration)
        except IntegrityError:
            continue
        sent += 1
    return sent


@transaction.atomic
def reset_calendar_secret(*, actor: Any) -> CalendarFeed:
    """A new secret address for the person's private feed; the old one stops working."""
    _require_signed_in(actor)
    feed, created = CalendarFeed.objects.select_for_update().get_or_create(user=actor)
    if not created:
        from .models import new_feed_secret

        feed.secret = new_feed_secret()
        feed.created_at = timezone.now()
        feed.save(update_fields=["secret", "created_at"])
    return feed


def calendar_feed_of(user: Any) -> CalendarFeed:
    feed, _created = CalendarFeed.objects.get_or_create(user=user)
    return feed
