from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django_tasks_db.models import DBTaskResult
from icalendar import Calendar

from sharehub.accounts.tests.factories import UserFactory
from sharehub.events import notices, services, tasks
from sharehub.events.checkin import checkin_code
from sharehub.events.models import (
    Event,
    EventKind,
    EventSession,
    EventStatus,
    QuestionKind,
    Registration,
    RegistrationStatus,
    ReminderDelivery,
    WaitlistMode,
)
from sharehub.events.selectors import certificate_eligible, waitlist_position
from sharehub.notifications.models import Notification, OutboundEmail

from .factories import EventFactory

pytestmark = pytest.mark.django_db

S = RegistrationStatus


@pytest.fixture(autouse=True)
def in_english():
    """Error messages are matched in English; notices still follow each person's language."""
    with translation.override("en"):
        yield


def fields(**overrides):
    start = timezone.now() + timedelta(days=5)
    values = {
        "title_ko": "공유경제 포럼",
        "title_en": "Sharing economy forum",
        "kind": EventKind.FORUM,
        "starts_at": start,
        "ends_at": start + timedelta(hours=3),
        "capacity": 30,
        "address": "서울 중구 세종대로 110",
    }
    values.update(overrides)
    return values


def people(n):
    return [UserFactory() for _ in range(n)]


# Events ------------------------------------------------------------------------------------------


def test_organizer_creates_an_event(organizer, organization):
    event = services.create_event(actor=organizer, organization=organization, **fields())
    assert event.pk and event.organization == organization and event.seats_taken == 0


def test_only_city_staff_create_city_events(user, city_staff):
    with pytest.raises(PermissionDenied):
        services.create_event(actor=user, organization=None, **fields())
    assert (
        services.create_event(actor=city_staff, organization=None, **fields()).organization is None
    )


def test_other_member_cannot_create_for_an_organization(other_member, organization):
    with pytest.raises(PermissionDenied):
        services.create_event(actor=other_member, organization=organization, **fields())


def test_event_ending_before_it_starts_is_refused(organizer, organization):
    start = timezone.now() + timedelta(days=3)
    with pytest.raises(ValidationError) as error:
        services.create_event(
            actor=organizer,
            organization=organization,
            **fields(starts_at=start, ends_at=start - timedelta(hours=1)),
        )
    assert "ends_at" in error.value.message_dict
    assert not Event.objects.exists()


def test_database_refuses_end_before_start_and_negative_capacity(event):
    with pytest.raises(IntegrityError), transaction.atomic():
        Event.objects.filter(pk=event.pk).update(ends_at=event.starts_at - timedelta(minutes=1))
    with pytest.raises(IntegrityError), transaction.atomic():
        Event.objects.filter(pk=event.pk).update(seats_taken=event.capacity + 1)


def test_capacity_below_registrations_is_refused(event, organizer):
    for person in people(3):
        services.register(actor=person, event=event)
    with pytest.raises(ValidationError) as error:
        services.update_event(actor=organizer, event=event, capacity=2)
    assert "capacity" in error.value.message_dict
    event.refresh_from_db()
    assert event.capacity == 10


def test_raising_capacity_promotes_the_waitlist(event, organizer):
    event.capacity = 1
    event.save()
    first, second, third = people(3)
    for person in (first, second, third):
        services.register(actor=person, event=event)
    services.update_event(actor=organizer, event=event, capacity=2)
    assert Registration.objects.get(user=second).status == S.CONFIRMED
    assert Registration.objects.get(user=third).status == S.WAITLISTED


def test_online_link_required_for_online_sessions(organizer, organization):
    with pytest.raises(ValidationError) as error:
        services.create_event(
            actor=organizer, organization=organization, **fields(kind=EventKind.ONLINE)
        )
    assert "online_url" in error.value.message_dict


# Registration ----------------------------------------------------------------------------------


def test_register_confirms_then_waitlists(event):
    event.capacity = 2
    event.save()
    registrations = [services.register(actor=p, event=event) for p in people(4)]
    assert [r.status for r in registrations] == [
        S.CONFIRMED,
        S.CONFIRMED,
        S.WAITLISTED,
        S.WAITLISTED,
    ]
    event.refresh_from_db()
    assert event.seats_taken == 2
    assert [waitlist_position(r) for r in registrations[2:]] == [1, 2]


