"""`{% load listing_cards %}`: a listing's card, as the directory's list and a district's page
show it.

Written in Python rather than as template markup: a card is a dozen template nodes (an address,
two translated texts, the badge, the chips, the distance), 20 cards a page, and the template
engine's per-node work was the largest part of those pages built whole (issue 18). Its parts are
escaped with `html.escape` (what Django's `escape` calls) in f-strings: `format_html` per part
cost about four times as much.
"""

from __future__ import annotations

from html import escape
from typing import Any

from django import template
from django.template.defaultfilters import floatformat
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from sharehub.core.templatetags.content_lang import content
from sharehub.core.urlmemo import reverse
from sharehub.designation.templatetags.designation import designation_badge_for

register = template.Library()


@register.simple_tag
def listing_card(
    listing: Any, designations: dict | None = None, *, css_class: str = "card listing-card"
) -> SafeString:
    """The card's `<li>`: the organization's name linking to the listing, its designation badge
    (when `designations` is given), the search's highlight or the summary, the chips (the whole
    city, the categories) and the distance from the point asked (when the list has one)."""
    organization = listing.organization
    url = reverse("directory:detail", args=[organization.slug])
    parts = [
        f'<li class="{escape(css_class)}"><h3><a href="{escape(url)}">'
        f"{content(organization, 'name', marker=False)}</a></h3>"
    ]
    if designations is not None:
        parts.append(designation_badge_for(organization, designations))
    highlight = getattr(listing, "highlight", "")
    if highlight:
        parts.append(f'<p class="highlight">{conditional_escape(highlight)}</p>')
    else:
        parts.append(content(listing, "summary", tag="p", truncate=160))
    parts.append('<ul class="chips">')
    if getattr(listing, "city_wide", False):
        whole_city = gettext("The whole city")  # outside the f-string: makemessages reads it
        parts.append(f'<li class="tag city-wide">{escape(whole_city)}</li>')
    # `category_names` from directory.selectors.with_category_names (the list's one query).
    parts.extend(f'<li class="tag">{escape(name)}</li>' for name in listing.category_names)
    parts.append("</ul>")
    distance = getattr(listing, "distance_km", None)
    if distance is not None:
        away = gettext("%(km)s km away") % {"km": floatformat(distance, 1)}
        parts.append(f'<p class="meta">{escape(away)}</p>')
    parts.append("</li>")
    return mark_safe("".join(parts))
