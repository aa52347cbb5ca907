"""The directory as a visitor uses it, in Korean and in English: search (Korean with a particle, an
English name), filter by category and district, the map with the same filters, a listing, and a
signed-in citizen's correction, which waits for a moderator. Then axe-core and phone width on the
directory's pages.

The data is the demo hub built by the real services: the 25 districts with their boundaries, the
41 real organizations created by city staff, and their listings (`load_directory_demo`).
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import translation

from e2e.conftest import assert_accessible
from e2e.pages import LANGUAGES, PHONE_WIDTH, assert_no_horizontal_scroll, url

pytestmark = pytest.mark.e2e

CITIZEN = "citizen@sharehub.example"
# Open Closet lends suits (정장) and is the demo's only listing located in Gwangjin-gu.
OPEN_CLOSET = {"ko": "열린옷장", "en": "Open Closet"}
GREEN_CAR = {"ko": "그린카", "en": "Green Car"}
CATEGORY, DISTRICT = "clothing", "gwangjin-gu"
# Two demo listings sit at Eunpyeong-gu's centroid: on the whole-city map they make a cluster.
DISTRICTS = 25


@pytest.fixture
def directory_data(transactional_db) -> dict:
    from sharehub.accounts.models import User
    from sharehub.core.demo import DEMO_PASSWORD, load_demo
    from sharehub.directory.demo import load_directory_demo
    from sharehub.directory.models import Listing
    from sharehub.organizations.models import Organization

    load_demo()
    # load_demo gives the organizations their listings; loading them again changes nothing.
    load_directory_demo(actor=User.objects.get(email="staff@sharehub.example"))
    assert Listing.objects.count() == 41
    return {
        "open_closet": Organization.objects.get(name_en="Open Closet"),
        "citizen": User.objects.get(email=CITIZEN),
        "password": DEMO_PASSWORD,
    }


def translated(text, lang: str) -> str:
    """A source string (or a lazy one) as the hub shows it in `lang`."""
    with translation.override(lang):
        return translation.gettext(text) if isinstance(text, str) else str(text)


def watch_csp(page) -> list[str]:
    violations: list[str] = []
    page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    return violations


def result_names(page) -> list[str]:
    return [name.strip() for name in page.locator("#results .listing-card h3").all_inner_texts()]


def search(page, text: str) -> None:
    """Type a query and press Enter: htmx swaps the results and pushes the address."""
    box = page.locator("form.filters input[name=q]")
    box.fill(text)
    box.press("Enter")
    # htmx pushes the address after it has swapped the results.
    page.wait_for_url(
        lambda address: parse_qs(urlsplit(address).query, keep_blank_values=True).get("q") == [text]
    )


def choose(page, name: str, value: str) -> None:
    page.locator(f"form.filters select[name={name}]").select_option(value)
    # htmx pushes the address after it has swapped the results.
    page.wait_for_url(re.compile(rf"[?&]{name}={value}(&|$)"))


def query_of(page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def wait_for_map(page, *, markers: bool = True) -> None:
    """District boundaries (SVG paths) drawn, and the listings' markers or clusters placed."""
    # A locator, not wait_for_function: the hub's CSP (rightly) forbids the eval behind the latter.
    page.locator(".leaflet-overlay-pane path").nth(DISTRICTS - 1).wait_for(state="attached")
    if markers:
        page.locator(".leaflet-marker-pane .leaflet-marker-icon").first.wait_for()


