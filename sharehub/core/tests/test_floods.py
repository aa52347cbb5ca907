"""Floods (issue 19): login brute force, sign-ups, bookings and supports meet their rate limits,
with a clear message in Korean and English on the pages and a 429 in the API's JSON error
shape; the counts live in the shared cache (Redis, or the database's cache table), so every
process of the hub sees them; one person's flood never limits another.

The limits of the hub's own views are reached by spending their counts in the cache
(`core.ratelimit.hit`, exactly what the views call) rather than by a hundred requests; the
request past them is real. allauth's login and sign-up limits are reached by real requests.
"""

from __future__ import annotations

import importlib
from datetime import datetime, time, timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from sharehub.accounts.tests.factories import PASSWORD, REQUIRED_CONSENTS, UserFactory
from sharehub.core import ratelimit

pytestmark = pytest.mark.django_db

ATTACKER = "203.0.113.50"
NEIGHBOUR = "198.51.100.60"


def _is_korean(text: str) -> bool:
    return any("\uac00" <= char <= "\ud7a3" for char in text)


def test_the_hubs_rate_limits_count_in_a_shared_cache():
    """Outside tests the default cache is Redis or the database's table: shared by every process
    (a per-process memory cache would let each gunicorn worker grant the limit again)."""
    real = importlib.import_module("sharehub.settings")
    backend = real.CACHES["default"]["BACKEND"]
    assert backend in (
        "django.core.cache.backends.redis.RedisCache",
        "django.core.cache.backends.db.DatabaseCache",
    )
    # allauth's limits are on, failed logins counted per account-and-address and per address.
    limits = real.ACCOUNT_RATE_LIMITS
    assert limits["login_failed"] and limits["signup"] and limits["login"]
    assert "/ip" in limits["login_failed"] and "/key" in limits["login_failed"]


def _login(client, email: str, password: str, *, ip: str, lang: str = "ko", **extra):
    return client.post(
        f"/{lang}/accounts/login/", {"login": email, "password": password}, REMOTE_ADDR=ip, **extra
    )


def test_login_brute_force_is_stopped_and_counted_in_the_cache(client):
    victim = UserFactory()
    for _ in range(5):
        _login(client, victim.email, "guess", ip=ATTACKER)
    # The right password from the attacker's address no longer opens the account...
    page = _login(client, victim.email, PASSWORD, ip=ATTACKER)
    assert "_auth_user_id" not in client.session
    assert "로그인에 너무 많이 실패했습니다" in page.content.decode()
    english = _login(client, victim.email, PASSWORD, ip=ATTACKER, lang="en")
    assert "Too many failed login attempts" in english.content.decode()
    api = _login(client, victim.email, PASSWORD, ip=ATTACKER, HTTP_ACCEPT="application/json")
    assert api.status_code == 429 and set(api.json()) == {"detail", "errors"}
    # ...while its owner, elsewhere, still signs in.
    assert _login(client, victim.email, PASSWORD, ip=NEIGHBOUR).status_code == 302
    client.logout()
    # The counts are the cache's: emptied, the attacker's address may try again.
    cache.clear()
    assert _login(client, victim.email, PASSWORD, ip=ATTACKER).status_code == 302


def test_sign_up_floods_from_one_address_are_stopped(client):
    def sign_up(number: int, *, ip: str, lang: str = "ko"):
        return client.post(
            f"/{lang}/accounts/signup/",
            {
                "email": f"bot{number}@example.org",
                "password1": "a-long-pass-phrase-42",
                "password2": "a-long-pass-phrase-42",
                "preferred_language": lang,
                **REQUIRED_CONSENTS,
            },
            REMOTE_ADDR=ip,
        )

    statuses = [sign_up(n, ip=ATTACKER).status_code for n in range(10)]
    client.logout()
    assert 429 not in statuses
    refused = sign_up(10, ip=ATTACKER)
    assert refused.status_code == 429
    assert "잠시 후 다시 시도하세요." in refused.content.decode()
    assert sign_up(11, ip=ATTACKER, lang="en").status_code == 429
    from sharehub.accounts.models import User

    assert not User.objects.filter(email__in=["bot10@example.org", "bot11@example.org"]).exists()
    # Another address signs up.
    assert sign_up(12, ip=NEIGHBOUR).status_code == 302


def _spend(scope: str, user, rate: str) -> None:
    """Spend a person's count of a scope, as that many requests would have."""
    limit, _seconds = ratelimit.parse_rate(rate)
    for _ in range(limit):
        assert ratelimit.hit(scope, f"u{user.pk}", rate)


def _booking_day() -> datetime:
    day = timezone.localdate() + timedelta(days=3)
    return timezone.make_aware(datetime.combine(day, time(10)))


def test_a_booking_flood_meets_429_on_the_page_and_in_the_api(client, user, other_user):
    from sharehub.facilities.api import BOOK_RATE as API_RATE
    from sharehub.facilities.models import Booking
    from sharehub.facilities.tests.factories import SpaceFactory
    from sharehub.facilities.views.booking import BOOK_RATE

    assert API_RATE == BOOK_RATE  # one count for the page and the API
    space = SpaceFactory()
    _spend("facilities.book", user, BOOK_RATE)
    client.force_login(user)
    starts = _booking_day()
    form = {
        "day": starts.date().isoformat(),
        "start": "10:00",
        "end": "11:00",
        "purpose": "meeting",
        "purpose_detail": "모임",
        "people": "3",
        "accept_rules": "on",
    }
    page = client.post(f"/ko/spaces/{space.slug}/book/", form)
    assert page.status_code == 429
    assert "요청이 너무 많습니다" in page.content.decode()
    assert "Too many requests" in (
        client.post(f"/en/spaces/{space.slug}/book/", form).content.decode()
    )
    body = {
        "starts_at": starts.isoformat(),
        "ends_at": (starts + timedelta(hours=1)).isoformat(),
        "purpose": "meeting",
        "purpose_detail": "모임",
        "people": 3,
    }
    api = client.post(
        f"/api/v1/spaces/{space.slug}/bookings",
        body,
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="ko",
    )
    assert api.status_code == 429
    assert set(api.json()) == {"detail", "errors"} and _is_korean(api.json()["detail"])
    assert not Booking.objects.exists()
    # Another person books the same period at once.
    client.force_login(other_user)
    api = client.post(
        f"/api/v1/spaces/{space.slug}/bookings", body, content_type="application/json"
    )
    assert api.status_code == 201


def test_a_support_flood_meets_429_on_the_page_and_in_the_api(client, user, other_user):
    from sharehub.participation.models import Support
    from sharehub.participation.tests.factories import ProposalFactory
    from sharehub.participation.views.author import SUPPORT_RATE

    proposal = ProposalFactory()
    _spend("participation.support", user, SUPPORT_RATE)
    client.force_login(user)
    page = client.post(f"/ko/participate/{proposal.pk}/support/")
    assert page.status_code == 429 and "요청이 너무 많습니다" in page.content.decode()
    page = client.post(f"/en/participate/{proposal.pk}/support/")
    assert page.status_code == 429 and "Too many requests" in page.content.decode()
    api = client.post(
        f"/api/v1/participation/proposals/{proposal.pk}/support", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert api.status_code == 429
    assert api.json() == {"detail": "Too many requests. Please wait a moment.", "errors": {}}
    assert not Support.objects.filter(user=user).exists()
    # The limit is this person's: another's request reaches the service (whatever it answers).
    client.force_login(other_user)
    api = client.post(f"/api/v1/participation/proposals/{proposal.pk}/support")
    assert api.status_code != 429
