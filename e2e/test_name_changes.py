"""An owner renames their organization: the public keeps the old name, the owner sees the new one
waiting, city staff find it from their menu and approve it (issue 10, point 7)."""

from __future__ import annotations

import pytest

from e2e.conftest import assert_accessible
from e2e.pages import open_menu
from e2e.test_designation import sign_in

pytestmark = pytest.mark.e2e

NEW_NAMES = {"ko": "서울특별시 공식 나눔센터", "en": "Seoul Official Sharing Center"}


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_owner_renames_staff_approve_from_the_menu(
    make_page, axe, screenshot, hub_data, live_server, lang
):
    from sharehub.accounts.tests.factories import UserFactory, give_totp

    organization, results, new_name = hub_data["organization"], {}, NEW_NAMES[lang]
    owner = make_page(lang=lang, bypass_csp=True)
    sign_in(owner, hub_data["owner"], live_server)
    owner.goto(f"/{lang}/organizations/{organization.slug}/edit/")
    owner.locator("#id_name_ko").fill(NEW_NAMES["ko"])
    owner.locator("#id_name_en").fill(NEW_NAMES["en"])
    with owner.expect_navigation():
        owner.locator("main form button[type=submit]").first.click()
    notice = owner.locator("[data-testid=pending-name]")
    assert new_name in notice.inner_text()
    results["owner-notice"] = axe(owner)
    screenshot(owner, f"name-change-{lang}-1-pending")

    visitor = make_page(lang=lang)
    visitor.goto(f"/{lang}/organizations/{organization.slug}/")
    assert new_name not in visitor.locator("main").inner_text()

    staff = make_page(lang=lang, bypass_csp=True)
    sign_in(staff, give_totp(UserFactory(is_city_staff=True)), live_server)
    staff.goto(f"/{lang}/")
    open_menu(staff)
    with staff.expect_navigation():  # the header's workspace, then its queue
        staff.locator("header a.workspace-link").click()
    with staff.expect_navigation():
        staff.locator("main a[href$='/organizations/name-changes/']").click()
    assert new_name in staff.locator("main").inner_text()
    results["review"] = axe(staff)
    screenshot(staff, f"name-change-{lang}-2-review")
    with staff.expect_navigation():
        staff.locator("main form button[value=approve]").first.click()

    visitor.reload()
    assert new_name in visitor.locator("h1").inner_text()
    assert_accessible(results)
