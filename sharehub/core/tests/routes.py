"""Every route of the project, read from the URL resolver, for the whole-site security tests.

A test that walks `routes()` covers a new page or form the day it is added: nothing here is a
hand-written list of addresses. A route's arguments are filled with a sample of its converter
(`<int:pk>` → 1), so the address resolves to the route's own view even when no object has that id;
the tests that need real objects (the authorization matrix, the pages' headers) bring their own.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern

# A sample value per converter: it must match the converter, nothing more.
SAMPLES = {
    "int": "1",
    "str": "x",
    "slug": "x",
    "path": "x",
    "uuid": "0" * 8 + "-0000-0000-0000-" + "0" * 12,
}
# The few regular-expression routes (allauth's keys, opendata's indicator codes, the CKAN Action
# API, public media), each filled by hand: a regex cannot be sampled in general.
REGEX_SAMPLES = {
    r"^confirm-email/(?P<key>[-:\w]+)/$": "confirm-email/x/",
    r"^password/reset/key/(?P<uidb36>[0-9A-Za-z]+)-(?P<key>.+)/$": "password/reset/key/1-x/",
    r"^indicators/(?P<code>[a-z0-9_.-]+)/data\.(?P<fmt>csv|json)$": "indicators/x/data.csv",
    r"^indicators/(?P<code>[a-z0-9_.-]+)/$": "indicators/x/",
    r"^api/(?:3/)?action/(?P<name>[^/]+)/$": "api/3/action/x/",
    r"^api/(?:3/)?action(?:/(?P<rest>.*))?$": "api/3/action",
    r"^media/(?P<path>.*)$": "media/x",
    r"(?P<url>.*)$": "x",  # the admin's catch-all
}
_ALTERNATIVES = re.compile(r"^\^\(\?P<\w+>(\w+)(?:\|\w+)*\)/\$$")  # the admin's app list
_CONVERTER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


@dataclass(frozen=True)
class Route:
    name: str  # namespaced ("events:register"); "" for an unnamed route
    path: str  # a concrete address in Korean (/ko/…), arguments sampled
    callback: Callable

    @property
    def module(self) -> str:
        return getattr(self.callback, "__module__", "")

    @property
    def is_api(self) -> bool:
        return self.path.startswith("/api/v1/")

    @property
    def is_admin(self) -> bool:
        return self.name.startswith("admin:")

    @property
    def label(self) -> str:
        return self.name or self.path


def _sample(pattern) -> str:
    if isinstance(pattern, RoutePattern):
        return _CONVERTER.sub(lambda m: SAMPLES[m["converter"] or "str"], str(pattern))
    if isinstance(pattern, RegexPattern):
        regex = pattern._regex
        if regex in ("^", ""):
            return ""
        if (
            regex not in REGEX_SAMPLES
            and regex.startswith("^")
            and not re.search(r"[(\[\\?*+]", regex)
        ):
            return regex.removeprefix("^").removesuffix("$")
        if alternatives := _ALTERNATIVES.match(regex):
            return alternatives[1] + "/"
        return REGEX_SAMPLES[regex]  # a new regular-expression route must get a sample here
    return str(pattern)  # the language prefix ("ko/")


def _walk(resolver: URLResolver, prefix: str, namespace: str) -> Iterator[Route]:
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _walk(entry, prefix + _sample(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            name = entry.name or ""
            if name and namespace:
                name = f"{namespace}:{name}"
            yield Route(
                name=name, path="/" + prefix + _sample(entry.pattern), callback=entry.callback
            )


def routes() -> list[Route]:
    """Every route, the API's included (django-ninja mounts one Django route per path)."""
    return list(_walk(get_resolver(), "", ""))


def allowed_methods(callback: Callable) -> set[str] | None:
    """The HTTP methods a view admits, when it says so (Django's `require_http_methods` family or
    a class-based view); None when the view decides inside its body."""
    view_class = getattr(callback, "view_class", None)
    if view_class is not None:
        return {m.upper() for m in view_class.http_method_names if hasattr(view_class, m)}
    function = callback
    while function is not None:
        for cell in getattr(function, "__closure__", None) or ():
            try:
                value = cell.cell_contents
            except ValueError:
                continue
            if (
                isinstance(value, list)
                and value
                and all(isinstance(v, str) and v.isupper() for v in value)
            ):
                return set(value)
        function = getattr(function, "__wrapped__", None)
    return None


def accepts_post(callback: Callable) -> bool:
    """Whether a view may change something on POST: it admits POST by its decorator or class, or,
    undecorated, its body reads the method or the POST data."""
    methods = allowed_methods(callback)
    if methods is not None:
        return "POST" in methods
    function = inspect.unwrap(callback)
    if not inspect.isfunction(function):  # a Feed instance: syndication only reads
        function = type(function)
    try:
        source = inspect.getsource(function)
    except (OSError, TypeError):
        return True  # unknown: treated as a form
    return "POST" in source or "request.method" in source or ".FILES" in source
