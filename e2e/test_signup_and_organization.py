"""A person signs up, verifies their e-mail, creates an organization and invites a member,
through the real pages, in Korean and in English."""

from __future__ import annotations

import re

import pytest

from e2e.pages import LANGUAGES, url

pytestmark = pytest.mark.e2e

PASSWORD = "a-long-pass-phrase-42"
HANGUL = re.compile("[가-힣]")
# The e-mail links are absolute (the hub's address); the browser follows the path on the test server.
CONFIRM_PATH = re.compile(r"/(?:ko|en)/accounts/confirm-email/[^\s/]+/")
ACCEPT_PATH = re.compile(r"/(?:ko|en)/organizations/invitations/[^\s/]+/")

NAMES = {
    "ko": {
        "display": "공유 좋아 🚲 Kim",
        "district": "마포구",
        "org_ko": "망원동 장난감 나눔터",
        "org_en": "Mangwon Toy Share",
    },
    "en": {
        "display": "Alex Park 🚲 박",
        "district": "Mapo-gu",
        "org_ko": "성산동 공구 도서관",
        "org_en": "Seongsan Tool Library",
    },
}


def outbound_to(email: str):
    from sharehub.notifications.models import OutboundEmail

    # In Python: SQLite has no JSON "contains" lookup, and a test hub sends a handful of e-mails.
    return [mail for mail in OutboundEmail.objects.order_by("created_at", "pk") if email in mail.to]


def submit(form) -> None:
    with form.page.expect_navigation():
        form.locator("button[type=submit], input[type=submit]").last.click()


def is_logged_in(page) -> bool:
    return page.locator("header form[action$='/accounts/logout/']").count() == 1


def main_text_without_messages(page) -> str:
    return page.locator("main").evaluate(
        "m => { const c = m.cloneNode(true); c.querySelectorAll('.messages').forEach(e => e.remove()); return c.textContent; }"
    )


@pytest.mark.parametrize("lang", LANGUAGES)
def test_sign_up_verify_create_organization_and_invite_a_member(
    make_page, screenshot, hub_data, lang
):
    from sharehub.accounts.models import User
    from sharehub.organizations.models import Invitation, MemberRole, Membership

    names = NAMES[lang]
    email = f"new-{lang}@example.org"
    invitee = f"friend-{lang}@example.org"
    page = make_page(lang=lang)

    # 1. Sign up through the real form.
    page.goto(url("account_signup", lang))
    form = page.locator("main form").filter(has=page.locator("#id_email"))
    form.locator("#id_email").fill(email)
    form.locator("#id_password1").fill(PASSWORD)
    form.locator("#id_password2").fill(PASSWORD)
    form.locator("#id_display_name").fill(names["display"])
    form.locator("#id_preferred_language").select_option(lang)
    form.locator("#id_home_district").select_option(label=names["district"])
    # The age confirmation and the two required consents, each its own checkbox.
    for consent in ("#id_consent_age", "#id_consent_terms", "#id_consent_privacy"):
        form.locator(consent).check()
    screenshot(page, f"flow-{lang}-1-signup-filled")
    submit(form)
    page.wait_for_url(re.compile(r"/accounts/confirm-email/"))
    user = User.objects.get(email=email)
    assert user.display_name == names["display"]
    assert user.preferred_language == lang
    assert user.home_district == hub_data["district"]

    # 2. The verification e-mail, in the person's language, carries the link to confirm.
    [message] = outbound_to(email)
    if lang == "ko":
        assert HANGUL.search(message.subject), message.subject
    else:
        assert not HANGUL.search(message.subject), message.subject
    confirm_path = CONFIRM_PATH.search(message.body_text)
    assert confirm_path, message.body_text
    page.goto(confirm_path.group(0))
    screenshot(page, f"flow-{lang}-2-confirm")
    submit(page.locator("main form"))
    page.wait_for_load_state("load")
    assert user.emailaddress_set.get(email=email).verified

    # 3. Log in, unless the confirmation already did.
    if not is_logged_in(page):
        page.goto(url("account_login", lang))
        form = page.locator("main form").filter(has=page.locator("#id_login"))
        form.locator("#id_login").fill(email)
        form.locator("#id_password").fill(PASSWORD)
        submit(form)
        page.wait_for_load_state("load")
    assert is_logged_in(page)

    # 4. Create an organization from the list page's link.
    page.goto(url("organizations:list", lang))
    page.locator(f"main a[href$='{url('organizations:create', lang)}']").first.click()
    form = page.locator("main form").filter(has=page.locator("#id_name_ko"))
    form.locator("#id_name_ko").fill(names["org_ko"])
    form.locator("#id_name_en").fill(names["org_en"])
    form.locator("#id_kind").select_option("community")
    form.locator("#id_district").select_option(label=names["district"])
    form.locator("#id_description_ko").fill(
        "장난감을 빌려주고 돌려받는 동네 모임입니다.\n\n<script>alert(1)</script>는 글자로 남습니다."
    )
    form.locator("#id_website").fill("https://example.org/share")
    screenshot(page, f"flow-{lang}-3-organization-form")
    submit(form)
    page.wait_for_url(re.compile(r"/organizations/[^/]+/$"))
    expected_name = names["org_ko"] if lang == "ko" else names["org_en"]
    assert page.locator("h1").inner_text().strip() == expected_name
    assert "<script>alert(1)</script>" in page.locator("main").inner_text()
    membership = Membership.objects.select_related("organization").get(user=user)
    assert membership.role == MemberRole.OWNER
    organization = membership.organization
    assert page.url.endswith(url("organizations:detail", lang, slug=organization.slug))
    screenshot(page, f"flow-{lang}-4-organization-detail")

    # 5. Invite a member by e-mail from the members page.
    page.locator(
        f"main a[href$='{url('organizations:members', lang, slug=organization.slug)}']"
    ).first.click()
    form = page.locator(
        f"main form[action$='{url('organizations:invite', lang, slug=organization.slug)}']"
    )
    form.locator("input[name=email]").fill(invitee)
    form.locator("select[name=role]").select_option(MemberRole.EDITOR)
    submit(form)
    page.wait_for_load_state("load")
    assert invitee in page.locator("main .messages").inner_text()
    invitation = Invitation.objects.get(organization=organization, email=invitee)
    assert invitation.is_open and invitation.role == MemberRole.EDITOR

    # 6. The pending invitation is listed on the members page (not only in the one-off message).
    page.goto(url("organizations:members", lang, slug=organization.slug))
    assert invitee in main_text_without_messages(page)
    screenshot(page, f"flow-{lang}-5-members-with-invitation")

    [invitation_mail] = outbound_to(invitee)
    assert (
        expected_name in invitation_mail.subject + invitation_mail.body_text
        or names["org_ko"] in invitation_mail.body_text
    )
    assert ACCEPT_PATH.search(invitation_mail.body_text), invitation_mail.body_text
