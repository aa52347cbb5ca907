"""facilities' registrations with the kernel (see DESIGN.md, "App contract")."""

from datetime import timedelta

from django.utils.translation import gettext_lazy as _

from sharehub.core import privacy
from sharehub.core.demo import DemoRun, register_demo
from sharehub.core.periodic import register_periodic
from sharehub.core.user_menu import register_user_menu_entry
from sharehub.core.workspace import register_work
from sharehub.notifications.kinds import register_kind

from . import (  # noqa: F401  each part registers what it adds
    demo,
    manifest_lottery,
    manifest_penalties,
    manifest_results,
    manifest_spaces,
    manifest_waitlist,
    notices,
    privacy_data,
    tasks,
)
from .selectors import runs_spaces, waiting_count


def _load_demo(run: DemoRun) -> int:
    return demo.load_demo(accounts=run.accounts)


register_kind(
    notices.BOOKING_KIND,
    _("Your bookings of public spaces: confirmations, decisions, cancellations"),
    email_default=True,
)
register_user_menu_entry("facilities", label=_("My bookings"), url_name="facilities:mine", order=15)
register_work(
    "facilities.waiting",
    label=_("Bookings to decide"),
    url_name="facilities:queue",
    allowed=runs_spaces,
    count=waiting_count,
    help_text=_("Requests and held bookings of the spaces you run."),
    order=45,
)
register_periodic(
    "facilities.expire_waiting", tasks.expire_waiting_bookings, every=timedelta(minutes=10)
)
privacy.register(
    "facilities", export=privacy_data.export_bookings, erase=privacy_data.erase_bookings
)
register_demo("facilities", _load_demo, label="public spaces", order=55)
