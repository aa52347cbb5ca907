"""Account mails: the hub's own texts, in the recipient's language, naming the hub, and links a mail
client can follow (each on a line of its own, so no word is taken into the address)."""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import RequestFactory
from django.utils import translation

from sharehub.accounts.adapter import AccountAdapter
from sharehub.accounts.mails import ACCOUNT_MAILS
from sharehub.accounts.tests.factories import (
    PASSWORD,
    REQUIRED_CONSENTS,
    UserFactory,
    current_totp_code,
)
from sharehub.notifications.models import OutboundEmail

# What a mail client (and the hub's own mailbox) takes as a link: the whole URL-looking token.
URL = re.compile(r"https?://\S+")
HANGUL = re.compile("[가-힣]")
HUB = {"ko": "공유허브", "en": "ShareHub"}
NEW_PASSWORD = "another-long-phrase-77"


def signup(client, *, page_lang: str, preferred: str, email: str = "new@example.org"):
    return client.post(
        f"/{page_lang}/accounts/signup/",
        {
            "email": email,
            "password1": "a-long-pass-phrase-42",
            "password2": "a-long-pass-phrase-42",
            "preferred_language": preferred,
            **REQUIRED_CONSENTS,
        },
    )


def path_of(url: str) -> str:
    return "/" + url.split("/", 3)[3]


def assert_links_stand_alone(body: str) -> list[str]:
    """Every link is a line of its own (nothing glued before or after it); returns the links."""
    links = URL.findall(body)
    assert links, body
    for line in body.splitlines():
        if URL.search(line):
            assert URL.fullmatch(line.strip()), f"a link shares its line: {line!r}"
    return links


def assert_reads_in(message, lang: str) -> None:
    text = message.subject + message.body
    assert HUB[lang] in message.subject and HUB[lang] in message.body
    assert bool(HANGUL.search(text)) == (lang == "ko"), text
    assert "%(" not in text and "{{" not in text
    html = message.alternatives[0].content
    assert f'<html lang="{lang}">' in html and HUB[lang] in html


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["ko", "en"])
def test_signup_confirmation_reads_in_the_language_and_its_link_confirms(
    client, django_capture_on_commit_callbacks, lang
):
    with django_capture_on_commit_callbacks(execute=True):
        assert signup(client, page_lang=lang, preferred=lang).status_code == 302
    [message] = mail.outbox
    assert_reads_in(message, lang)
    greeting = message.body.splitlines()[0]
    assert greeting == {"ko": "안녕하세요. 공유허브입니다.", "en": "Hello from ShareHub."}[lang]
    links = assert_links_stand_alone(message.body)
    confirm = next(link for link in links if "/confirm-email/" in link)
    assert path_of(confirm).startswith(f"/{lang}/accounts/confirm-email/")
    # The HTML part carries the same link, as a button and as text.
    assert message.alternatives[0].content.count(f'href="{confirm}"') == 2
    # The link exactly as extracted answers, and confirming it signs the person in.
    assert client.get(path_of(confirm)).status_code == 200
    response = client.post(path_of(confirm))
    assert response.status_code == 302
    assert EmailAddress.objects.get(email="new@example.org").verified
    assert client.get(f"/{lang}/me/").status_code == 200


