"""facilities penalties: registrations with the kernel (DESIGN.md, "App contract")."""

from django.utils.translation import gettext_lazy as _

from sharehub.core import privacy
from sharehub.core.workspace import register_work
from sharehub.notifications.kinds import register_kind

from . import privacy_penalties
from .selectors.penalties import appeals_waiting_count, runs_penalties
from .services.penalties import PENALTY_KIND

register_kind(
    PENALTY_KIND,
    _("Suspensions from booking public spaces, and the decisions on your appeals"),
    email_default=True,
)
register_work(
    "facilities.appeals",
    label=_("Appeals to decide"),
    url_name="facilities:penalty_register",
    allowed=runs_penalties,
    count=appeals_waiting_count,
    help_text=_("Appeals against suspensions from the spaces you run."),
    order=46,
)
# Before "facilities" (its bookings): the person's penalties are deleted with their appeals.
privacy.register(
    "facilities.penalties",
    export=privacy_penalties.export_penalties,
    erase=privacy_penalties.erase_penalties,
    order=90,
)
