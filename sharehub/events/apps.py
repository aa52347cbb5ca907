from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    """Its registrations with the kernel are in manifest.py (DESIGN.md, "App contract")."""

    name = "sharehub.events"
    label = "events"
    verbose_name = _("Events")
