"""notifications' registrations with the kernel (see DESIGN.md, "App contract")."""

from datetime import timedelta

from django.utils.translation import gettext_lazy as _

from sharehub.core import privacy
from sharehub.core.periodic import register_periodic
from sharehub.core.user_menu import register_user_menu_entry
from sharehub.core.workspace import register_work

from . import privacy_data, tasks
from .permissions import can_read_outbox
from .selectors import failed_email_count, unread_count_of_request

register_periodic(
    "notifications.resend_stale_emails", tasks.resend_stale_emails, every=timedelta(minutes=5)
)
privacy.register(
    "notifications",
    export=privacy_data.export_notifications,
    erase=privacy_data.erase_notifications,
)
register_user_menu_entry(
    "notifications",
    label=_("Notifications"),
    url_name="notifications:list",
    order=40,
    count=unread_count_of_request,
    count_label=_("unread"),
)
register_work(
    "notifications.failed",
    label=_("Failed mails"),
    url_name="notifications:outbox",
    allowed=can_read_outbox,
    count=lambda user: failed_email_count(),
    help_text=_("Mails the hub could not deliver, in the outbox."),
    order=60,
)
