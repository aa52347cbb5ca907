from __future__ import annotations

import json

import pytest
from allauth.account.models import EmailAddress
from django.core.exceptions import PermissionDenied, ValidationError

from sharehub.accounts import services
from sharehub.accounts.models import ApiToken, Consent, User
from sharehub.accounts.tests.factories import PASSWORD


@pytest.mark.django_db
def test_api_token_secret_is_shown_once_and_stored_hashed(user):
    token, secret = services.create_api_token(actor=user, name="script")
    assert secret.startswith("shk_") and len(secret) > 40
    stored = ApiToken.objects.get(pk=token.pk)
    assert secret not in (stored.key_hash, stored.prefix, stored.name)
    assert stored.key_hash == services.hash_token(secret)
    assert services.user_for_token(secret) == user


@pytest.mark.django_db
def test_a_user_cannot_revoke_someone_elses_token(user, other_user):
    token, _ = services.create_api_token(actor=user, name="mine")
    with pytest.raises(ApiToken.DoesNotExist):
        services.revoke_api_token(actor=other_user, token_id=token.pk)
    token.refresh_from_db()
    assert token.revoked_at is None


@pytest.mark.django_db
def test_token_name_is_required(user):
    with pytest.raises(ValidationError) as error:
        services.create_api_token(actor=user, name="   ")
    assert "name" in error.value.message_dict
    assert ApiToken.objects.count() == 0


@pytest.mark.django_db
def test_profile_update_only_by_its_owner(user, other_user):
    with pytest.raises(PermissionDenied):
        services.update_profile(actor=other_user, user=user, display_name="hacked")
    services.update_profile(actor=user, user=user, display_name="  공유 Kim 🌱 ")
    user.refresh_from_db()
    assert user.display_name == "공유 Kim 🌱"


@pytest.mark.django_db
def test_profile_rejects_an_unknown_language(user):
    with pytest.raises(ValidationError) as error:
        services.update_profile(actor=user, user=user, preferred_language="xx")
    assert "preferred_language" in error.value.message_dict


@pytest.mark.django_db
def test_export_contains_the_account_and_is_json(user):
    services.record_consent(user=user, version="2026-11")
    services.create_api_token(actor=user, name="script")
    data = services.export_user_data(user=user)
    text = json.dumps(data, default=str)
    account = data["data"]["account"]
    assert account["email"] == user.email
    assert account["consents"][0]["version"] == "2026-11"
    assert account["api_tokens"][0]["name"] == "script"
    assert "key_hash" not in text


@pytest.mark.django_db
def test_delete_account_erases_personal_data(user, client):
    services.record_consent(user=user, version="2026-11")
    services.create_api_token(actor=user, name="script")
    pk, email = user.pk, user.email
    services.delete_account(actor=user, user=user)
    erased = User.objects.get(pk=pk)
    assert erased.email != email and erased.email.endswith(".invalid")
    assert erased.display_name == "" and not erased.is_active and not erased.has_usable_password()
    assert erased.public_name in ("Former member", "탈퇴한 회원")
    assert not EmailAddress.objects.filter(email=email).exists()
    assert not Consent.objects.filter(user_id=pk).exists()
    assert not ApiToken.objects.filter(user_id=pk).exists()
    assert not client.login(username=email, password=PASSWORD)


@pytest.mark.django_db
def test_nobody_can_delete_another_account(user, other_user):
    with pytest.raises(PermissionDenied):
        services.delete_account(actor=other_user, user=user)
    user.refresh_from_db()
    assert user.is_active
