"""An organization runs its own presence (issue 13, point 2): its owner creates it, a moderator
publishes it, the owner creates its listing and a service from the organization's page, a
moderator publishes the listing, and it appears in the directory, linked both ways."""

from __future__ import annotations

import pytest

from e2e.conftest import assert_accessible
from e2e.pages import url
from e2e.test_designation import sign_in

pytestmark = pytest.mark.e2e

NAMES = {
    "ko": {"org": "연남동 공구 나눔터", "service": "전동 드릴 빌려주기", "district": "마포구"},
    "en": {"org": "Yeonnam Tool Share", "service": "Power drill lending", "district": "Mapo-gu"},
}


def _publish(page, obj, live_server) -> None:
    from django.contrib.contenttypes.models import ContentType

    content_type = ContentType.objects.get_for_model(type(obj))
    page.goto(url("moderation:queue", "ko"))
    item = page.locator(f"#item-{content_type.pk}-{obj.pk}")
    assert item.count() == 1, page.locator("main").inner_text()
    # The queue decides over htmx: wait for the decision's answer, not for a navigation. Publishing
    # a listing indexes it for search (the Korean analyser's first load is slow on a busy machine).
    with page.expect_response(
        lambda response: "/moderation/decide/" in response.url, timeout=60_000
    ):
        item.locator("button[value=publish]").click()
    obj.refresh_from_db()
    assert obj.is_published


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_owner_creates_organization_and_listing_moderator_publishes_both(
    make_page, axe, screenshot, hub_data, live_server, lang
):
    from sharehub.accounts.tests.factories import UserFactory, give_totp
    from sharehub.directory.models import Listing
    from sharehub.organizations.models import Organization

    names, results = NAMES[lang], {}
    owner = make_page(lang=lang, bypass_csp=True)
    sign_in(owner, UserFactory(), live_server)
    moderator = make_page(lang=lang)
    sign_in(moderator, give_totp(UserFactory(is_moderator=True)), live_server)

    # 1. The owner creates the organization; a moderator publishes it.
    owner.goto(url("organizations:create", lang))
    form = owner.locator("main form").filter(has=owner.locator("#id_name_ko"))
    form.locator("#id_name_ko").fill(names["org"])
    form.locator("#id_kind").select_option("community")
    form.locator("#id_district").select_option(label=names["district"])
    with owner.expect_navigation():
        form.locator("button[type=submit]").last.click()
    organization = Organization.objects.get(name_ko=names["org"])
    _publish(moderator, organization, live_server)

    # 2. From the organization's page, the owner creates the listing and a service.
    owner.goto(url("organizations:detail", lang, slug=organization.slug))
    create = owner.locator(f"main a[href$='/directory/{organization.slug}/edit/']")
    assert create.count() == 1
    results["organization-owner"] = axe(owner)
    screenshot(owner, f"presence-{lang}-1-organization-no-listing")
    with owner.expect_navigation():
        create.click()
    owner.locator("#id_summary_ko").fill("드릴, 사다리, 공구를 이웃과 나눠 씁니다.")
    with owner.expect_navigation():
        owner.locator("main form button[type=submit]").first.click()
    service_form = owner.locator("main form#add-service")
    service_form.locator("#id_name_ko").fill(names["service"])
    with owner.expect_navigation():
        service_form.locator("button[type=submit]").click()
    listing = Listing.objects.get(organization=organization)
    assert listing.moderation_status == "pending"
    assert listing.services.count() == 1
    results["manage-pending"] = axe(owner)
    screenshot(owner, f"presence-{lang}-2-manage-pending")

    # Pending: not in the directory.
    visitor = make_page(lang=lang, bypass_csp=True)
    visitor.goto(url("directory:list", lang))
    assert names["org"] not in visitor.locator("main").inner_text()

    # 3. A moderator publishes the listing: it is in the directory, linked both ways.
    _publish(moderator, listing, live_server)
    visitor.goto(url("directory:list", lang) + f"?q={organization.name_ko}")
    with visitor.expect_navigation():
        visitor.locator(f"main a[href$='/directory/{organization.slug}/']").first.click()
    assert names["service"] in visitor.locator("main").inner_text() or lang == "en"
    results["listing"] = axe(visitor)
    screenshot(visitor, f"presence-{lang}-3-listing")
    with visitor.expect_navigation():
        visitor.locator(f"main a[href$='/organizations/{organization.slug}/']").first.click()
    assert visitor.locator(f"main a[href$='/directory/{organization.slug}/']").count() >= 1
    results["organization-public"] = axe(visitor)
    screenshot(visitor, f"presence-{lang}-4-organization-1280")

    phone = make_page(lang=lang, device="phone", bypass_csp=True)
    phone.goto(url("organizations:detail", lang, slug=organization.slug))
    results["organization-phone"] = axe(phone)
    screenshot(phone, f"presence-{lang}-5-organization-375")
    assert_accessible(results)
