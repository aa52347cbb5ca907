"""Every page with a map, in Korean and in English, at 375 and 1280 px, on the demo hub with no
outside server: nothing the maps ask for answers 404, markers are images the hub serves, the base
map names districts and neighbourhoods, the pickers fill coordinates on a click (and from "my
location"), a distance sort without a point says so, and axe-core finds no serious violation.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from e2e.conftest import assert_accessible
from e2e.pages import LANGUAGES, assert_no_horizontal_scroll, url

pytestmark = pytest.mark.e2e

MEMBER = "member@sharehub.example"  # owner of Open Closet in the demo
# The browser's position for "my location": Seoul City Hall.
CITY_HALL = {"latitude": 37.5663, "longitude": 126.9779}
SEOUL = {"lat": (37.40, 37.72), "lon": (126.75, 127.20)}


@pytest.fixture
def map_data(transactional_db) -> dict:
    """The demo hub (districts, neighbourhoods, the 41 organizations and their listings, events)
    and an event of Open Closet's at a known place."""
    from sharehub.accounts.models import User
    from sharehub.core.demo import load_demo
    from sharehub.directory.models import Listing
    from sharehub.events.tests.factories import EventFactory
    from sharehub.organizations.models import Organization
    from sharehub.places.models import District, Neighbourhood

    load_demo()
    assert Neighbourhood.objects.count() == 467
    open_closet = Organization.objects.get(name_en="Open Closet")
    gwangjin = District.objects.get(slug="gwangjin-gu")
    event = EventFactory(
        organization=open_closet,
        title_ko="정장 나눔의 날",
        title_en="Suit sharing day",
        district=gwangjin,
        venue_ko="광진 공유센터",
        venue_en="Gwangjin Sharing Centre",
        address="서울 광진구 아차산로 200",
        latitude=37.5386,
        longitude=127.0823,
    )
    unplaced = (
        Listing.objects.filter(addresses__isnull=True, organization__moderation_status="published")
        .select_related("organization")
        .first()
    )
    return {
        "open_closet": open_closet,
        "unplaced": unplaced.organization,
        "event": event,
        "district": gwangjin,
        "member": User.objects.get(email=MEMBER),
    }


def sign_in(page, user, live_server) -> None:
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


def map_pages(lang: str, data: dict) -> dict[str, str]:
    slug = data["open_closet"].slug
    address = data["open_closet"].listing.addresses.first()
    return {
        "directory-map": url("directory:map", lang),
        "directory-list-near": url("directory:list", lang) + "?sort=distance",
        "listing": url("directory:detail", lang, slug=slug),
        "listing-unplaced": url("directory:detail", lang, slug=data["unplaced"].slug),
        "event": url("events:detail", lang, pk=data["event"].pk),
        "events-map": url("events:map", lang),
        "district-list": url("places:list", lang),
        "district": url("places:detail", lang, slug=data["district"].slug),
        "address-forms": url("directory:manage", lang, slug=slug),
        "address-edit": url("directory:address_edit", lang, slug=slug, address_id=address.pk),
        "event-form": url("events:edit", lang, pk=data["event"].pk),
    }


def watch_failures(page) -> list[str]:
    """Every response of 400 or more (a guessed marker path would be a 404) and script error."""
    failures: list[str] = []
    page.on(
        "response",
        lambda response: (
            failures.append(f"HTTP {response.status} {response.url}")
            if response.status >= 400
            else None
        ),
    )
    page.on("pageerror", lambda error: failures.append(f"uncaught: {error}"))
    return failures


def wait_for_maps(page) -> None:
    """Each map's controls drawn and the base map fetched (no request left in flight)."""
    maps = page.locator("[data-map]")
    for index in range(maps.count()):
        maps.nth(index).locator(".leaflet-control-zoom").wait_for(state="attached")
    page.wait_for_load_state("networkidle")


def assert_markers_are_images(page, label: str) -> None:
    """Every marker image has loaded from the hub (a broken image has no natural width)."""
    broken = page.evaluate(
        """() => [...document.querySelectorAll('img.leaflet-marker-icon')]
            .filter(img => !(img.complete && img.naturalWidth > 0))
            .map(img => img.src)"""
    )
    assert not broken, f"{label}: broken marker images {broken}"
    for src in page.eval_on_selector_all(
        "img.leaflet-marker-icon", "icons => icons.map(i => i.getAttribute('src'))"
    ):
        assert "/static/vendor/leaflet/images/marker-icon" in src, f"{label}: {src}"


