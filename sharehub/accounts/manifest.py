"""accounts' registrations with the kernel (see DESIGN.md, "App contract")."""

from allauth.socialaccount.models import SocialApp, SocialToken
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sharehub.core import privacy
from sharehub.core.audit import register_describer
from sharehub.core.demo import register_demo
from sharehub.core.user_menu import register_user_menu_entry
from sharehub.core.workspace import register_work
from sharehub.notifications.kinds import register_kind, register_mail_label

from . import history, privacy_data
from .demo import load_demo_accounts
from .roles import is_administrator
from .services import SECURITY_KIND

# allauth's account mails (template prefixes), as staff read them in the outbox.
ACCOUNT_MAILS = {
    "email_confirmation_signup": _("Sign-up confirmation"),
    "email_confirmation": _("E-mail address confirmation"),
    "email_confirm": _("E-mail address confirmation"),
    "account_already_exists": _("Account already exists"),
    "unknown_account": _("Unknown account"),
    "login_code": _("Login code"),
    "password_reset_key": _("Password reset"),
    "password_reset": _("Password reset"),
    "password_reset_code": _("Password reset"),
    "password_changed": _("Password changed"),
    "password_set": _("Password set"),
    "email_changed": _("E-mail address changed"),
    "email_deleted": _("E-mail address removed"),
    "totp_activated": pgettext_lazy("mail kind", "Two-factor authentication turned on"),
    "totp_deactivated": pgettext_lazy("mail kind", "Two-factor authentication turned off"),
    "recovery_codes_generated": pgettext_lazy("mail kind", "New recovery codes"),
    "account_connected": _("Kakao or Naver account connected"),
    "account_disconnected": _("Kakao or Naver account disconnected"),
}

privacy.register(
    "account",
    export=privacy_data.export_account,
    erase=privacy_data.erase_account,
    identifiers=privacy_data.account_identifiers,
    order=1000,
)
for code, label in ACCOUNT_MAILS.items():
    register_mail_label(code, label)
register_demo("accounts", load_demo_accounts, label="accounts", order=20)

# Kakao and Naver are configured from the environment only (adapter.SocialAccountAdapter ignores
# applications stored in the database, and no token is stored): their admin pages would mislead.
# The admin has registered them by now (its ready() runs before core's, which imports manifests).
for model in (SocialApp, SocialToken):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
register_user_menu_entry("account", label=_("My account"), url_name="accounts:profile", order=90)
register_kind(SECURITY_KIND, _("Changes to my roles and two-factor authentication"))
register_describer("accounts.", history.describe)
register_work(
    "accounts.staff",
    label=_("Staff and roles"),
    url_name="accounts:staff",
    allowed=is_administrator,
    help_text=_("Give or remove roles, reset a lost two-factor authentication."),
    order=90,
)
