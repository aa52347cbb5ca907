from __future__ import annotations

import pytest

from sharehub.accounts.tests.factories import UserFactory, give_totp

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(give_totp(UserFactory(is_staff=True, is_superuser=True)))
    return client


def test_admin_lists_and_edits_districts_in_both_languages(admin_client, district):
    changelist = admin_client.get("/en/admin/places/district/?q=" + district.code)
    assert changelist.status_code == 200
    assert district.name_en in changelist.content.decode()

    change = admin_client.get(f"/en/admin/places/district/{district.pk}/change/")
    assert change.status_code == 200
    html = change.content.decode()
    assert 'name="name_ko"' in html and 'name="name_en"' in html


def test_admin_is_closed_to_other_users(client, user, district):
    client.force_login(user)
    response = client.get(f"/en/admin/places/district/{district.pk}/change/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
