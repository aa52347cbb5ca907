"""A citizen's whole first day on the hub, in Korean and in English (issue 12's browser test).

Arrive at the hub's address, search with everyday words from the header, open the listing found,
see it on the map with a marker the hub serves, sign up with the separate consents (required
and optional), confirm from the mail the SMTP server received by following its link as a mail
client would, register for an event, find it again from the user menu, and cancel through the
confirmation page. Every page is checked with axe-core at 1280 px and again at 375 px (the same
address on a phone, with the same session), and no request of either page answers 4xx.

The data is the demo hub (`load_demo`: the real districts and the 41 organizations with their
listings) and an upcoming event of Open Closet's, dated from today so the test does not age.
"""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.utils import timezone

from e2e.conftest import assert_accessible
from e2e.pages import LANGUAGES, assert_no_horizontal_scroll, open_menu
from e2e.test_account_mails import LINK, PASSWORD, is_logged_in, wait_for_mail
from e2e.test_maps import assert_markers_are_images, wait_for_maps

pytestmark = pytest.mark.e2e

# What a citizen types in the header (the natural query set has these: sharehub/search/tests/natural.py),
# and the service it must find first: Open Closet lends suits and has a place on the map (Gwangjin-gu).
QUERY = {"ko": "정장 빌리고 싶어요", "en": "suit rental"}
LISTING = {"ko": "열린옷장", "en": "Open Closet"}
EVENT = {"ko": "면접 정장 입어 보기의 날", "en": "Try on a suit for your interview"}
VENUE = {"ko": "열린옷장 광진 쇼룸", "en": "Open Closet showroom, Gwangjin"}
PERSON = {
    "ko": {"display": "박하루", "district": "광진구"},
    "en": {"display": "Haru Park", "district": "Gwangjin-gu"},
}


@pytest.fixture
def day(transactional_db) -> dict:
    from sharehub.core.demo import load_demo
    from sharehub.events.search_index import reindex_event
    from sharehub.events.tests.factories import EventFactory
    from sharehub.organizations.models import Organization
    from sharehub.places.models import District

    load_demo()
    open_closet = Organization.objects.get(name_en="Open Closet")
    start = timezone.now() + timedelta(days=5)
    event = EventFactory(
        organization=open_closet,
        title_ko=EVENT["ko"],
        title_en=EVENT["en"],
        summary_ko="면접을 앞둔 청년이 정장을 입어 보고 빌리는 방법을 안내받습니다.",
        summary_en="Young job seekers try a suit on and learn how to borrow one.",
        district=District.objects.get(slug="gwangjin-gu"),
        venue_ko=VENUE["ko"],
        venue_en=VENUE["en"],
        address="서울 광진구 아차산로 200",
        latitude=37.5386,
        longitude=127.0823,
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        capacity=20,
    )
    reindex_event(event)
    return {"open_closet": open_closet, "event": event}


def watch_failures(page, failures: list[str], device: str) -> None:
    """Every response of 400 or more (a missing marker or icon would be a 404), and script errors."""
    page.on(
        "response",
        lambda response: (
            failures.append(f"{device}: HTTP {response.status} {response.url}")
            if response.status >= 400
            else None
        ),
    )
    page.on("pageerror", lambda error: failures.append(f"{device}: uncaught: {error}"))


