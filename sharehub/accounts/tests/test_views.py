from __future__ import annotations

import json

import pytest

from sharehub.accounts.models import ApiToken, User


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/ko/me/", "/ko/me/tokens/", "/ko/me/privacy/", "/ko/me/privacy/export/"]
)
def test_account_pages_need_login(client, path):
    response = client.get(path)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/ko/me/tokens/1/revoke/", "/ko/me/privacy/delete/"])
def test_account_writes_need_login(client, path):
    response = client.post(path)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.django_db
def test_profile_form_saves_and_rejects_bad_input(client, user, district):
    client.force_login(user)
    response = client.post("/en/me/", {"display_name": "x" * 81, "preferred_language": "en"})
    assert response.status_code == 200
    assert "Ensure this value has at most 80 characters" in response.content.decode()
    user.refresh_from_db()
    assert user.display_name != "x" * 81
    response = client.post(
        "/en/me/",
        {"display_name": "Kim 김", "preferred_language": "en", "home_district": district.pk},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.display_name, user.preferred_language, user.home_district) == (
        "Kim 김",
        "en",
        district,
    )


@pytest.mark.django_db
def test_token_page_shows_the_secret_once(client, user):
    client.force_login(user)
    response = client.post("/en/me/tokens/", {"name": "sync"})
    html = response.content.decode()
    token = ApiToken.objects.get(user=user)
    assert 'data-testid="new-token"' in html
    assert client.get("/en/me/tokens/").content.decode().count('data-testid="new-token"') == 0
    assert token.prefix in html


@pytest.mark.django_db
def test_revoking_another_users_token_does_nothing(client, user, other_user):
    from sharehub.accounts import services

    token, _ = services.create_api_token(actor=other_user, name="theirs")
    client.force_login(user)
    client.post(f"/en/me/tokens/{token.pk}/revoke/")
    token.refresh_from_db()
    assert token.revoked_at is None


@pytest.mark.django_db
def test_export_downloads_json(client, user):
    client.force_login(user)
    response = client.get("/en/me/privacy/export/")
    assert response["Content-Disposition"].startswith("attachment;")
    assert json.loads(response.content)["data"]["account"]["email"] == user.email


@pytest.mark.django_db
@pytest.mark.parametrize(
    "lang,phrase,wrong",
    [("en", "delete my account", "DELETE"), ("ko", "내 계정 삭제", "delete")],
)
def test_delete_needs_the_phrase_in_the_readers_language(client, user, lang, phrase, wrong):
    client.force_login(user)
    page = client.get(f"/{lang}/me/privacy/").content.decode()
    assert f"<strong>{phrase}</strong>" in page
    response = client.post(f"/{lang}/me/privacy/delete/", {"confirm": wrong})
    assert response.status_code == 400
    assert phrase in response.content.decode()  # the error repeats the phrase to type
    assert User.objects.get(pk=user.pk).is_active
    # Spacing and case do not matter; the words do.
    response = client.post(f"/{lang}/me/privacy/delete/", {"confirm": f"  {phrase.upper()} "})
    assert response.status_code == 302
    assert not User.objects.get(pk=user.pk).is_active
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_delete_accepts_the_phrase_of_the_other_language(client, user):
    """A person reading the English page with a Korean keyboard (or the other way round)."""
    client.force_login(user)
    response = client.post("/en/me/privacy/delete/", {"confirm": "내 계정 삭제"})
    assert response.status_code == 302
    assert not User.objects.get(pk=user.pk).is_active
