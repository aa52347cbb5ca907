"""designation's registrations with the kernel (see DESIGN.md, "App contract")."""

from datetime import timedelta

from django.utils.translation import gettext_lazy as _

from sharehub.core import privacy
from sharehub.core.audit import register_describer
from sharehub.core.demo import register_demo
from sharehub.core.periodic import register_periodic
from sharehub.core.workspace import register_work
from sharehub.notifications.kinds import register_kind

from . import history, notices, privacy_data, tasks
from . import selectors as designation_selectors
from .demo import load_designation_demo
from .permissions import can_review

register_kind(notices.APPLICATION_KIND, _("Designation applications of your organizations"))
register_kind(notices.DESIGNATION_KIND, _("Designation decisions about your organizations"))
register_kind(notices.REMINDER_KIND, _("Reminders before a designation expires"))
register_kind(notices.REPORT_KIND, _("Annual activity reports of your designated organizations"))
privacy.register(
    "designation",
    export=privacy_data.export_designation,
    erase=privacy_data.erase_designation,
)
register_describer("designation.", history.describe)
register_periodic(
    "designation.send_reminders", tasks.send_designation_reminders, every=timedelta(days=1)
)
register_periodic(
    "designation.report_reminders", tasks.send_annual_report_reminders, every=timedelta(days=1)
)
register_demo("designation", load_designation_demo, label="designations", order=35)
register_work(
    "designation.applications",
    label=_("Designation applications to review"),
    url_name="designation:queue",
    allowed=can_review,
    count=lambda user: designation_selectors.waiting_for_staff().count(),
    overdue=lambda user: designation_selectors.overdue_applications().count(),
    help_text=_("Submitted, resubmitted or under review; overdue past the processing deadline."),
    order=10,
)
register_work(
    "designation.reports",
    label=_("Annual activity reports to review"),
    url_name="designation:reports_queue",
    allowed=can_review,
    count=lambda user: designation_selectors.reports_to_review().count(),
    order=15,
)
register_work(
    "designation.setup",
    label=_("Designation review stages and criteria"),
    url_name="designation:setup",
    allowed=can_review,
    order=160,
)
