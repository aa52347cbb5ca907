from __future__ import annotations

from urllib.parse import urlsplit

from django import template
from django.conf import settings
from django.utils.http import url_has_allowed_host_and_scheme

register = template.Library()


@register.filter
def safe_link(url: str) -> str:
    """A notification's link, only when it stays on the hub; anything else is dropped."""
    hub_host = urlsplit(settings.SHAREHUB_SITE_URL).hostname
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={hub_host} if hub_host else set()):
        return url
    return ""
