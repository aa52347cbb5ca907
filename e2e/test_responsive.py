"""At phone width (375 px) nothing makes the page scroll sideways."""

from __future__ import annotations

import pytest

from e2e.pages import LANGUAGES, PHONE_WIDTH, assert_no_horizontal_scroll, open_menu, url

pytestmark = pytest.mark.e2e


@pytest.fixture
def crowded_list(hub_data) -> dict:
    """Enough organizations to fill a page, some with long unbroken names and addresses."""
    from sharehub.moderation.models import ModerationStatus
    from sharehub.organizations.models import Organization, OrganizationKind

    Organization.objects.bulk_create(
        Organization(
            slug=f"org-{n}",
            name_ko=f"서울특별시공유경제활성화를위한시민협동조합연합회제{n}지부"
            if n % 2
            else f"나눔가게 {n}호점",
            name_en=f"SeoulMetropolitanSharingEconomyCooperativeFederationBranch{n}"
            if n % 2
            else f"Sharing shop {n}",
            kind=OrganizationKind.COOPERATIVE,
            district=hub_data["district"],
            description_ko="https://example.org/a/very/long/address/without/any/spaces/at/all/" * 2,
            moderation_status=ModerationStatus.PUBLISHED,
        )
        for n in range(25)
    )
    return hub_data


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("name", ["core:home", "organizations:list", "places:list"])
def test_phone_width_has_no_horizontal_scroll(make_page, screenshot, crowded_list, name, lang):
    page = make_page(lang=lang, device="phone")
    assert page.goto(url(name, lang)).status == 200
    assert page.evaluate("window.innerWidth") == PHONE_WIDTH
    assert_no_horizontal_scroll(page, f"{name} ({lang})")
    open_menu(page)
    assert_no_horizontal_scroll(page, f"{name} ({lang}, menu open)")
    screenshot(page, f"phone-{name.replace(':', '-')}-{lang}-crowded")


def test_a_wide_staff_table_scrolls_inside_its_box(make_page, live_server, city_staff):
    """A wide table scrolls in its own box; its visually hidden header text (absolutely
    positioned) must not widen the page past it."""
    from e2e.test_designation import sign_in

    page = make_page(lang="ko", device="phone")
    sign_in(page, city_staff, live_server)
    assert page.goto(url("directory:categories", "ko")).status == 200
    assert page.locator(".table-scroll th .visually-hidden").count() == 1
    assert_no_horizontal_scroll(page, "directory:categories (ko)")
