"""API authentication follows the browser's rules.

- A staff member, moderator or administrator without TOTP gets 401 whatever token they hold.
- A role change revokes the user's tokens (a token was issued for the role the person had).
- An anonymous call to a protected operation answers 401 with the JSON error, never 403 "CSRF";
  a signed-in browser session still needs its CSRF token to write.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client

from sharehub.accounts import services
from sharehub.accounts.models import ApiToken
from sharehub.accounts.tests.factories import UserFactory, give_totp

pytestmark = pytest.mark.django_db

ROLES = [
    {"is_city_staff": True},
    {"is_moderator": True},
    {"is_superuser": True, "is_staff": True},
    {"is_staff": True},
]


def bearer(secret: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


@pytest.mark.parametrize("role", ROLES, ids=lambda role: "+".join(role))
def test_privileged_token_without_totp_is_refused(client, role):
    person = UserFactory(**role)
    _token, secret = services.create_api_token(actor=person, name="script")
    response = client.get("/api/v1/me", **bearer(secret))
    assert response.status_code == 401
    assert response.json() == {"detail": "인증이 필요합니다.", "errors": {}}
    # Once two-factor authentication is on, the same token works.
    give_totp(person)
    assert client.get("/api/v1/me", **bearer(secret)).status_code == 200


def test_privileged_token_without_totp_cannot_write_either(client):
    staff = UserFactory(is_city_staff=True)
    _token, secret = services.create_api_token(actor=staff, name="script")
    payload = {"name_ko": "새 단체"}
    response = client.post(
        "/api/v1/organizations", payload, content_type="application/json", **bearer(secret)
    )
    assert response.status_code == 401


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ({}, {"is_city_staff": True}),
        ({}, {"is_moderator": True}),
        ({}, {"is_superuser": True}),
        ({"is_moderator": True}, {"is_moderator": False}),  # losing a role too
    ],
)
def test_a_role_change_revokes_the_users_tokens(client, before, after):
    person = give_totp(UserFactory(**before))
    _token, secret = services.create_api_token(actor=person, name="script")
    other_person = UserFactory()
    _other, other_secret = services.create_api_token(actor=other_person, name="theirs")
    assert client.get("/api/v1/me", **bearer(secret)).status_code == 200
    for name, value in after.items():
        setattr(person, name, value)
    person.save()
    assert client.get("/api/v1/me", **bearer(secret)).status_code == 401
    assert not ApiToken.objects.filter(user=person, revoked_at__isnull=True).exists()
    assert client.get("/api/v1/me", **bearer(other_secret)).status_code == 200


def test_saving_a_user_without_a_role_change_keeps_the_tokens(client, user):
    _token, secret = services.create_api_token(actor=user, name="script")
    services.update_profile(actor=user, user=user, display_name="새 이름")
    user.save()
    user.save(update_fields=["last_login"])
    assert client.get("/api/v1/me", **bearer(secret)).status_code == 200


def test_a_role_given_in_the_administration_site_revokes_tokens(client, user):
    _token, secret = services.create_api_token(actor=user, name="script")
    administrator = give_totp(UserFactory(is_superuser=True, is_staff=True))
    client.force_login(administrator)
    response = client.post(
        f"/en/admin/accounts/user/{user.pk}/change/",
        {
            "email": user.email,
            "display_name": user.display_name,
            "preferred_language": "ko",
            "is_active": "on",
            "is_moderator": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    user.refresh_from_db()
    assert user.is_moderator
    client.logout()
    assert client.get("/api/v1/me", **bearer(secret)).status_code == 401


# --- anonymous writes and CSRF ----------------------------------------------------------------


def protected_operations() -> list[tuple[str, str]]:
    """Every API operation that needs authentication, from the OpenAPI schema (path parameters set to 1)."""
    from sharehub.api import api

    schema = api.get_openapi_schema()
    operations = []
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            if operation.get("security"):
                operations.append((method, re.sub(r"\{[^}]+\}", "1", path)))
    return operations


def test_anonymous_calls_to_every_protected_operation_answer_401_json():
    operations = protected_operations()
    writes = [(method, path) for method, path in operations if method != "get"]
    assert len(writes) >= 31
    browser = Client(enforce_csrf_checks=True)
    browser.get("/ko/")  # an anonymous browser with cookies, but nobody signed in
    for client in (Client(enforce_csrf_checks=True), browser):
        for method, path in operations:
            response = getattr(client, method)(
                path, {}, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
            )
            assert response.status_code == 401, (
                method,
                path,
                response.status_code,
                response.content[:200],
            )
            assert response.json() == {"detail": "Authentication required.", "errors": {}}, (
                method,
                path,
            )
            assert response["WWW-Authenticate"] == 'Bearer realm="api"', (method, path)


def test_a_signed_in_session_still_needs_its_csrf_token_to_write(user):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)
    payload = {"email": "x@example.org"}
    refused = browser.post(
        "/api/v1/organizations/no-such-org/invitations", payload, content_type="application/json"
    )
    assert refused.status_code == 403
    browser.get("/ko/")  # sets the CSRF cookie, as a page does
    token = browser.cookies["csrftoken"].value
    accepted = browser.post(
        "/api/v1/organizations/no-such-org/invitations",
        payload,
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
    )
    assert (
        accepted.status_code == 404
    )  # past authentication and CSRF: the organization does not exist