def labels(page) -> list[str]:
    return [
        text.strip() for text in page.locator(".map-label:not(.map-label-hidden)").all_inner_texts()
    ]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_map_page_loads_only_what_the_hub_serves(
    make_page, axe, screenshot, map_data, live_server, lang
):
    results = {}
    failures_by_page = {}
    for device in ("desktop", "phone"):
        page = make_page(lang=lang, device=device, bypass_csp=True)
        failures = watch_failures(page)
        sign_in(page, map_data["member"], live_server)
        for name, path in map_pages(lang, map_data).items():
            seen = len(failures)
            response = page.goto(path)
            assert response.status == 200, f"{path} answered {response.status}"
            wait_for_maps(page)
            label = f"{name} ({lang}, {device}) {path}"
            assert page.locator(".map-error").count() == 0, label
            assert_markers_are_images(page, label)
            if device == "phone":
                assert_no_horizontal_scroll(page, label)
            screenshot(page, f"maps-{name}-{lang}-{device}")
            results[label] = axe(page)
            failures_by_page[label] = failures[seen:]
    failing = {label: found for label, found in failures_by_page.items() if found}
    assert not failing, f"requests that failed: {failing}"
    assert_accessible(results)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_single_points_are_close_up_named_and_after_the_primary_action(
    make_page, screenshot, map_data, lang
):
    event = map_data["event"]
    page = make_page(lang=lang, device="phone")
    page.goto(url("events:detail", lang, pk=event.pk))
    wait_for_maps(page)
    # On a phone the registration box comes before the map.
    register = page.locator("#register-heading").bounding_box()
    assert register["y"] < page.locator("#event-map").bounding_box()["y"]
    marker = page.locator("#event-map img.leaflet-marker-icon")
    # The marker's image is named for the place (not Leaflet's "Marker").
    assert (
        marker.get_attribute("alt")
        == {"ko": "광진 공유센터", "en": "Gwangjin Sharing Centre"}[lang]
    )
    # The base map around the point: its district outlined and named, its neighbourhoods named.
    with translation.override(lang):
        district_name = str(map_data["district"].name)
    names = labels(page)
    assert district_name in names, names
    assert len(names) >= 2, names
    screenshot(page, f"maps-event-close-up-{lang}")

    page = make_page(lang=lang)
    page.goto(url("places:list", lang))
    wait_for_maps(page)
    # The city map names its districts (those that fit without overlapping).
    assert len(labels(page)) >= 15, labels(page)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_address_picker_fills_the_coordinates_and_the_place_is_saved(
    make_page, screenshot, map_data, live_server, lang
):
    from sharehub.directory.models import ListingAddress

    page = make_page(lang=lang)
    failures = watch_failures(page)
    sign_in(page, map_data["member"], live_server)
    slug = map_data["open_closet"].slug
    page.goto(url("directory:manage", lang, slug=slug))
    wait_for_maps(page)
    form = page.locator("form#add-address")
    form.locator("#id_address").fill("서울 광진구 능동로 120")
    picker = form.locator(".map-picker")
    picker.scroll_into_view_if_needed()
    box = picker.bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.5)
    latitude, longitude = (
        float(form.locator("#id_latitude").input_value()),
        float(form.locator("#id_longitude").input_value()),
    )
    assert SEOUL["lat"][0] < latitude < SEOUL["lat"][1]
    assert SEOUL["lon"][0] < longitude < SEOUL["lon"][1]
    assert form.locator(".map-picker img.leaflet-marker-icon").count() == 1
    assert page.locator("#id_longitude-map-status").inner_text().strip()
    # A second click moves the pin (now zoomed in) and the fields follow.
    page.mouse.click(box["x"] + box["width"] * 0.7, box["y"] + box["height"] * 0.4)
    picked = (
        float(form.locator("#id_latitude").input_value()),
        float(form.locator("#id_longitude").input_value()),
    )
    assert picked[1] > longitude
    screenshot(page, f"maps-address-picked-{lang}")
    form.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(rf"/{lang}/directory/{slug}/manage/#main$"))
    saved = ListingAddress.objects.get(address="서울 광진구 능동로 120")
    assert (saved.latitude, saved.longitude) == pytest.approx(picked)
    # The public page now shows it, with a working marker.
    page.goto(url("directory:detail", lang, slug=slug))
    wait_for_maps(page)
    assert page.locator("#listing-map img.leaflet-marker-icon").count() == 2
    assert_markers_are_images(page, "listing after picking")
    assert not failures, failures


@pytest.mark.parametrize("lang", LANGUAGES)
def test_distance_sort_uses_my_location_or_says_it_has_none(make_page, screenshot, map_data, lang):
    page = make_page(lang=lang, device="phone")
    failures = watch_failures(page)
    page.goto(url("directory:list", lang) + "?sort=distance")
    # No point: the page says so instead of silently sorting by name.
    notice = page.locator("#results .notice")
    assert notice.is_visible()
    screenshot(page, f"maps-distance-without-point-{lang}")

    # "My location" on the near field's map fills the point; htmx re-sorts the list.
    page.context.grant_permissions(["geolocation"])
    page.context.set_geolocation(CITY_HALL)
    wait_for_maps(page)
    page.locator("#id_near-map .map-locate-button").click()
    page.wait_for_url(lambda address: "near" in parse_qs(urlsplit(address).query))
    near = parse_qs(urlsplit(page.url).query)["near"][0]
    lat, lon = (float(part) for part in near.split(","))
    assert (lat, lon) == pytest.approx((CITY_HALL["latitude"], CITY_HALL["longitude"]), abs=1e-4)
    page.locator("#results .notice").wait_for(state="detached")
    distances = page.locator("#results .listing-card .meta", has_text="km").all_inner_texts()
    assert distances, "the listings with a place show their distance"
    kilometres = [float(re.search(r"[\d.]+", text).group(0)) for text in distances]
    assert kilometres == sorted(kilometres)
    screenshot(page, f"maps-distance-from-my-location-{lang}")
    assert not failures, failures