def test_register_twice_is_refused(event, user):
    services.register(actor=user, event=event)
    with pytest.raises(ValidationError, match="already registered"):
        services.register(actor=user, event=event)


@pytest.mark.parametrize("status", [S.PENDING, S.CONFIRMED, S.OFFERED, S.WAITLISTED])
def test_an_active_registration_is_refused_before_any_lock(event, user, status):
    """The read before the lock finds it (the unique constraint would refuse it later, under
    the event's lock): one query, nothing locked or written."""
    Registration.objects.create(
        event=event, user=user, status=status, offer_expires_at=timezone.now() + timedelta(hours=1)
    )
    with (
        CaptureQueriesContext(connection) as queries,
        pytest.raises(ValidationError, match="already registered"),
    ):
        services.register(actor=user, event=event)
    assert len(queries.captured_queries) == 1


@pytest.mark.parametrize("status", [S.CANCELLED, S.REJECTED])
def test_an_ended_registration_does_not_stop_a_new_one(event, user, other_user, status):
    Registration.objects.create(event=event, user=user, status=status)
    services.register(actor=other_user, event=event)  # someone else's counts for nothing either
    assert services.register(actor=user, event=event).status == S.CONFIRMED


def test_database_allows_one_active_registration(event, user):
    Registration.objects.create(event=event, user=user, status=S.WAITLISTED)
    with pytest.raises(IntegrityError), transaction.atomic():
        Registration.objects.create(event=event, user=user, status=S.PENDING)
    Registration.objects.create(event=event, user=user, status=S.CANCELLED)  # history is fine


def test_register_registers_the_actor_only(event, user, other_user):
    """No parameter names another person: a registration is always the actor's own."""
    with pytest.raises(TypeError):
        services.register(actor=user, event=event, user=other_user)
    registration = services.register(actor=user, event=event)
    assert registration.user == user
    assert not Registration.objects.filter(event=event, user=other_user).exists()


def test_register_anonymous_is_refused(event):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        services.register(actor=AnonymousUser(), event=event)


def test_register_after_closing_is_refused(event, user):
    event.registration_closes_at = timezone.now() - timedelta(minutes=1)
    event.save()
    with pytest.raises(ValidationError, match="closed"):
        services.register(actor=user, event=event)


def test_register_before_opening_is_refused(event, user):
    event.registration_opens_at = timezone.now() + timedelta(days=1)
    event.save()
    with pytest.raises(ValidationError, match="not opened"):
        services.register(actor=user, event=event)


def test_register_for_cancelled_event_is_refused(event, user, organizer):
    services.cancel_event(actor=organizer, event=event)
    with pytest.raises(ValidationError, match="cancelled"):
        services.register(actor=user, event=event)


def test_custom_questions_are_checked(event, organizer, user):
    question = services.add_question(
        actor=organizer,
        event=event,
        label_ko="식사",
        kind=QuestionKind.CHOICE,
        choices="채식\n일반",
        required=True,
    )
    with pytest.raises(ValidationError) as error:
        services.register(actor=user, event=event, answers={})
    assert f"question_{question.pk}" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.register(actor=user, event=event, answers={str(question.pk): "고기"})
    registration = services.register(actor=user, event=event, answers={str(question.pk): "채식"})
    assert registration.answers == {str(question.pk): "채식"}


def test_approval_holds_no_place_until_approved(event, organizer):
    event.requires_approval = True
    event.capacity = 1
    event.save()
    first, second = people(2)
    a = services.register(actor=first, event=event)
    b = services.register(actor=second, event=event)
    assert a.status == b.status == S.PENDING
    assert (
        services.decide_registration(actor=organizer, registration=a, approve=True).status
        == S.CONFIRMED
    )
    assert (
        services.decide_registration(actor=organizer, registration=b, approve=True).status
        == S.WAITLISTED
    )
    with pytest.raises(PermissionDenied):
        services.decide_registration(actor=first, registration=b, approve=False)


# Cancellation and the waitlist ---------------------------------------------------------------------


def test_cancel_promotes_the_first_on_the_waitlist(event, django_capture_on_commit_callbacks):
    event.capacity = 1
    event.save()
    first, second, third = people(3)
    a = services.register(actor=first, event=event)
    services.register(actor=second, event=event)
    services.register(actor=third, event=event)
    told = Notification.objects.filter(user=second, kind="events.registration")
    before = told.count()  # 0: the waitlist notice waits for its commit, not run here
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_registration(actor=first, registration=a)
    assert Registration.objects.get(user=second, status__in=[S.CONFIRMED]).confirmed_at
    assert Registration.objects.get(user=third).status == S.WAITLISTED
    assert told.count() == before + 1  # the promotion
    event.refresh_from_db()
    assert event.seats_taken == 1


