"""A new citizen signs up in Korean and in English with the separate consents, receives the
confirmation on a real SMTP server, follows the link exactly as a mail client finds it, ends logged
in, logs in again, and sets up two-factor authentication; axe-core on each page at 1280 and 375 px."""

from __future__ import annotations

import re
import time

import pytest

from e2e.conftest import assert_accessible
from e2e.pages import url

pytestmark = pytest.mark.e2e

PASSWORD = "a-long-pass-phrase-42"
# What a mail client turns into a link: the whole URL-looking token, up to the next space.
LINK = re.compile(r"https?://\S+")
HUB = {"ko": "공유허브", "en": "ShareHub"}
TEXTS = {
    "ko": {
        "greeting": "안녕하세요. 공유허브입니다.",
        "under_14": "만 14세 미만 아동은 법정대리인의 동의가 필요",
        "display": "새 시민 🚲",
        "district": "마포구",
    },
    "en": {
        "greeting": "Hello from ShareHub.",
        "under_14": "Children under 14 need the consent of a legal guardian",
        "display": "New citizen 🚲",
        "district": "Mapo-gu",
    },
}


def wait_for_mail(smtp_server, count: int, timeout: float = 10.0) -> list:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with smtp_server.lock:
            if len(smtp_server.messages) >= count:
                return list(smtp_server.messages)
        time.sleep(0.1)
    raise AssertionError(f"expected {count} e-mails, got {len(smtp_server.messages)}")


def is_logged_in(page) -> bool:
    """The browser's session opens the account page (an anonymous one is sent to log in)."""
    return page.request.get("/en/me/", max_redirects=0).status == 200


def submit(form) -> None:
    with form.page.expect_navigation():
        form.locator("button[type=submit]").last.click()


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_sign_up_confirm_from_the_mail_log_in_and_set_up_two_factor(
    make_page, axe, screenshot, hub_data, smtp_server, live_server, lang
):
    from sharehub.accounts.models import User
    from sharehub.accounts.tests.factories import current_totp_code

    texts = TEXTS[lang]
    email = f"citizen-{lang}@example.org"
    results: dict[str, list] = {}

    phone = make_page(lang=lang, device="phone", bypass_csp=True)
    phone.goto(url("account_signup", lang))
    results["signup-375"] = axe(phone)
    screenshot(phone, f"account-{lang}-1-signup-375")

    page = make_page(lang=lang, bypass_csp=True)
    page.goto(url("account_signup", lang))
    results["signup-1280"] = axe(page)
    form = page.locator("main form.signup-form")
    form.locator("#id_email").fill(email)
    form.locator("#id_password1").fill(PASSWORD)
    form.locator("#id_password2").fill(PASSWORD)
    form.locator("#id_display_name").fill(texts["display"])
    form.locator("#id_preferred_language").select_option(lang)
    form.locator("#id_home_district").select_option(label=texts["district"])
    # Each consent is its own checkbox; "agree to all" checks and unchecks them together.
    form.locator("#consent-all").check()
    assert form.locator("input[name^=consent_]:checked").count() == 4
    form.locator("#consent-all").uncheck()
    assert form.locator("input[name^=consent_]:checked").count() == 0
    form.locator("#id_consent_terms").check()
    form.locator("#id_consent_privacy").check()
    screenshot(page, f"account-{lang}-1-signup-1280")

    # Under 14 (the age box left unchecked): told why, and no account is created.
    submit(form)
    page.wait_for_load_state()
    assert texts["under_14"] in page.locator("main").inner_text()
    assert not User.objects.filter(email=email).exists()
    results["signup-refused"] = axe(page)
    form = page.locator("main form.signup-form")
    for field in ("#id_password1", "#id_password2"):
        form.locator(field).fill(PASSWORD)
    for consent in ("#id_consent_age", "#id_consent_terms", "#id_consent_privacy"):
        form.locator(consent).check()
    submit(form)
    page.wait_for_url(re.compile(r"/accounts/confirm-email/$"))
    results["verification-sent"] = axe(page)
    user = User.objects.get(email=email)
    assert {c.kind for c in user.consents.all()} == {"age", "terms", "privacy"}

    # The mail, as the SMTP server received it: the hub named, in the person's language.
    [message] = wait_for_mail(smtp_server, 1)
    assert message["To"] == email and HUB[lang] in message["Subject"]
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    assert text.startswith(texts["greeting"]), text
    links = LINK.findall(text)
    [confirm] = [link for link in links if "/accounts/confirm-email/" in link]
    assert confirm.startswith(f"{live_server.url}/{lang}/accounts/confirm-email/")
    assert confirm.endswith("/"), confirm  # nothing glued after the address

    mail_page = make_page(lang=lang, bypass_csp=True)
    mail_page.set_content(html)
    results["mail-html"] = axe(mail_page)
    screenshot(mail_page, f"account-{lang}-2-confirmation-mail")

    # Follow the link exactly as extracted, confirm, and end logged in.
    page.goto(confirm)
    results["confirm"] = axe(page)
    screenshot(page, f"account-{lang}-3-confirm")
    submit(page.locator("main form"))
    page.wait_for_load_state()
    assert is_logged_in(page)
    assert user.emailaddress_set.get(email=email).verified

    # Log out and in again through the login form.
    page.goto(url("account_logout", lang))
    results["logout"] = axe(page)
    submit(page.locator("main form"))
    page.wait_for_load_state()
    assert not is_logged_in(page)
    page.goto(url("account_login", lang))
    results["login"] = axe(page)
    screenshot(page, f"account-{lang}-4-login")
    login = page.locator("main form.login-form")
    login.locator("#id_login").fill(email)
    login.locator("#id_password").fill(PASSWORD)
    submit(login)
    page.wait_for_load_state()
    assert is_logged_in(page)

    # Two-factor authentication: the set-up page, the code, the recovery codes.
    page.goto(url("mfa_activate_totp", lang))
    if "/reauthenticate/" in page.url:  # allauth asks for the password again first
        results["reauthenticate"] = axe(page)
        screenshot(page, f"account-{lang}-5-reauthenticate")
        page.locator("main form input[name=password]").fill(PASSWORD)
        submit(page.locator("main form"))
        page.wait_for_url(re.compile(r"/2fa/totp/activate/$"))
    results["totp-activate"] = axe(page)
    screenshot(page, f"account-{lang}-5-two-factor-setup")
    secret = page.locator("#authenticator_secret").input_value()
    code = current_totp_code(secret)
    page.locator("main form input[name=code]").fill(code)
    submit(page.locator("main form"))
    page.wait_for_load_state()
    page.goto(url("mfa_view_recovery_codes", lang))
    results["recovery-codes"] = axe(page)
    screenshot(page, f"account-{lang}-6-recovery-codes")
    assert page.locator("#recovery_codes").input_value().count("\n") == 9

    # The notice of the change reaches the owner, in their language, over SMTP too.
    notices = [m for m in wait_for_mail(smtp_server, 2)[1:] if m["To"] == email]
    assert notices and HUB[lang] in notices[0]["Subject"]

    phone.goto(url("account_login", lang))
    results["login-375"] = axe(phone)
    assert_accessible(results)
