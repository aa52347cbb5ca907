"""A worker killed (SIGKILL) in the middle of the event reminders (issue 19, "Faults").

The reminders job writes each person's ReminderDelivery, notice and mail row in one transaction
(events.services.send_due_reminders): a kill leaves every reminder either whole or not begun,
and the next run (the periodic job, every ten minutes) sends the rest, nobody twice. The kill of
a newsletter worker mid-campaign is newsletters/tests/test_workers.py; the mail engine's own
kills, notifications/tests/test_engine.py.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection
from django.utils import timezone

from sharehub.accounts.models import User
from sharehub.events.models import Registration, RegistrationStatus, ReminderDelivery
from sharehub.events.notices import REMINDER_KIND
from sharehub.events.services import send_due_reminders
from sharehub.events.tests.factories import EventFactory
from sharehub.notifications.models import Notification, OutboundEmail

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="a second process on the test database: PostgreSQL (SQLite's lives in memory)",
    ),
]

ROOT = Path(__file__).resolve().parents[3]
PEOPLE = 60


def database_url() -> str:
    settings = connection.settings_dict
    credentials = settings["USER"] + (
        f":{quote(settings['PASSWORD'], safe='')}" if settings.get("PASSWORD") else ""
    )
    return f"postgres://{credentials}@{settings['HOST']}:{settings['PORT']}/{settings['NAME']}"


def test_reminders_worker_killed_midway_resumes_without_duplicates():
    event = EventFactory(
        starts_at=timezone.now() + timedelta(hours=3), capacity=PEOPLE, reminder_hours=24
    )
    people = User.objects.bulk_create(
        [User(email=f"remind{i}@example.org", display_name=f"참가자 {i}") for i in range(PEOPLE)]
    )
    Registration.objects.bulk_create(
        Registration(
            event=event,
            user=person,
            status=RegistrationStatus.CONFIRMED,
            confirmed_at=timezone.now(),
        )
        for person in people
    )
    worker = subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            "from sharehub.events.services import send_due_reminders; send_due_reminders()",
        ],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": database_url()},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 120
    while ReminderDelivery.objects.count() < 5:
        assert worker.poll() is None, worker.stderr.read() if worker.stderr else ""
        assert time.monotonic() < deadline, "the worker sent no reminder in time"
        time.sleep(0.02)
    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=30)
    if worker.stderr:
        worker.stderr.close()

    done = ReminderDelivery.objects.count()
    assert 5 <= done < PEOPLE, "the kill must come mid-way"
    # Whole or not begun: every reminder recorded has its notice and its mail, none more.
    assert Notification.objects.filter(kind=REMINDER_KIND).count() == done
    assert OutboundEmail.objects.filter(kind=REMINDER_KIND).count() == done

    assert send_due_reminders() == PEOPLE - done  # the next run: the rest
    assert send_due_reminders() == 0  # and nothing again

    per_registration = Counter(ReminderDelivery.objects.values_list("registration_id", flat=True))
    assert len(per_registration) == PEOPLE and set(per_registration.values()) == {1}
    mails = Counter(
        user_id
        for user_id in OutboundEmail.objects.filter(kind=REMINDER_KIND).values_list(
            "user_id", flat=True
        )
    )
    assert mails == Counter({person.pk: 1 for person in people})
    notices = Counter(
        Notification.objects.filter(kind=REMINDER_KIND).values_list("user_id", flat=True)
    )
    assert notices == mails
