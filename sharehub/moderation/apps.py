from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ModerationConfig(AppConfig):
    """Its registrations with the kernel are in manifest.py (DESIGN.md, "App contract")."""

    name = "sharehub.moderation"
    label = "moderation"
    verbose_name = _("Moderation")
