"""Django's Redis cache, that lives through Redis being out of reach (a restart, a failover).

Everything the hub keeps in its cache can be done without: kept pages and fragments are built
afresh, a session is read from the database (`cached_db`), a rate limit lets the request through
(the database's own constraints still hold every capacity and slot). So while Redis is away a
cache operation is a miss or does nothing, logged once a minute, instead of a 500 on every page;
when Redis is back, its client reconnects by itself. The task queue is another matter: an enqueue
that fails is logged by `transaction.on_commit(..., robust=True)` and done again by the
scheduler's sweeps (docs/deploying.md).
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable
from typing import Any

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)
UNREACHABLE = (RedisConnectionError, RedisTimeoutError)
_last_warned = 0.0


def _warn(error: Exception) -> None:
    global _last_warned
    if time.monotonic() - _last_warned > 60:
        _last_warned = time.monotonic()
        logger.warning("Redis out of reach, the cache is skipped: %s", error)


def _or(fallback: Callable[..., Any]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """The cache operation, or `fallback(*args, **kwargs)` when Redis cannot be reached."""

    def decorate(method: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(method)
        def tolerant(self: Any, *args: Any, **kwargs: Any) -> Any:
            try:
                return method(self, *args, **kwargs)
            except UNREACHABLE as error:
                _warn(error)
                return fallback(*args, **kwargs)

        return tolerant

    return decorate


class RedisCache(DjangoRedisCache):
    @_or(lambda key, default=None, version=None: default)
    def get(self, key: Any, default: Any = None, version: Any = None) -> Any:
        return super().get(key, default, version)

    @_or(lambda *args, **kwargs: {})
    def get_many(self, keys: Any, version: Any = None) -> Any:
        return super().get_many(keys, version)

    @_or(lambda *args, **kwargs: False)
    def has_key(self, key: Any, version: Any = None) -> bool:
        return super().has_key(key, version)

    # Written as not written: the next read is a miss.
    @_or(lambda *args, **kwargs: None)
    def set(self, *args: Any, **kwargs: Any) -> None:
        super().set(*args, **kwargs)

    @_or(lambda *args, **kwargs: [])
    def set_many(self, *args: Any, **kwargs: Any) -> Any:
        return super().set_many(*args, **kwargs)

    @_or(lambda *args, **kwargs: False)
    def add(self, *args: Any, **kwargs: Any) -> bool:
        return super().add(*args, **kwargs)

    @_or(lambda *args, **kwargs: False)
    def touch(self, *args: Any, **kwargs: Any) -> bool:
        return super().touch(*args, **kwargs)

    # A rate limit's first request of its window: let through.
    @_or(lambda key, delta=1, version=None: delta)
    def incr(self, key: Any, delta: int = 1, version: Any = None) -> int:
        return super().incr(key, delta, version)

    # Not deleted: what was kept goes when Redis is back, by its versions or its expiry.
    @_or(lambda *args, **kwargs: False)
    def delete(self, key: Any, version: Any = None) -> bool:
        return super().delete(key, version)

    @_or(lambda *args, **kwargs: None)
    def delete_many(self, keys: Any, version: Any = None) -> Any:
        return super().delete_many(keys, version)
