"""newsletters' registrations with the kernel (see DESIGN.md, "App contract")."""

from datetime import timedelta

from django.utils.translation import gettext_lazy as _

from sharehub.core import privacy
from sharehub.core.demo import DemoRun, register_demo
from sharehub.core.periodic import register_periodic
from sharehub.notifications.kinds import register_mail_label

from . import demo, privacy_data
from .tasks import purge_unconfirmed_subscribers, run_due_campaigns


def _load_demo(run: DemoRun) -> int:
    return demo.load_demo(accounts=run.accounts)


register_mail_label("newsletters.confirm", _("Newsletter subscription confirmation"))
register_mail_label("newsletters.already", _("Newsletter: already subscribed"))
register_mail_label("newsletters.test", _("Newsletter test"))
register_periodic("newsletters.run_due_campaigns", run_due_campaigns, every=timedelta(minutes=1))
register_periodic(
    "newsletters.purge_unconfirmed", purge_unconfirmed_subscribers, every=timedelta(days=1)
)
privacy.register(
    "newsletters",
    export=privacy_data.export_subscriptions,
    erase=privacy_data.erase_subscriptions,
    identifiers=privacy_data.consent_ips,
)
register_demo("newsletters", _load_demo, label="newsletter topics and campaigns", order=70)
