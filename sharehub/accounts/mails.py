"""The hub's texts of every account mail allauth sends, one table for all of them.

allauth names each mail by a template prefix; the adapter renders those listed here with the two
templates `accounts/email/message.txt` and `.html` instead of allauth's, so every account mail has
the same shape: a greeting that names the hub, the paragraphs, the link on a line of its own
(never followed by a word a mail client would take into the address), and for a change to the
account, when and from where it was made with a way out. A prefix missing here (a mail a later
allauth adds) falls back to allauth's own template, which still reads the hub's name.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from allauth.account import app_settings as account_settings
from django.template.loader import render_to_string
from django.utils import formats, timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy


@dataclass(frozen=True)
class AccountMail:
    subject: Promise
    paragraphs: tuple[Promise, ...]
    link: str = ""  # the context key of the URL the mail leads to
    button: Promise | None = None  # the link's words in the HTML mail
    after: tuple[Promise, ...] = ()
    notice: bool = False  # a change made to the account: when, from where, and what to do


_IGNORE = _("If you did not ask for this, you can ignore this e-mail.")
_VALID_FOR = ngettext_lazy(
    "The link is valid for %(days)d day.", "The link is valid for %(days)d days.", "days"
)

ACCOUNT_MAILS: dict[str, AccountMail] = {
    "account/email/email_confirmation_signup": AccountMail(
        subject=_("Confirm your e-mail address"),
        paragraphs=(
            _("Thank you for signing up to %(hub)s with %(email)s."),
            _("Open this link to confirm your e-mail address and finish signing up:"),
        ),
        link="activate_url",
        button=_("Confirm my e-mail address"),
        after=(
            _VALID_FOR,
            _(
                "If you did not sign up, you can ignore this e-mail: the address stays "
                "unconfirmed and the account cannot be used."
            ),
        ),
    ),
    "account/email/email_confirmation": AccountMail(
        subject=_("Confirm your new e-mail address"),
        paragraphs=(
            _("You asked to use %(email)s for your account at %(hub)s."),
            _("Open this link to confirm the address:"),
        ),
        link="activate_url",
        button=_("Confirm my e-mail address"),
        after=(_VALID_FOR, _IGNORE),
    ),
    "account/email/password_reset_key": AccountMail(
        subject=_("Reset your password"),
        paragraphs=(
            _("Someone, probably you, asked to reset the password of your account at %(hub)s."),
            _("Open this link to choose a new password:"),
        ),
        link="password_reset_url",
        button=_("Choose a new password"),
        after=(
            _("If you did not ask for this, ignore this e-mail: your password stays as it is."),
        ),
    ),
    "account/email/unknown_account": AccountMail(
        subject=_("No account uses this address"),
        paragraphs=(
            _(
                "Someone, probably you, asked to reset the password of an account at %(hub)s "
                "with %(email)s, but no account uses this address."
            ),
            _("If it was you, you can sign up with this address here:"),
        ),
        link="signup_url",
        button=_("Sign up"),
        after=(_IGNORE,),
    ),
    "account/email/account_already_exists": AccountMail(
        subject=_("You already have an account"),
        paragraphs=(
            _(
                "Someone, probably you, tried to sign up to %(hub)s with %(email)s, but an "
                "account with this address already exists."
            ),
            _("If you have forgotten your password, you can choose a new one here:"),
        ),
        link="password_reset_url",
        button=_("Reset my password"),
        after=(_("If it was not you, ignore this e-mail: nothing has changed in your account."),),
    ),
    "account/email/password_changed": AccountMail(
        subject=_("Your password was changed"),
        paragraphs=(_("The password of your account at %(hub)s was changed."),),
        notice=True,
    ),
    "account/email/password_set": AccountMail(
        subject=_("A password was set for your account"),
        paragraphs=(_("A password was set for your account at %(hub)s."),),
        notice=True,
    ),
    "account/email/password_reset": AccountMail(
        subject=_("Your password was reset"),
        paragraphs=(_("The password of your account at %(hub)s was reset."),),
        notice=True,
    ),
    "account/email/email_changed": AccountMail(
        subject=_("Your e-mail address was changed"),
        paragraphs=(
            _(
                "The e-mail address of your account at %(hub)s was changed from %(from_email)s "
                "to %(to_email)s."
            ),
        ),
        notice=True,
    ),
    "account/email/email_deleted": AccountMail(
        subject=_("An e-mail address was removed from your account"),
        paragraphs=(
            _("The e-mail address %(deleted_email)s was removed from your account at %(hub)s."),
        ),
        notice=True,
    ),
    "mfa/email/totp_activated": AccountMail(
        subject=_("Two-factor authentication is on"),
        paragraphs=(
            _(
                "Two-factor authentication with an authenticator app was turned on for your "
                "account at %(hub)s. From now on, logging in asks for a code from the app."
            ),
        ),
        notice=True,
    ),
    "mfa/email/totp_deactivated": AccountMail(
        subject=_("Two-factor authentication is off"),
        paragraphs=(
            _(
                "Two-factor authentication with an authenticator app was turned off for your "
                "account at %(hub)s."
            ),
        ),
        notice=True,
    ),
    "mfa/email/recovery_codes_generated": AccountMail(
        subject=_("New recovery codes"),
        paragraphs=(
            _(
                "New recovery codes were made for your account at %(hub)s. The earlier codes "
                "no longer work: keep the new ones in a safe place."
            ),
        ),
        notice=True,
    ),
    "socialaccount/email/account_connected": AccountMail(
        subject=_("A %(provider)s account was connected"),
        paragraphs=(
            _(
                "Your %(provider)s account was connected to your account at %(hub)s: you can "
                "now log in with it."
            ),
        ),
        notice=True,
    ),
    "socialaccount/email/account_disconnected": AccountMail(
        subject=_("A %(provider)s account was disconnected"),
        paragraphs=(
            _(
                "Your %(provider)s account was disconnected from your account at %(hub)s: it "
                "can no longer be used to log in."
            ),
        ),
        notice=True,
    ),
}

MAIL_TEMPLATES = ("accounts/email/message.txt", "accounts/email/message.html")


def _values(context: dict[str, Any]) -> dict[str, Any]:
    """What the texts may name, as text."""
    provider = context.get("provider")
    return {
        "hub": context["hub_name"],
        "email": context.get("email", ""),
        "from_email": context.get("from_email", ""),
        "to_email": context.get("to_email", ""),
        "deleted_email": context.get("deleted_email", ""),
        "provider": getattr(provider, "name", provider) or "",
        "days": account_settings.EMAIL_CONFIRMATION_EXPIRE_DAYS,
    }


def subject_of(mail: AccountMail, context: dict[str, Any]) -> str:
    return " ".join(str(mail.subject % _values(context)).split())


def render_bodies(mail: AccountMail, context: dict[str, Any]) -> tuple[str, str]:
    """The mail's text and HTML bodies, in the active language (the recipient's)."""
    values = _values(context)
    parts = {
        **context,
        "subject": subject_of(mail, context),
        "paragraphs": [str(text % values) for text in mail.paragraphs],
        "link": context.get(mail.link, "") if mail.link else "",
        "button": mail.button,
        "after": [str(text % values) for text in mail.after],
        "notice": _notice(context) if mail.notice else None,
    }
    text, html = (render_to_string(name, parts) for name in MAIL_TEMPLATES)
    return _tidy(text), html


def _notice(context: dict[str, Any]) -> dict[str, Any]:
    when = context.get("timestamp") or timezone.now()
    return {
        "when": formats.date_format(timezone.localtime(when), "DATETIME_FORMAT"),
        "ip": context.get("ip", ""),
        "browser": context.get("user_agent", ""),
        "reset_url": context.get("security_reset_url", ""),
    }


def _tidy(text: str) -> str:
    """Template tags leave blank lines behind: keep at most one between paragraphs."""
    lines = [line.rstrip() for line in text.strip().splitlines()]
    tidy: list[str] = []
    for line in lines:
        if line or (tidy and tidy[-1]):
            tidy.append(line)
    return "\n".join(tidy) + "\n"
