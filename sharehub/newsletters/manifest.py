"""newsletters' registrations with the kernel (see DESIGN.md, "App contract")."""

from datetime import timedelta

from django.utils.translation import gettext_lazy as _

from sharehub.core import privacy
from sharehub.core.demo import DemoRun, register_demo
from sharehub.core.editor import register_author
from sharehub.core.periodic import register_periodic
from sharehub.core.workspace import register_work
from sharehub.notifications.kinds import register_mail_label

from . import demo, privacy_data
from .permissions import can_manage_newsletters
from .selectors import campaigns_in_progress_count
from .tasks import purge_unconfirmed_subscribers, run_due_campaigns


def _load_demo(run: DemoRun) -> int:
    return demo.load_demo(accounts=run.accounts)


register_author("newsletters", can_manage_newsletters)  # campaign bodies: the rich-text editor
register_mail_label("newsletters.confirm", _("Newsletter subscription confirmation"))
register_mail_label("newsletters.already", _("Newsletter: already subscribed"))
register_mail_label("newsletters.test", _("Newsletter test"))
# Demo only: the copy of an issue the demo mailbox shows (notifications.demo_mailbox.keep_copy).
register_mail_label("newsletters.issue", _("Newsletter issue"))
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
register_work(
    "newsletters.campaigns",
    label=_("Campaigns in progress"),
    url_name="newsletters:manage",
    allowed=can_manage_newsletters,
    count=lambda user: campaigns_in_progress_count(),
    help_text=_("Scheduled, sending, paused or failed newsletters."),
    order=50,
)
register_work(
    "newsletters.topics",
    label=_("Newsletter topics"),
    url_name="newsletters:topics",
    allowed=can_manage_newsletters,
    order=150,
)
