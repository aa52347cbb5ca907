from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DesignationConfig(AppConfig):
    """Its registrations with the kernel are in manifest.py (DESIGN.md, "App contract")."""

    name = "sharehub.designation"
    label = "designation"
    verbose_name = _("Designation")
