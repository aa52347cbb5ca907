from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsConfig(AppConfig):
    """Its registrations with the kernel are in manifest.py (DESIGN.md, "App contract")."""

    name = "sharehub.news"
    label = "news"
    verbose_name = _("News and pages")
