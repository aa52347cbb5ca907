"""What the events app tells people, each in their own language, after the write commits."""

from __future__ import annotations

import io
from typing import Any

import qrcode
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from sharehub.notifications.services import notify

from .calendars import build_calendar
from .models import Event, Registration

REGISTRATION_KIND = "events.registration"
REMINDER_KIND = "events.reminder"
ORGANIZER_KIND = "events.organizer"


def _title_of(event: Event):
    return lazy(lambda: event.title, str)()


def _path(user: Any, viewname: str, *args: Any) -> str:
    with translation.override(getattr(user, "preferred_language", None) or settings.LANGUAGE_CODE):
        return reverse(viewname, args=args)


def qr_png(code: str) -> bytes:
    buffer = io.BytesIO()
    qrcode.make(code, box_size=8, border=2).save(buffer, format="PNG")
    return buffer.getvalue()


def _attachments(registration: Registration, *, with_qr: bool) -> list[tuple[str, bytes, str]]:
    from .checkin import checkin_code

    user = registration.user
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        ics = build_calendar(
            [registration.event],
            name=registration.event.title,
            show_online_for={registration.event_id},
        )
    files = [(f"event-{registration.event_id}.ics", ics, "text/calendar")]
    if with_qr:
        files.append(
            (
                f"check-in-{registration.event_id}.png",
                qr_png(checkin_code(registration)),
                "image/png",
            )
        )
    return files


def tell_registration(registration: Registration) -> None:
    """The message that matches the registration's status: confirmed (with .ics and QR), waitlisted,
    awaiting approval, offered a place."""
    registration = Registration.objects.select_related("event", "event__district", "user").get(
        pk=registration.pk
    )
    event, user = registration.event, registration.user
    params = {"event": _title_of(event)}
    url = _path(user, "events:detail", event.pk)
    status = registration.status
    if status == "confirmed":
        notify(
            user=user,
            kind=REGISTRATION_KIND,
            title=_("You are registered: %(event)s"),
            body=_(
                "Your place is confirmed. The calendar entry is attached; show the attached QR code "
                "(also on your events page) at the entrance."
            ),
            url=_path(user, "events:mine"),
            params=params,
            attachments=_attachments(registration, with_qr=True),
        )
    elif status == "waitlisted":
        notify(
            user=user,
            kind=REGISTRATION_KIND,
            title=_("You are on the waitlist: %(event)s"),
            body=_(
                "The event is full. When a place frees, the first on the waitlist gets it, and we will tell you."
            ),
            url=url,
            params=params,
        )
    elif status == "pending":
        notify(
            user=user,
            kind=REGISTRATION_KIND,
            title=_("Registration received: %(event)s"),
            body=_(
                "The organizer approves registrations for this event. We will tell you their answer."
            ),
            url=url,
            params=params,
        )
    elif status == "offered":
        notify(
            user=user,
            kind=REGISTRATION_KIND,
            title=_("A place is free for you: %(event)s"),
            body=_(
                "A place has freed. Accept it on the event page before %(expires)s, or it passes to the next person."
            ),
            url=url,
            params={
                **params,
                "expires": lazy(lambda: _local(registration.offer_expires_at), str)(),
            },
        )
    elif status == "rejected":
        notify(
            user=user,
            kind=REGISTRATION_KIND,
            title=_("Registration declined: %(event)s"),
            body=_("The organizer could not accept your registration."),
            url=url,
            params=params,
        )


def _local(moment) -> str:
    from django.utils import formats, timezone

    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def tell_promoted(registration: Registration) -> None:
    """A waitlisted person got a place (or an offer of one)."""
    tell_registration(registration)


def tell_offer_expired(registration: Registration) -> None:
    registration = Registration.objects.select_related("event", "user").get(pk=registration.pk)
    notify(
        user=registration.user,
        kind=REGISTRATION_KIND,
        title=_("Your offer has expired: %(event)s"),
        body=_(
            "The place offered to you was not accepted in time and has passed to the next person."
        ),
        url=_path(registration.user, "events:detail", registration.event_id),
        params={"event": _title_of(registration.event)},
    )


def tell_cancelled_event(event: Event, user_ids: list[int], reason: str) -> None:
    from sharehub.accounts.models import User

    for user in User.objects.filter(pk__in=user_ids):
        notify(
            user=user,
            kind=ORGANIZER_KIND,
            title=_("Event cancelled: %(event)s"),
            body=_("The organizer has cancelled this event. %(reason)s"),
            url=_path(user, "events:detail", event.pk),
            params={"event": _title_of(event), "reason": reason},
        )


def tell_attendees(event: Event, user_ids: list[int], subject: str, message: str) -> None:
    """A message from the organizer, as they wrote it (not translated)."""
    from sharehub.accounts.models import User

    for user in User.objects.filter(pk__in=user_ids):
        notify(
            user=user,
            kind=ORGANIZER_KIND,
            title=_("%(event)s: %(subject)s"),
            body="%(message)s",  # the organizer's own words: a placeholder, so a % in them is harmless
            url=_path(user, "events:detail", event.pk),
            params={"event": _title_of(event), "subject": subject, "message": message},
        )


def tell_reminder(registration: Registration) -> None:
    event, user = registration.event, registration.user
    notify(
        user=user,
        kind=REMINDER_KIND,
        title=_("Reminder: %(event)s starts %(start)s"),
        body=_("See you there. Your check-in QR code is on your events page."),
        url=_path(user, "events:mine"),
        params={"event": _title_of(event), "start": lazy(lambda: _local(event.starts_at), str)()},
        attachments=_attachments(registration, with_qr=True),
    )
