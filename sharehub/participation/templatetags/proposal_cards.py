"""`{% load proposal_cards %}`: a proposal's supports, as its card and its page show them, and
the proposal list's whole card.

It was an included template, rendered once per card (20 a page) through the template engine;
one Python call writes the same HTML (issue 18).
"""

from __future__ import annotations

from html import escape
from typing import Any

from django import template
from django.urls import reverse
from django.utils import formats
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import template_localtime
from django.utils.translation import gettext, ngettext

from sharehub.core.templatetags.content_lang import language_note
from sharehub.core.templatetags.datetimes import iso

register = template.Library()


@register.simple_tag
def support_progress(proposal: Any) -> SafeString:
    """Towards the threshold a bar and "12 of 100 supports"; without one, the count alone."""
    supports, threshold = proposal.supports_count, proposal.support_threshold
    if not threshold:
        text = ngettext("%(counter)s support", "%(counter)s supports", supports) % {
            "counter": supports
        }
        return format_html('<p class="meta">{}</p>', text)
    return format_html(
        '<p class="support-progress"><progress max="{}" value="{}" aria-label="{}">{}%</progress>'
        "\n  {}</p>",
        threshold,
        min(supports, threshold),
        gettext("Supports"),
        proposal.support_progress,
        gettext("%(count)s of %(threshold)s supports")
        % {"count": supports, "threshold": threshold},
    )


@register.simple_tag
def proposal_card(proposal: Any) -> SafeString:
    """The proposal list's card `<li>`: its area, state and districts, the title (in the
    language it was written in) linking to it, its supports and when it was published. One call
    a card instead of a dozen template nodes each; the parts are escaped with `html.escape`, as
    Django's `escape` does. The comment after the date is where the page marks the proposals
    the person supports (participation.views)."""
    districts = ", ".join(escape(district.name) for district in proposal.districts.all())
    meta = f"{escape(proposal.area.name)} · <strong>{escape(str(proposal.get_state_display()))}</strong>"
    if districts:
        meta += f" · {districts}"
    url = escape(reverse("participation:detail", args=[proposal.pk]))
    published = ""
    if proposal.published_at:
        published = (
            f'<time datetime="{iso(proposal.published_at)}">'
            f"{formats.date_format(template_localtime(proposal.published_at), 'DATE_FORMAT')}</time>"
        )
    return mark_safe(
        f'<li class="card proposal-card"><p class="meta">{meta} '
        f"{language_note(proposal.language)}</p>"
        f'<h3 lang="{escape(proposal.language)}"><a href="{url}">{escape(proposal.title)}</a></h3>'
        f'{support_progress(proposal)}<p class="meta">{published}'
        f"<!--supported:{int(proposal.pk)}--></p></li>"
    )
