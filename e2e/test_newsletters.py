"""Newsletters as people use them: subscribe, confirm from the link in the real mail, change
preferences, unsubscribe; and city staff writing and sending a newsletter. axe-core on each page."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from e2e.conftest import assert_accessible
from e2e.pages import paste_rich_text

pytestmark = pytest.mark.e2e


@pytest.fixture
def topics(transactional_db):
    from sharehub.newsletters.demo import TOPICS
    from sharehub.newsletters.models import Topic

    return [
        Topic.objects.create(
            slug=slug, name_ko=ko, name_en=en, description_ko=dko, description_en=den, order=order
        )
        for slug, ko, en, dko, den, order in TOPICS
    ]


def link_from(message, kind: str, live_server) -> str:
    text = message.get_body(preferencelist=("plain",)).get_content()
    match = re.search(rf"https?://\S+?(/(?:ko|en)/newsletters/{kind}/[^/\s]+/)", text)
    assert match, text
    return live_server.url + match.group(1)


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_subscribe_confirm_change_and_unsubscribe(
    make_page, axe, screenshot, console_errors, hub_data, topics, smtp_server, live_server, lang
):
    from sharehub.newsletters.models import Subscriber

    results = {}
    page = make_page(lang=lang, bypass_csp=True)
    errors = console_errors(page)
    page.goto(f"/{lang}/newsletters/")
    results["subscribe"] = axe(page)
    # A first try without a topic: the error is shown next to the field, nothing is kept.
    page.fill("#id_email", "reader@example.org")
    page.check("#id_consent")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert page.locator(".has-error").count() >= 1
    assert Subscriber.objects.count() == 0
    results["subscribe-errors"] = axe(page)
    screenshot(page, f"newsletters-{lang}-1-subscribe-errors")

    page.check("#id_topics_0")
    page.check("#id_topics_1")
    page.select_option("#id_language", lang)
    page.select_option(
        "#id_district",
        label=hub_data["district"].name_ko if lang == "ko" else hub_data["district"].name_en,
    )
    page.check("#id_consent")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    screenshot(page, f"newsletters-{lang}-2-check-inbox")
    results["check-inbox"] = axe(page)
    assert "reader@example.org" in page.locator("main").inner_text()

    # The confirmation mail arrived at the real SMTP server, in the chosen language.
    page.wait_for_timeout(200)
    [mail] = smtp_server.messages
    assert ("구독" in mail["Subject"]) == (lang == "ko")
    page.goto(link_from(mail, "confirm", live_server))
    results["confirm"] = axe(page)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    screenshot(page, f"newsletters-{lang}-3-confirmed")
    subscriber = Subscriber.objects.get()
    assert subscriber.status == "confirmed"

    # Preferences, without logging in.
    with page.expect_navigation():
        page.locator("main a.button").click()
    assert "/newsletters/preferences/" in page.url
    page.uncheck("#id_topics_0")
    page.check("#id_topics_2")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    results["preferences"] = axe(page)
    screenshot(page, f"newsletters-{lang}-4-preferences")
    assert sorted(subscriber.topics.values_list("slug", flat=True)) == [
        "district-events",
        "enterprises",
    ]

    # Unsubscribe: the link shows a button; the click unsubscribes.
    with page.expect_navigation():
        page.locator("main a[href*='/unsubscribe/']").click()
    subscriber.refresh_from_db()
    assert subscriber.status == "confirmed"
    results["unsubscribe"] = axe(page)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    screenshot(page, f"newsletters-{lang}-5-unsubscribed")
    subscriber.refresh_from_db()
    assert subscriber.status == "unsubscribed"
    assert not errors, errors
    assert_accessible(results)


def test_staff_write_and_send_a_newsletter(
    make_page, axe, screenshot, hub_data, topics, smtp_server, live_server, settings
):
    from sharehub.accounts.tests.factories import UserFactory, give_totp
    from sharehub.newsletters.models import Campaign, Subscriber

    settings.SHAREHUB_NEWSLETTER_RATE = 0
    for n in range(3):
        subscriber = Subscriber.objects.create(
            email=f"r{n}@example.org", status="confirmed", language="en" if n else "ko"
        )
        subscriber.topics.set([topics[0]])
    staff = give_totp(UserFactory(is_city_staff=True))
    page = make_page(bypass_csp=True)
    client = Client()
    client.force_login(staff)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    results = {}
    page.goto("/ko/newsletters/manage/new/")
    page.fill("#id_subject_ko", "공유도시 12월 소식")
    page.fill("#id_subject_en", "Sharing City in December")
    paste_rich_text(page, "id_body_html_ko", "<p>올해의 공유도시 소식입니다.</p>")
    paste_rich_text(page, "id_body_html_en", "<p>The sharing city's year.</p>")
    page.fill("#id_body_text_ko", "올해의 공유도시 소식입니다.")
    page.fill("#id_body_text_en", "The sharing city's year.")
    page.check("#id_topics_0")
    results["compose"] = axe(page)
    screenshot(page, "newsletters-staff-1-compose")
    with page.expect_navigation():
        page.get_by_role("button", name="초안 저장").click()
    assert "3" in page.locator(".recipient-count").inner_text()
    results["campaign"] = axe(page)
    screenshot(page, "newsletters-staff-2-campaign")
    # Sending goes through its confirmation: recipients per language, every version complete.
    with page.expect_navigation():
        page.locator("a.send-link").click()
    assert page.locator(".recipient-total").inner_text() == "3"
    assert page.locator(".missing-version").count() == 0
    results["confirm"] = axe(page)
    screenshot(page, "newsletters-staff-2b-confirm")
    with page.expect_navigation():
        page.locator("button.confirm-send").click()
    campaign = Campaign.objects.get()
    assert campaign.status == "sent"
    assert sorted(str(m["To"]) for m in smtp_server.messages) == [
        "r0@example.org",
        "r1@example.org",
        "r2@example.org",
    ]
    assert page.locator(".sent-count").inner_text().strip() == "3"
    results["sent"] = axe(page)
    screenshot(page, "newsletters-staff-3-sent")
    page.goto("/ko/newsletters/manage/topics/")
    assert "공유도시 소식" in page.locator("main table").inner_text()
    results["topics"] = axe(page)
    screenshot(page, "newsletters-staff-5-topics")
    page.goto(f"/en/newsletters/archive/{campaign.pk}/")
    assert "Sharing City in December" in page.locator("h1").inner_text()
    results["archive"] = axe(page)
    screenshot(page, "newsletters-staff-4-archive")
    assert_accessible(results)
