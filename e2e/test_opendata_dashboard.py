"""The open-data dashboard in the browser, in Korean and English, at 1280 and 375 px: the charts
are drawn (Chart.js), the choropleth colours the real 25 districts of Seoul from the hub's own
boundaries (no tile server), a download link answers its CSV, the page fits a phone and axe-core
finds nothing serious. The pages are photographed for a human to look at."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from e2e.conftest import assert_accessible
from e2e.pages import assert_no_horizontal_scroll, url

pytestmark = pytest.mark.e2e

SEOUL = ZoneInfo("Asia/Seoul")


@pytest.fixture
def listings(hub_data) -> dict:
    """Listings in three districts over three months, in two categories: by month 1, 2, 3 (a
    listing in two categories counts once); Mapo 3, Gangnam 2, Jung 1."""
    from sharehub.directory.tests.factories import CategoryFactory, ListingFactory
    from sharehub.moderation.models import ModerationStatus
    from sharehub.organizations.tests.factories import OrganizationFactory
    from sharehub.places.models import District

    tools = CategoryFactory(slug="tools", name_ko="공구", name_en="Tools")
    spaces = CategoryFactory(slug="spaces", name_ko="공간", name_en="Spaces")
    plan = [("Mapo-gu", 1, [tools]), ("Mapo-gu", 2, [tools, spaces]), ("Jung-gu", 2, [spaces])]
    plan += [("Gangnam-gu", 3, [tools]), ("Mapo-gu", 3, [spaces]), ("Gangnam-gu", 3, [])]
    for name, month, categories in plan:
        organization = OrganizationFactory(district=District.objects.get(name_en=name))
        listing = ListingFactory(
            organization=organization,
            moderation_status=ModerationStatus.PUBLISHED,
            created_at=datetime(2025, month, 10, 12, tzinfo=SEOUL),
        )
        listing.categories.set(categories)
    return hub_data


def coloured_districts(page) -> int:
    """The map's district shapes that have a fill colour."""
    return page.evaluate(
        """() => [...document.querySelectorAll('#district-map path.leaflet-interactive')]
            .filter(p => (p.getAttribute('fill') || 'none') !== 'none').length"""
    )


def drawn_charts(page) -> int:
    """Canvases Chart.js has drawn on (a chart instance and some non-blank pixel)."""
    return page.evaluate(
        """() => [...document.querySelectorAll('canvas[data-chart]')].filter(c => {
              if (!window.Chart || !Chart.getChart(c)) return false;
              const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
              for (let i = 3; i < d.length; i += 4) { if (d[i] !== 0) return true; }
              return false;
            }).length"""
    )


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_dashboard_charts_map_and_download(
    make_page, axe, screenshot, console_errors, listings, lang
):
    results: dict[str, list[dict]] = {}
    for device in ("desktop", "phone"):
        page = make_page(lang=lang, device=device, bypass_csp=True)
        errors = console_errors(page)
        page.goto(url("opendata:dashboard", lang))
        assert page.locator("html").get_attribute("lang") == lang
        page.locator("#district-map[data-drawn]").wait_for()
        page.locator("canvas[data-drawn]").first.wait_for()
        assert coloured_districts(page) == 25
        # Mapo has the most listings: the darkest shade of the legend.
        darkest = page.evaluate(
            """() => [...document.querySelectorAll('#district-map path.leaflet-interactive')]
                .filter(p => p.getAttribute('fill') === '#006d2c').length"""
        )
        assert darkest == 1
        assert drawn_charts(page) >= 2
        # Every canvas has its text alternative and its table.
        canvases = page.locator("canvas[data-chart]")
        for i in range(canvases.count()):
            canvas = canvases.nth(i)
            assert canvas.get_attribute("role") == "img"
            assert canvas.get_attribute("aria-label")
        # Every chart has its table (closed under the chart on the dashboard, one click away;
        # the map's table is open beside it).
        assert page.locator("details.od-table table caption").count() >= canvases.count()
        # (a handle: the locator would move on to the next closed table once this one opens)
        closed = page.locator("details.od-table:not([open])").first.element_handle()
        closed.query_selector("summary").click()
        page.wait_for_function("(d) => d.open", arg=closed)
        assert closed.query_selector("table").is_visible()
        if device == "phone":
            assert_no_horizontal_scroll(page, f"dashboard {lang} phone")
        results[f"dashboard {lang} {device}"] = axe(page)
        screenshot(page, f"opendata-dashboard-{lang}-{device}")
        assert not errors, errors

    # A download link of the listings' chart by month answers its CSV (UTF-8 with a BOM).
    link = page.locator("#chart-directory-listings-period-box a[href*='data.csv']").first
    response = page.request.get(link.get_attribute("href"))
    assert response.status == 200
    assert response.headers["content-type"].startswith("text/csv")
    body = response.body()
    assert body.startswith(b"\xef\xbb\xbf")
    lines = body.decode("utf-8-sig").splitlines()
    assert [line.split(",")[1:3] for line in lines[1:]] == [
        ["2025-01", "1"],
        ["2025-02", "2"],
        ["2025-03", "3"],
    ]

    # Filters work without script: a GET form; the map and the charts follow.
    page = make_page(lang=lang, bypass_csp=True)
    page.goto(url("opendata:dashboard", lang) + "?start=2025-03&category=tools")
    page.locator("#district-map[data-drawn]").wait_for()
    assert coloured_districts(page) == 25
    results[f"dashboard {lang} filtered"] = axe(page)

    # An indicator's page: by month, by district, by category.
    page = make_page(lang=lang, bypass_csp=True)
    errors = console_errors(page)
    page.goto(url("opendata:indicator", lang, code="directory.listings"))
    page.locator("canvas[data-drawn]").first.wait_for()
    assert drawn_charts(page) == 3
    results[f"indicator {lang}"] = axe(page)
    screenshot(page, f"opendata-indicator-{lang}")
    assert not errors, errors

    page = make_page(lang=lang, device="phone", bypass_csp=True)
    page.goto(url("opendata:indicators", lang))
    assert_no_horizontal_scroll(page, f"indicators {lang} phone")
    results[f"indicators {lang}"] = axe(page)
    assert_accessible(results)
