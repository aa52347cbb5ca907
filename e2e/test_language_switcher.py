"""The language switcher keeps the visitor on the same page (and its query), in the other language."""

from __future__ import annotations

import pytest

from e2e.pages import open_menu, url

pytestmark = pytest.mark.e2e


def switch_language(page, name: str) -> None:
    open_menu(page)
    with page.expect_navigation():
        page.locator("header nav, header ul.languages").get_by_role(
            "link", name=name, exact=True
        ).click()


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_switching_language_keeps_the_page(make_page, hub_data, device):
    organization = hub_data["organization"]
    page = make_page(lang="ko", device=device)
    page.goto(url("organizations:detail", "ko", slug=organization.slug))
    assert page.locator("h1").inner_text().strip() == "마포 공구도서관"

    switch_language(page, "English")
    assert page.url.endswith(url("organizations:detail", "en", slug=organization.slug))
    assert page.get_attribute("html", "lang") == "en"
    assert page.locator("h1").inner_text().strip() == "Mapo Tool Library"

    switch_language(page, "한국어")
    assert page.url.endswith(url("organizations:detail", "ko", slug=organization.slug))
    assert page.get_attribute("html", "lang") == "ko"


def test_switching_language_keeps_the_query(page, hub_data):
    district = hub_data["district"]
    page.goto(url("organizations:list", "ko") + f"?district={district.slug}")
    switch_language(page, "English")
    assert page.url.endswith(url("organizations:list", "en") + f"?district={district.slug}")
    assert page.get_attribute("html", "lang") == "en"
    assert page.get_by_role("link", name="Mapo Tool Library").is_visible()