def click_to(page, locator) -> None:
    """Click something that navigates, waiting for the navigation the click starts."""
    with page.expect_navigation():
        locator.click()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_citizens_first_day(make_page, axe, screenshot, day, smtp_server, live_server, lang):
    from sharehub.accounts.consents import CONSENTS_BY_KIND
    from sharehub.accounts.models import Consent, User
    from sharehub.events.models import Registration

    event = day["event"]
    email = f"haru-{lang}@example.org"
    results: dict[str, list] = {}
    failures: list[str] = []
    page = make_page(lang=lang, bypass_csp=True)
    phone = make_page(lang=lang, device="phone", bypass_csp=True)
    watch_failures(page, failures, "1280")
    watch_failures(phone, failures, "375")
    step = iter(range(1, 100))

    def check(label: str, *, phone_too: bool = True) -> None:
        """axe-core and a screenshot of the page as it is at 1280 px, then the same address at
        375 px (a GET, with the phone's own session) unless it only exists after a POST."""
        number = next(step)
        wait_for_maps(page)
        results[f"{label} 1280 {page.url}"] = axe(page)
        screenshot(page, f"citizen-day-{lang}-{number:02d}-{label}-1280")
        if not phone_too:
            return
        phone.goto(page.url)
        wait_for_maps(phone)
        assert_no_horizontal_scroll(phone, f"{label} ({lang})")
        results[f"{label} 375 {phone.url}"] = axe(phone)
        screenshot(phone, f"citizen-day-{lang}-{number:02d}-{label}-375")

    # 1. Arrive at the hub's bare address: the browser's language chooses the page's.
    page.goto("/")
    assert urlsplit(page.url).path == f"/{lang}/"
    assert page.locator("html").get_attribute("lang") == lang
    check("home")

    # 2. Search with everyday words from the header's one search box.
    box = page.locator("header #header-q")
    box.fill(QUERY[lang])
    with page.expect_navigation():
        box.press("Enter")
    assert urlsplit(page.url).path == f"/{lang}/search/"
    services = page.locator("#kind-services").locator("xpath=..")
    first = services.locator(".search-result h3 a").first
    assert first.inner_text().strip() == LISTING[lang]
    check("search")

    # 3. Open the listing found, and see it on its map with a marker the hub serves.
    click_to(page, first)
    assert urlsplit(page.url).path == f"/{lang}/directory/{day['open_closet'].slug}/"
    assert page.locator("h1").inner_text().strip() == LISTING[lang]
    wait_for_maps(page)
    marker = page.locator("#listing-map img.leaflet-marker-icon")
    assert marker.count() >= 1
    assert_markers_are_images(page, f"listing ({lang})")
    check("listing")
    assert_markers_are_images(phone, f"listing ({lang}, phone)")

    # 4. Sign up from the header, with each consent apart: every required one; the optional
    # newsletter is left unchecked in Korean and chosen in English, and only a chosen one is kept.
    open_menu(page)
    click_to(page, page.locator("header a[href$='/accounts/signup/']"))
    check("signup")
    form = page.locator("main form.signup-form")
    tags = {
        name.removeprefix("consent_"): form.locator(f"label[for=id_{name}] .consent-tag")
        for name in ("consent_age", "consent_terms", "consent_privacy", "consent_newsletter")
    }
    optional = {kind for kind, tag in tags.items() if "optional" in tag.get_attribute("class")}
    assert optional == {"newsletter"}
    assert tags["privacy"].inner_text() != tags["newsletter"].inner_text()  # [필수] / [선택]
    assert form.locator("table.privacy-notice tr").count() >= 3  # items, purpose, retention
    form.locator("#id_email").fill(email)
    form.locator("#id_password1").fill(PASSWORD)
    form.locator("#id_password2").fill(PASSWORD)
    form.locator("#id_display_name").fill(PERSON[lang]["display"])
    form.locator("#id_preferred_language").select_option(lang)
    form.locator("#id_home_district").select_option(label=PERSON[lang]["district"])
    chosen = [Consent.Kind.AGE, Consent.Kind.TERMS, Consent.Kind.PRIVACY]
    if lang == "en":
        chosen.append(Consent.Kind.NEWSLETTER)
    for kind in chosen:
        form.locator(f"#id_consent_{kind.value}").check()
    assert form.locator("input[name^=consent_]:checked").count() == len(chosen)
    click_to(page, form.locator("button[type=submit]").last)
    assert re.search(r"/accounts/confirm-email/$", page.url), page.url
    user = User.objects.get(email=email)
    recorded = {consent.kind: consent.version for consent in user.consents.all()}
    assert recorded == {kind: CONSENTS_BY_KIND[kind].version for kind in chosen}
    check("verification-sent")

    # 5. The mail the SMTP server received: follow its link as a mail client would, i.e. the
    # whole URL-looking token, then open that address's path on the live server.
    [mail] = wait_for_mail(smtp_server, 1)
    assert mail["To"] == email
    text = mail.get_body(preferencelist=("plain",)).get_content()
    [link] = [found for found in LINK.findall(text) if "/accounts/confirm-email/" in found]
    parts = urlsplit(link)
    assert f"{parts.scheme}://{parts.netloc}" == live_server.url, link
    assert re.fullmatch(rf"/{lang}/accounts/confirm-email/[^/]+/", parts.path), link
    page.goto(parts.path + (f"?{parts.query}" if parts.query else ""))
    check("confirm")
    click_to(page, page.locator("main form button[type=submit]").last)
    assert is_logged_in(page)
    assert user.emailaddress_set.get(email=email).verified
    # The phone carries on with the same session from here.
    phone.context.add_cookies(page.context.cookies())

    # 6. Find the event from the header's navigation and register.
    open_menu(page)
    click_to(page, page.locator("header nav a[href$='/events/']"))
    click_to(page, page.locator("main a", has_text=EVENT[lang]).first)
    assert urlsplit(page.url).path == f"/{lang}/events/{event.pk}/"
    wait_for_maps(page)
    assert page.locator("#event-map img.leaflet-marker-icon").count() == 1
    assert_markers_are_images(page, f"event ({lang})")
    check("event")
    click_to(
        page, page.locator(f"form[action$='/events/{event.pk}/register/'] button[type=submit]")
    )
    assert Registration.objects.get(user=user, event=event).status == "confirmed"
    check("registered")
    mails = wait_for_mail(smtp_server, 2)
    assert mails[1]["To"] == email

    # 7. Find it again from the user menu: "my events" shows it with its venue and a cancel button.
    menu = page.locator("header details.user-menu")
    menu.locator("summary").click()
    results[f"user-menu open 1280 {page.url}"] = axe(page)
    click_to(page, menu.locator("[data-testid=user-menu-events]"))
    assert urlsplit(page.url).path == f"/{lang}/events/mine/"
    main = page.locator("main")
    assert EVENT[lang] in main.inner_text() and VENUE[lang] in main.inner_text()
    check("my-events")
    # …and on the phone, through its own user menu.
    phone_menu = phone.locator("header details.user-menu")
    phone_menu.locator("summary").click()
    assert_no_horizontal_scroll(phone, f"user menu ({lang})")
    results[f"user-menu open 375 {phone.url}"] = axe(phone)
    click_to(phone, phone_menu.locator("[data-testid=user-menu-events]"))
    assert urlsplit(phone.url).path == f"/{lang}/events/mine/"

    # 8. Cancel: the button asks first; only the confirmation's form cancels.
    click_to(page, main.locator(f"a[href$='/events/{event.pk}/cancel-registration/']"))
    assert Registration.objects.get(user=user, event=event).status == "confirmed"
    check("cancel-confirm")
    click_to(
        page,
        page.locator(
            f"main form[action$='/events/{event.pk}/cancel-registration/'] button[type=submit]"
        ),
    )
    assert urlsplit(page.url).path == f"/{lang}/events/mine/"
    assert Registration.objects.get(user=user, event=event).status == "cancelled"
    assert page.locator(f"main a[href$='/events/{event.pk}/cancel-registration/']").count() == 0
    check("cancelled")

    assert not failures, failures
    assert_accessible(results)
