from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FacilitiesConfig(AppConfig):
    """Its registrations with the kernel are in manifest.py (DESIGN.md, "App contract")."""

    name = "sharehub.facilities"
    label = "facilities"
    verbose_name = _("Public spaces")
