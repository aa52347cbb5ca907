"""Test data built once for a whole module (or class) instead of once per test.

A permission matrix asks one question per case of the same world; building that world for each
case made the designation matrix the slowest part of the suite. `built_once` builds it inside a
transaction rolled back when the scope ends, as Django's `TestCase.setUpTestData` does; each test
still runs in its own savepoint within it (pytest-django's `db`), so nothing one test writes
reaches the next. The outer block is marked as the test case's own, so durable services still run
while building and inside the tests. The settings are those conftest's `_test_settings` gives each
test, with one media root for the whole scope: files the shared data holds stay readable."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from django.db import transaction
from django.test import override_settings

TEST_SETTINGS = {
    "CACHES": {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
    "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
}


def built_once[T](django_db_blocker, media_root: Path, build: Callable[[], T]) -> Iterator[T]:
    """For a higher-scoped fixture: `yield from built_once(django_db_blocker, path, build)`.
    Each test using the data sets `settings.MEDIA_ROOT = media_root` again (conftest gives each
    test a fresh one)."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer._from_testcase = True  # type: ignore[attr-defined]
        outer.__enter__()
        try:
            with override_settings(MEDIA_ROOT=media_root, **TEST_SETTINGS):
                data = build()
            yield data
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
