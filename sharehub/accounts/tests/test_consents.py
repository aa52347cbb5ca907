"""Sign-up consents under PIPA: separate required and optional consents, each recorded with its
version, time and address; the age confirmation; withdrawing the optional one."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.test import Client

from sharehub.accounts import services
from sharehub.accounts.consents import CONSENTS_BY_KIND, SIGNUP_CONSENTS
from sharehub.accounts.models import Consent, User
from sharehub.accounts.signals import consent_changed
from sharehub.accounts.tests.factories import REQUIRED_CONSENTS

PASSWORD = "a-long-pass-phrase-42"


def signup(client, lang: str = "ko", **overrides):
    data = {
        "email": "citizen@example.org",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "preferred_language": lang,
        **REQUIRED_CONSENTS,
    }
    data.update(overrides)
    return client.post(f"/{lang}/accounts/signup/", data, REMOTE_ADDR="198.51.100.7")


@pytest.mark.django_db
def test_each_consent_is_recorded_with_its_version_time_and_address(client, settings):
    settings.SHAREHUB_TERMS_VERSION = "2027-01"
    assert signup(client, consent_newsletter="on").status_code == 302
    user = User.objects.get(email="citizen@example.org")
    recorded = {c.kind: c for c in user.consents.all()}
    assert set(recorded) == {"age", "terms", "privacy", "newsletter"}
    assert recorded["terms"].version == "2027-01"
    for spec in SIGNUP_CONSENTS:
        consent = recorded[spec.kind]
        assert consent.version == spec.version
        assert consent.ip_address == "198.51.100.7"
        assert consent.given_at is not None and consent.withdrawn_at is None


@pytest.mark.django_db
def test_the_optional_consent_is_optional(client):
    assert signup(client).status_code == 302
    user = User.objects.get(email="citizen@example.org")
    assert services.consents_in_force(user) == {"age", "terms", "privacy"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "missing,lang,message",
    [
        ("consent_terms", "ko", "계정을 만들려면 이 항목에 동의해야 합니다."),
        ("consent_privacy", "ko", "계정을 만들려면 이 항목에 동의해야 합니다."),
        ("consent_privacy", "en", "This consent is required to create an account."),
        ("consent_age", "ko", "만 14세 미만 아동은 법정대리인의 동의가 필요"),
        ("consent_age", "en", "Children under 14 need the consent of a legal guardian"),
    ],
)
def test_a_missing_required_consent_refuses_the_sign_up(client, missing, lang, message):
    response = signup(client, lang=lang, **{missing: ""})
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert 'aria-invalid="true"' in html
    assert not User.objects.exists() and not Consent.objects.exists()


@pytest.mark.django_db
def test_the_form_shows_the_collection_notice_and_marks_required_and_optional(client):
    html = client.get("/ko/accounts/signup/").content.decode()
    for heading in ("수집 항목", "수집·이용 목적", "보유·이용 기간", "동의를 거부할 권리"):
        assert heading in html
    assert html.count("[필수]") == 3 and html.count("[선택]") == 1
    # The notice comes before the consent that refers to it ("as described above").
    assert html.index("보유·이용 기간") < html.index('name="consent_privacy"')
    # No combined checkbox any more.
    assert 'name="accept_terms"' not in html


@pytest.mark.django_db
def test_the_service_refuses_a_sign_up_without_the_required_consents(user):
    with pytest.raises(ValidationError) as error:
        services.complete_signup_profile(
            user=user,
            display_name="",
            preferred_language="ko",
            home_district=None,
            consents=["terms", "newsletter"],
        )
    assert set(error.value.message_dict) == {"consent_age", "consent_privacy"}
    assert not user.consents.exists()


@pytest.mark.django_db
def test_withdrawing_and_giving_again_keeps_the_history(user):
    seen = []

    def record(**kwargs):
        seen.append((kwargs["kind"], kwargs["given"]))

    consent_changed.connect(record, dispatch_uid="test-consents")
    try:
        services.set_optional_consent(actor=user, kind="newsletter", given=True, ip_address="::1")
        services.set_optional_consent(actor=user, kind="newsletter", given=True)  # no second row
        services.set_optional_consent(actor=user, kind="newsletter", given=False)
        services.set_optional_consent(actor=user, kind="newsletter", given=False)  # nothing left
        services.set_optional_consent(actor=user, kind="newsletter", given=True)
    finally:
        consent_changed.disconnect(dispatch_uid="test-consents")
    rows = list(user.consents.filter(kind="newsletter").order_by("pk"))
    assert len(rows) == 2
    assert rows[0].withdrawn_at is not None and rows[0].ip_address == "::1"
    assert rows[1].withdrawn_at is None
    assert seen == [("newsletter", True), ("newsletter", False), ("newsletter", True)]


@pytest.mark.django_db
def test_required_consents_cannot_be_withdrawn_and_strangers_cannot_act(user):
    with pytest.raises(ValidationError):
        services.set_optional_consent(actor=user, kind="privacy", given=False)
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        services.set_optional_consent(actor=AnonymousUser(), kind="newsletter", given=True)


@pytest.mark.django_db
def test_the_database_keeps_one_consent_in_force_per_version(user):
    Consent.objects.create(user=user, kind="terms", version="v1")
    with pytest.raises(IntegrityError), transaction.atomic():
        Consent.objects.create(user=user, kind="terms", version="v1")


@pytest.mark.django_db
def test_privacy_page_lists_consents_and_withdraws_the_optional_one(client, user):
    services.record_consent(user=user, kind="terms", version="2026-11")
    services.set_optional_consent(actor=user, kind="newsletter", given=True)
    client.force_login(user)
    html = client.get("/ko/me/privacy/").content.decode()
    assert "이용약관" in html and "소식 및 안내 이메일 수신" in html and "동의 철회" in html
    response = client.post("/ko/me/privacy/consent/", {"kind": "newsletter", "given": "0"})
    assert response.status_code == 302
    assert services.consents_in_force(user) == {"terms"}
    # A required consent cannot be withdrawn through the page either.
    client.post("/ko/me/privacy/consent/", {"kind": "terms", "given": "0"})
    assert services.consents_in_force(user) == {"terms"}
    assert Client().post("/ko/me/privacy/consent/", {"kind": "newsletter"}).status_code == 302


@pytest.mark.django_db
def test_the_export_holds_every_consent_with_version_time_address_and_withdrawal(client, user):
    services.record_consent(user=user, kind="terms", version="2026-11", ip_address="192.0.2.1")
    services.set_optional_consent(actor=user, kind="newsletter", given=True)
    services.set_optional_consent(actor=user, kind="newsletter", given=False)
    client.force_login(user)
    exported = json.loads(client.get("/en/me/privacy/export/").content)
    consents = exported["data"]["account"]["consents"]
    assert [c["kind"] for c in consents] == ["terms", "newsletter"]
    assert consents[0]["version"] == "2026-11" and consents[0]["ip_address"] == "192.0.2.1"
    assert consents[0]["withdrawn_at"] is None and consents[1]["withdrawn_at"] is not None
    assert consents[1]["version"] == CONSENTS_BY_KIND["newsletter"].version
