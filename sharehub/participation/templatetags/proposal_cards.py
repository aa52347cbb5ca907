"""`{% load proposal_cards %}`: a proposal's supports, as its card and its page show them.

It was an included template, rendered once per card (20 a page) through the template engine;
one Python call writes the same HTML (issue 18).
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext, ngettext

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
