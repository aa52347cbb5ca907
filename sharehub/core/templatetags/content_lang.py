"""`{% load content_lang %}`: content written in one language shown on a page in another says so.

Content the city and the organizations write has a column per language (django-modeltranslation);
a missing translation falls back to the other language (settings.MODELTRANSLATION_FALLBACK_LANGUAGES).
`{% content obj "field" %}` renders `obj.field` as the page shows it and, when that text is the
fallback, marks it: `lang` on the text (screen readers pronounce it right, browsers pick the font)
and a visible "Korean only" / "영어로만 제공" in the page's language. Names are proper nouns:
`marker=False` keeps the `lang` without the note.

    {% content listing "summary" tag="p" class="lead" %}
    {% content listing "description" format="linebreaks" tag="div" %}
    {% content article "body" format="html" tag="div" class="article-body" %}
    {% content event "summary" truncate=140 tag="p" %}
    <h1>{% content organization "name" marker=False %}</h1>

`format`: "text" (escaped, the default), "linebreaksbr", "linebreaks", "html" (the model's
already sanitized HTML, e.g. an article body) or "rich" (HTML cleaned now, or plain text written
before the field was rich, as paragraphs: an event's description). "linebreaks", "html" and
"rich" are blocks: give them a block `tag` (div), never "p". Other keyword arguments become the element's attributes.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings
from django.forms.utils import flatatt
from django.template.defaultfilters import linebreaksbr
from django.utils.html import conditional_escape, format_html, linebreaks
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from modeltranslation.fields import NONE
from modeltranslation.utils import build_localized_fieldname, get_language, resolution_order

from sharehub.core.sanitize import rich_text_html

register = template.Library()

FORMATS = ("text", "linebreaksbr", "linebreaks", "html", "rich")
BLOCK_FORMATS = ("linebreaks", "html", "rich")


def shown_language(obj: Any, field: str) -> str | None:
    """The language whose column gives the text `obj.<field>` shows now (modeltranslation's own
    resolution order and idea of an empty value), or None when the field is not translated or
    every language is empty."""
    return _shown(obj, field)[1]


def _shown(obj: Any, field: str) -> tuple[Any, str | None]:
    """`obj.<field>` as it shows now and the language whose column gives it (`shown_language`),
    in one pass over the columns: the descriptor's own read would walk them again (40 texts on
    a list page)."""
    descriptor: Any = getattr(type(obj), field, None)
    if not hasattr(descriptor, "meaningful_value") or not hasattr(descriptor, "field"):
        return getattr(obj, field, None), None
    undefined = descriptor.fallback_undefined
    if undefined is NONE:
        undefined = descriptor.field.get_default()
    for language in resolution_order(get_language(), descriptor.fallback_languages):
        value = getattr(obj, build_localized_fieldname(field, language), None)
        if descriptor.meaningful_value(value, undefined):
            return value, language
    return getattr(obj, field, None), None


def only_in(language: str) -> str:
    """The note beside a text that exists only in `language`, in the page's language."""
    notes = {"ko": _("Korean only"), "en": _("English only")}
    if language in notes:
        return notes[language]
    name = dict(settings.LANGUAGES).get(language, language)
    return _("Only in %(language)s") % {"language": name}


def _formatted(value: str, text_format: str) -> SafeString:
    if text_format == "html":
        # The model's own HTML, sanitized (nh3) when it was saved, as `|safe` showed it before.
        return mark_safe(value)
    if text_format == "rich":
        # A field that became rich text: cleaned HTML, or its old plain text as paragraphs.
        return mark_safe(rich_text_html(value))
    if text_format == "linebreaks":
        return mark_safe(linebreaks(value, autoescape=True))  # escaped by linebreaks
    if text_format == "linebreaksbr":
        return linebreaksbr(value, autoescape=True)
    return conditional_escape(value)


@register.simple_tag
def content(
    obj: Any,
    field: str,
    *,
    tag: str = "",
    format: str = "text",
    truncate: int = 0,
    marker: bool = True,
    **attrs: str,
) -> SafeString:
    """`obj.<field>` as the page shows it, marked when it is the other language's text (see the
    module's docstring). Empty text renders nothing, not even the element."""
    if format not in FORMATS:
        raise template.TemplateSyntaxError(f"content: format must be one of {FORMATS}")
    value, language = _shown(obj, field)
    if not value:
        return mark_safe("")
    value = str(value)
    if truncate and len(value) > int(truncate):
        # A text that fits is shown whole without asking Truncator (a translation lookup for
        # its ellipsis on each of a list's cards).
        value = Truncator(value).chars(int(truncate))
    body = _formatted(value, format)
    if language is not None and language != get_language():
        block = format in BLOCK_FORMATS
        body = format_html('<{0} lang="{1}">{2}</{0}>', "div" if block else "span", language, body)
        if marker:
            note = format_html('<span class="tag lang-note">{}</span>', only_in(language))
            if block:
                body = format_html('<p class="lang-note-line">{}</p>{}', note, body)
            else:
                body = format_html("{} {}", body, note)
    if tag:
        return mark_safe(f"<{tag}{flatatt(attrs) if attrs else ''}>{body}</{tag}>")
    return body


@register.filter
def language_note(language: str) -> SafeString:
    """`{{ proposal.language|language_note }}`: for content written in one language only (what
    people write themselves), the "Korean only" note when the page is in another language."""
    if not language or language == get_language():
        return mark_safe("")
    return format_html('<span class="tag lang-note">{}</span>', only_in(language))
