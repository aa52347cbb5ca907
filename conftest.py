"""Test settings and shared fixtures for every app and the browser tests."""

from __future__ import annotations

import os

# Playwright's sync API runs an event loop in the test thread; Django must still allow ORM calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import pytest

# A real SMTP server (aiosmtpd) for any app's mail tests: fixtures smtp_server and smtp_down.
pytest_plugins = ["sharehub.core.tests.smtp"]


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "pages"},
    }
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    from django.core.cache import caches
    from django.utils import translation

    caches["default"].clear()
    caches["pages"].clear()
    # The test client's requests leave the last page's language active in this thread
    # (LocaleMiddleware activates it and nothing deactivates it): every test starts in the
    # default language, and one that reads another language says so.
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def no_page_cache(settings):
    """Anonymous pages built every time, as for a signed-in person: for tests that count what a
    view itself costs (core.pagecache would add its one query of versions to a first visit)."""
    settings.PAGE_CACHE_SECONDS = 0


@pytest.fixture
def user(db):
    from sharehub.accounts.tests.factories import UserFactory

    return UserFactory()


@pytest.fixture
def other_user(db):
    from sharehub.accounts.tests.factories import UserFactory

    return UserFactory()


@pytest.fixture
def city_staff(db):
    from sharehub.accounts.tests.factories import UserFactory, give_totp

    return give_totp(UserFactory(is_city_staff=True))


@pytest.fixture
def moderator(db):
    from sharehub.accounts.tests.factories import UserFactory, give_totp

    return give_totp(UserFactory(is_moderator=True))


@pytest.fixture
def district(db):
    from sharehub.places.tests.factories import DistrictFactory

    return DistrictFactory()
