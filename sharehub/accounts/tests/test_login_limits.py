"""Failed logins are limited per account and address, and per address; a stranger cannot lock an account."""

from __future__ import annotations

import pytest

from sharehub.accounts.tests.factories import PASSWORD, UserFactory

LOGIN = "/{lang}/accounts/login/"
ATTACKER = "203.0.113.7"
OWNER = "198.51.100.20"


def _fail(client, email: str, *, ip: str, times: int, lang: str = "en"):
    response = None
    for _ in range(times):
        response = client.post(
            LOGIN.format(lang=lang), {"login": email, "password": "wrong-password"}, REMOTE_ADDR=ip
        )
    return response


@pytest.mark.django_db
def test_a_strangers_failures_do_not_lock_the_owner_out(client):
    admin = UserFactory(is_superuser=True, is_staff=True)
    _fail(client, admin.email, ip=ATTACKER, times=5)
    limited = client.post(
        LOGIN.format(lang="en"), {"login": admin.email, "password": PASSWORD}, REMOTE_ADDR=ATTACKER
    )
    assert "_auth_user_id" not in client.session
    assert "Too many failed login attempts from your connection" in limited.content.decode()

    response = client.post(
        LOGIN.format(lang="en"), {"login": admin.email, "password": PASSWORD}, REMOTE_ADDR=OWNER
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(admin.pk)


@pytest.mark.django_db
def test_the_limit_is_explained_in_korean(client):
    user = UserFactory()
    response = _fail(client, user.email, ip=ATTACKER, times=6, lang="ko")
    assert "로그인에 너무 많이 실패했습니다" in response.content.decode()


@pytest.mark.django_db
def test_one_address_is_still_limited_across_accounts(client):
    users = [UserFactory() for _ in range(3)]
    for (
        user
    ) in users:  # 4 + 4 + 2 = 10 failures: under the per-account limit, at the per-address one
        _fail(client, user.email, ip=ATTACKER, times=4 if user is not users[-1] else 2)
    fresh = UserFactory()
    response = client.post(
        LOGIN.format(lang="en"), {"login": fresh.email, "password": PASSWORD}, REMOTE_ADDR=ATTACKER
    )
    assert "_auth_user_id" not in client.session
    assert "Too many failed login attempts" in response.content.decode()
    response = client.post(
        LOGIN.format(lang="en"), {"login": fresh.email, "password": PASSWORD}, REMOTE_ADDR=OWNER
    )
    assert client.session["_auth_user_id"] == str(fresh.pk)


@pytest.mark.django_db
def test_a_json_login_past_the_limit_gets_429_in_the_error_shape(client):
    user = UserFactory()
    _fail(client, user.email, ip=ATTACKER, times=5)
    response = client.post(
        LOGIN.format(lang="ko"),
        {"login": user.email, "password": PASSWORD},
        REMOTE_ADDR=ATTACKER,
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 429
    body = response.json()
    assert set(body) == {"detail", "errors"}
    assert "로그인에 너무 많이 실패했습니다" in body["detail"]
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_allauths_own_429_is_the_hubs_page_or_json(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login": "1/m/ip"}
    from allauth.account import app_settings

    assert app_settings.RATE_LIMITS["login"] == "1/m/ip"
    client.post(LOGIN.format(lang="ko"), {"login": "a@example.org", "password": "x"})
    page = client.post(LOGIN.format(lang="ko"), {"login": "a@example.org", "password": "x"})
    assert page.status_code == 429
    assert "잠시 후 다시 시도하세요." in page.content.decode()
    as_json = client.post(
        LOGIN.format(lang="ko"),
        {"login": "a@example.org", "password": "x"},
        HTTP_ACCEPT="application/json",
    )
    assert as_json.status_code == 429
    assert set(as_json.json()) == {"detail", "errors"}
