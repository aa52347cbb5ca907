"""Every write to events (DESIGN §3, §4): one durable transaction each, permission checked inside.

Locking (pretix's quota lock, `core.locking`): anything that changes who holds a place locks the
event's row first, then the registration, then counts and writes. `Event.seats_taken` is changed
only under that lock and a CHECK constraint keeps it at or below the capacity, so no number of
simultaneous registrations can overbook. On SQLite the transactions are IMMEDIATE, which
serialises them.

What a registration tells its person (a notification, a mail with the calendar entry and the
check-in QR code) takes longer to build than the registration itself, so it is not built under the
event's lock: the service marks the new status `notice_due` in its transaction and enqueues a task
(`tasks.tell_registration`, or for a new registration `tasks.tell_new_registration`, enqueued
before the lock), which after the commit writes the notice and clears the mark in one transaction
(`notices.tell_due`), so it is written exactly once; the sweep `tasks.tell_due_notices` writes any
whose task was lost. Other notices (an event cancelled, an organizer's message, reminders) are
written inside the deciding transaction (DESIGN §4b).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypedDict, Unpack

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, connection, models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks_db.backend import DatabaseBackend

from sharehub.accounts.models import User
from sharehub.accounts.roles import signed_in_user
from sharehub.core.actors import Actor, require_signed_in
from sharehub.core.audit import log_action
from sharehub.core.changes import apply_changes
from sharehub.core.locking import LOCK_TIMEOUT_MS, lock, lock_only, lock_pk
from sharehub.core.sanitize import check_rich_text, rich_text_html
from sharehub.organizations.models import Organization
from sharehub.participation.models import Committee
from sharehub.places.models import District

from . import notices, tasks
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
    MaterialKind,
    QuestionKind,
    Registration,
    RegistrationStatus,
    ReminderDelivery,
    WaitlistMode,
    new_feed_secret,
)
from .permissions import can_manage_event, can_organize_for
from .search_index import reindex_event
from .selectors import due_reminders


class EventChanges(TypedDict, total=False):
    """What an organizer sets on an event (the event form's fields)."""

    title_ko: str
    title_en: str
    summary_ko: str
    summary_en: str
    description_ko: str
    description_en: str
    kind: EventKind | str
    committee: Committee | None
    status: EventStatus | str
    district: District | None
    venue_ko: str
    venue_en: str
    address: str
    latitude: float | None
    longitude: float | None
    online_url: str
    starts_at: datetime | None
    ends_at: datetime | None
    capacity: int | None
    registration_opens_at: datetime | None
    registration_closes_at: datetime | None
    cancellation_deadline: datetime | None
    requires_approval: bool
    waitlist_mode: WaitlistMode | str
    offer_hours: int
    reminder_hours: int
    certificate_min_sessions: int | None


EVENT_FIELDS = tuple(EventChanges.__annotations__)
MAX_QUESTIONS = 10
MAX_SESSIONS = 30
MAX_ANSWER = 500


def _authorize(actor: Actor, event: Event | int) -> Event:
    """Lock the event's row and check the actor organizes it. Expects a transaction."""
    require_signed_in(actor)
    event = lock_pk(Event, event.pk if isinstance(event, Event) else event)
    if not can_manage_event(actor, event):
        raise PermissionDenied(_("Only the event's organizer may do this."))
    return event


RICH_FIELDS = ("description_ko", "description_en")


def _clean(name: str, value: Any) -> Any:
    """Text is stripped; an empty text field holds "" (never None); the description is cleaned
    HTML (core.sanitize: the editor's, and plain text from before it as paragraphs)."""
    if name in RICH_FIELDS:
        return rich_text_html((value or "").strip()).strip()
    if isinstance(value, str):
        return value.strip()
    field = Event._meta.get_field(name)
    if value is None and isinstance(field, models.CharField | models.TextField):
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
        event.ends_at
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
    if event.kind == EventKind.COMMITTEE_MEETING and event.committee_id is None:
        errors.setdefault("committee", []).append(_("Choose the committee that meets."))
    if event.committee_id is not None and event.kind != EventKind.COMMITTEE_MEETING:
        errors.setdefault("committee", []).append(_("Only committee meetings have a committee."))
    if event.committee_id is not None and event.organization_id is not None:
        errors.setdefault("committee", []).append(_("The city organizes committee meetings."))
    if event.certificate_min_sessions is not None and event.kind != EventKind.TRAINING:
        errors.setdefault("certificate_min_sessions", []).append(
            _("Only trainings give certificates.")
        )
    if errors:
        raise ValidationError(errors)


@transaction.atomic(durable=True)
def create_event(
    *, actor: Actor, organization: Organization | None, **changes: Unpack[EventChanges]
) -> Event:
    """A new event for the city (organization None, city staff only) or an organization (its
    editors). Locks the organization's row, so it cannot be hidden halfway."""
    user = signed_in_user(actor)
    if organization is not None:
        organization = lock(organization)
    if not can_organize_for(actor, organization):
        raise PermissionDenied(_("You may not organize events for this organizer."))
    event = Event(organization=organization, created_by=user)
    check_rich_text(changes, RICH_FIELDS)
    apply_changes(event, fields=EVENT_FIELDS, data=changes, clean=_clean)
    _check_event(event)
    event.save()
    reindex_event(event)
    log_action(actor=actor, action="events.create", target=event)
    return event


@transaction.atomic(durable=True)
def update_event(*, actor: Actor, event: Event, **changes: Unpack[EventChanges]) -> Event:
    """Edit an event under its row lock. A capacity below the places already taken is refused; a
    higher one promotes the waitlist at once."""
    event = _authorize(actor, event)
    if event.status == EventStatus.CANCELLED:
        raise ValidationError({"__all__": [_("A cancelled event cannot be changed.")]})
    if changes.get("status") == EventStatus.CANCELLED:
        raise ValidationError(
            {"status": [_("Use “Cancel the event” to cancel it: everyone registered is told.")]}
        )
    check_rich_text(changes, RICH_FIELDS)
    apply_changes(event, fields=EVENT_FIELDS, data=changes, clean=_clean)
    _check_event(event)
    event.save()
    _promote_waitlist(event)
    reindex_event(event)
    log_action(actor=actor, action="events.update", target=event, data={"fields": sorted(changes)})
    return event


@transaction.atomic(durable=True)
def cancel_event(*, actor: Actor, event: Event, reason: str = "") -> Event:
    """Cancel the event under its row lock: every active registration is cancelled and its person
    told."""
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
    reason = reason[:1000]
    active = Registration.objects.filter(event=event, status__in=ACTIVE_STATUSES)
    user_ids = list(active.values_list("user_id", flat=True))
    active.update(status=RegistrationStatus.CANCELLED, cancelled_at=now, offer_expires_at=None)
    event.status = EventStatus.CANCELLED
    event.cancelled_at = now
    event.seats_taken = 0
    event.save(update_fields=["status", "cancelled_at", "seats_taken", "updated_at"])
    reindex_event(event)
    log_action(actor=actor, action="events.cancel", target=event, reason=reason)
    notices.tell_event_cancelled(event, user_ids, reason)
    return event


# Questions, sessions, materials ---------------------------------------------------------------


@transaction.atomic(durable=True)
def add_question(
    *,
    actor: Actor,
    event: Event,
    label_ko: str,
    label_en: str = "",
    kind: QuestionKind | str = QuestionKind.TEXT,
    choices: str = "",
    required: bool = False,
    order: int | None = 0,
) -> EventQuestion:
    """A question asked when registering; takes the event's row lock."""
    event = _authorize(actor, event)
    if event.questions.count() >= MAX_QUESTIONS:
        raise ValidationError(
            {"__all__": [_("An event has at most %(max)d questions.") % {"max": MAX_QUESTIONS}]}
        )
    question = EventQuestion(
        event=event,
        label_ko=(label_ko or "").strip(),
        label_en=(label_en or "").strip(),
        kind=kind,
        choices=(choices or "").strip(),
        required=required,
        order=order or 0,
    )
    question.full_clean()
    if question.kind == QuestionKind.CHOICE and len(question.choice_list) < 2:
        raise ValidationError({"choices": [_("Give at least two choices, one per line.")]})
    question.save()
    return question


@transaction.atomic(durable=True)
def delete_question(*, actor: Actor, question: EventQuestion) -> None:
    _authorize(actor, question.event_id)
    question.delete()


@transaction.atomic(durable=True)
def add_session(
    *,
    actor: Actor,
    event: Event,
    starts_at: datetime,
    ends_at: datetime,
    title_ko: str = "",
    title_en: str = "",
) -> EventSession:
    """One date of a training; takes the event's row lock."""
    event = _authorize(actor, event)
    if event.sessions.count() >= MAX_SESSIONS:
        raise ValidationError(
            {"__all__": [_("A training has at most %(max)d sessions.") % {"max": MAX_SESSIONS}]}
        )
    session = EventSession(
        event=event,
        title_ko=(title_ko or "").strip(),
        title_en=(title_en or "").strip(),
        starts_at=starts_at,
        ends_at=ends_at,
    )
    session.full_clean()
    if session.ends_at <= session.starts_at:
        raise ValidationError({"ends_at": [_("The session must end after it starts.")]})
    session.save()
    return session


@transaction.atomic(durable=True)
def delete_session(*, actor: Actor, session: EventSession) -> None:
    _authorize(actor, session.event_id)
    session.delete()


@transaction.atomic(durable=True)
def add_material(
    *,
    actor: Actor,
    event: Event,
    title: str,
    kind: MaterialKind | str = MaterialKind.SLIDES,
    file: UploadedFile | None = None,
    link: str = "",
) -> EventMaterial:
    """A file is checked (materials.check_material), stored privately under a random name and
    served only through views.material_download; a link is kept as given. Takes the event's row
    lock."""
    event = _authorize(actor, event)
    material = EventMaterial(event=event, kind=kind, title=title, link=link)
    material.full_clean(exclude=["file"])
    file = file or None  # a form without an upload gives None or False
    if file is None and not material.link:
        raise ValidationError({"link": [_("Give a file or a link.")]})
    if file is not None:
        checked = check_material(file, actor=actor)
        material.original_name = checked.original_name
        material.content_type = checked.content_type
        # The file is written before its row. On a rollback it stays behind under a random name
        # that no row points to, so it is never served.
        material.file.save(checked.file.name or checked.original_name, checked.file, save=False)
    material.save()
    return material


@transaction.atomic(durable=True)
def delete_material(*, actor: Actor, material: EventMaterial) -> None:
    """The row goes at once; its file is deleted once the deletion has committed."""
    _authorize(actor, material.event_id)
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
    # Written out: in a rush this runs under the event's row held alone, and building the ORM's
    # UPDATE was an eighth of that section's function calls. The CHECK constraint still refuses
    # an overbooking.
    with connection.cursor() as cursor:
        cursor.execute(
            'UPDATE "events_event" SET "seats_taken" = "seats_taken" + 1 WHERE "id" = %s',
            [event.pk],
        )
    event.seats_taken += 1


def _free_seat(event: Event) -> None:
    Event.objects.filter(pk=event.pk).update(seats_taken=F("seats_taken") - 1)
    event.seats_taken -= 1


def _save_and_tell(registration: Registration, update_fields: list[str]) -> None:
    """Save the registration's change, marking its new status to be told when it has a notice
    (`notice_due`, saved with the status: the caller lists it in `update_fields`), and enqueue
    the notice's task (see the module's docstring)."""
    told = _mark_due(registration)
    registration.save(update_fields=update_fields)
    if told:
        _enqueue_notice(registration.pk)


def _mark_due(registration: Registration) -> bool:
    """Mark the registration's status to be told, when it has a notice; whether it has."""
    if registration.status not in notices.TEXTS:
        return False
    registration.notice_due = registration.status
    return True


def _enqueue_notice(pk: int) -> None:
    if _queue_in_database():
        # The task's row commits or rolls back with the registration: one commit, not two.
        tasks.tell_registration.enqueue(pk)
        return
    # A queue elsewhere (Redis) would run the task before the commit, and find nothing due.
    # robust: a queue out of reach is logged; the notice stays due for the sweep
    # (tasks.tell_due_notices), and the registration stands.
    transaction.on_commit(lambda: tasks.tell_registration.enqueue(pk), robust=True)


# A new registration's row, written out: it is written under the event's row held alone, and
# the ORM building its INSERT was a quarter of the time that lock was held (issue 18).
# The columns left out are empty for a new registration. `test_insert_writes_what_save_writes`
# compares the row with the ORM's.
_INSERTED = (
    "event_id", "user_id", "status", "answers", "created_at", "waitlisted_at", "confirmed_at",
    "notice_due",
)  # fmt: skip
_INSERT = 'INSERT INTO "events_registration" ({}) VALUES ({}) RETURNING "id"'.format(
    ", ".join(f'"{column}"' for column in _INSERTED), ", ".join(["%s"] * len(_INSERTED))
)


def _insert(registration: Registration) -> None:
    """Write a new registration (`_write_registration`'s, nothing else set) and give the
    instance its key, as `save()` would."""
    answers = Registration._meta.get_field("answers")
    adapt = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        cursor.execute(
            _INSERT,
            [
                registration.event_id,
                registration.user_id,
                registration.status,
                answers.get_db_prep_save(registration.answers, connection),
                adapt(registration.created_at),
                adapt(registration.waitlisted_at),
                adapt(registration.confirmed_at),
                registration.notice_due,
            ],
        )
        registration.pk = cursor.fetchone()[0]
    _as_saved(registration)


def _as_saved(registration: Registration) -> None:
    """A registration whose row a written-out statement stored, marked as `save()` leaves it."""
    registration._state.adding = False
    registration._state.db = connection.alias


def _queue_in_database() -> bool:
    """Whether the notice's task is a row of the hub's own database (django-tasks-db, the
    installed default), written by the transaction that enqueues it."""
    return isinstance(tasks.tell_registration.get_backend(), DatabaseBackend)


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
        _save_and_tell(registration, ["status", "offer_expires_at", "confirmed_at", "notice_due"])
        _take_seat(event)
    return queue


def _already_registered() -> ValidationError:
    return ValidationError({"__all__": [_("You are already registered for this event.")]})


def register(*, actor: Actor, event: Event, answers: dict | None = None) -> Registration:
    """Register the actor for the event: confirmed while places remain, else on the waitlist;
    awaiting approval when the organizer approves registrations. Takes the event's row lock:
    shared for a registration awaiting approval, alone otherwise (`_register`).

    In a rush the registrations queue on that lock, so it is held for as little as possible: what
    needs no lock (the person, their answers, a registration they already hold) is read before
    it, and the lock covers the checks of the fresh row, one INSERT and one UPDATE (on
    PostgreSQL the lock, the checks and the INSERT are one statement: `_LOCK_AND_INSERT`)."""
    user = signed_in_user(actor)
    _check_open(event, timezone.now())  # the refusals in their usual order; again under the lock
    facts = _facts(event.pk, user.pk)
    if facts is not None and facts[1]:
        raise _already_registered()
    # The questions as they are now: one added while this runs applies to later registrations.
    cleaned = clean_answers(event, answers) if facts is None or facts[2] else {}
    try:
        return _register(user, event, cleaned, approval=facts is not None and facts[0])
    except IntegrityError as error:
        # A second tab registering at the same moment: the unique constraint refused it (the
        # transaction is rolled back whole, so no savepoint is needed inside the lock).
        if Registration.objects.filter(event=event, user=user, status__in=ACTIVE_STATUSES).exists():
            raise _already_registered() from error
        raise


# What `register` reads before any lock, in one statement: whether the organizer approves
# (which lock to take), whether the person already holds an active registration, whether the
# event asks anything. Written out, not built by the ORM: building this query was two fifths of a
# registration's Python function calls, and a rush is CPU-bound (issue 18).
_FACTS = (
    'SELECT e."requires_approval", '
    'EXISTS (SELECT 1 FROM "events_registration" r WHERE r."event_id" = e."id" '
    f'AND r."user_id" = %s AND r."status" IN ({", ".join(["%s"] * len(ACTIVE_STATUSES))})), '
    'EXISTS (SELECT 1 FROM "events_eventquestion" q WHERE q."event_id" = e."id") '
    'FROM "events_event" e WHERE e."id" = %s'
)


def _facts(event_id: int, user_id: int) -> tuple[bool, bool, bool] | None:
    """(requires_approval, already registered, asks questions), or None when the event is
    gone."""
    with connection.cursor() as cursor:
        cursor.execute(_FACTS, [user_id, *ACTIVE_STATUSES, event_id])
        row = cursor.fetchone()
    if row is None:
        return None
    approval, mine, asks = row
    return bool(approval), bool(mine), bool(asks)


def _check_open(event: Event, now: datetime) -> None:
    if event.status == EventStatus.CANCELLED:
        raise ValidationError({"__all__": [_("This event has been cancelled.")]})
    if event.status != EventStatus.PUBLISHED:
        raise ValidationError({"__all__": [_("This event is not open for registration.")]})
    if event.registration_opens_at and now < event.registration_opens_at:
        raise ValidationError({"__all__": [_("Registration has not opened yet.")]})
    if now >= event.closes_at:
        raise ValidationError({"__all__": [_("Registration is closed.")]})


def _register(user: User, event: Event, cleaned: dict[str, str], *, approval: bool) -> Registration:
    """A registration awaiting the organizer's approval (`approval`, read without a lock) takes
    no place and has no place in a queue: it holds the event's row shared, so a rush of them is
    written in parallel and their commits share the disk's flushes. Any other holds the row
    alone: places are counted one at a time, and so is the waitlist, whose order is the order of
    the registrations' times. Written in parallel, a waitlisted registration timed before another
    could commit after it, and the later one, counting those ahead of it once committed, would
    be told a place one too near (`test_each_waitlisted_person_is_told_their_true_place`)."""
    if approval:
        registration = _register_pending(user, event, cleaned)
        if registration is not None:
            return registration
    return _register_alone(user, event, cleaned)


# What a registration reads of the event under its row's lock (`_check_open`, the places): the
# row's other columns are not read (core.locking.lock_only), a rush's section is its CPU.
_LOCKED_FIELDS = (
    "status",
    "registration_opens_at",
    "registration_closes_at",
    "starts_at",
    "requires_approval",
    "seats_taken",
    "capacity",
)


@transaction.atomic(durable=True)
def _register_pending(user: User, event: Event, cleaned: dict[str, str]) -> Registration | None:
    """Awaiting approval, under the event's row held shared (FOR SHARE, `lock_only`): what
    changes the event (an approval, the organizer's edit) holds the row alone, so it waits for
    this commit, or this waits for it and reads the event it left. None, writing nothing, when
    the organizer no longer approves registrations: the caller then holds the row alone."""
    event = lock_only(Event, event.pk, _LOCKED_FIELDS, shared=True)
    if not event.requires_approval:
        return None
    now = timezone.now()
    _check_open(event, now)
    return _write_registration(user, event, cleaned, now)


@transaction.atomic(durable=True)
def _register_alone(user: User, event: Event, cleaned: dict[str, str]) -> Registration:
    # A rush's registrations hold the row one after another, so the notice's task row is written
    # before the lock, not under it: it commits, or rolls back, with the registration all the same.
    enqueued = _enqueue_before_lock(event.pk, user.pk)
    if connection.vendor == "postgresql":
        registration = _insert_under_lock(user, event, cleaned)
        if registration is not None:
            if registration.notice_due and not enqueued:
                _enqueue_notice(registration.pk)
            if registration.holds_seat:
                _take_seat(registration.event)
            return registration
        # Refused, or the organizer now approves registrations: take the row (a refused
        # statement may not have locked it) and say why, or write the pending registration.
    event = lock_only(Event, event.pk, _LOCKED_FIELDS)
    now = _queue_time()
    _check_open(event, now)
    return _write_registration(user, event, cleaned, now, enqueued=enqueued)


def _queue_time() -> datetime:
    """The time a registration takes under the event's row lock, which orders the waitlist. On
    PostgreSQL the database's clock, as `_LOCK_AND_INSERT` reads it, so that every writer of the
    waitlist reads one clock whatever host it runs on; on SQLite (one host) the application's."""
    if connection.vendor != "postgresql":
        return timezone.now()
    with connection.cursor() as cursor:
        cursor.execute("SELECT clock_timestamp()")
        return cursor.fetchone()[0]


# A registration that takes a place or queues for one, on PostgreSQL, in one statement: the
# event's row locked alone (with the lock's timeout, as `lock_only`), the checks of `_check_open`
# and the registration's row written when they pass, confirmed while places remain, else
# waitlisted. Its time is the database's clock read after the lock (clock_timestamp() in the
# LATERAL, kept from being inlined by OFFSET 0): the waitlist's order is the lock's order. In a
# rush the row is held from this statement to the commit: with no round trip and no Python
# between taking the row and writing the registration, the rush runs 14-26 % faster (issue 18).
_LOCK_AND_INSERT = (
    'INSERT INTO "events_registration" ("event_id", "user_id", "status", "answers", '
    '"created_at", "waitlisted_at", "confirmed_at", "notice_due") '
    'SELECT e."id", %(user)s, n."status", %(answers)s, n."now", '
    'CASE WHEN n."status" = %(waitlisted)s THEN n."now" END, '
    'CASE WHEN n."status" = %(confirmed)s THEN n."now" END, '
    'CASE WHEN n."status" = %(confirmed)s THEN %(due_confirmed)s ELSE %(due_waitlisted)s END '
    'FROM (SELECT "id", "status", "registration_opens_at", "registration_closes_at", "starts_at", '
    '"requires_approval", "seats_taken", "capacity" FROM "events_event" WHERE "id" = %(event)s '
    "AND set_config('lock_timeout', %(timeout)s, true) IS NOT NULL FOR UPDATE) e "
    'CROSS JOIN LATERAL (SELECT clock_timestamp() AS "now", CASE WHEN e."seats_taken" < '
    'e."capacity" THEN %(confirmed)s ELSE %(waitlisted)s END AS "status" OFFSET 0) n '
    'WHERE e."status" = %(published)s AND NOT e."requires_approval" '
    'AND (e."registration_opens_at" IS NULL OR e."registration_opens_at" <= n."now") '
    'AND n."now" < COALESCE(e."registration_closes_at", e."starts_at") '
    'RETURNING "id", "status", "created_at", "notice_due"'
)


def _insert_under_lock(user: User, event: Event, cleaned: dict[str, str]) -> Registration | None:
    """PostgreSQL: `_LOCK_AND_INSERT`; the new registration, or None when it wrote nothing (the
    event closed, or approving registrations; the row may then be unlocked: the planner checks
    the status and the approval before it locks)."""
    answers = Registration._meta.get_field("answers")
    queued, placed = RegistrationStatus.WAITLISTED, RegistrationStatus.CONFIRMED
    due = {status: status if status in notices.TEXTS else "" for status in (queued, placed)}
    with connection.cursor() as cursor:
        cursor.execute(
            _LOCK_AND_INSERT,
            {
                "event": event.pk,
                "timeout": str(LOCK_TIMEOUT_MS),
                "user": user.pk,
                "answers": answers.get_db_prep_save(cleaned, connection),
                "published": EventStatus.PUBLISHED,
                "confirmed": placed,
                "waitlisted": queued,
                "due_confirmed": due[placed],
                "due_waitlisted": due[queued],
            },
        )
        row = cursor.fetchone()
    if row is None:
        return None
    pk, status, now, notice_due = row
    registration = Registration(
        pk=pk,
        event=event,
        user=user,
        answers=cleaned,
        status=status,
        created_at=now,
        waitlisted_at=now if status == queued else None,
        confirmed_at=now if status == placed else None,
        notice_due=notice_due,
    )
    _as_saved(registration)
    return registration


def _enqueue_before_lock(event_id: int, user_id: int) -> bool:
    """With the queue in the database, the task that tells the person's new registration, named
    by event and person (its row does not exist yet); whether it was enqueued. A queue elsewhere
    enqueues after the commit (`_enqueue_notice`)."""
    if not _queue_in_database():
        return False
    tasks.tell_new_registration.enqueue(event_id, user_id)
    return True


def _write_registration(
    user: User, event: Event, cleaned: dict[str, str], now: datetime, *, enqueued: bool = False
) -> Registration:
    """The registration's row and, when it takes a place, the event's count; its notice enqueued
    unless the transaction already has (`enqueued`, `_enqueue_before_lock`). Expects the event's
    row held: alone unless the registration awaits approval."""
    registration = Registration(event=event, user=user, answers=cleaned, created_at=now)
    if event.requires_approval:
        registration.status = RegistrationStatus.PENDING
    elif event.seats_taken < event.capacity:
        registration.status = RegistrationStatus.CONFIRMED
        registration.confirmed_at = now
    else:
        registration.status = RegistrationStatus.WAITLISTED
        registration.waitlisted_at = now
    told = _mark_due(registration)
    _insert(registration)
    if told and not enqueued:
        _enqueue_notice(registration.pk)
    if registration.holds_seat:
        _take_seat(event)
    return registration


def _release(
    event: Event, registration: Registration, *, status: RegistrationStatus, now: datetime
) -> None:
    """End a registration; a place it held goes to the waitlist. Expects the event's row lock."""
    held = registration.holds_seat
    registration.status = status
    registration.cancelled_at = now
    registration.offer_expires_at = None
    registration.save(update_fields=["status", "cancelled_at", "offer_expires_at"])
    if held:
        _free_seat(event)
        _promote_waitlist(event, now=now)


def _lock_registration(registration: Registration) -> tuple[Event, Registration]:
    """The event's row lock, then the registration's: always in this order."""
    event = lock_pk(Event, registration.event_id)
    return event, lock(registration)


@transaction.atomic(durable=True)
def cancel_registration(*, actor: Actor, registration: Registration) -> Registration:
    """The attendee cancels, until the event's cancellation deadline; the organizer may remove
    anyone. Locks the event, then the registration."""
    user = signed_in_user(actor)
    event, registration = _lock_registration(registration)
    organizer = can_manage_event(user, event)
    if registration.user_id != user.pk and not organizer:
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


@transaction.atomic(durable=True)
def accept_offer(*, actor: Actor, registration: Registration) -> Registration:
    """The person takes the place offered to them. Locks the event, then the registration."""
    user = signed_in_user(actor)
    _event, registration = _lock_registration(registration)
    if registration.user_id != user.pk:
        raise PermissionDenied(_("You can only accept your own offer."))
    now = timezone.now()
    if (
        registration.status != RegistrationStatus.OFFERED
        or registration.offer_expires_at is None
        or registration.offer_expires_at <= now
    ):
        raise ValidationError({"__all__": [_("This offer is no longer valid.")]})
    registration.status = RegistrationStatus.CONFIRMED
    registration.confirmed_at = now
    registration.offer_expires_at = None
    _save_and_tell(registration, ["status", "confirmed_at", "offer_expires_at", "notice_due"])
    return registration


@transaction.atomic(durable=True)
def decide_registration(*, actor: Actor, registration: Registration, approve: bool) -> Registration:
    """The organizer approves (a place, or the waitlist when full) or declines a pending
    registration. Locks the event, then the registration."""
    event = _authorize(actor, registration.event_id)
    registration = lock(registration)
    if registration.status != RegistrationStatus.PENDING:
        raise ValidationError({"__all__": [_("This registration is not awaiting approval.")]})
    now = _queue_time()
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
    _save_and_tell(
        registration, ["status", "cancelled_at", "confirmed_at", "waitlisted_at", "notice_due"]
    )
    log_action(
        actor=actor,
        action="events.registration.approve" if approve else "events.registration.decline",
        target=event,
        data={"registration": registration.pk},
    )
    return registration


def expire_offers(*, now: datetime | None = None) -> int:
    """Offers not accepted in time pass to the next on the waitlist. One durable transaction per
    event under its row lock; safe to run twice at once (the second finds nothing expired)."""
    now = now or timezone.now()
    event_ids = (
        Registration.objects.filter(status=RegistrationStatus.OFFERED, offer_expires_at__lte=now)
        .values_list("event_id", flat=True)
        .distinct()
    )
    expired = 0
    for event_id in list(event_ids):
        with transaction.atomic(durable=True):
            event = lock_pk(Event, event_id)
            for registration in Registration.objects.filter(
                event=event, status=RegistrationStatus.OFFERED, offer_expires_at__lte=now
            ).order_by("offer_expires_at", "pk"):
                _release(event, registration, status=RegistrationStatus.CANCELLED, now=now)
                notices.tell_offer_expired(registration)
                expired += 1
    return expired


def release_registrations_of(user: User) -> None:
    """A departing person's places go to the waitlist, event by event under each event's row lock.
    Runs inside the caller's transaction (the account erasure)."""
    now = timezone.now()
    active = Registration.objects.filter(user=user, status__in=ACTIVE_STATUSES).order_by("event_id")
    for registration in active:
        event = lock_pk(Event, registration.event_id)
        _release(event, registration, status=RegistrationStatus.CANCELLED, now=now)


# Check-in and attendance ---------------------------------------------------------------------


class CheckInOutcome(models.TextChoices):
    """What a scan did (the API's `outcome`)."""

    OK = "ok"
    ALREADY = "already"


@dataclass(frozen=True)
class CheckInResult:
    registration: Registration
    outcome: CheckInOutcome
    session: EventSession | None = None

    @property
    def already(self) -> bool:
        return self.outcome == CheckInOutcome.ALREADY


def _registration_to_check_in(
    event: Event, *, code: str, registration_id: int | None
) -> Registration:
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
    return registration


@transaction.atomic(durable=True)
def check_in(
    *,
    actor: Actor,
    event: Event,
    code: str = "",
    registration_id: int | None = None,
    session: EventSession | None = None,
) -> CheckInResult:
    """Mark a confirmed attendee present, once: by the signed QR code or, after a name search, by id.

    For a training with sessions, the attendance is recorded for `session`. A second scan answers
    "already checked in". A forged code or someone not confirmed for this event is a clear error.
    No lock: the unique attendance row and a conditional update make a double scan harmless.
    """
    user = signed_in_user(actor)
    event = Event.objects.get(pk=event.pk)
    if not can_manage_event(user, event):
        raise PermissionDenied(_("Only the event's organizer may check people in."))
    registration = _registration_to_check_in(event, code=code, registration_id=registration_id)
    now = timezone.now()
    first_time = Registration.objects.filter(pk=registration.pk, checked_in_at__isnull=True)
    if session is not None:
        if session.event_id != event.pk:
            raise ValidationError({"session": [_("This session belongs to another event.")]})
        try:
            with transaction.atomic():
                Attendance.objects.create(
                    registration=registration, session=session, recorded_by=user, recorded_at=now
                )
        except IntegrityError:
            return CheckInResult(registration, CheckInOutcome.ALREADY, session)
        first_time.update(checked_in_at=now, checked_in_by=user)
        return CheckInResult(registration, CheckInOutcome.OK, session)
    updated = first_time.update(checked_in_at=now, checked_in_by=user)
    registration.refresh_from_db(fields=["checked_in_at", "checked_in_by"])
    return CheckInResult(registration, CheckInOutcome.OK if updated else CheckInOutcome.ALREADY)


@transaction.atomic(durable=True)
def message_attendees(*, actor: Actor, event: Event, subject: str, message: str) -> int:
    """Write to everyone confirmed (and offered a place); returns how many were written to.
    Takes the event's row lock, so nobody joins or leaves while the list is read."""
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
    notices.tell_attendees(event, user_ids, subject, message)
    return len(user_ids)


# Reminders and the private feed ------------------------------------------------------------------


def send_due_reminders(*, now: datetime | None = None) -> int:
    """Remind confirmed attendees `reminder_hours` before the start, each exactly once.

    The ReminderDelivery row is inserted in the same transaction as the notification: a second
    worker racing for the same registration hits the unique constraint and sends nothing.
    """
    now = now or timezone.now()
    sent = 0
    for registration in due_reminders(now=now):
        try:
            with transaction.atomic(durable=True):
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


@transaction.atomic(durable=True)
def reset_calendar_secret(*, actor: Actor) -> CalendarFeed:
    """A new secret address for the person's private feed; the old one stops working. Locks the
    feed's row."""
    user = signed_in_user(actor)
    feed, created = CalendarFeed.objects.get_or_create(user=user)
    if not created:
        feed = lock(feed)
        feed.secret = new_feed_secret()
        feed.created_at = timezone.now()
        feed.save(update_fields=["secret", "created_at"])
    return feed


def calendar_feed_of(user: User) -> CalendarFeed:
    """The person's private feed, made on first use."""
    feed, _created = CalendarFeed.objects.get_or_create(user=user)
    return feed
