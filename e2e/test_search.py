"""The header's search box, as a citizen uses it in Korean and in English, on a desktop and on a
phone: type everyday words, pick a suggestion with the keyboard, or search and read the results
grouped by kind, snippets in the page's language. axe-core on the page with the suggestions open
and on the results; no sideways scrolling on a phone.

The data is the demo hub (`load_demo`): the 41 real organizations and their listings, events
and articles.
"""

from __future__ import annotations

import re

import pytest

from e2e.conftest import assert_accessible
from e2e.pages import LANGUAGES, assert_no_horizontal_scroll, url

pytestmark = pytest.mark.e2e

# What a citizen types, and what the search must find (data/sharing-organizations.csv).
TYPED = {"ko": "주차", "en": "parking"}
PARKING = {"modu-company-modus-parking", "hancom-mobility", "ino-on-parkingplex"}
QUERY = {"ko": "아이 옷 빌리기", "en": "kids clothes"}
KIPLE = {"ko": "키플", "en": "Kiple"}


@pytest.fixture
def demo(transactional_db) -> None:
    from sharehub.core.demo import load_demo

    load_demo()


@pytest.mark.parametrize("device", ["desktop", "phone"])
@pytest.mark.parametrize("lang", LANGUAGES)
def test_header_search_suggests_and_finds_everyday_words(make_page, axe, demo, lang, device):
    page = make_page(lang=lang, device=device, bypass_csp=True)
    page.goto(url("events:list", lang))
    box = page.locator("header #header-q")
    box.click()
    box.press_sequentially(TYPED[lang], delay=60)
    options = page.locator("#header-suggestions [role=option]")
    options.first.wait_for()
    assert box.get_attribute("aria-expanded") == "true"
    violations = {f"suggestions {lang} {device}": axe(page)}
    # The first suggestion is a parking-sharing service; Enter opens it.
    page.keyboard.press("ArrowDown")
    assert box.get_attribute("aria-activedescendant") == "header-suggestions-0"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.rstrip("/").rsplit("/", 1)[-1] in PARKING

    # Searching from the header: the results page, grouped by kind.
    box = page.locator("header #header-q")
    box.fill(QUERY[lang])
    with page.expect_navigation():
        box.press("Enter")
    assert "/search/" in page.url
    services = page.locator("#kind-services").locator("xpath=..")
    assert services.locator(".search-result h3").first.inner_text() == KIPLE[lang]
    snippet = services.locator(".snippet").first
    assert snippet.locator("mark").count() >= 1
    hangul = re.search(r"[\uac00-\ud7a3]", snippet.inner_text())
    assert bool(hangul) == (lang == "ko")
    violations[f"results {lang} {device}"] = axe(page)
    if device == "phone":
        assert_no_horizontal_scroll(page, f"search results {lang}")
    # Escape closes the suggestions again.
    box = page.locator("header #header-q")
    box.fill("")
    box.press_sequentially(TYPED[lang], delay=60)
    options.first.wait_for()
    page.keyboard.press("Escape")
    assert box.get_attribute("aria-expanded") == "false"
    assert_accessible(violations)
