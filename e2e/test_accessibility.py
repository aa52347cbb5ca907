"""axe-core on the main pages, in Korean and in English: no serious or critical violation."""

from __future__ import annotations

import pytest

from e2e.pages import LANGUAGES, main_pages

pytestmark = pytest.mark.e2e

PAGES = ["home", "signup", "login", "organization-list", "organization-detail", "district-list", "district-detail"]


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("name", PAGES)
def test_main_page_has_no_serious_accessibility_violation(make_page, axe, screenshot, hub_data, name, lang):
    page = make_page(lang=lang, bypass_csp=True)
    path = main_pages(lang, organization_slug=hub_data["organization"].slug, district_slug=hub_data["district"].slug)[name]
    response = page.goto(path)
    assert response.status == 200, f"{path} answered {response.status}"
    assert page.get_attribute("html", "lang") == lang
    if name.startswith("district"):
        # Let the map draw its boundaries, so axe also checks Leaflet's controls and layers.
        page.locator(".leaflet-interactive").first.wait_for()
    screenshot(page, f"{name}-{lang}-desktop")
    axe(page, f"{name} ({lang})")


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("name", ["home", "organization-list", "district-detail"])
def test_phone_layout_has_no_serious_accessibility_violation(make_page, axe, screenshot, hub_data, name, lang):
    page = make_page(lang=lang, device="phone", bypass_csp=True)
    path = main_pages(lang, organization_slug=hub_data["organization"].slug, district_slug=hub_data["district"].slug)[name]
    assert page.goto(path).status == 200
    screenshot(page, f"{name}-{lang}-phone")
    page.get_by_role("group").locator("summary").first.click()
    screenshot(page, f"{name}-{lang}-phone-menu-open")
    axe(page, f"{name} ({lang}, phone, menu open)")
