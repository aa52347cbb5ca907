"""The person's own page gets its organizations from the organizations app's /me panel, and the
/me API adds the memberships to the account's fields."""

from __future__ import annotations

import pytest

from sharehub.accounts import services
from sharehub.organizations.tests.factories import organization_owned_by

pytestmark = pytest.mark.django_db


def test_me_page_shows_the_memberships_panel(client, user):
    client.force_login(user)
    assert "You are not a member of any organization yet." in client.get("/en/me/").content.decode()

    organization = organization_owned_by(user, name_en="Tool Library")
    html = client.get("/en/me/").content.decode()
    assert "<h2>My organizations</h2>" in html
    assert f'<a href="/en/organizations/{organization.slug}/">Tool Library</a>' in html
    assert "You are not a member" not in html


def test_me_api_lists_the_memberships(client, user):
    organization = organization_owned_by(user)
    _token, secret = services.create_api_token(actor=user, name="sync script")
    body = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}").json()
    assert body["email"] == user.email
    assert body["memberships"] == [
        {
            "organization_id": organization.pk,
            "organization_slug": organization.slug,
            "role": "owner",
        }
    ]
