"""`{% kept "name" [vary ...] %}...{% endkept %}`: a part of a page that is the same for
everybody, rendered once and kept until a write to what it shows (sharehub.core.pagecache,
`kept_fragment`). Only around markup that shows nothing of the person looking: no user menu,
no "edit" links for owners, no forms with a CSRF token (those are never kept)."""

from __future__ import annotations

from typing import Any

from django import template
from django.template.base import FilterExpression, NodeList, Parser, Token
from django.utils.safestring import SafeString, mark_safe

from sharehub.core.pagecache import kept_fragment

register = template.Library()


class KeptNode(template.Node):
    def __init__(self, name: FilterExpression, vary: list[FilterExpression], nodelist: NodeList):
        self.name = name
        self.vary = vary
        self.nodelist = nodelist

    def render(self, context: Any) -> SafeString:
        request = context.get("request")
        if request is None:
            return self.nodelist.render(context)
        content = kept_fragment(
            request,
            str(self.name.resolve(context)),
            lambda: self.nodelist.render(context),
            *(value.resolve(context) for value in self.vary),
        )
        # The nodelist's own output, escaped as it was rendered.
        return mark_safe(content)


@register.tag
def kept(parser: Parser, token: Token) -> KeptNode:
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("{% kept %} needs a name")
    nodelist = parser.parse(("endkept",))
    parser.delete_first_token()
    return KeptNode(
        parser.compile_filter(bits[1]), [parser.compile_filter(bit) for bit in bits[2:]], nodelist
    )
