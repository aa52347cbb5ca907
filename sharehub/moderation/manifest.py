"""moderation's registrations with the kernel (see DESIGN.md, "App contract")."""

from django.utils.translation import gettext_lazy as _

from sharehub.core import privacy
from sharehub.notifications.kinds import register_kind

from . import privacy_data

register_kind("moderation.decision", _("Moderation decisions on my contributions and reports"))
register_kind("moderation.report", _("Content reported by the public (moderators)"))
privacy.register(
    "moderation", export=privacy_data.export_moderation, erase=privacy_data.erase_moderation
)
