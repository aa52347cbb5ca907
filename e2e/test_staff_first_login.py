"""A new staff member's first day in a browser (issue 13, §1): one password prompt, the
authenticator set up from the secret the page shows, the recovery codes with a way on into the
workspace; then, for city staff, a moderator and an administrator, every tool of the role is
reached from the home page by links alone. Korean and English, axe at 375 and 1280 px."""

from __future__ import annotations

import pytest
from allauth.mfa.totp.internal.auth import (
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)

from e2e.conftest import assert_accessible
from e2e.test_events import sign_in

pytestmark = pytest.mark.e2e

PASSWORD = "correct-horse-battery-9"
WIDTHS = {"phone": (375, 812), "desktop": (1280, 900)}
SET_UP_HEADING = {"ko": "인증 앱 켜기", "en": "Activate Authenticator App"}


def current_code(secret: str) -> str:
    counters = list(yield_hotp_counters_from_time())
    return format_hotp_value(hotp_value(secret, counters[len(counters) // 2]))


def check_both_widths(page, axe, screenshot, name: str, results: dict) -> None:
    for device, (width, height) in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": height})
        results[f"{name}-{device}"] = axe(page)
        screenshot(page, f"{name}-{device}")


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_first_login_one_password_prompt_totp_codes_workspace(
    make_page, axe, screenshot, hub_data, lang
):
    from sharehub.accounts.tests.factories import UserFactory

    person = UserFactory(is_city_staff=True, display_name="신규 담당자", preferred_language=lang)
    page = make_page(lang=lang, bypass_csp=True)
    visited: list[str] = []
    page.on("framenavigated", lambda frame: visited.append(frame.url))
    results: dict = {}

    page.goto(f"/{lang}/accounts/login/")
    page.fill("input[name=login]", person.email)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()

    # Straight to the authenticator set-up: the password was asked once.
    assert page.url.endswith(f"/{lang}/accounts/2fa/totp/activate/"), page.url
    assert not [url for url in visited if "reauthenticate" in url], visited
    assert SET_UP_HEADING[lang] in page.locator("main h1").inner_text()
    check_both_widths(page, axe, screenshot, f"staff-first-login-{lang}-totp", results)
    secret = page.locator("#authenticator_secret").input_value()
    page.fill("input[name=code]", current_code(secret))
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()

    assert page.url.endswith(f"/{lang}/accounts/2fa/recovery-codes/"), page.url
    assert len(page.locator("#recovery_codes").input_value().split()) == 10
    check_both_widths(page, axe, screenshot, f"staff-first-login-{lang}-codes", results)
    with page.expect_navigation():
        page.locator("[data-testid=continue]").click()
    assert page.url.endswith(f"/{lang}/workspace/"), page.url
    assert page.locator("main h1").inner_text() == ("업무" if lang == "ko" else "Workspace")
    assert sum("/accounts/login/" in url for url in visited) == 1
    check_both_widths(page, axe, screenshot, f"staff-first-login-{lang}-workspace", results)
    assert_accessible(results)


ROLES = {
    "city_staff": {"is_city_staff": True},
    "moderator": {"is_moderator": True},
    "administrator": {"is_superuser": True, "is_staff": True},
}


@pytest.mark.parametrize("lang", ["ko", "en"])
@pytest.mark.parametrize("role", list(ROLES))
def test_every_tool_of_the_role_is_reached_by_links(
    make_page, axe, screenshot, live_server, hub_data, role, lang
):
    from sharehub.accounts.tests.factories import UserFactory, give_totp
    from sharehub.core.workspace import work_for

    person = give_totp(UserFactory(**ROLES[role]))
    queues, tools = work_for(person)
    expected = {link.url.split("/", 2)[-1] for link in [*queues, *tools]}
    assert expected
    page = make_page(lang=lang, bypass_csp=True)
    sign_in(page, person, live_server)
    page.goto(f"/{lang}/")
    with page.expect_navigation():
        page.locator("header a.workspace-link").first.click()
    assert page.url.endswith(f"/{lang}/workspace/"), page.url
    results: dict = {}
    check_both_widths(page, axe, screenshot, f"workspace-{role}-{lang}", results)

    hrefs = page.locator("main .workspace-queues a, main .workspace-tools a").evaluate_all(
        "links => links.map(link => link.getAttribute('href'))"
    )
    # Every registered item of the role is linked (URLs in the page's language), nothing else.
    assert {href.split("/", 2)[-1] for href in hrefs} == expected
    assert all(href.startswith(f"/{lang}/") for href in hrefs)
    staff_tool = f"/{lang}/me/staff/"
    assert (staff_tool in hrefs) == (role == "administrator")
    for href in hrefs:
        response = page.goto(href)
        assert response is not None and response.status == 200, (href, response and response.status)
    if role == "administrator":
        page.goto(staff_tool)
        check_both_widths(page, axe, screenshot, f"staff-roles-{lang}", results)
        # Find the organization's owner by e-mail and make them a moderator, with a reason.
        owner = hub_data["owner"]
        page.fill("main input[name=q]", owner.email)
        with page.expect_navigation():
            page.locator("main form.filters button[type=submit]").click()
        with page.expect_navigation():
            page.locator("main table a").first.click()
        check_both_widths(page, axe, screenshot, f"staff-member-{lang}", results)
        page.select_option("select[name=role-role]", "moderator")
        page.check("input[name=role-granted][value='1']")
        page.fill("textarea[name=role-reason]", "게시물 관리 지원")
        with page.expect_navigation():
            page.locator("main section[aria-labelledby=role-heading] button[type=submit]").click()
        assert "게시물 관리 지원" in page.locator("main").inner_text()
        owner.refresh_from_db()
        assert owner.is_moderator
        check_both_widths(page, axe, screenshot, f"staff-member-{lang}-changed", results)
    assert_accessible(results)
