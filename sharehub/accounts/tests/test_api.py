from __future__ import annotations

import re

import pytest
from django.test import Client

from sharehub.accounts import services


@pytest.mark.django_db
def test_me_requires_authentication_with_the_standard_error_shape(client):
    response = client.get("/api/v1/me", HTTP_ACCEPT_LANGUAGE="ko")
    assert response.status_code == 401
    body = response.json()
    assert body == {"detail": "인증이 필요합니다.", "errors": {}}


@pytest.mark.django_db
def test_me_with_a_personal_token(client, user):
    _token, secret = services.create_api_token(actor=user, name="sync script")
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 200
    assert response.json()["email"] == user.email
    assert response.json()["memberships"] == []


@pytest.mark.django_db
def test_revoked_and_unknown_tokens_are_refused(client, user):
    token, secret = services.create_api_token(actor=user, name="old")
    services.revoke_api_token(actor=user, token_id=token.pk)
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 401
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer shk_nonsense").status_code == 401
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer ").status_code == 401


@pytest.mark.django_db
def test_me_with_the_browser_session(user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    assert client.get("/api/v1/me").json()["id"] == user.pk


@pytest.mark.django_db
def test_privileged_session_without_two_factor_is_not_accepted_by_the_api(client):
    from sharehub.accounts.tests.factories import UserFactory

    staff = UserFactory(is_city_staff=True)
    client.force_login(staff)
    assert client.get("/api/v1/me").status_code == 401


@pytest.mark.django_db
def test_openapi_schema_and_docs_are_served(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["info"]["title"] == "ShareHub API"
    assert "/api/v1/me" in schema["paths"]
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200
    # Swagger UI is served from the hub itself: every script, style sheet and icon is a local
    # path (the page also holds a random CSRF token, which may spell "cdn").
    assets = re.findall(r'(?:src|href)="([^"]*)"', docs.content.decode())
    assert assets and all(a.startswith("/") and not a.startswith("//") for a in assets), assets