@pytest.mark.django_db
def test_a_korean_page_mails_an_english_reader_in_english_with_english_links(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        signup(client, page_lang="ko", preferred="en")
    [message] = mail.outbox
    assert_reads_in(message, "en")
    assert all("/en/" in link for link in URL.findall(message.body))


@pytest.mark.django_db
def test_the_hub_is_named_from_settings(client, settings, django_capture_on_commit_callbacks):
    settings.SHAREHUB_CITY = {**settings.SHAREHUB_CITY, "hub_name_ko": "나눔서울"}
    with django_capture_on_commit_callbacks(execute=True):
        signup(client, page_lang="ko", preferred="ko")
    [message] = mail.outbox
    assert message.subject.startswith("[나눔서울] ")
    assert message.body.startswith("안녕하세요. 나눔서울입니다.")
    assert "공유허브" not in message.body


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["ko", "en"])
def test_the_sender_is_the_hub_in_the_mails_language(
    client, django_capture_on_commit_callbacks, lang
):
    with django_capture_on_commit_callbacks(execute=True):
        signup(client, page_lang="ko", preferred=lang)
    [message] = mail.outbox
    assert message.from_email == f"{HUB[lang]} <noreply@sharehub.localhost>"


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["ko", "en"])
def test_password_reset_mail_and_its_link_work_in_the_owners_language(
    client, django_capture_on_commit_callbacks, lang
):
    user = UserFactory(preferred_language=lang)
    other = "en" if lang == "ko" else "ko"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/{other}/accounts/password/reset/", {"email": user.email})
    [message] = mail.outbox
    assert_reads_in(message, lang)
    assert "암호" not in message.body and "패스워드" not in message.body
    [link] = [link for link in assert_links_stand_alone(message.body) if "/key/" in link]
    assert path_of(link).startswith(f"/{lang}/accounts/password/reset/key/")
    response = client.get(path_of(link))  # allauth hides the key behind a redirect
    assert response.status_code == 302
    form_url = response["Location"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    # The owner is told, in their language, with where it came from and a way out.
    notice = mail.outbox[-1]
    assert OutboundEmail.objects.filter(kind="password_reset", user=user).exists()
    assert_reads_in(notice, lang)
    assert "127.0.0.1" in notice.body
    assert_links_stand_alone(notice.body)


@pytest.mark.django_db
def test_password_change_notice_is_mailed_to_the_owner(client, django_capture_on_commit_callbacks):
    user = UserFactory(preferred_language="ko")
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/en/accounts/password/change/",
            {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        )
    assert response.status_code == 302
    [message] = mail.outbox
    assert message.to == [user.email]
    assert_reads_in(message, "ko")
    assert "비밀번호가 변경되었습니다" in message.subject
    [reset] = assert_links_stand_alone(message.body)[:1]
    assert client.get(path_of(reset)).status_code == 200


@pytest.mark.django_db
def test_unknown_address_gets_a_sign_up_link_in_the_page_language(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/en/accounts/password/reset/", {"email": "nobody@example.org"})
    [message] = mail.outbox
    assert_reads_in(message, "en")
    [signup_link, _home] = assert_links_stand_alone(message.body)
    assert path_of(signup_link) == "/en/accounts/signup/"
    assert OutboundEmail.objects.get(kind="unknown_account").user is None


@pytest.mark.django_db
def test_signing_up_with_a_taken_address_mails_its_owner_in_their_language(
    client, django_capture_on_commit_callbacks
):
    owner = UserFactory(preferred_language="en")
    with django_capture_on_commit_callbacks(execute=True):
        signup(client, page_lang="ko", preferred="ko", email=owner.email)
    [message] = mail.outbox
    assert OutboundEmail.objects.get(kind="account_already_exists").user == owner
    assert_reads_in(message, "en")
    assert any("/en/accounts/password/reset/" in link for link in URL.findall(message.body))


@pytest.mark.django_db
def test_turning_on_two_factor_is_mailed(client, django_capture_on_commit_callbacks):
    user = UserFactory(preferred_language="en")
    client.force_login(user)
    client.post("/ko/accounts/reauthenticate/", {"password": PASSWORD})
    page = client.get("/ko/accounts/2fa/totp/activate/")
    secret = page.context["form"].secret
    code = current_totp_code(secret)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/ko/accounts/2fa/totp/activate/", {"code": code})
    assert response.status_code == 302
    kinds = list(OutboundEmail.objects.filter(user=user).values_list("kind", flat=True))
    assert "totp_activated" in kinds
    message = next(m for m in mail.outbox if "Two-factor" in m.subject)
    assert_reads_in(message, "en")


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["ko", "en"])
@pytest.mark.parametrize("prefix", sorted(ACCOUNT_MAILS))
def test_every_account_mail_renders_in_both_languages(
    rf_request, django_capture_on_commit_callbacks, prefix, lang
):
    """Each mail of the table, with the context allauth gives it: translated, the hub named,
    every link alone on its line and an HTML part."""
    user = UserFactory(preferred_language=lang, email="owner@example.org")
    context = {
        "user": user,
        "activate_url": "https://hub.example/x/accounts/confirm-email/KEY:1/",
        "password_reset_url": "https://hub.example/x/accounts/password/reset/key/1-set/",
        "signup_url": "https://hub.example/x/accounts/signup/",
        "from_email": "old@example.org",
        "to_email": "new@example.org",
        "deleted_email": "gone@example.org",
        "provider": "Kakao",
        "ip": "203.0.113.9",
        "user_agent": "Firefox",
    }
    adapter = AccountAdapter(rf_request)
    with (
        django_capture_on_commit_callbacks(execute=True),
        translation.override("ko" if lang == "en" else "en"),
    ):
        adapter.send_mail(prefix, user.email, context)
    [message] = mail.outbox
    assert_reads_in(message, lang)
    links = assert_links_stand_alone(message.body)
    if ACCOUNT_MAILS[prefix].link:
        assert context[ACCOUNT_MAILS[prefix].link] in links
    if ACCOUNT_MAILS[prefix].notice:
        assert "203.0.113.9" in message.body
        assert any(link.endswith(f"/{lang}/accounts/password/reset/") for link in links)


@pytest.mark.django_db
def test_a_mail_without_the_hubs_text_still_names_the_hub(
    rf_request, django_capture_on_commit_callbacks
):
    """allauth's own template (for a mail a later allauth adds) reads the hub as its site."""
    user = UserFactory(preferred_language="en")
    with django_capture_on_commit_callbacks(execute=True):
        AccountAdapter(rf_request).send_mail(
            "account/email/email_confirm", user.email, {"user": user, "ip": "", "user_agent": ""}
        )
    [message] = mail.outbox
    assert "Hello from ShareHub!" in message.body
    assert "[ShareHub]" in message.subject


@pytest.fixture
def rf_request(db):
    from allauth.core import context

    request = RequestFactory().get("/")
    request.META["REMOTE_ADDR"] = "203.0.113.9"
    with context.request_context(request):
        yield request
