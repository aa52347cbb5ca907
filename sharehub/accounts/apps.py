from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "sharehub.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from sharehub.core import privacy

        from . import privacy_data

        privacy.register(
            "account",
            export=privacy_data.export_account,
            erase=privacy_data.erase_account,
            identifiers=privacy_data.account_identifiers,
            order=1000,
        )
