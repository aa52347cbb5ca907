from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "sharehub.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        # Every app's registrations with the kernel (privacy, notification kinds, search,
        # moderation, periodic jobs, audit, /me panels, demo data) live in its manifest.py,
        # imported here once all models are loaded, in INSTALLED_APPS order (as the admin
        # imports admin.py). The kernel iterates the registrations and never imports an app.
        autodiscover_modules("manifest")
