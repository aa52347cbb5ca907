"""`{% load listing_cards %}`: a listing's card, as the directory's list and a district's page
show it.

Written in Python rather than as template markup: a card is a dozen template nodes (an address,
two translated texts, the badge, the chips, the distance), 20 cards a page, and the template
engine's per-node work was the largest part of those pages built whole (issue 18).
"""

from __future__ import annotations

from typing import Any

from django import template
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from sharehub.core.templatetags.content_lang import content
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
    parts = [
        format_html(
            '<h3><a href="{}">{}</a></h3>',
            reverse("directory:detail", args=[organization.slug]),
            content(organization, "name", marker=False),
        )
    ]
    if designations is not None:
        parts.append(mark_safe(designation_badge_for(organization, designations)))
    highlight = getattr(listing, "highlight", "")
    if highlight:
        parts.append(format_html('<p class="highlight">{}</p>', highlight))
    else:
        parts.append(content(listing, "summary", tag="p", truncate=160))
    # `category_names` from directory.selectors.with_category_names (the list's one query).
    chips = format_html_join("", '<li class="tag">{}</li>', ((n,) for n in listing.category_names))
    if getattr(listing, "city_wide", False):
        chips = format_html('<li class="tag city-wide">{}</li>{}', gettext("The whole city"), chips)
    parts.append(format_html('<ul class="chips">{}</ul>', chips))
    distance = getattr(listing, "distance_km", None)
    if distance is not None:
        away = gettext("%(km)s km away") % {"km": conditional_escape(floatformat(distance, 1))}
        parts.append(format_html('<p class="meta">{}</p>', away))
    return format_html('<li class="{}">{}</li>', css_class, mark_safe("".join(parts)))
