from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "sharehub.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from . import privacy, privacy_data

        # Late, so it also scrubs what the other erasers logged.
        privacy.register(
            "audit", export=privacy_data.export_audit, erase=privacy_data.erase_audit, order=900
        )
