"""The hub's Redis cache while Redis is out of reach (core.cache): every operation is a miss or
does nothing, nothing raises, and it says so in the log (once a minute, not once a request). The
whole stack through a real Redis restart is test_production_profile.py (PostgreSQL)."""

from __future__ import annotations

import logging
import socket

import pytest

from sharehub.core import cache as hub_cache
from sharehub.core.cache import RedisCache


@pytest.fixture
def unreachable(monkeypatch) -> RedisCache:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setattr(hub_cache, "_last_warned", 0.0)
    return RedisCache(f"redis://127.0.0.1:{port}/0", {"OPTIONS": {"socket_connect_timeout": 1}})


def test_a_cache_out_of_reach_is_a_miss_and_a_no_op(unreachable, caplog):
    with caplog.at_level(logging.WARNING, logger="sharehub.core.cache"):
        assert unreachable.get("page", "absent") == "absent"
        assert unreachable.get_many(["a", "b"]) == {}
        assert unreachable.has_key("page") is False
        unreachable.set("page", "kept", 60)
        assert unreachable.set_many({"a": 1}) == []
        assert unreachable.add("rl:x", 0, 60) is False
        assert unreachable.incr("rl:x") == 1  # a rate limit lets the request through
        assert unreachable.touch("page") is False
        assert unreachable.delete("page") is False
        unreachable.delete_many(["a", "b"])
    warnings = [record for record in caplog.records if "Redis out of reach" in record.message]
    assert len(warnings) == 1


def test_other_errors_are_not_swallowed(unreachable, monkeypatch):
    from django.core.cache.backends.redis import RedisCacheClient

    def broken(*args, **kwargs):
        raise TypeError("a bug")

    monkeypatch.setattr(RedisCacheClient, "get", broken)
    with pytest.raises(TypeError):
        unreachable.get("page")
