"""`{% load article_cards %}`: an article's card, as the news list, the home page and an article's
related articles show it.

It was an included template (a context, a template and a dozen nodes per card); one Python call
writes the same HTML (issue 18). The parts are escaped with `html.escape`, as Django's `escape`
does.
"""

from __future__ import annotations

from html import escape
from typing import Any
from urllib.parse import quote

from django import template
from django.utils import formats
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import template_localtime
from django.utils.translation import gettext

from sharehub.core.templatetags.content_lang import content
from sharehub.core.templatetags.datetimes import iso
from sharehub.core.urlmemo import reverse

register = template.Library()


@register.simple_tag
def article_card(article: Any) -> SafeString:
    """The card's `<li>`: its kind and date, the title linking to it, the search's highlight or
    the summary, the organization that wrote it and its tags linking to the list by tag."""
    published = formats.date_format(template_localtime(article.publish_at), "DATE_FORMAT")
    parts = [
        '<li class="card article-card">\n  <p class="meta">'
        f'<span class="tag kind-{escape(article.kind)}">'
        f"{escape(str(article.get_kind_display()))}</span> "
        f'<time datetime="{iso(article.publish_at)}">{escape(published)}</time></p>\n'
        f'  <h3><a href="{escape(article.get_absolute_url())}">{content(article, "title")}</a></h3>\n  '
    ]
    highlight = getattr(article, "highlight", "")
    if highlight:
        parts.append(f'<p class="highlight">{conditional_escape(highlight)}</p>')
    else:
        parts.append(content(article, "summary", tag="p", truncate=180))
    if article.organization_id is not None:
        parts.append(f'\n  <p class="meta">{escape(article.organization.name)}</p>')
    tags = list(article.tags.all())
    if tags:
        listed = reverse("news:list")
        chips = "".join(
            f'<li><a href="{escape(listed + "?tag=" + quote(tag.slug, safe="/"))}">'
            f"#{escape(tag.name)}</a></li>"
            for tag in tags
        )
        label = gettext("Tags")  # outside the f-string: makemessages reads it
        parts.append(f'\n  <ul class="chips" aria-label="{escape(label)}">{chips}</ul>')
    parts.append("\n</li>")
    return mark_safe("".join(parts))
