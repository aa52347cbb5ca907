"""moderation's registrations with the kernel (see DESIGN.md, "App contract")."""

from django.utils.translation import gettext_lazy as _

from sharehub.accounts.roles import is_moderator
from sharehub.core import privacy
from sharehub.core.workspace import register_work
from sharehub.notifications.kinds import register_kind

from . import privacy_data
from . import selectors as moderation_selectors

register_kind("moderation.decision", _("Moderation decisions on my contributions and reports"))
register_kind("moderation.report", _("Content reported by the public (moderators)"))
privacy.register(
    "moderation", export=privacy_data.export_moderation, erase=privacy_data.erase_moderation
)
register_work(
    "moderation.queue",
    label=_("Moderation queue"),
    url_name="moderation:queue",
    allowed=is_moderator,
    count=lambda user: moderation_selectors.waiting_count(),
    help_text=_("Content waiting for a decision, and open reports."),
    order=20,
)
