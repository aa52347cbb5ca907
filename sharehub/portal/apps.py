from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """The top layer: the pages that compose the other apps (home, districts), the /me API, the
    site context and the demo loader. No app imports it."""

    name = "sharehub.portal"
    label = "portal"
    verbose_name = _("Portal")
