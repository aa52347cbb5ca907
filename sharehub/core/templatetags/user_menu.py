"""`{% load user_menu %}{% user_menu %}`: the signed-in person's menu in the header (core/user_menu.py)."""

from __future__ import annotations

from typing import Any

from django import template

from sharehub.core.user_menu import user_menu_links

register = template.Library()


@register.inclusion_tag("core/partials/user_menu.html", takes_context=True)
def user_menu(context: template.Context) -> dict[str, Any]:
    request = context.get("request")
    links = user_menu_links(request) if request is not None else []
    return {
        "links": links,
        "total": sum(link.count for link in links),
        "count_label": next((link.count_label for link in links if link.count), ""),
        "user": context.get("user"),
    }
