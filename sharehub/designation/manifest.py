"""designation's registrations with the kernel (see DESIGN.md, "App contract")."""

from datetime import timedelta

from django.utils.translation import gettext_lazy as _

from sharehub.core import privacy
from sharehub.core.audit import register_describer
from sharehub.core.demo import register_demo
from sharehub.core.periodic import register_periodic
from sharehub.notifications.kinds import register_kind

from . import history, notices, privacy_data, tasks
from .demo import load_designation_demo

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
