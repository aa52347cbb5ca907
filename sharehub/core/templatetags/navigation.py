"""`{% load navigation %}{% main_nav %}`: the header's main navigation, one link per part of the
hub, the current part marked `aria-current="page"`.

Every page writes it, for everybody (a signed-in person's pages are built on each request): as
template markup it was nine addresses reversed, nine translations and nine lookups of the
request's part, on every page (issue 18). The addresses are reversed once per process and
language (core.urlmemo).
"""

from __future__ import annotations

from django import template
from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from sharehub.core.urlmemo import reverse

register = template.Library()

# (the URL namespace the part's views answer in, the part's page, its name in the menu)
PARTS = (
    ("directory", "directory:list", _("Find sharing services")),
    ("events", "events:list", _("Events")),
    ("facilities", "facilities:list", _("Public spaces")),
    ("programmes", "programmes:list", _("Support programmes")),
    ("participation", "participation:list", _("Participate")),
    ("opendata", "opendata:dashboard", _("Open data")),
    ("news", "news:list", _("News")),
    ("organizations", "organizations:list", _("Organizations")),
    ("places", "places:list", _("Districts and map")),
)
CURRENT = mark_safe(' aria-current="page"')


@register.simple_tag(takes_context=True)
def main_nav(context: template.Context) -> SafeString:
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    current = getattr(match, "app_name", None)
    return format_html_join(
        "\n              ",
        '<li><a href="{}"{}>{}</a></li>',
        ((reverse(name), CURRENT if part == current else "", label) for part, name, label in PARTS),
    )
