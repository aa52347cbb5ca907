"""axe-core on the main pages, in Korean and in English: no serious or critical violation."""

from __future__ import annotations

import pytest

from e2e.conftest import assert_accessible
from e2e.pages import LANGUAGES, main_pages, open_menu

pytestmark = pytest.mark.e2e

PHONE_PAGES = ["home", "organization-list", "district-detail"]


def visit(page, path: str, name: str) -> None:
    response = page.goto(path)
    assert response.status == 200, f"{path} answered {response.status}"
    if name.startswith("district"):
        # Let the map draw its boundaries, so axe also checks Leaflet's controls and layers.
        page.locator(".leaflet-interactive").first.wait_for()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_main_pages_have_no_serious_accessibility_violation(
    make_page, axe, screenshot, hub_data, lang
):
    page = make_page(lang=lang, bypass_csp=True)
    pages = main_pages(
        lang,
        organization_slug=hub_data["organization"].slug,
        district_slug=hub_data["district"].slug,
    )
    assert len(pages) == 14
    results = {}
    for name, path in pages.items():
        visit(page, path, name)
        assert page.get_attribute("html", "lang") == lang
        screenshot(page, f"{name}-{lang}-desktop")
        results[f"{name} ({lang}) {path}"] = axe(page)
    assert_accessible(results)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_phone_layout_with_open_menu_has_no_serious_accessibility_violation(
    make_page, axe, screenshot, hub_data, lang
):
    page = make_page(lang=lang, device="phone", bypass_csp=True)
    pages = main_pages(
        lang,
        organization_slug=hub_data["organization"].slug,
        district_slug=hub_data["district"].slug,
    )
    results = {}
    for name in PHONE_PAGES:
        visit(page, pages[name], name)
        screenshot(page, f"{name}-{lang}-phone")
        open_menu(page)
        screenshot(page, f"{name}-{lang}-phone-menu-open")
        results[f"{name} ({lang}, phone, menu open) {pages[name]}"] = axe(page)
    assert_accessible(results)
