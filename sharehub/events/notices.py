"""What the events app tells people, each in their own language.

Written inside the deciding service's transaction (a rollback writes nothing); `notify` sends the
mail after commit. One table of texts, one entry per transition, and one call (`_tell`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from sharehub.accounts.models import User
from sharehub.core.qr import qr_png
from sharehub.notifications.services import notify

from .calendars import build_calendar
from .checkin import checkin_code
from .models import Event, Registration, RegistrationStatus

REGISTRATION_KIND = "events.registration"
REMINDER_KIND = "events.reminder"
ORGANIZER_KIND = "events.organizer"

OFFER_EXPIRED = "offer_expired"
EVENT_CANCELLED = "event_cancelled"
MESSAGE = "message"
REMINDER = "reminder"

# Transition → (kind, title, body, link, attach the .ics and the check-in QR code). Titles and bodies
# are lazy translations, so each recipient reads their own language. Link "mine" is the person's
# events page, "detail" the event's page.
TEXTS: dict[str, tuple[str, Any, Any, str, bool]] = {
    RegistrationStatus.CONFIRMED: (
        REGISTRATION_KIND,
        _("You are registered: %(event)s"),
        _(
            "Your place is confirmed. The calendar entry is attached; show the attached QR code "
            "(also on your events page) at the entrance."
        ),
        "mine",
        True,
    ),
    RegistrationStatus.WAITLISTED: (
        REGISTRATION_KIND,
        _("You are on the waitlist: %(event)s"),
        _(
            "The event is full. When a place frees, the first on the waitlist gets it, and we will tell you."
        ),
        "detail",
        False,
    ),
    RegistrationStatus.PENDING: (
        REGISTRATION_KIND,
        _("Registration received: %(event)s"),
        _("The organizer approves registrations for this event. We will tell you their answer."),
        "detail",
        False,
    ),
    RegistrationStatus.OFFERED: (
        REGISTRATION_KIND,
        _("A place is free for you: %(event)s"),
        _(
            "A place has freed. Accept it on the event page before %(expires)s, or it passes to the next person."
        ),
        "detail",
        False,
    ),
    RegistrationStatus.REJECTED: (
        REGISTRATION_KIND,
        _("Registration declined: %(event)s"),
        _("The organizer could not accept your registration."),
        "detail",
        False,
    ),
    OFFER_EXPIRED: (
        REGISTRATION_KIND,
        _("Your offer has expired: %(event)s"),
        _("The place offered to you was not accepted in time and has passed to the next person."),
        "detail",
        False,
    ),
    EVENT_CANCELLED: (
        ORGANIZER_KIND,
        _("Event cancelled: %(event)s"),
        _("The organizer has cancelled this event. %(reason)s"),
        "detail",
        False,
    ),
    # The organizer's own words, not translated: a placeholder, so a % in them is harmless.
    MESSAGE: (ORGANIZER_KIND, _("%(event)s: %(subject)s"), "%(message)s", "detail", False),
    REMINDER: (
        REMINDER_KIND,
        _("Reminder: %(event)s starts %(start)s"),
        _("See you there. Your check-in QR code is on your events page."),
        "mine",
        True,
    ),
}


def _local(moment: datetime | None) -> str:
    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT") if moment else ""


def _lazy_text(function: Any) -> Any:
    """Evaluated when `notify` formats the text, under the recipient's language."""
    return lazy(function, str)()


def _attachments(registration: Registration, user: User) -> list[tuple[str, str | bytes, str]]:
    event = registration.event
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        ics = build_calendar([event], name=event.title, show_online_for={event.pk})
    return [
        (f"event-{event.pk}.ics", ics, "text/calendar"),
        (f"check-in-{event.pk}.png", qr_png(checkin_code(registration)), "image/png"),
    ]


def _tell(
    transition: str,
    *,
    user: User,
    event: Event,
    registration: Registration | None = None,
    **params: Any,
) -> None:
    kind, title, body, link, attach = TEXTS[transition]
    language = getattr(user, "preferred_language", None) or settings.LANGUAGE_CODE
    with translation.override(language):
        url = (
            reverse("events:mine") if link == "mine" else reverse("events:detail", args=[event.pk])
        )
    notify(
        user=user,
        kind=kind,
        title=title,
        body=body,
        url=url,
        params={"event": _lazy_text(lambda: event.title), **params},
        attachments=_attachments(registration, user) if attach and registration else None,
    )


def tell_due(registration_id: int) -> bool:
    """Write the notice a service marked due (`Registration.notice_due`), once: the row is locked
    and its mark cleared in the transaction that writes the notice, so a second run (the task
    twice, or the sweep beside it) finds nothing to do. A registration whose status has changed
    since is not told the old one (the change marked its own notice, or needs none)."""
    with transaction.atomic(durable=True):
        registration = (
            Registration.objects.select_for_update(of=("self",))
            .select_related("event", "event__district", "user")
            .defer("event__district__boundary")
            .exclude(notice_due="")
            .filter(pk=registration_id)
            .first()
        )
        if registration is None:
            return False
        due, registration.notice_due = registration.notice_due, ""
        registration.save(update_fields=["notice_due"])
        if due == registration.status:
            tell_registration(registration)
        return True


def tell_due_of(event_id: int, user_id: int) -> int:
    """Every notice due on the person's registrations for the event (`tell_due` each, so once);
    how many were claimed."""
    due = (
        Registration.objects.filter(event_id=event_id, user_id=user_id)
        .exclude(notice_due="")
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return sum(tell_due(pk) for pk in list(due))


def tell_all_due(*, limit: int = 500) -> int:
    """Every notice still due (the periodic sweep), oldest first; how many were claimed."""
    due = Registration.objects.exclude(notice_due="").order_by("pk").values_list("pk", flat=True)
    return sum(tell_due(pk) for pk in list(due[:limit]))


def tell_registration(registration: Registration) -> None:
    """The message that matches the registration's status (read with its event, the event's
    district and its person): confirmed (with .ics and QR), waitlisted, awaiting approval,
    offered a place, declined."""
    if registration.status not in TEXTS:
        return
    expires = registration.offer_expires_at
    _tell(
        registration.status,
        user=registration.user,
        event=registration.event,
        registration=registration,
        expires=_lazy_text(lambda: _local(expires)),
    )


def tell_offer_expired(registration: Registration) -> None:
    registration = Registration.objects.select_related("event", "user").get(pk=registration.pk)
    _tell(OFFER_EXPIRED, user=registration.user, event=registration.event)


def _users(user_ids: Iterable[int]) -> Iterable[User]:
    return User.objects.filter(pk__in=list(user_ids))


def tell_event_cancelled(event: Event, user_ids: Iterable[int], reason: str) -> None:
    for user in _users(user_ids):
        _tell(EVENT_CANCELLED, user=user, event=event, reason=reason)


def tell_attendees(event: Event, user_ids: Iterable[int], subject: str, message: str) -> None:
    """A message from the organizer, as they wrote it (not translated)."""
    for user in _users(user_ids):
        _tell(MESSAGE, user=user, event=event, subject=subject, message=message)


def tell_reminder(registration: Registration) -> None:
    event = registration.event
    _tell(
        REMINDER,
        user=registration.user,
        event=event,
        registration=registration,
        start=_lazy_text(lambda: _local(event.starts_at)),
    )
