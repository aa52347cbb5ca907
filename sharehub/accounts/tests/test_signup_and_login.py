"""Sign-up with consent and e-mail verification, login rate limits, two-factor for privileged roles."""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import (
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.core import mail

from sharehub.accounts.models import Consent, User
from sharehub.accounts.tests.factories import PASSWORD, REQUIRED_CONSENTS, UserFactory
from sharehub.notifications.models import OutboundEmail

SIGNUP = "/{lang}/accounts/signup/"


def signup_data(**overrides):
    data = {
        "email": "새친구@example.org".replace("새친구", "newfriend"),
        "password1": "a-long-pass-phrase-42",
        "password2": "a-long-pass-phrase-42",
        "display_name": "공유 좋아 🚲 Kim",
        "preferred_language": "en",
        **REQUIRED_CONSENTS,
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_signup_records_consent_and_sends_verification_through_the_outbox(
    client, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(SIGNUP.format(lang="ko"), signup_data())
    assert response.status_code == 302
    user = User.objects.get(email="newfriend@example.org")
    assert user.display_name == "공유 좋아 🚲 Kim"  # emoji and mixed text kept exactly
    assert user.preferred_language == "en"
    consent = Consent.objects.get(user=user, kind=Consent.Kind.TERMS)
    assert consent.version == settings.SHAREHUB_TERMS_VERSION and consent.given_at is not None
    outbound = OutboundEmail.objects.get(to=["newfriend@example.org"])
    assert outbound.status == OutboundEmail.Status.SENT
    assert len(mail.outbox) == 1
    # The user chose English, so the mail is in English even though the page was Korean.
    assert "Confirm" in mail.outbox[0].subject or "confirm" in mail.outbox[0].body.lower()
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[0].body).group(0)
    path = link.split("testserver", 1)[-1] if "testserver" in link else "/" + link.split("/", 3)[3]
    client.post(path)
    assert EmailAddress.objects.get(user=user).verified


@pytest.mark.django_db
def test_signup_without_consent_is_refused_with_a_korean_message(client):
    response = client.post(SIGNUP.format(lang="ko"), signup_data(consent_terms=""))
    assert response.status_code == 200
    assert "계정을 만들려면 이 항목에 동의해야 합니다." in response.content.decode()
    assert not User.objects.filter(email="newfriend@example.org").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "field,value,lang,message",
    [
        ("email", "not-an-email", "en", "Enter a valid email address."),
        ("email", "not-an-email", "ko", "올바른 이메일 주소를 입력하세요."),
        ("display_name", "x" * 81, "en", "Ensure this value has at most 80 characters"),
        (
            "password2",
            "different-pass-phrase-1",
            "en",
            "You must type the same password each time.",
        ),
    ],
)
def test_signup_bad_input_gets_field_errors_in_the_users_language(
    client, field, value, lang, message
):
    response = client.post(SIGNUP.format(lang=lang), signup_data(**{field: value}))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert User.objects.count() == 0
    assert Consent.objects.count() == 0


@pytest.mark.django_db
def test_script_in_display_name_is_kept_as_text_and_escaped(client):
    client.post(SIGNUP.format(lang="en"), signup_data(display_name="<script>alert(1)</script>"))
    user = User.objects.get(email="newfriend@example.org")
    assert user.display_name == "<script>alert(1)</script>"
    client.force_login(user)
    html = client.get("/en/me/").content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.django_db
def test_login_failures_are_rate_limited(client):
    user = UserFactory()
    for _ in range(5):
        client.post("/en/accounts/login/", {"login": user.email, "password": "wrong-password"})
    response = client.post("/en/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert response.status_code == 429 or "Too many" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_login_works_with_the_right_password(client):
    user = UserFactory()
    response = client.post("/en/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["is_city_staff", "is_moderator", "is_superuser"])
def test_privileged_roles_must_set_up_two_factor(client, role):
    user = UserFactory(**{role: True})
    client.force_login(user)
    response = client.get("/en/me/")
    assert response.status_code == 302
    assert "/accounts/2fa/totp/activate/" in response["Location"]
    # The set-up page stays reachable (after confirming the password, as allauth asks).
    response = client.get("/en/accounts/2fa/totp/activate/")
    assert response.status_code == 200 or "/accounts/reauthenticate/" in response["Location"]
    assert client.get("/en/accounts/reauthenticate/").status_code == 200


@pytest.mark.django_db
def test_citizens_are_not_forced_into_two_factor(client, user):
    client.force_login(user)
    assert client.get("/en/me/").status_code == 200


@pytest.mark.django_db
def test_staff_login_asks_for_the_totp_code(client, city_staff):
    response = client.post("/en/accounts/login/", {"login": city_staff.email, "password": PASSWORD})
    assert response.status_code == 302 and "2fa/authenticate" in response["Location"]
    assert "_auth_user_id" not in client.session
    counter = next(iter(yield_hotp_counters_from_time()))
    code = format_hotp_value(hotp_value(city_staff.totp_secret, counter))
    response = client.post(response["Location"], {"code": code})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(city_staff.pk)
    assert client.get("/en/me/").status_code == 200


@pytest.mark.django_db
def test_password_reset_mail_goes_to_the_outbox(client, user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/ko/accounts/password/reset/", {"email": user.email})
    assert response.status_code == 302
    assert OutboundEmail.objects.filter(to=[user.email]).exists()
    assert len(mail.outbox) == 1
