from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "sharehub.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from sharehub.core import privacy

        from . import privacy_data

        privacy.register("notifications", export=privacy_data.export_notifications, erase=privacy_data.erase_notifications)
