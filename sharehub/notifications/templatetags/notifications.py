from __future__ import annotations

import re
from urllib.parse import urlsplit

from django import template
from django.conf import settings
from django.template.loader import render_to_string
from django.utils.html import escape, format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString, mark_safe

from sharehub.notifications import demo_mailbox
from sharehub.notifications.kinds import label_of

register = template.Library()

# The characters a URL may hold (RFC 3986): a Korean particle glued to a link ("…/key/abc/을") stays text.
_LINK = re.compile(r"https?://[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+")


@register.filter
def safe_link(url: str) -> str:
    """A notification's link, only when it stays on the hub; anything else is dropped."""
    hub_host = urlsplit(settings.SHAREHUB_SITE_URL).hostname
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={hub_host} if hub_host else set()
    ):
        return url
    return ""


@register.simple_tag(takes_context=True)
def demo_mailbox_notice(context) -> str:
    """In demo mode (SHAREHUB_DEMO_MAILBOX) a notice on every page: this browser's mail is in the demo mailbox."""
    if not demo_mailbox.enabled():
        return ""
    return render_to_string(
        "notifications/partials/demo_notice.html", request=context.get("request")
    )


@register.filter
def mail_text(text: str) -> SafeString:
    """A plain-text e-mail as HTML: escaped, its links clickable, its line breaks kept."""
    parts, last = [], 0
    for match in _LINK.finditer(text or ""):
        url = match.group(0).rstrip(".,;:!?'\"")
        parts.append(escape(text[last : match.start()]))
        parts.append(format_html('<a href="{}" rel="nofollow">{}</a>', url, url))
        last = match.start() + len(url)
    parts.append(escape((text or "")[last:]))
    return mark_safe("".join(parts).replace("\r\n", "\n").replace("\n", "<br>\n"))


@register.filter
def kind_label(code: str):
    """A mail's kind as staff read it (the registered label, else the code)."""
    return label_of(code)
