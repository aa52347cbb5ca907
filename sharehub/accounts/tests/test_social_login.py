"""Sign-up and login with Kakao and Naver through allauth, the providers' HTTP answers replayed.

The providers are outside the hub: every request allauth makes to them goes through requests'
transport, which the tests replace with the answers in `provider_answers/` (any other request
fails the test). Everything inside the hub runs for real: the OAuth state, the token exchange, the
profile, the sign-up form with its consents and age confirmation, the session.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount, SocialApp
from django.core import mail

from sharehub.accounts import services
from sharehub.accounts.models import Consent, User
from sharehub.accounts.tests.factories import REQUIRED_CONSENTS, UserFactory

ANSWERS = Path(__file__).parent / "provider_answers"
ENDPOINTS = {
    "kakao": {
        "authorize": "kauth.kakao.com",
        "token": ("POST", "https://kauth.kakao.com/oauth/token"),
        "profile": ("GET", "https://kapi.kakao.com/v2/user/me"),
        "email": "kakao-friend@example.org",
        "nickname": "공유좋아",
    },
    "naver": {
        "authorize": "nid.naver.com",
        "token": ("POST", "https://nid.naver.com/oauth2.0/token"),
        "profile": ("GET", "https://openapi.naver.com/v1/nid/me"),
        "email": "naver-friend@example.org",
        "nickname": "나눔러",
    },
}


class RecordedProvider:
    """Answers each provider endpoint with its recorded JSON; keeps the requests made."""

    def __init__(self) -> None:
        self.answers: dict[tuple[str, str], str] = {}
        self.requests: list[requests.PreparedRequest] = []

    def answer(self, provider: str, *, profile: str = "") -> None:
        endpoints = ENDPOINTS[provider]
        self.answers[endpoints["token"]] = f"{provider}_token.json"
        self.answers[endpoints["profile"]] = profile or f"{provider}_profile.json"

    def send(self, transport, request: requests.PreparedRequest, **kwargs) -> requests.Response:
        self.requests.append(request)
        key = (request.method or "", (request.url or "").split("?")[0])
        assert key in self.answers, f"unexpected request to a provider: {key}"
        response = requests.Response()
        response.status_code = 200
        response._content = (ANSWERS / self.answers[key]).read_bytes()
        response.headers["Content-Type"] = "application/json;charset=UTF-8"
        response.encoding = "utf-8"
        response.url = request.url or ""
        response.request = request
        return response


@pytest.fixture
def providers(settings, monkeypatch) -> RecordedProvider:
    """Kakao and Naver switched on (as the environment would) and their answers replayed."""
    settings.SOCIALACCOUNT_PROVIDERS = {
        name: {"APPS": [{"client_id": f"{name}-client-id", "secret": f"{name}-secret"}]}
        for name in ENDPOINTS
    }
    recorded = RecordedProvider()
    monkeypatch.setattr(
        requests.adapters.HTTPAdapter,
        "send",
        lambda transport, request, **kw: recorded.send(transport, request, **kw),
    )
    return recorded


def leave_for(client, provider: str, lang: str = "ko") -> dict[str, list[str]]:
    """Press the provider's button: the hub sends the browser to the provider with a state."""
    response = client.post(f"/{lang}/accounts/{provider}/login/?process=login")
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.scheme == "https" and location.netloc == ENDPOINTS[provider]["authorize"]
    query = parse_qs(location.query)
    assert query["client_id"] == [f"{provider}-client-id"]
    assert query["redirect_uri"] == [
        f"http://testserver/{lang}/accounts/{provider}/login/callback/"
    ]
    return query


def come_back(client, provider: str, query: dict, lang: str = "ko"):
    """The provider sends the browser back with a code and the state it was given."""
    return client.get(
        f"/{lang}/accounts/{provider}/login/callback/",
        {"code": "code-from-the-provider", "state": query["state"][0]},
    )


def consents_and_profile(email: str, **extra) -> dict:
    return {
        "email": email,
        "display_name": "",
        "preferred_language": "ko",
        **REQUIRED_CONSENTS,
        **extra,
    }


@pytest.mark.django_db
@pytest.mark.parametrize("provider", ["kakao", "naver"])
def test_new_person_signs_up_with_the_provider_giving_the_consents(
    client, providers, django_capture_on_commit_callbacks, provider
):
    providers.answer(provider)
    endpoints = ENDPOINTS[provider]
    response = come_back(client, provider, leave_for(client, provider))
    # A new person always passes through the hub's sign-up form.
    assert response.status_code == 302
    assert response["Location"] == "/ko/accounts/3rdparty/signup/"
    token_request, profile_request = providers.requests
    assert (token_request.method, token_request.url) == endpoints["token"]
    token_form = parse_qs(token_request.body)
    assert token_form["code"] == ["code-from-the-provider"]
    assert token_form["grant_type"] == ["authorization_code"]
    assert profile_request.headers["Authorization"] == f"Bearer {provider}-access-token-for-tests"

    page = client.get("/ko/accounts/3rdparty/signup/")
    html = page.content.decode()
    assert page.status_code == 200
    assert page.context["form"]["email"].value() == endpoints["email"]
    assert page.context["form"]["display_name"].value() == endpoints["nickname"]
    for field in ("consent_age", "consent_terms", "consent_privacy", "consent_newsletter"):
        assert f'name="{field}"' in html
    assert "보유·이용 기간" in html  # the collection notice is shown before the consent

    # Without the age confirmation nobody is created, and the reason is given in Korean.
    data = consents_and_profile(endpoints["email"], display_name=endpoints["nickname"])
    refused = client.post("/ko/accounts/3rdparty/signup/", {**data, "consent_age": ""})
    assert refused.status_code == 200
    assert "법정대리인의 동의" in refused.content.decode()
    assert not User.objects.filter(email=endpoints["email"]).exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/ko/accounts/3rdparty/signup/", {**data, "consent_newsletter": "on"}
        )
    assert response.status_code == 302
    user = User.objects.get(email=endpoints["email"])
    assert client.session["_auth_user_id"] == str(user.pk)  # the provider vouched for the address
    assert user.display_name == endpoints["nickname"]
    assert not user.has_usable_password()
    assert SocialAccount.objects.get(user=user).provider == provider
    assert EmailAddress.objects.get(user=user).verified
    assert services.consents_in_force(user) == {"age", "terms", "privacy", "newsletter"}
    assert all(c.ip_address == "127.0.0.1" for c in Consent.objects.filter(user=user))


