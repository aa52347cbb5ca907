from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DesignationConfig(AppConfig):
    name = "sharehub.designation"
    label = "designation"
    verbose_name = _("Designation")

    def ready(self) -> None:
        from sharehub.core import privacy
        from sharehub.core.audit import register_describer
        from sharehub.notifications.kinds import register_kind

        from . import history, notices, privacy_data

        register_kind(notices.APPLICATION_KIND, _("Designation applications of your organizations"))
        register_kind(notices.DESIGNATION_KIND, _("Designation decisions about your organizations"))
        register_kind(notices.REMINDER_KIND, _("Reminders before a designation expires"))
        privacy.register("designation", export=privacy_data.export_designation, erase=privacy_data.erase_designation)
        register_describer("designation.", history.describe)
