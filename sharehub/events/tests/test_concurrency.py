"""Races on real PostgreSQL connections (DESIGN §4): the event's row lock and the CHECK constraint
keep registrations within capacity whatever arrives at once; reminders go once with two workers."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import F
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from sharehub.accounts.models import User
from sharehub.core.tests.rush import Rush
from sharehub.events import notices, services
from sharehub.events.models import Event, Registration, RegistrationStatus, ReminderDelivery
from sharehub.events.selectors import waitlist_position
from sharehub.notifications.models import Notification, OutboundEmail

from .factories import EventFactory

pytestmark = pytest.mark.django_db(transaction=True)

S = RegistrationStatus
THREADS = 50
PLACES = 10
ROUNDS = 20


@pytest.fixture(autouse=True)
def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks and parallel connections")


@pytest.fixture
def quiet(monkeypatch):
    """The rush tests count places, not mail: skip the confirmation e-mails (tested elsewhere)."""
    monkeypatch.setattr(notices, "tell_registration", lambda registration: None)


@pytest.fixture
def rush():
    pool = Rush(THREADS)
    yield pool
    pool.close()


def _people(n: int) -> list[User]:
    return User.objects.bulk_create(
        [User(email=f"rush{i}@example.org", display_name=f"참가자 {i}") for i in range(n)]
    )


def test_fifty_at_once_for_ten_places_twenty_times(quiet, rush):
    people = _people(THREADS)
    event = EventFactory(capacity=PLACES)
    for _round in range(ROUNDS):
        Registration.objects.filter(event=event).delete()
        Event.objects.filter(pk=event.pk).update(seats_taken=0)
        results = rush.round([lambda p=p: services.register(actor=p, event=event) for p in people])
        errors = [r for r in results if isinstance(r, Exception)]
        assert not errors, errors[:3]
        statuses = [r.status for r in results]
        assert statuses.count(S.CONFIRMED) == PLACES
        assert statuses.count(S.WAITLISTED) == THREADS - PLACES
        assert Registration.objects.filter(event=event, status=S.CONFIRMED).count() == PLACES
        assert Event.objects.get(pk=event.pk).seats_taken == PLACES
        # the waitlist order is the order in which the lock was granted: strictly increasing times
        waitlist = list(
            Registration.objects.filter(event=event, status=S.WAITLISTED).order_by(
                "waitlisted_at", "pk"
            )
        )
        assert len({r.waitlisted_at for r in waitlist}) == len(waitlist)


def test_each_waitlisted_person_is_told_their_true_place(quiet, rush, monkeypatch):
    """The place on the waitlist a person reads right after registering (the page's and the
    API's `waitlist_position`, counted after the commit) is theirs: no two are told the same
    place. The first to write its waitlisted row is held between taking its time and its commit;
    a registration timed after it that committed before it would count one fewer ahead of it."""
    people = _people(THREADS)
    event = EventFactory(capacity=PLACES)
    for person in people[:PLACES]:
        services.register(actor=person, event=event)
    held = threading.Lock()

    def slow_first(write):
        # Whichever writes the row (the lock and INSERT in one statement on PostgreSQL, else the
        # INSERT): the first waitlisted row written waits before its transaction goes on.
        def written(*args):
            result = write(*args)
            registration = result if isinstance(result, Registration) else args[0]
            if registration.status == S.WAITLISTED and held.acquire(blocking=False):
                time.sleep(0.5)  # never released: only the first waits
            return result

        return written

    for name in ("_insert", "_insert_under_lock"):
        monkeypatch.setattr(services, name, slow_first(getattr(services, name)))

    def register(person: User) -> int | None:
        return waitlist_position(services.register(actor=person, event=event))

    told = rush.round([lambda p=p: register(p) for p in people[PLACES:]])
    assert held.locked()  # one was held
    assert not [t for t in told if isinstance(t, Exception)], told[:3]
    assert sorted(told) == list(range(1, THREADS - PLACES + 1))


def test_with_the_queue_in_the_database_each_registration_commits_one_notice_task(
    quiet, rush, settings
):
    """The installed default queue (django-tasks-db): each registration's transaction writes
    its notice's task row (one commit, not two). Exactly one task per registration and the
    places exact, whatever arrives at once."""
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    queued = DBTaskResult.objects.filter(task_path__startswith="sharehub.events.tasks.tell_")
    people = _people(THREADS)
    event = EventFactory(capacity=PLACES)
    for _round in range(3):
        Registration.objects.filter(event=event).delete()
        Event.objects.filter(pk=event.pk).update(seats_taken=0)
        queued.delete()
        results = rush.round([lambda p=p: services.register(actor=p, event=event) for p in people])
        errors = [r for r in results if isinstance(r, Exception)]
        assert not errors, errors[:3]
        statuses = [r.status for r in results]
        assert statuses.count(S.CONFIRMED) == PLACES
        assert Event.objects.get(pk=event.pk).seats_taken == PLACES
        tasks = sorted(task["args_kwargs"]["args"] for task in queued.values())
        assert tasks == sorted([event.pk, r.user_id] for r in results)


def test_cancellations_during_a_rush_promote_in_order(quiet, rush):
    people = _people(THREADS)
    event = EventFactory(capacity=PLACES)
    early = people[:20]
    for person in early:  # 10 confirmed, 10 waitlisted, in this order
        services.register(actor=person, event=event)
    queue = list(
        Registration.objects.filter(event=event, status=S.WAITLISTED)
        .order_by("waitlisted_at", "pk")
        .values_list("user_id", flat=True)
    )
    assert queue == [p.pk for p in early[10:]]
    confirmed = list(Registration.objects.filter(event=event, status=S.CONFIRMED))
    cancellers = [
        lambda r=r: services.cancel_registration(actor=r.user, registration=r)
        for r in confirmed[:5]
    ]
    newcomers = [lambda p=p: services.register(actor=p, event=event) for p in people[20:]]
    results = rush.round(cancellers + newcomers)
    assert not [r for r in results if isinstance(r, Exception)]
    event.refresh_from_db()
    assert event.seats_taken == PLACES
    assert Registration.objects.filter(event=event, status=S.CONFIRMED).count() == PLACES
    # the five places went to the first five of the waitlist, never to a newcomer
    promoted = set(
        Registration.objects.filter(
            event=event, status=S.CONFIRMED, user__in=early[10:]
        ).values_list("user_id", flat=True)
    )
    assert promoted == set(queue[:5])
    assert not Registration.objects.filter(
        event=event, status=S.CONFIRMED, user__in=people[20:]
    ).exists()


def test_a_full_event_with_no_waitlist_rushed_while_places_are_cancelled(quiet, rush):
    """Registrations for a full event join the waitlist while confirmed people cancel: a place
    freed is never left free while someone waits, whoever commits first, and the places stay
    exactly counted."""
    people = _people(THREADS)
    event = EventFactory(capacity=PLACES)
    cancelling = 5
    for round_ in range(ROUNDS // 2):
        Registration.objects.filter(event=event).delete()
        Event.objects.filter(pk=event.pk).update(seats_taken=0)
        holders = people[:PLACES]
        for person in holders:  # full, nobody waiting
            services.register(actor=person, event=event)
        mine = {r.user_id: r for r in Registration.objects.filter(event=event)}
        cancellers = [
            lambda p=p, r=mine[p.pk]: services.cancel_registration(actor=p, registration=r)
            for p in holders[:cancelling]
        ]
        newcomers = [lambda p=p: services.register(actor=p, event=event) for p in people[PLACES:]]
        results = rush.round(cancellers + newcomers)
        errors = [r for r in results if isinstance(r, Exception)]
        assert not errors, errors[:3]
        event.refresh_from_db()
        confirmed = Registration.objects.filter(event=event, status=S.CONFIRMED).count()
        waiting = Registration.objects.filter(event=event, status=S.WAITLISTED).count()
        assert event.seats_taken == confirmed == PLACES, round_
        assert waiting == THREADS - PLACES - cancelling, round_
        # every place freed went to a newcomer (promoted, or taken while free)
        newcomers_in = Registration.objects.filter(
            event=event, status=S.CONFIRMED, user__in=people[PLACES:]
        ).count()
        assert newcomers_in == cancelling


def test_two_reminder_workers_send_each_reminder_once(rush):
    event = EventFactory(capacity=20, starts_at=timezone.now() + timedelta(hours=5))
    people = _people(12)
    Registration.objects.bulk_create(
        [Registration(event=event, user=p, status=S.CONFIRMED) for p in people]
    )
    Event.objects.filter(pk=event.pk).update(seats_taken=12)
    results = rush.round([services.send_due_reminders, services.send_due_reminders])
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sum(results) == 12
    assert ReminderDelivery.objects.count() == 12
    assert Notification.objects.filter(kind="events.reminder").count() == 12
    for person in people:
        assert Notification.objects.filter(user=person, kind="events.reminder").count() == 1


def test_each_notice_of_a_rush_is_written_once_whoever_claims_it(rush):
    """The notices are written after the lock (`notices.tell_due`): each registration's once,
    even when every worker sweeps the same due notices at the same moment."""
    people = _people(THREADS)
    event = EventFactory(capacity=PLACES)
    results = rush.round([lambda p=p: services.register(actor=p, event=event) for p in people])
    assert not [r for r in results if isinstance(r, Exception)], results[:3]
    told = Notification.objects.filter(kind="events.registration")
    assert told.count() == THREADS  # each commit's task wrote its person's notice
    assert not Registration.objects.exclude(notice_due="").exists()
    # Every notice due again at once, and fifty sweeps racing for them.
    told.delete()
    Registration.objects.filter(event=event).update(notice_due=F("status"))
    claimed = rush.round([notices.tell_all_due for _ in range(THREADS)])
    assert not [r for r in claimed if isinstance(r, Exception)], claimed[:3]
    assert sum(claimed) == THREADS
    for person in people:
        assert told.filter(user=person).count() == 1
    confirmed = Registration.objects.filter(event=event, status=S.CONFIRMED).values("user")
    mails = list(OutboundEmail.objects.filter(user__in=confirmed))
    assert len(mails) == 2 * PLACES  # once per round
    for mail in mails:  # the calendar entry and the check-in QR code
        assert [a["filename"] for a in mail.attachments] == [
            f"event-{event.pk}.ics",
            f"check-in-{event.pk}.png",
        ]
