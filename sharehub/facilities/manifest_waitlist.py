"""facilities waitlist: registrations with the kernel (DESIGN.md, "App contract"): the offers'
expiry and the reminders (periodic), the reminders' notification kind, the waitlist's personal
data, and the person's bookings in the events app's private calendar feed."""

from datetime import timedelta

from django.tasks import task
from django.utils.translation import gettext_lazy as _

from sharehub.core import privacy
from sharehub.core.calendar_feed import register_calendar_source
from sharehub.core.periodic import register_periodic
from sharehub.notifications.kinds import register_kind

from . import privacy_waitlist
from .selectors.waitlist import calendar_entries
from .services import waitlist


@task()
def expire_waitlist_offers() -> int:
    return waitlist.expire_offers()


@task()
def send_booking_reminders() -> int:
    return waitlist.send_reminders()


register_kind(
    waitlist.REMINDER_KIND,
    _("Reminders before your bookings of public spaces"),
    email_default=True,
)
register_periodic(
    "facilities.expire_waitlist_offers", expire_waitlist_offers, every=timedelta(minutes=5)
)
register_periodic(
    "facilities.send_booking_reminders", send_booking_reminders, every=timedelta(minutes=10)
)
privacy.register(
    "facilities.waitlist",
    export=privacy_waitlist.export_waitlist,
    erase=privacy_waitlist.erase_waitlist,
)
register_calendar_source("facilities", calendar_entries)