def log_in(page, email: str, password: str) -> None:
    form = page.locator("main form").filter(has=page.locator("#id_login"))
    form.locator("#id_login").fill(email)
    form.locator("#id_password").fill(password)
    form.locator("button[type=submit]").last.click()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_search_filter_map_listing_and_suggest_a_correction(
    make_page, console_errors, screenshot, directory_data, lang
):
    from sharehub.directory.models import Suggestion, SuggestionKind
    from sharehub.moderation.models import ModerationStatus

    page = make_page(lang=lang)
    errors = console_errors(page)
    violations = watch_csp(page)

    # 1. The directory lists every published listing.
    response = page.goto(url("directory:list", lang))
    assert response.status == 200
    assert "script-src" in response.headers.get("content-security-policy", "")
    assert page.get_attribute("html", "lang") == lang
    assert len(result_names(page)) == 20  # first page of 41
    screenshot(page, f"directory-list-{lang}-desktop")

    # 2. A Korean query with a particle: "정장을" (suits + object particle) finds Open Closet, whose
    #    service is 정장 대여; the highlight shows where.
    search(page, "정장을")
    assert query_of(page)["q"] == ["정장을"]
    names = result_names(page)
    assert names and names[0] == OPEN_CLOSET[lang], names
    screenshot(page, f"directory-search-korean-{lang}")

    # 3. An English name, in both languages.
    search(page, "green car")
    names = result_names(page)
    assert names and names[0] == GREEN_CAR[lang], names

    # 4. Filters: category then district, each applied on change; the address keeps them.
    search(page, "")
    choose(page, "category", CATEGORY)
    choose(page, "district", DISTRICT)
    assert query_of(page)["category"] == [CATEGORY]
    assert query_of(page)["district"] == [DISTRICT]
    assert result_names(page) == [OPEN_CLOSET[lang]]
    screenshot(page, f"directory-filtered-{lang}")

    # 5. The map of the same filters: the link carries them, the form shows them.
    map_link = page.get_by_role("link", name=translated("Show on the map", lang))
    kept = parse_qs(urlsplit(map_link.get_attribute("href")).query)
    assert kept.get("category") == [CATEGORY] and kept.get("district") == [DISTRICT], (
        f"the map link lost the filters applied on the list: {map_link.get_attribute('href')}"
    )
    map_link.click()
    page.wait_for_url(re.compile(r"/directory/map/"))
    assert query_of(page).get("category") == [CATEGORY], page.url
    assert query_of(page).get("district") == [DISTRICT], page.url
    assert page.locator("select[name=category]").input_value() == CATEGORY
    assert page.locator("select[name=district]").input_value() == DISTRICT
    wait_for_map(page)
    assert page.locator(".leaflet-marker-pane .leaflet-marker-icon").count() == 1
    assert page.locator(".map-error").count() == 0
    screenshot(page, f"directory-map-filtered-{lang}")

    # 6. The marker's popup links to the listing.
    page.locator(".leaflet-marker-pane .leaflet-marker-icon").first.click()
    popup_link = page.locator(".leaflet-popup-content a")
    assert popup_link.inner_text() == OPEN_CLOSET[lang]
    popup_link.click()
    slug = directory_data["open_closet"].slug
    page.wait_for_url(re.compile(rf"/{lang}/directory/{re.escape(slug)}/$"))
    assert page.locator("h1").inner_text() == OPEN_CLOSET[lang]
    suit = {"ko": "정장 대여", "en": "Suit rental"}[lang]
    assert page.locator("#services-heading ~ article h3").first.inner_text() == suit
    marker = page.locator("#listing-map .leaflet-marker-icon")
    marker.wait_for()
    # The hub serves Leaflet's marker images itself (a guessed path would be a 404, caught below).
    assert "/static/vendor/leaflet/images/marker-icon" in (marker.get_attribute("src") or "")
    screenshot(page, f"directory-detail-{lang}-desktop")

    # 7. A visitor proposes a correction: asked to sign in, then back to the form.
    page.get_by_role("link", name=translated("Propose a correction", lang)).click()
    page.wait_for_url(re.compile(r"/accounts/login/"))
    log_in(page, CITIZEN, directory_data["password"])
    page.wait_for_url(re.compile(rf"/{lang}/directory/{re.escape(slug)}/suggest/"))
    form = page.locator("main form")
    summary = {
        "ko": "면접 정장을 저렴하게 빌려 드립니다 👔 (Open Closet)",
        "en": "Affordable interview suits 👔 (열린옷장)",
    }[lang]
    form.locator("#id_summary_ko" if lang == "ko" else "#id_summary_en").fill(summary)
    form.locator("#id_message").fill("<b>홈페이지</b> https://theopencloset.net 참고")
    screenshot(page, f"directory-suggest-{lang}")
    form.get_by_role("button", name=translated("Send the suggestion", lang)).click()
    page.wait_for_url(re.compile(rf"/{lang}/directory/suggestions/\d+/$"))

    suggestion = Suggestion.objects.get(created_by=directory_data["citizen"])
    assert suggestion.kind == SuggestionKind.CORRECTION
    assert suggestion.listing.organization == directory_data["open_closet"]
    assert suggestion.moderation_status == ModerationStatus.PENDING
    assert suggestion.payload == {("summary_ko" if lang == "ko" else "summary_en"): summary}
    assert suggestion.message == "<b>홈페이지</b> https://theopencloset.net 참고"
    # The page says it is pending, thanks the person, and shows their text as text.
    main = page.locator("main")
    assert (
        translated(ModerationStatus.PENDING.label, lang) in main.locator(".tag").all_inner_texts()
    )
    assert (
        translated("Thank you. A moderator will review your suggestion.", lang)
        in page.locator("body").inner_text()
    )
    assert "<b>홈페이지</b>" in main.inner_text()
    screenshot(page, f"directory-suggestion-pending-{lang}")

    assert not violations, "CSP violations:\n" + "\n".join(violations)
    assert not errors, "Console errors or failed requests:\n" + "\n".join(errors)


