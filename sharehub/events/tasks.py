"""Background jobs; each is idempotent and safe to run on two workers at once."""

from __future__ import annotations

from django.tasks import task

# `services` enqueues `tell_registration` and `tell_new_registration`: the module, not its names,
# so neither import needs the other finished first.
from . import notices, services


@task()
def send_event_reminders() -> int:
    return services.send_due_reminders()


@task()
def expire_waitlist_offers() -> int:
    return services.expire_offers()


@task()
def tell_registration(registration_id: int) -> bool:
    """The notice a registration's change marked due (enqueued on its commit)."""
    return notices.tell_due(registration_id)


@task()
def tell_new_registration(event_id: int, user_id: int) -> int:
    """The notice of a registration just written, enqueued before its row existed (the person's
    registrations for the event are read, so its key is not needed: `services._register_alone`)."""
    return notices.tell_due_of(event_id, user_id)


@task()
def tell_due_notices() -> int:
    """Notices marked due whose task was lost (a worker that died between commit and enqueue)."""
    return notices.tell_all_due()
