from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "sharehub.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from datetime import timedelta

        from sharehub.core import privacy
        from sharehub.core.periodic import register_periodic

        from . import privacy_data, tasks

        register_periodic(
            "notifications.resend_stale_emails",
            tasks.resend_stale_emails,
            every=timedelta(minutes=5),
        )

        privacy.register(
            "notifications",
            export=privacy_data.export_notifications,
            erase=privacy_data.erase_notifications,
        )