def test_whole_city_map_draws_districts_and_clusters(
    make_page, console_errors, screenshot, directory_data
):
    """Without filters every located listing is on the map; two at one place make a cluster."""
    page = make_page(lang="en")
    errors = console_errors(page)
    violations = watch_csp(page)
    assert page.goto(url("directory:map", "en")).status == 200
    wait_for_map(page)
    page.locator(".marker-cluster").first.wait_for()
    located = page.evaluate(
        "fetch('/en/directory/listings.geojson').then(r => r.json()).then(c => c.features.length)"
    )
    assert located >= 2
    # markercluster animates while it settles (old and new icons overlap for a moment): wait until
    # clusters plus single markers account for every located listing, exactly.
    page.wait_for_function(
        """(expected) => {
            const clustered = [...document.querySelectorAll('.marker-cluster')]
                .reduce((total, icon) => total + (parseInt(icon.innerText, 10) || 0), 0);
            const single = document.querySelectorAll('.leaflet-marker-pane .leaflet-marker-icon:not(.marker-cluster)').length;
            return clustered + single === expected;
        }""",
        arg=located,
    )
    screenshot(page, "directory-map-en-desktop")
    assert not violations, "CSP violations:\n" + "\n".join(violations)
    assert not errors, "Console errors or failed requests:\n" + "\n".join(errors)


def directory_pages(lang: str, slug: str) -> dict[str, str]:
    return {
        "directory-list": url("directory:list", lang),
        "directory-map": url("directory:map", lang),
        "directory-detail": url("directory:detail", lang, slug=slug),
        "directory-suggest": url("directory:suggest_for", lang, slug=slug) + "?kind=correction",
    }


def visit(page, path: str, name: str) -> None:
    response = page.goto(path)
    assert response.status == 200, f"{path} answered {response.status}"
    if name == "directory-map":
        wait_for_map(page)
    elif name == "directory-detail":
        page.locator("#listing-map .leaflet-marker-icon").wait_for()


@pytest.mark.parametrize("device", ["desktop", "phone"])
@pytest.mark.parametrize("lang", LANGUAGES)
def test_directory_pages_have_no_serious_accessibility_violation(
    make_page, axe, screenshot, directory_data, lang, device
):
    page = make_page(lang=lang, device=device, bypass_csp=True)
    pages = directory_pages(lang, directory_data["open_closet"].slug)
    page.goto(url("account_login", lang))
    log_in(page, CITIZEN, directory_data["password"])
    page.wait_for_url(re.compile(rf"/{lang}/$"))
    results = {}
    for name, path in pages.items():
        visit(page, path, name)
        assert page.get_attribute("html", "lang") == lang
        if device == "phone":
            assert page.evaluate("window.innerWidth") == PHONE_WIDTH
            assert_no_horizontal_scroll(page, f"{name} ({lang}, phone)")
        screenshot(page, f"{name}-{lang}-{device}")
        results[f"{name} ({lang}, {device}) {path}"] = axe(page)
    assert_accessible(results)
