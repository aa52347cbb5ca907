"""What facilities tells a booker, in their own language (written inside the deciding service's
transaction; `notify` sends the mail after commit). One table of texts, one call (`tell`)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import formats, timezone, translation
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from sharehub.core.qr import qr_png
from sharehub.notifications.services import notify

from .calendars import booking_ics
from .checkin import checkin_code
from .models import Booking

BOOKING_KIND = "facilities.booking"

CONFIRMED = "confirmed"
REQUESTED = "requested"
HELD = "held"
APPROVED = "approved"
REJECTED = "rejected"
CANCELLED_BY_STAFF = "cancelled_by_staff"
CLOSED = "closed"
EXPIRED = "expired"
UNPAID = "unpaid"

# Transition → (title, body, attach the .ics).
TEXTS: dict[str, tuple[Any, Any, bool]] = {
    CONFIRMED: (
        _("Your booking is confirmed: %(space)s"),
        _("%(when)s. The calendar entry and the check-in code to show at the space are attached."),
        True,
    ),
    REQUESTED: (
        _("Your booking request was received: %(space)s"),
        _("%(when)s. The space's staff decide on it; we will tell you."),
        False,
    ),
    HELD: (
        _("Your booking is held for review: %(space)s"),
        _(
            "%(when)s. It was made the way a program rather than a person usually books (very "
            "fast, or one of many in a few minutes), so the space's staff look at it first; we "
            "will tell you."
        ),
        False,
    ),
    APPROVED: (
        _("Your booking is approved: %(space)s"),
        _("%(when)s. The calendar entry and the check-in code to show at the space are attached."),
        True,
    ),
    REJECTED: (
        _("Your booking was not approved: %(space)s"),
        _("%(when)s. Reason: %(reason)s"),
        False,
    ),
    CANCELLED_BY_STAFF: (
        _("Your booking was cancelled by the space's staff: %(space)s"),
        _("%(when)s. Reason: %(reason)s. What you paid is refunded in full."),
        False,
    ),
    CLOSED: (
        _("The space is closed on the day of your booking: %(space)s"),
        _("%(when)s. Your booking is cancelled. Reason: %(reason)s. What you paid is refunded."),
        False,
    ),
    EXPIRED: (
        _("Your booking request expired: %(space)s"),
        _("%(when)s. The staff did not decide in time; the time is free again."),
        False,
    ),
    UNPAID: (
        _("Your booking was cancelled: not paid in time: %(space)s"),
        _("%(when)s. The fee was not paid by the deadline; the time is free again."),
        False,
    ),
}


def _when(booking: Booking) -> Any:
    """Formatted when `notify` formats the text, in the recipient's language."""

    def format_() -> str:
        start, end = timezone.localtime(booking.starts_at), timezone.localtime(booking.ends_at)
        return (
            f"{formats.date_format(start, 'DATETIME_FORMAT')}–"
            f"{formats.time_format(end, 'TIME_FORMAT')}"
        )

    return lazy(format_, str)()


def tell(transition: str, booking: Booking, *, reason: str = "") -> None:
    person = booking.user
    if person is None or not person.is_active:
        return
    title, body, with_calendar = TEXTS[transition]
    with translation.override(person.preferred_language or settings.LANGUAGE_CODE):
        url = booking.get_absolute_url()
    # A confirmed booking's mail carries its calendar entry and the check-in code staff scan.
    attachments: list[tuple[str, str | bytes, str]] | None = (
        [
            (f"booking-{booking.reference}.ics", booking_ics(booking), "text/calendar"),
            (f"check-in-{booking.reference}.png", qr_png(checkin_code(booking)), "image/png"),
        ]
        if with_calendar
        else None
    )
    notify(
        user=person,
        kind=BOOKING_KIND,
        title=title,
        body=body,
        url=url,
        params={
            "space": lazy(lambda: booking.space.name, str)(),
            "when": _when(booking),
            "reason": reason,
        },
        attachments=attachments,
    )
