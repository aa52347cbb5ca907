"""`{% load open_graph %}{% open_graph title=… description=… image=… %}`: the tags a shared link's
preview is made of (KakaoTalk, Facebook, X and most messengers read Open Graph; X its card type).

The base template renders it with the hub's defaults in `{% block open_graph %}`; a page about one
thing (a listing, an event, an article, a page) overrides the block with that thing's title,
description and image. Addresses are absolute, as the reader reached the hub; a page without an
image of its own shows the hub's (core/static/core/img/og-default.png, 1200×630).
"""

from __future__ import annotations

from html import escape
from typing import Any

from django import template
from django.conf import settings
from django.http import HttpRequest
from django.templatetags.static import static
from django.utils.html import strip_tags
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from sharehub.core.i18n import city_name, current_language, hub_name

register = template.Library()

DEFAULT_IMAGE = "core/img/og-default.png"
DEFAULT_IMAGE_SIZE = (1200, 630)
DESCRIPTION_LENGTH = 200
# Open Graph names a locale as language_TERRITORY.
OG_LOCALES = {"ko": "ko_KR", "en": "en_US"}


def absolute(request: HttpRequest | None, url: str) -> str:
    """The address as the reader's browser reaches the hub (the host is one ALLOWED_HOSTS lets
    through); without a request, on SHAREHUB_SITE_URL. An absolute address stays as it is."""
    if url.startswith(("http://", "https://")):
        return url
    path = url if url.startswith("/") else f"/{url}"
    return (
        request.build_absolute_uri(path)
        if request is not None
        else settings.SHAREHUB_SITE_URL + path
    )


def _image_url(image: Any) -> str:
    """An ImageField's file (its storage's URL) or an address; "" when there is none."""
    if not image:
        return ""
    try:
        return str(image.url) if hasattr(image, "url") else str(image)
    except ValueError:  # a FieldFile with no file behind it
        return ""


@register.simple_tag(takes_context=True)
def open_graph(
    context: template.Context,
    *,
    title: str = "",
    description: str = "",
    image: Any = None,
    image_alt: str = "",
    kind: str = "website",
    card: str = "",
) -> SafeString:
    request = context.get("request")
    language = current_language()
    own_image = _image_url(image)
    text = " ".join(strip_tags(str(description or "")).split())
    values = {
        "site_name": hub_name(),
        "title": str(title or "") or hub_name(),
        "description": Truncator(text).chars(DESCRIPTION_LENGTH)
        or _("%(hub_name)s: the sharing city hub of %(city_name)s.")
        % {"hub_name": hub_name(), "city_name": city_name()},
        "url": absolute(request, request.path if request is not None else "/"),
        "image": absolute(request, own_image or static(DEFAULT_IMAGE)),
        "image_size": None if own_image else DEFAULT_IMAGE_SIZE,
        "image_alt": str(image_alt or "") if own_image else hub_name(),
        "type": kind,
        "locale": OG_LOCALES.get(language, language),
        "alternates": [
            OG_LOCALES.get(code, code) for code, _name in settings.LANGUAGES if code != language
        ],
        "card": card or "summary_large_image",
    }
    return _tags(values)


def _tags(values: dict[str, Any]) -> SafeString:
    """The `<meta>` tags, written here rather than by an included template: every page has
    them (a template render was a tenth of a small page's server time, issue 18)."""
    lines = [
        f'<meta property="og:{name}" content="{escape(str(values[key]))}">'
        for name, key in (
            ("site_name", "site_name"),
            ("type", "type"),
            ("title", "title"),
            ("description", "description"),
            ("url", "url"),
            ("image", "image"),
        )
    ]
    if values["image_size"]:
        width, height = values["image_size"]
        lines.append(f'<meta property="og:image:width" content="{escape(str(width))}">')
        lines.append(f'<meta property="og:image:height" content="{escape(str(height))}">')
    if values["image_alt"]:
        lines.append(f'<meta property="og:image:alt" content="{escape(values["image_alt"])}">')
    lines.append(f'<meta property="og:locale" content="{escape(values["locale"])}">')
    lines.extend(
        f'<meta property="og:locale:alternate" content="{escape(alternate)}">'
        for alternate in values["alternates"]
    )
    lines.append(f'<meta name="twitter:card" content="{escape(values["card"])}">')
    return mark_safe("\n  ".join(lines))
