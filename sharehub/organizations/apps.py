from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganizationsConfig(AppConfig):
    """Its registrations with the kernel are in manifest.py (DESIGN.md, "App contract")."""

    name = "sharehub.organizations"
    label = "organizations"
    verbose_name = _("Organizations")