@pytest.mark.django_db
@pytest.mark.parametrize("provider", ["kakao", "naver"])
def test_a_returning_person_logs_in_without_the_form(client, providers, provider):
    providers.answer(provider)
    come_back(client, provider, leave_for(client, provider))
    email = ENDPOINTS[provider]["email"]
    client.post("/ko/accounts/3rdparty/signup/", consents_and_profile(email))
    client.post("/ko/accounts/logout/")
    assert "_auth_user_id" not in client.session

    response = come_back(client, provider, leave_for(client, provider, lang="en"), lang="en")
    assert response.status_code == 302 and "/signup/" not in response["Location"]
    assert client.session["_auth_user_id"] == str(User.objects.get(email=email).pk)
    assert User.objects.count() == 1


@pytest.mark.django_db
def test_kakao_without_an_email_asks_for_one_and_confirms_it(
    client, providers, django_capture_on_commit_callbacks
):
    providers.answer("kakao", profile="kakao_profile_without_email.json")
    come_back(client, "kakao", leave_for(client, "kakao"))
    page = client.get("/ko/accounts/3rdparty/signup/")
    assert page.context["form"]["email"].value() in (None, "")
    refused = client.post("/ko/accounts/3rdparty/signup/", consents_and_profile(""))
    assert refused.status_code == 200 and not User.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/ko/accounts/3rdparty/signup/", consents_and_profile("typed@example.org")
        )
    assert response.status_code == 302
    assert "/accounts/confirm-email/" in response["Location"]
    assert "_auth_user_id" not in client.session  # not until the address is confirmed
    [message] = mail.outbox
    assert message.to == ["typed@example.org"] and "공유허브" in message.subject


@pytest.mark.django_db
def test_the_address_of_an_existing_account_is_not_taken_over(
    client, providers, django_capture_on_commit_callbacks
):
    """The page answers as for any address (nothing is revealed); the owner is told by mail."""
    owner = UserFactory(email=ENDPOINTS["kakao"]["email"], preferred_language="en")
    providers.answer("kakao")
    come_back(client, "kakao", leave_for(client, "kakao"))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/ko/accounts/3rdparty/signup/", consents_and_profile(owner.email))
    assert response.status_code == 302 and "/accounts/confirm-email/" in response["Location"]
    assert "_auth_user_id" not in client.session
    assert not SocialAccount.objects.exists() and User.objects.count() == 1
    [message] = mail.outbox
    assert message.to == [owner.email] and "You already have an account" in message.subject


@pytest.mark.django_db
def test_a_tampered_state_is_refused(client, providers):
    providers.answer("kakao")
    leave_for(client, "kakao")
    response = come_back(client, "kakao", {"state": ["not-the-state"]})
    assert response.status_code == 401
    assert "외부 계정으로 로그인하는 중에 오류가 발생했습니다." in response.content.decode()
    assert not providers.requests  # the code was never exchanged
    assert not User.objects.exists()


@pytest.mark.django_db
def test_login_and_signup_pages_offer_the_providers_switched_on(client, providers):
    for path in ("/ko/accounts/login/", "/ko/accounts/signup/"):
        html = client.get(path).content.decode()
        assert "카카오로 계속하기" in html and "네이버로 계속하기" in html
        assert 'action="/ko/accounts/kakao/login/?process=login"' in html
    html = client.get("/en/accounts/login/").content.decode()
    assert "Continue with Kakao" in html


@pytest.mark.django_db
def test_without_keys_the_providers_are_off(client, settings):
    settings.SOCIALACCOUNT_PROVIDERS = {}
    # A key stored in the database (allauth's own way) does not switch a provider on either.
    SocialApp.objects.create(provider="kakao", name="Kakao", client_id="db-id", secret="db")
    html = client.get("/ko/accounts/login/").content.decode()
    assert "카카오" not in html and "provider-list" not in html
    assert client.post("/ko/accounts/kakao/login/").status_code == 404
    assert client.get("/ko/accounts/naver/login/callback/?code=x&state=y").status_code == 404


@pytest.mark.django_db
def test_the_social_account_is_in_the_export_and_gone_after_deletion(client, providers):
    providers.answer("kakao")
    come_back(client, "kakao", leave_for(client, "kakao"))
    client.post("/ko/accounts/3rdparty/signup/", consents_and_profile(ENDPOINTS["kakao"]["email"]))
    user = User.objects.get(email=ENDPOINTS["kakao"]["email"])
    exported = json.loads(client.get("/ko/me/privacy/export/").content)["data"]["account"]
    [social] = exported["social_accounts"]
    assert social["provider"] == "kakao" and social["uid"] == "4242424242"
    assert {c["kind"] for c in exported["consents"]} == {"age", "terms", "privacy"}
    client.post("/ko/me/privacy/delete/", {"confirm": "내 계정 삭제"})
    assert not SocialAccount.objects.filter(user=user).exists()