def test_offer_mode_offers_and_expiry_passes_it_on(event, django_capture_on_commit_callbacks):
    event.capacity = 1
    event.waitlist_mode = WaitlistMode.OFFER
    event.offer_hours = 2
    event.save()
    first, second, third = people(3)
    a = services.register(actor=first, event=event)
    services.register(actor=second, event=event)
    services.register(actor=third, event=event)
    services.cancel_registration(actor=first, registration=a)
    offer = Registration.objects.get(user=second, status=S.OFFERED)
    assert offer.offer_expires_at > timezone.now()
    with pytest.raises(PermissionDenied):
        services.accept_offer(actor=third, registration=offer)
    told = Notification.objects.filter(user=second, kind="events.registration")
    before = told.count()  # waitlisted, then offered a place
    with django_capture_on_commit_callbacks(execute=True):
        assert services.expire_offers(now=timezone.now() + timedelta(hours=3)) == 1
    assert Registration.objects.get(pk=offer.pk).status == S.CANCELLED
    next_offer = Registration.objects.get(user=third)
    assert next_offer.status == S.OFFERED
    assert services.accept_offer(actor=third, registration=next_offer).status == S.CONFIRMED
    event.refresh_from_db()
    assert event.seats_taken == 1
    assert told.count() == before + 1  # the expiry


def test_cancel_after_the_deadline_is_refused(event, user, organizer):
    registration = services.register(actor=user, event=event)
    Event.objects.filter(pk=event.pk).update(
        cancellation_deadline=timezone.now() - timedelta(minutes=1)
    )
    with pytest.raises(ValidationError, match="deadline"):
        services.cancel_registration(actor=user, registration=registration)
    # the organizer may still remove the person
    services.cancel_registration(actor=organizer, registration=registration)


def test_cancel_someone_elses_registration_is_refused(event, user, other_user):
    registration = services.register(actor=user, event=event)
    with pytest.raises(PermissionDenied):
        services.cancel_registration(actor=other_user, registration=registration)


def test_cancel_event_tells_everyone(event, organizer, django_capture_on_commit_callbacks):
    registered = people(3)
    for person in registered:
        services.register(actor=person, event=event)
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_event(actor=organizer, event=event, reason="태풍 예보")
    assert not Registration.objects.filter(
        event=event, status__in=[S.CONFIRMED, S.WAITLISTED]
    ).exists()
    for person in registered:
        assert Notification.objects.filter(
            user=person, kind="events.organizer", body__contains="태풍"
        ).exists()


def test_cancel_event_by_stranger_is_refused(event, other_member):
    with pytest.raises(PermissionDenied):
        services.cancel_event(actor=other_member, event=event)


# Mail -------------------------------------------------------------------------------------------


