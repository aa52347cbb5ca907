"""The user menu in a browser: a signed-in person finds "my events", "my bookings", "my
organizations", "my applications" (a member of an organization), "my subscriptions",
notifications (with the unread count) and the account from every page, at 375 and 1280 px in
Korean and English, with and without JavaScript; axe-core on the open menu."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from e2e.conftest import assert_accessible
from e2e.pages import assert_no_horizontal_scroll
from e2e.test_events import sign_in

pytestmark = pytest.mark.e2e

LABELS = {
    "ko": ["내 행사", "내 예약", "내 단체", "내 신청", "내 구독", "알림", "내 계정", "로그아웃"],
    "en": [
        "My events",
        "My bookings",
        "My organizations",
        "My applications",
        "My subscriptions",
        "Notifications",
        "My account",
        "Log out",
    ],
}


@pytest.fixture
def citizen(hub_data):
    """A person with a registration, an organization and unread notifications."""
    from sharehub.accounts.tests.factories import UserFactory
    from sharehub.events import services
    from sharehub.events.tests.factories import EventFactory
    from sharehub.notifications.tests.factories import NotificationFactory
    from sharehub.organizations.models import MemberRole, Membership

    person = UserFactory(display_name="김시민")
    start = timezone.now() + timedelta(days=4)
    event = EventFactory(
        organization=hub_data["organization"],
        title_ko="공구 수리 교실",
        title_en="Tool repair class",
        venue_ko="마포 공유센터",
        venue_en="Mapo Sharing Centre",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
    )
    services.register(actor=person, event=event)
    Membership.objects.create(
        organization=hub_data["organization"], user=person, role=MemberRole.EDITOR
    )
    NotificationFactory.create_batch(2, user=person)
    return {"user": person, "event": event}


@pytest.mark.parametrize("lang", ["ko", "en"])
@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_my_pages_from_the_user_menu(
    make_page, axe, screenshot, console_errors, live_server, citizen, lang, device
):
    page = make_page(lang=lang, device=device, bypass_csp=True)
    errors = console_errors(page)
    sign_in(page, citizen["user"], live_server)
    page.goto(f"/{lang}/news/")
    menu = page.locator("header details.user-menu")
    summary = menu.locator("summary")
    assert summary.is_visible()
    from sharehub.notifications.selectors import unread_count

    unread = str(unread_count(user=citizen["user"]))  # the two above and the registration's
    assert unread in summary.inner_text()  # the unread count shows on the closed menu
    summary.click()
    links = menu.locator(".user-menu-panel li")
    texts = [text.strip() for text in links.all_inner_texts()]
    for label, text in zip(LABELS[lang], texts, strict=True):
        assert text.startswith(label), (label, texts)
    assert menu.locator("[data-testid=count-notifications]").inner_text().startswith(unread)
    if device == "phone":
        assert_no_horizontal_scroll(page, f"user menu {lang}")
    results = {"menu-open": axe(page)}
    screenshot(page, f"user-menu-{lang}-{device}-open")

    # Escape closes it (with JavaScript); then "my events" is one click away again.
    page.keyboard.press("Escape")
    assert menu.get_attribute("open") is None
    summary.click()
    with page.expect_navigation():
        menu.locator("[data-testid=user-menu-events]").click()
    assert page.url.endswith(f"/{lang}/events/mine/")
    main = page.locator("main").inner_text()
    assert ("마포 공유센터" if lang == "ko" else "Mapo Sharing Centre") in main
    assert page.locator("main a[href$='/cancel-registration/']").count() == 1
    results["my-events"] = axe(page)
    screenshot(page, f"user-menu-{lang}-{device}-my-events")

    for name, path in [
        ("organizations", f"/{lang}/organizations/mine/"),
        ("subscriptions", f"/{lang}/me/subscriptions/"),
        ("account", f"/{lang}/me/"),
    ]:
        page.locator("header details.user-menu summary").click()
        with page.expect_navigation():
            page.locator(f"[data-testid=user-menu-{name}]").click()
        assert page.url.endswith(path), (name, page.url)
        results[name] = axe(page)
    screenshot(page, f"user-menu-{lang}-{device}-account")
    assert not [e for e in errors if "favicon" not in e], errors
    assert_accessible(results)


def test_the_menu_opens_without_javascript(browser, live_server, citizen):
    context = browser.new_context(
        base_url=live_server.url, java_script_enabled=False, viewport={"width": 375, "height": 812}
    )
    page = context.new_page()
    sign_in(page, citizen["user"], live_server)
    page.goto("/ko/events/")
    page.locator("header details.user-menu summary").click()
    link = page.locator("[data-testid=user-menu-events]")
    assert link.is_visible()
    with page.expect_navigation():
        link.click()
    assert page.url.endswith("/ko/events/mine/")
    context.close()


def test_anonymous_visitors_see_log_in_instead(make_page, hub_data):
    from e2e.pages import open_menu

    page = make_page(lang="en", device="phone")
    page.goto("/en/")
    assert page.locator("header details.user-menu").count() == 0
    open_menu(page)
    assert page.locator("header a[href='/en/accounts/login/']").is_visible()
