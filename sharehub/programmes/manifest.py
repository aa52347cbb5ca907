"""programmes' registrations with the kernel (see DESIGN.md, "App contract"). Each part adds its
own in manifest_<part>.py."""

from django.utils.translation import gettext_lazy as _

from sharehub.notifications.kinds import register_kind

from . import (  # noqa: F401  each part registers what it adds
    manifest_applications,
    manifest_calls,
    manifest_decisions,
    manifest_reports,
    manifest_review,
    notices,
)

register_kind(
    notices.APPLICATION_KIND,
    _("Your organizations' applications for support: receipts, screening, decisions, reports"),
    email_default=True,
)
register_kind(
    notices.REVIEW_KIND,
    _("Support programmes you review or run: assignments and applications ready for you"),
    email_default=True,
)
register_kind(
    notices.DEADLINE_KIND,
    _("Reminders before the deadlines of calls you follow and reports you owe"),
    email_default=True,
)