def test_confirmation_mail_carries_the_ics_and_qr(
    event, user, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        services.register(actor=user, event=event)
    outbound = OutboundEmail.objects.get(user=user)
    names = [a["filename"] for a in outbound.attachments]
    assert names == [f"event-{event.pk}.ics", f"check-in-{event.pk}.png"]
    sent = mailoutbox[-1]
    ics = next(a for a in sent.attachments if a[0].endswith(".ics"))
    calendar = Calendar.from_ical(ics[1])
    [entry] = calendar.walk("VEVENT")
    assert str(entry["uid"]) == f"event-{event.pk}@events.sharehub"
    assert entry.decoded("dtstart") == event.starts_at.replace(microsecond=0)
    assert entry.decoded("dtstart").tzinfo.key == "Asia/Seoul"


# Check-in ----------------------------------------------------------------------------------------


def test_check_in_once_then_already(event, user, organizer):
    registration = services.register(actor=user, event=event)
    code = checkin_code(registration)
    assert services.check_in(actor=organizer, event=event, code=code).outcome == "ok"
    assert services.check_in(actor=organizer, event=event, code=code).already


def test_forged_or_foreign_codes_are_refused(event, user, organizer, organization):
    registration = services.register(actor=user, event=event)
    code = checkin_code(registration)
    with pytest.raises(ValidationError, match="not valid"):
        services.check_in(actor=organizer, event=event, code=code[:-2] + "xx")
    with pytest.raises(ValidationError, match="not valid"):
        services.check_in(actor=organizer, event=event, code="hello")
    other = EventFactory(organization=organization)
    with pytest.raises(ValidationError, match="another event"):
        services.check_in(actor=organizer, event=other, code=code)


def test_check_in_by_non_organizer_is_refused(event, user, other_member):
    registration = services.register(actor=user, event=event)
    with pytest.raises(PermissionDenied):
        services.check_in(actor=other_member, event=event, code=checkin_code(registration))
    with pytest.raises(PermissionDenied):
        services.check_in(actor=user, event=event, code=checkin_code(registration))


def test_waitlisted_person_cannot_be_checked_in(event, organizer):
    event.capacity = 0
    event.save()
    registration = services.register(actor=UserFactory(), event=event)
    with pytest.raises(ValidationError, match="not confirmed"):
        services.check_in(actor=organizer, event=event, registration_id=registration.pk)


def test_training_attendance_per_session_and_certificate(organization, organizer):
    start = timezone.now() - timedelta(days=20)
    training = EventFactory(
        organization=organization,
        kind=EventKind.TRAINING,
        starts_at=start,
        ends_at=start + timedelta(days=14),
        certificate_min_sessions=2,
    )
    sessions = [
        EventSession.objects.create(
            event=training,
            title_ko=f"{i}회차",
            starts_at=start + timedelta(days=7 * i),
            ends_at=start + timedelta(days=7 * i, hours=2),
        )
        for i in range(3)
    ]
    person = UserFactory()
    registration = Registration.objects.create(event=training, user=person, status=S.CONFIRMED)
    services.check_in(
        actor=organizer, event=training, registration_id=registration.pk, session=sessions[0]
    )
    assert services.check_in(
        actor=organizer, event=training, registration_id=registration.pk, session=sessions[0]
    ).already
    assert not certificate_eligible(registration)
    services.check_in(
        actor=organizer, event=training, registration_id=registration.pk, session=sessions[1]
    )
    assert certificate_eligible(registration)


# Reminders --------------------------------------------------------------------------------------


def test_reminders_go_once_in_the_attendees_language(event, django_capture_on_commit_callbacks):
    korean, english = UserFactory(preferred_language="ko"), UserFactory(preferred_language="en")
    for person in (korean, english):
        services.register(actor=person, event=event)
    moment = event.starts_at - timedelta(hours=23)
    assert services.send_due_reminders(now=event.starts_at - timedelta(hours=30)) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_due_reminders(now=moment) == 2
        assert services.send_due_reminders(now=moment + timedelta(hours=1)) == 0
    assert ReminderDelivery.objects.count() == 2
    assert Notification.objects.get(user=korean, kind="events.reminder").title.startswith("알림")
    assert Notification.objects.get(user=english, kind="events.reminder").title.startswith(
        "Reminder"
    )


def test_no_reminder_for_cancelled_or_waitlisted(event, user, organizer):
    event.capacity = 0
    event.save()
    services.register(actor=user, event=event)
    assert services.send_due_reminders(now=event.starts_at - timedelta(hours=1)) == 0


def test_feed_secret_reset_changes_it(user):
    first = services.calendar_feed_of(user).secret
    assert services.reset_calendar_secret(actor=user).secret != first


def test_periodic_jobs_are_registered():
    from sharehub.core.periodic import registered_jobs

    names = {job.name for job in registered_jobs()}
    assert {"events.send_reminders", "events.expire_offers"} <= names


def test_erasing_a_person_frees_their_place_for_the_waitlist(event):
    from sharehub.events.privacy_data import erase_registrations, export_registrations

    event.capacity = 1
    event.save()
    leaving, waiting = people(2)
    services.register(actor=leaving, event=event)
    services.register(actor=waiting, event=event)
    assert export_registrations(leaving)[0]["status"] == S.CONFIRMED
    erase_registrations(leaving)
    assert not Registration.objects.filter(user=leaving).exists()
    assert Registration.objects.get(user=waiting).status == S.CONFIRMED
    event.refresh_from_db()
    assert event.seats_taken == 1


# Notices after the lock ------------------------------------------------------------------------


def test_the_registration_notice_is_written_after_commit_and_once(
    event, user, django_capture_on_commit_callbacks
):
    told = Notification.objects.filter(user=user, kind="events.registration")
    with django_capture_on_commit_callbacks() as pending:
        registration = services.register(actor=user, event=event)
        # Inside the registration's transaction (which held the event's lock) nothing was built.
        assert not told.exists() and not OutboundEmail.objects.filter(user=user).exists()
    registration.refresh_from_db()
    assert registration.notice_due == S.CONFIRMED
    with django_capture_on_commit_callbacks(execute=True):
        for callback in pending:
            callback()
    assert told.count() == 1
    assert OutboundEmail.objects.filter(user=user).count() == 1
    registration.refresh_from_db()
    assert registration.notice_due == ""
    # The task run again, or the sweep beside it, finds nothing left to tell.
    assert notices.tell_due(registration.pk) is False
    assert tasks.tell_due_notices.call() == 0
    assert told.count() == 1


@pytest.fixture
def tasks_in_database(settings):
    """The installed default queue: django-tasks-db, tasks as rows of the hub's database."""
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    return DBTaskResult.objects.filter(task_path__startswith="sharehub.events.tasks.tell_")


def _counting_commits(monkeypatch) -> list[int]:
    commits: list[int] = []
    real = connection._commit

    def count() -> None:
        commits.append(1)
        real()

    monkeypatch.setattr(connection, "_commit", count)
    return commits


@pytest.mark.django_db(transaction=True)
def test_a_notice_queued_in_the_database_commits_with_its_registration(
    event, tasks_in_database, monkeypatch
):
    """One durable commit per registration, not two: the notice's task is a row written by the
    registration's own transaction (issue 18's rush), whether it takes a place or waits."""
    event.capacity = 1
    event.save()
    first, second = people(2)
    commits = _counting_commits(monkeypatch)
    registered = [services.register(actor=person, event=event) for person in (first, second)]
    assert [r.status for r in registered] == [S.CONFIRMED, S.WAITLISTED]
    assert len(commits) == 2
    assert sorted(task["args_kwargs"]["args"] for task in tasks_in_database.values()) == sorted(
        [[event.pk, r.user_id] for r in registered]
    )
    assert set(Registration.objects.values_list("notice_due", flat=True)) == {
        S.CONFIRMED,
        S.WAITLISTED,
    }
    # The worker runs each task once: the person's notice is written, and a second run (or the
    # sweep) finds nothing left.
    told = Notification.objects.filter(kind="events.registration")
    assert tasks.tell_new_registration.call(event.pk, first.pk) == 1
    assert list(told.values_list("user", flat=True)) == [first.pk]
    assert tasks.tell_new_registration.call(event.pk, first.pk) == 0
    assert tasks.tell_due_notices.call() == 1  # the second person's, still due
    assert told.count() == 2


@pytest.mark.django_db(transaction=True)
def test_a_registration_rolled_back_leaves_no_notice_task(
    event, user, tasks_in_database, monkeypatch
):
    def fail(event) -> None:
        raise RuntimeError("after the task's row, before the commit")

    monkeypatch.setattr(services, "_take_seat", fail)
    with pytest.raises(RuntimeError):
        services.register(actor=user, event=event)
    assert not Registration.objects.exists()
    assert not tasks_in_database.exists()


def test_a_lost_notice_task_is_caught_by_the_sweep(event, django_capture_on_commit_callbacks):
    event.capacity = 1
    event.save()
    first, second = people(2)
    services.register(actor=first, event=event)  # its enqueue never runs: commit hooks dropped
    services.register(actor=second, event=event)
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.tell_due_notices.call() == 2
    titles = dict(
        Notification.objects.filter(kind="events.registration").values_list("user", "title")
    )
    assert set(titles) == {first.pk, second.pk}
    assert titles[first.pk] != titles[second.pk]  # confirmed, and on the waitlist
    assert tasks.tell_due_notices.call() == 0
    assert Notification.objects.filter(kind="events.registration").count() == 2


def test_a_notice_overtaken_by_a_change_is_not_told(event, user):
    registration = services.register(actor=user, event=event)
    services.cancel_registration(actor=user, registration=registration)
    assert notices.tell_due(registration.pk) is True  # claimed and cleared …
    assert not Notification.objects.filter(
        user=user
    ).exists()  # … but "confirmed" is no longer true
    registration.refresh_from_db()
    assert registration.notice_due == ""


def test_a_second_tab_past_the_check_is_refused_by_the_constraint(event, user, monkeypatch):
    """The check before the lock can miss a registration committed just after it: the unique
    constraint refuses the INSERT, the whole transaction rolls back, the person reads the same
    "already registered"."""
    services.register(actor=user, event=event)
    # The check before the lock, as if read a moment earlier: not registered, no questions.
    monkeypatch.setattr(services, "_facts", lambda event_id, user_id: (False, False, False))
    refused: list[IntegrityError] = []

    def spy(write):
        def written(*args):
            try:
                return write(*args)
            except IntegrityError as error:
                refused.append(error)
                raise

        return written

    # Whichever writes the row: the lock and INSERT in one statement (PostgreSQL) or the INSERT.
    for name in ("_insert", "_insert_under_lock"):
        monkeypatch.setattr(services, name, spy(getattr(services, name)))
    with pytest.raises(ValidationError, match="already registered"):
        services.register(actor=user, event=event)
    assert len(refused) == 1  # the constraint refused it, not the check
    event.refresh_from_db()
    assert event.seats_taken == 1
    assert Registration.objects.filter(user=user).count() == 1


def _held(event_pk: int) -> bool | None:
    """From a connection of its own: True when the event's row is held shared, False when held
    alone, None when free."""
    import psycopg

    other = connection.get_new_connection(connection.get_connection_params())
    try:
        for clause, answer in (("FOR SHARE", False), ("FOR UPDATE", True)):
            try:
                other.execute(
                    f'SELECT 1 FROM "events_event" WHERE "id" = %s {clause} NOWAIT', [event_pk]
                )
            except psycopg.errors.LockNotAvailable:
                return answer
            finally:
                other.rollback()
        return None
    finally:
        other.close()


@pytest.fixture
def locks_taken(monkeypatch) -> list[bool]:
    """Whether each event row lock `register` takes is shared: `lock_only`'s, and on PostgreSQL
    the statement that locks the row alone and writes the registration (`_insert_under_lock`).
    On PostgreSQL what another connection finds the row held by, right after each; on SQLite
    (no row locks) what was asked."""
    taken: list[bool] = []
    real, real_insert = services.lock_only, services._insert_under_lock

    def spy(model, pk, fields, **options):
        locked = real(model, pk, fields, **options)
        taken.append(
            _held(pk) if connection.vendor == "postgresql" else options.get("shared", False)
        )
        return locked

    def insert_spy(user, event, cleaned):
        registration = real_insert(user, event, cleaned)
        if registration is not None:
            taken.append(_held(event.pk))
        return registration

    monkeypatch.setattr(services, "lock_only", spy)
    monkeypatch.setattr(services, "_insert_under_lock", insert_spy)
    return taken


@pytest.mark.django_db(transaction=True)
def test_registrations_awaiting_approval_hold_the_row_shared_and_the_others_alone(
    event, locks_taken
):
    """Only what takes no place and no place in a queue is written beside others: a pending
    registration. A confirmed one and a waitlisted one hold the event's row alone."""
    event.capacity = 1
    event.save()
    first, second, third = people(3)
    assert services.register(actor=first, event=event).status == S.CONFIRMED
    assert services.register(actor=second, event=event).status == S.WAITLISTED
    event.requires_approval = True
    event.save()
    assert services.register(actor=third, event=event).status == S.PENDING
    assert locks_taken == [False, False, True]


@pytest.mark.django_db(transaction=True)
def test_approval_turned_off_before_the_lock_registers_under_the_row_alone(
    event, user, locks_taken, monkeypatch
):
    """Read before the lock, the event approved each registration; under the shared lock it no
    longer does: nothing is written there, and the registration takes its place under the row
    alone, in a transaction of its own."""
    monkeypatch.setattr(services, "_facts", lambda event_id, user_id: (True, False, False))
    registration = services.register(actor=user, event=event)
    assert registration.status == S.CONFIRMED
    assert locks_taken == [True, False]
    assert Registration.objects.get().pk == registration.pk
    event.refresh_from_db()
    assert event.seats_taken == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("full", [False, True])
def test_lock_and_insert_writes_what_save_writes(event, full):
    """PostgreSQL's one statement (`services._insert_under_lock`) stores the row the ORM's
    `save()` stores for a confirmed and a waitlisted registration, its times the database's
    clock read in the statement, and returns the instance as saved."""
    if connection.vendor != "postgresql":
        pytest.skip("the one statement is PostgreSQL's")
    event.capacity = 1
    event.seats_taken = 1 if full else 0
    event.save()
    status = S.WAITLISTED if full else S.CONFIRMED
    first, second = people(2)
    answers = {"식사": "채식", "size": ["M", 2]}
    before = services._queue_time()  # the database's clock, as the statement's
    with transaction.atomic():
        written = services._insert_under_lock(first, event, answers)
    after = services._queue_time()
    assert written.pk and not written._state.adding and written._state.db == "default"
    assert written.status == status and written.notice_due == status
    assert before <= written.created_at <= after
    saved = Registration(
        event=event,
        user=second,
        status=status,
        answers=answers,
        created_at=written.created_at,
        waitlisted_at=written.waitlisted_at,
        confirmed_at=written.confirmed_at,
        notice_due=status,
    )
    saved.save()
    rows = [Registration.objects.filter(pk=r.pk).values().get() for r in (written, saved)]
    for row in rows:
        del row["id"], row["user_id"]
    assert rows[0] == rows[1]
    assert rows[0]["answers"] == answers
    moment = rows[0]["waitlisted_at"] if full else rows[0]["confirmed_at"]
    assert moment == rows[0]["created_at"] == written.created_at
    event.refresh_from_db()
    assert event.seats_taken == (1 if full else 0)  # the place is the caller's to take


@pytest.mark.django_db(transaction=True)
def test_every_writer_of_the_waitlist_reads_the_databases_clock(event, organizer, monkeypatch):
    """On PostgreSQL the waitlist's times are the database's clock, whichever path writes them:
    an application host whose clock is an hour behind still queues an approval after a
    registration waitlisted before it."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's hub is one host: one clock")
    event.capacity = 1
    event.save()
    first, second, third = people(3)
    services.register(actor=first, event=event)
    queued = services.register(actor=second, event=event)
    event.requires_approval = True
    event.save()
    pending = services.register(actor=third, event=event)
    real_now = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: real_now() - timedelta(hours=1))
    approved = services.decide_registration(actor=organizer, registration=pending, approve=True)
    assert approved.status == S.WAITLISTED
    assert approved.waitlisted_at > queued.waitlisted_at
    assert [waitlist_position(r) for r in (queued, approved)] == [1, 2]


@pytest.mark.django_db(transaction=True)
def test_lock_and_insert_writes_nothing_where_the_checks_refuse(event, user):
    """Closed, not yet open, cancelled, approving registrations: the one statement writes no
    row, and `register` then says why under the same lock."""
    if connection.vendor != "postgresql":
        pytest.skip("the one statement is PostgreSQL's")
    now = timezone.now()
    changes = [
        {"registration_closes_at": now - timedelta(minutes=1)},
        {"registration_opens_at": now + timedelta(hours=1)},
        {"status": EventStatus.CANCELLED},
        {"requires_approval": True},
    ]
    for change in changes:
        Event.objects.filter(pk=event.pk).update(**change)
        with transaction.atomic():
            assert services._insert_under_lock(user, event, {}) is None
        Event.objects.filter(pk=event.pk).update(
            registration_closes_at=None,
            registration_opens_at=None,
            status=EventStatus.PUBLISHED,
            requires_approval=False,
        )
    assert not Registration.objects.exists()
    with transaction.atomic():
        assert services._insert_under_lock(user, event, {}).status == S.CONFIRMED


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("status", [S.CONFIRMED, S.WAITLISTED, S.PENDING])
def test_insert_writes_what_save_writes(event, status):
    """A new registration's written-out INSERT (`services._insert`) stores the row the ORM's
    `save()` stores, field by field, answers and times included, and leaves the instance as
    saved."""
    first, second = people(2)
    now = timezone.now()
    rows = []
    for person, write in ((first, services._insert), (second, Registration.save)):
        registration = Registration(
            event=event,
            user=person,
            status=status,
            answers={"식사": "채식", "size": ["M", 2]},
            created_at=now,
            waitlisted_at=now if status == S.WAITLISTED else None,
            confirmed_at=now if status == S.CONFIRMED else None,
            notice_due=status,
        )
        write(registration)
        assert registration.pk and not registration._state.adding
        assert registration._state.db == "default"
        rows.append(Registration.objects.filter(pk=registration.pk).values().get())
    written, saved = rows
    for row in rows:
        del row["id"], row["user_id"]
    assert written == saved
    assert written["answers"] == {"식사": "채식", "size": ["M", 2]}
    assert written["created_at"] == now
