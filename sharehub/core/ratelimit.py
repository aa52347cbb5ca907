"""Rate limits for public writes, counted in the shared cache so they hold across processes."""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


class RateLimited(Exception):
    pass


def parse_rate(rate: str) -> tuple[int, int]:
    count, unit = rate.split("/")
    return int(count), UNITS[unit]


def client_key(request: HttpRequest) -> str:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"u{user.pk}"
    return address_key(request.META.get("REMOTE_ADDR", ""))


def address_key(ip: str) -> str:
    """The key of an anonymous client's counts."""
    return "ip" + ip


def hit(scope: str, key: str, rate: str) -> bool:
    """Count one request; False when the limit is already spent.

    A sliding window: the previous window's count weighs by how much of it still lies within the
    last `seconds`. A fixed window would let a client spend twice the limit across a boundary (and
    made a test that straddled one flaky)."""
    limit, seconds = parse_rate(rate)
    window_index, elapsed = divmod(time.time(), seconds)
    window = int(window_index)
    cache_key = f"rl:{scope}:{key}:{window}"
    # Kept through the next window, which still weighs it.
    cache.add(cache_key, 0, 2 * seconds + 1)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, 2 * seconds + 1)
        count = 1
    previous = cache.get(f"rl:{scope}:{key}:{window - 1}", 0)
    return previous * (1 - elapsed / seconds) + count <= limit


def forget(scope: str, key: str, rate: str) -> None:
    """Drop a key's counts (a person's e-mail or IP address, on erasure): the current window and
    the one before, the only ones still in the cache."""
    _limit, seconds = parse_rate(rate)
    window = int(time.time() // seconds)
    cache.delete_many([f"rl:{scope}:{key}:{w}" for w in (window - 1, window)])


def check(request: HttpRequest, scope: str, rate: str) -> None:
    if not hit(scope, client_key(request), rate):
        raise RateLimited(scope)


# Uploads per person and hour. Decoding an image costs real CPU and memory (a 150 KB PNG can take
# about a second and 160 MB), so each attempt counts, before any byte is read.
UPLOAD_RATES = {"image": "30/h", "document": "60/h"}
UPLOAD_LIMITED = "rate_limited"  # the error code; the API answers it with 429


def check_upload(actor: Any, *, kind: str, field: str) -> None:
    """Count one upload ("image" or "document") by the actor; past the limit, a field error
    with code "rate_limited" (forms show it on the field, the API answers 429)."""
    key = f"u{actor.pk}" if getattr(actor, "is_authenticated", False) else "anonymous"
    if not hit(f"upload-{kind}", key, UPLOAD_RATES[kind]):
        message = _("You have uploaded too many files for now. Please try again in an hour.")
        raise ValidationError({field: [ValidationError(message, code=UPLOAD_LIMITED)]})


def ratelimit_writes(scope: str, rate: str = "30/m") -> Callable:
    """Limit the unsafe methods of a view; reads are never limited here."""

    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.method not in ("GET", "HEAD", "OPTIONS"):
                try:
                    check(request, scope, rate)
                except RateLimited:
                    return render(
                        request,
                        "core/error.html",
                        {
                            "title": _("Too many requests"),
                            "message": _("Please wait a moment and try again."),
                        },
                        status=429,
                    )
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
