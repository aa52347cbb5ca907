"""A campaign rendered once per language, with the recipient's token as a placeholder.

Per recipient only the token is put in (a string replace) and the parts are base64-encoded, so
sending 100,000 mails renders each language's templates once (see sending.py).
"""

from __future__ import annotations

import email.policy
import ipaddress
from dataclasses import dataclass
from email.message import EmailMessage as MimeMessage
from urllib.parse import quote, urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from sharehub.core.i18n import hub_name
from sharehub.core.sanitize import clean_html
from sharehub.core.validators import validate_header_value
from sharehub.notifications.mail import sender

from . import conf
from .models import Campaign

TOKEN = "@@token@@"


def site_url(path: str) -> str:
    return settings.SHAREHUB_SITE_URL + path


def unsubscribe_url(language: str, token: str) -> str:
    with translation.override(language):
        return site_url(reverse("newsletters:unsubscribe", kwargs={"token": token}))


def preferences_url(language: str, token: str) -> str:
    with translation.override(language):
        return site_url(reverse("newsletters:preferences", kwargs={"token": token}))


def localized(campaign: Campaign, field: str, language: str) -> str:
    other = fallback_language(language)
    return (
        getattr(campaign, f"{field}_{language}", "")
        or getattr(campaign, f"{field}_{other}", "")
        or ""
    )


def check_headers(campaign: Campaign, language: str) -> None:
    """The subject goes into a mail header: a line break (saved before it was refused, or by
    another way than the forms) is a field error, not a mail that cannot be built."""
    other = "en" if language == "ko" else "ko"
    field = (
        f"subject_{language}"
        if getattr(campaign, f"subject_{language}", "")
        else f"subject_{other}"
    )
    try:
        validate_header_value(getattr(campaign, field, "") or "")
    except ValidationError as error:
        raise ValidationError({field: error.messages}) from None


def safe_body(campaign: Campaign, language: str) -> str:
    return clean_html(localized(campaign, "body_html", language))


def mail_body(campaign: Campaign, language: str) -> str:
    """The HTML body as a mail carries it: images and links written with a path ("/media/…",
    the editor's uploads) get the site's address, since a mail has no page to be relative to."""
    return clean_html(
        localized(campaign, "body_html", language),
        base_url=settings.SHAREHUB_SITE_URL,
        image_style="max-width:100%;height:auto",
    )


# The parts of a campaign written once per language, as staff name them.
PARTS = {
    "subject": _("subject"),
    "body_html": _("HTML body"),
    "body_text": _("plain text body"),
}


def fallback_language(language: str) -> str:
    """Whose text a reader of `language` gets where that language's is empty (see `localized`)."""
    return "en" if language == "ko" else "ko"


def missing_parts(campaign: Campaign, language: str) -> list[str]:
    """The parts this language's version lacks (its readers get the other language's instead)."""
    return [
        str(label)
        for field, label in PARTS.items()
        if not (getattr(campaign, f"{field}_{language}", "") or "").strip()
    ]


@dataclass(frozen=True)
class RenderedCampaign:
    language: str
    subject: str
    html: str
    text: str
    unsubscribe_url: str
    headers_block: bytes  # From, Subject, MIME-Version, List-Id: encoded once
    one_click_url: str = ""  # the List-Unsubscribe address (`one_click_url`), with TOKEN
    unsubscribe_mailto: str = ""  # `conf.unsubscribe_mailto()`

    def for_token(self, token: str) -> tuple[str, str, str]:
        """(html, text, one-click URL) for one recipient."""
        return (
            self.html.replace(TOKEN, token),
            self.text.replace(TOKEN, token),
            self.unsubscribe_url.replace(TOKEN, token),
        )

    def unsubscribe_header(self, token: str) -> str:
        """`list_unsubscribe_header` for one recipient, from the parts worked out once."""
        value = f"<{self.one_click_url.replace(TOKEN, token)}>"
        if self.unsubscribe_mailto:
            value += f", <mailto:{self.unsubscribe_mailto}?subject={quote('unsubscribe ' + token)}>"
        return value


def list_id() -> str:
    host = (
        settings.SHAREHUB_SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
        or "localhost"
    )
    return f"newsletter.{host}"


def _is_loopback(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def one_click_url(url: str) -> str:
    """RFC 8058 wants an HTTPS address: a site configured with http:// (behind a proxy that
    terminates TLS) still announces https://, except on a loopback address (development)."""
    parts = urlsplit(url)
    if parts.scheme == "http" and not _is_loopback(parts.hostname or ""):
        return "https" + url[len("http") :]
    return url


def list_unsubscribe_header(url: str, token: str) -> str:
    """RFC 2369 / RFC 8058: the HTTPS address first, then a mailto the city's mailbox can act on."""
    value = f"<{one_click_url(url)}>"
    if mailto := conf.unsubscribe_mailto():
        value += f", <mailto:{mailto}?subject={quote('unsubscribe ' + token)}>"
    return value


def render_campaign(campaign: Campaign, language: str) -> RenderedCampaign:
    """Raises ValidationError (by field) when the campaign cannot be a mail."""
    check_headers(campaign, language)
    with translation.override(language):
        subject = localized(campaign, "subject", language)
        unsubscribe = unsubscribe_url(language, TOKEN)
        context = {
            "campaign": campaign,
            "subject": subject,
            # Sanitized when saved by the service; again here for rows written another way (admin).
            "body_html": mark_safe(mail_body(campaign, language)),
            "body_text": localized(campaign, "body_text", language),
            "unsubscribe_url": unsubscribe,
            "preferences_url": preferences_url(language, TOKEN),
            "archive_url": site_url(
                reverse("newsletters:archive_detail", kwargs={"pk": campaign.pk})
            ),
            "hub_name": hub_name(language),
            "language": language,
        }
        html = render_to_string("newsletters/email/campaign.html", context)
        text = render_to_string("newsletters/email/campaign.txt", context)
    head = MimeMessage(policy=email.policy.SMTP)
    head["From"] = sender(language, conf.from_email())
    head["Subject"] = subject
    head["MIME-Version"] = "1.0"
    head["List-Id"] = f"{hub_name(language)} <{list_id()}>"
    headers_block = head.as_bytes().split(b"\r\n\r\n", 1)[0] + b"\r\n"
    return RenderedCampaign(
        language=language,
        subject=subject,
        html=html,
        text=text,
        unsubscribe_url=unsubscribe,
        headers_block=headers_block,
        one_click_url=one_click_url(unsubscribe),
        unsubscribe_mailto=conf.unsubscribe_mailto(),
    )


def as_email_message(rendered: RenderedCampaign, *, to: str, token: str) -> EmailMultiAlternatives:
    """The same mail as a Django message (for test sends through the outbox)."""
    html, text, url = rendered.for_token(token)
    message = EmailMultiAlternatives(
        subject=rendered.subject,
        body=text,
        from_email=sender(rendered.language, conf.from_email()),
        to=[to],
        headers={
            "List-Unsubscribe": list_unsubscribe_header(url, token),
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "List-Id": f"{hub_name(rendered.language)} <{list_id()}>",
        },
    )
    message.attach_alternative(html, "text/html")
    return message
