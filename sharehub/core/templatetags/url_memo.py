"""`{% url %}` as Django's, each answer remembered (core.urlmemo): a built-in library
(settings.TEMPLATES), so every template's `{% url %}` is this one. A page's header, menu and
footer reverse the same two dozen names on every request."""

from __future__ import annotations

from django import template
from django.template import defaulttags
from django.template.base import Parser, Token
from django.urls import NoReverseMatch
from django.utils.html import conditional_escape

from sharehub.core.urlmemo import reverse

register = template.Library()


def _current_app(context: template.Context) -> str | None:
    # As Django's URLNode: the request's current app, else the namespace it was resolved in.
    request = getattr(context, "request", None)
    if request is None:
        return None
    if hasattr(request, "current_app"):
        return request.current_app
    match = getattr(request, "resolver_match", None)
    return match.namespace if match is not None else None


class MemoURLNode(defaulttags.URLNode):
    def render(self, context: template.Context) -> str:
        args = [arg.resolve(context) for arg in self.args]
        kwargs = {name: value.resolve(context) for name, value in self.kwargs.items()}
        url = ""
        try:
            url = reverse(
                self.view_name.resolve(context),
                args=args,
                kwargs=kwargs,
                current_app=_current_app(context),
            )
        except NoReverseMatch:
            if self.asvar is None:
                raise
        if self.asvar:
            context[self.asvar] = url
            return ""
        return conditional_escape(url) if context.autoescape else url


@register.tag
def url(parser: Parser, token: Token) -> MemoURLNode:
    node = defaulttags.url(parser, token)
    return MemoURLNode(node.view_name, node.args, node.kwargs, node.asvar)
