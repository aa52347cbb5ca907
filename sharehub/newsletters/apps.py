from datetime import timedelta

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewslettersConfig(AppConfig):
    name = "sharehub.newsletters"
    label = "newsletters"
    verbose_name = _("Newsletters")

    def ready(self) -> None:
        from sharehub.core import privacy
        from sharehub.core.periodic import register_periodic
        from sharehub.notifications.kinds import register_mail_label

        from . import privacy_data
        from .tasks import purge_unconfirmed_subscribers, run_due_campaigns

        register_mail_label("newsletters.confirm", _("Newsletter subscription confirmation"))
        register_mail_label("newsletters.already", _("Newsletter: already subscribed"))
        register_mail_label("newsletters.test", _("Newsletter test"))
        register_periodic(
            "newsletters.run_due_campaigns", run_due_campaigns, every=timedelta(minutes=1)
        )
        register_periodic(
            "newsletters.purge_unconfirmed", purge_unconfirmed_subscribers, every=timedelta(days=1)
        )
        privacy.register(
            "newsletters",
            export=privacy_data.export_subscriptions,
            erase=privacy_data.erase_subscriptions,
            identifiers=privacy_data.consent_ips,
        )
