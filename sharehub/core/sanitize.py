"""User HTML is cleaned with nh3 (Ammonia) on an allow-list; plain text is never trusted as HTML.

Images are allowed only as the hub's own editor uploads (`core.editor`: re-encoded, stored under
MEDIA_URL + "editor/" with a random name) and must say what they show: `check_rich_text` is the
rule services apply before saving (field errors), `clean_html` silently drops any other image
(rows written another way: admin, old data, the API).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping
from functools import partial

import nh3
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.html import linebreaks
from django.utils.translation import gettext as _

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "b",
    "i",
    "u",
    "s",
    "ul",
    "ol",
    "li",
    "blockquote",
    "h2",
    "h3",
    "h4",
    "a",
    "code",
    "pre",
    "hr",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "img",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "th": {"scope"},
    "td": {"colspan", "rowspan"},
    "img": {"src", "alt"},
}
URL_SCHEMES = {"http", "https", "mailto"}
EDITOR_IMAGE_DIR = "editor/"
# The names core.editor gives: editor/<year>/<month>/<32 hex>.<extension of a re-encoded image>.
_EDITOR_IMAGE_NAME = r"\d{4}/\d{2}/[0-9a-f]{32}\.(?:png|jpg|webp)"
# nh3's output quotes every attribute and escapes "<" and ">" inside values: a tag ends at ">".
_IMG_TAG = re.compile(r"<img\b[^>]*>")
_ATTRIBUTE = re.compile(r'\s([a-z-]+)="([^"]*)"')
_HTML_HINT = re.compile(r"<(?:p|br|h[1-6]|ul|ol|li|blockquote|strong|em|a|img|table|div)\b", re.I)


def is_editor_image(src: str) -> bool:
    """An image uploaded through the editor (and nothing else: no other host, path or query)."""
    prefix = re.escape(settings.MEDIA_URL + EDITOR_IMAGE_DIR)
    return re.fullmatch(prefix + _EDITOR_IMAGE_NAME, src or "") is not None


def _attribute(
    tag: str, attribute: str, value: str, *, base_url: str, any_image: bool
) -> str | None:
    if tag == "img" and attribute == "src" and not any_image and not is_editor_image(value):
        return None
    relative = value.startswith("/") and not value.startswith("//")
    if base_url and attribute in ("href", "src") and relative:
        return base_url + value
    return value


def _clean(
    value: str, *, base_url: str = "", any_image: bool = False, image_style: str = ""
) -> str:
    return nh3.clean(
        value or "",
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=partial(_attribute, base_url=base_url, any_image=any_image),
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        # The hub's own style, never the writer's (a mail has no stylesheet to size its images).
        set_tag_attribute_values={"img": {"style": image_style}} if image_style else None,
    )


def _images(cleaned: str) -> list[tuple[re.Match, dict[str, str]]]:
    return [
        (match, {name: html.unescape(text) for name, text in _ATTRIBUTE.findall(match.group(0))})
        for match in _IMG_TAG.finditer(cleaned)
    ]


def clean_html(value: str, *, base_url: str = "", image_style: str = "") -> str:
    """The allow-listed HTML; an image that is not an editor upload is removed whole.

    For a mail: `base_url` gives links and images written with a path ("/media/…") the site's
    address, `image_style` is set on every image (its only style attribute).
    """
    cleaned = _clean(value, base_url=base_url, image_style=image_style)
    if "<img" not in cleaned:
        return cleaned
    return _IMG_TAG.sub(lambda match: match.group(0) if ' src="' in match.group(0) else "", cleaned)


def image_problems(value: str) -> list[str]:
    """What a save must refuse in this rich text, in the user's language: an image that was not
    uploaded through the editor, or one without a text alternative."""
    problems = []
    cleaned = _clean(value, any_image=True)
    for number, (_match, attributes) in enumerate(_images(cleaned), start=1):
        if not is_editor_image(attributes.get("src", "")):
            problems.append(
                _(
                    "Image %(number)d was not uploaded to the hub: add it with the editor's image "
                    "button, or remove it."
                )
                % {"number": number}
            )
        elif not attributes.get("alt", "").strip():
            problems.append(
                _(
                    "Image %(number)d has no text alternative: describe what it shows, for people "
                    "who cannot see it."
                )
                % {"number": number}
            )
    return problems


def check_rich_text(data: Mapping[str, object], names: Iterable[str]) -> None:
    """Raise ValidationError({field: problems}) for the rich-text fields `names` present in `data`
    (a service's changes): run before cleaning, which would drop a foreign image silently."""
    errors = {
        name: problems
        for name in names
        if name in data and (problems := image_problems(str(data[name] or "")))
    }
    if errors:
        raise ValidationError(errors)


def looks_like_html(value: str) -> bool:
    """Text written with the editor (or as HTML), rather than plain text from before it."""
    return bool(_HTML_HINT.search(value or ""))


def rich_text_html(value: str) -> str:
    """A rich-text field as HTML for a page: cleaned HTML, or plain text (written before the field
    was rich) as escaped paragraphs."""
    if not (value or "").strip():
        return ""
    if looks_like_html(value):
        return clean_html(value)
    return linebreaks(value, autoescape=True)
