"""`reverse`, each answer remembered: what a page reverses on every request (its header and
footer, a URL per card of a list) costs a dictionary lookup after the first time, instead of about
10 µs of the resolver walking its namespaces and patterns.

A URL is a function of the name, its arguments, the current app, the language (the /ko/ or /en/
prefix), the script prefix and the URLconf, which is the key here; the patterns never change while
a process runs (a test that swaps ROOT_URLCONF or the languages clears it, as Django clears its
own URL caches). Arguments other than strings and integers (a model instance, whose str() may
change) are reversed every time. `{% url %}` is this too (core/templatetags/url_memo.py).

`translate_url` likewise: the header's language links translate the page's own address on every
request (a resolve and a reverse per language). Its path is the key, with the target language,
the language it is resolved in and the rest of the key above; the query string is put back after.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, get_urlconf
from django.urls import reverse as django_reverse
from django.urls import translate_url as django_translate_url
from django.utils.translation import get_language

_PLAIN = (str, int)


@lru_cache(maxsize=8192)
def _reversed(
    view_name: str,
    args: tuple[Any, ...],
    kwargs: tuple[tuple[str, Any], ...],
    current_app: str | None,
    language: str | None,
    prefix: str,
    urlconf: Any,
) -> str:
    # `language` and `prefix` are part of the key only: Django's reverse() reads them itself.
    return django_reverse(
        view_name, urlconf=urlconf, args=args, kwargs=dict(kwargs), current_app=current_app
    )


@receiver(setting_changed)
def _forget(*, setting: str, **kwargs: Any) -> None:
    if setting in ("ROOT_URLCONF", "LANGUAGES", "LANGUAGE_CODE", "FORCE_SCRIPT_NAME"):
        _reversed.cache_clear()
        _translated.cache_clear()


def reverse(
    viewname: Any,
    *,
    args: Sequence[Any] = (),
    kwargs: Mapping[str, Any] | None = None,
    current_app: str | None = None,
) -> str:
    """Django's `reverse(viewname, args=, kwargs=, current_app=)`, remembered."""
    kwargs = kwargs or {}
    if not (
        isinstance(viewname, str)
        and all(isinstance(value, _PLAIN) for value in (*args, *kwargs.values()))
    ):
        return django_reverse(viewname, args=args, kwargs=dict(kwargs), current_app=current_app)
    return _reversed(
        viewname,
        tuple(args),
        tuple(sorted(kwargs.items())),
        current_app,
        get_language(),
        get_script_prefix(),
        get_urlconf(),
    )


@lru_cache(maxsize=4096)
def _translated(path: str, lang_code: str, language: str | None, prefix: str, urlconf: Any) -> str:
    # `language` (what the path is resolved in), `prefix` and `urlconf` are part of the key only.
    return django_translate_url(path, lang_code)


def translate_url(url: str, lang_code: str) -> str:
    """Django's `translate_url(url, lang_code)`, remembered by the URL's path."""
    parsed = urlsplit(url)
    path = _translated(parsed.path, lang_code, get_language(), get_script_prefix(), get_urlconf())
    if path == parsed.path:
        return url
    return urlunsplit(parsed._replace(path=path))
