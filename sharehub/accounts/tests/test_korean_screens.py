"""The Korean allauth and Django put on the account screens, as the hub overrides it
(accounts/upstream_strings.py): no space before a particle, no untranslated word, one term per
concept (로그인, 비밀번호, 이메일), no "username" where login is by e-mail."""

from __future__ import annotations

import re
from pathlib import Path

import allauth
import django
import polib
import pytest
from django.utils import translation

from sharehub.accounts.tests.factories import PASSWORD, UserFactory, give_totp
from sharehub.accounts.upstream_strings import UPSTREAM_STRINGS

# A particle standing alone after a space ("… 으로 로그인", "… 을 확인"); not 이, which is also
# "this" ("이 동의는").
LOOSE_PARTICLE = re.compile(r"\s(?:을|를|가|은|는|으로|로|의|와|과)\s")
WRONG_WORDS = ("아이디", "secret", "암호", "패스워드", "Select an option", "올비르지", "귀하")
LABEL_COLON = re.compile(r"</label>\s*:|:\s*</label>")


def catalogue_ids(path: Path) -> set:
    entries = polib.pofile(str(path))
    return {e.msgid for e in entries} | {
        (e.msgid, e.msgid_plural) for e in entries if e.msgid_plural
    }


def test_every_override_still_matches_an_upstream_string():
    upstream = catalogue_ids(
        Path(allauth.__file__).parent / "locale/ko/LC_MESSAGES/django.po"
    ) | catalogue_ids(Path(django.__file__).parent / "conf/locale/ko/LC_MESSAGES/django.po")
    for text in UPSTREAM_STRINGS:
        plural = getattr(text, "_kw", {})
        key = (plural["singular"], plural["plural"]) if plural else text
        assert key in upstream, f"no longer in allauth or Django: {key!r}"


def test_django_and_allauth_strings_read_as_the_hub_says_them():
    with translation.override("ko"):
        assert translation.gettext("- Select an option -") == "- 선택하세요 -"
        assert translation.gettext("Remember Me") == "로그인 상태 유지"
        assert translation.gettext("Authenticator secret") == "인증 앱 비밀 키"
    with translation.override("en"):
        assert translation.gettext("Sign In") == "Log in"


INLINE_TAG = re.compile(r"</?(?:a|span|strong|em|code|time)\b[^>]*>")


def main_text(response) -> str:
    """The main part's text as read: inline tags vanish, other tags separate words."""
    html = response.content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    return re.sub(r"<[^>]+>", " ", INLINE_TAG.sub("", main))


def assert_korean_reads_well(label: str, response) -> None:
    assert response.status_code == 200, label
    html = response.content.decode()
    text = main_text(response)
    assert not LOOSE_PARTICLE.search(text), f"{label}: {LOOSE_PARTICLE.search(text).group(0)!r}"
    for word in WRONG_WORDS:
        assert word not in text, f"{label}: {word!r}"
    assert not LABEL_COLON.search(html), label


@pytest.mark.django_db
def test_signed_out_screens(client):
    for path in (
        "/ko/accounts/login/",
        "/ko/accounts/signup/",
        "/ko/accounts/password/reset/",
        "/ko/accounts/password/reset/done/",
        "/ko/accounts/confirm-email/",
    ):
        assert_korean_reads_well(path, client.get(path))


@pytest.mark.django_db
def test_signed_in_screens(client):
    user = UserFactory()
    client.force_login(user)
    client.post("/ko/accounts/reauthenticate/", {"password": PASSWORD})
    for path in (
        "/ko/accounts/email/",
        "/ko/accounts/password/change/",
        "/ko/accounts/2fa/",
        "/ko/accounts/2fa/totp/activate/",
        "/ko/accounts/logout/",
        "/ko/me/privacy/",
    ):
        assert_korean_reads_well(path, client.get(path))
    assert "인증 앱 비밀 키" in client.get("/ko/accounts/2fa/totp/activate/").content.decode()


@pytest.mark.django_db
def test_two_factor_screens_with_recovery_codes(client):
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    user = give_totp(UserFactory(is_city_staff=True))
    RecoveryCodes.activate(user)
    client.force_login(user)
    session = client.session
    session["allauth_2fa_user_id"] = user.pk
    session.save()
    client.post("/ko/accounts/reauthenticate/", {"password": PASSWORD})
    for path in (
        "/ko/accounts/2fa/",
        "/ko/accounts/2fa/recovery-codes/",
        "/ko/accounts/2fa/recovery-codes/generate/",
        "/ko/accounts/2fa/totp/deactivate/",
    ):
        response = client.get(path)
        if response.status_code == 302:  # allauth asks to confirm access first
            response = client.get(response["Location"])
        assert_korean_reads_well(path, response)
    codes = client.get("/ko/accounts/2fa/recovery-codes/").content.decode()
    assert "복구 코드 10개 중 10개를 사용할 수 있습니다." in codes
    assert (
        "계정"
        not in main_text(client.get("/ko/accounts/2fa/recovery-codes/")).split("복구 코드 10개")[0][
            -20:
        ]
    )
