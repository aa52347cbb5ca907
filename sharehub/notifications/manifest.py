"""notifications' registrations with the kernel (see DESIGN.md, "App contract")."""

from datetime import timedelta

from sharehub.core import privacy
from sharehub.core.periodic import register_periodic

from . import privacy_data, tasks

register_periodic(
    "notifications.resend_stale_emails", tasks.resend_stale_emails, every=timedelta(minutes=5)
)
privacy.register(
    "notifications",
    export=privacy_data.export_notifications,
    erase=privacy_data.erase_notifications,
)
