"""Events as people use them in a browser: find an event, register, get the mail with its .ics,
cancel, register again, and the organizer checks the person in on a phone; axe-core on each page."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from icalendar import Calendar

from e2e.conftest import assert_accessible

pytestmark = pytest.mark.e2e


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


def wait_for_mail(smtp_server, count: int, timeout: float = 10.0) -> list:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with smtp_server.lock:
            if len(smtp_server.messages) >= count:
                return list(smtp_server.messages)
        time.sleep(0.1)
    raise AssertionError(f"expected {count} e-mails, got {len(smtp_server.messages)}")


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_find_register_mail_cancel_and_check_in(
    make_page, axe, screenshot, console_errors, hub_data, live_server, smtp_server, lang
):
    from sharehub.accounts.tests.factories import UserFactory
    from sharehub.events.models import Registration
    from sharehub.events.search_index import reindex_event
    from sharehub.events.tests.factories import EventFactory
    from sharehub.places.models import District

    organization = hub_data["organization"]
    district = District.objects.get(name_en="Mapo-gu")
    start = timezone.now() + timedelta(days=6)
    event = EventFactory(
        organization=organization,
        title_ko="공구도서관 수리 교실",
        title_en="Tool library repair class",
        district=district,
        venue_ko="마포 공유센터",
        venue_en="Mapo Sharing Centre",
        latitude=37.5563,
        longitude=126.9220,
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        capacity=15,
    )
    other = EventFactory(title_ko="다른 행사", title_en="Another event")
    for item in (event, other):
        reindex_event(item)
    citizen = UserFactory(display_name="이나눔", preferred_language=lang)
    results = {}

    page = make_page(lang=lang, bypass_csp=True)
    errors = console_errors(page)
    sign_in(page, citizen, live_server)
    page.goto(f"/{lang}/events/")
    results["list"] = axe(page)
    page.fill("#id_q", "공구도서관" if lang == "ko" else "repair")
    page.locator("form.filters button[type=submit]").click()
    page.wait_for_function(
        "!document.querySelector('#results').innerText.includes('%s')"
        % ("다른 행사" if lang == "ko" else "Another event")
    )
    screenshot(page, f"events-{lang}-1-search")
    with page.expect_navigation():
        page.locator(
            "#results a", has_text=event.title_ko if lang == "ko" else event.title_en
        ).click()
    assert f"/events/{event.pk}/" in page.url
    results["detail"] = axe(page)
    with page.expect_navigation():
        page.locator(f"form[action$='/events/{event.pk}/register/'] button[type=submit]").click()
    screenshot(page, f"events-{lang}-2-registered")
    assert Registration.objects.get(user=citizen).status == "confirmed"

    [mail] = wait_for_mail(smtp_server, 1)
    assert mail["To"] == citizen.email
    attachments = {part.get_filename(): part for part in mail.iter_attachments()}
    ics = attachments[f"event-{event.pk}.ics"]
    assert ics.get_content_type() == "text/calendar"
    [entry] = Calendar.from_ical(ics.get_content()).walk("VEVENT")
    assert entry.decoded("dtstart") == event.starts_at.replace(microsecond=0)
    assert attachments[f"check-in-{event.pk}.png"].get_content_type() == "image/png"

    page.goto(f"/{lang}/events/mine/")
    assert page.locator("img.qr").count() == 1
    results["mine"] = axe(page)
    screenshot(page, f"events-{lang}-3-mine")

    # Cancelling asks first: the button leads to a page that asks, and only its form cancels.
    with page.expect_navigation():
        page.locator(f"main a[href$='/events/{event.pk}/cancel-registration/']").click()
    assert Registration.objects.get(user=citizen).status == "confirmed"
    results["cancel-confirm"] = axe(page)
    screenshot(page, f"events-{lang}-3b-cancel-confirm")
    with page.expect_navigation():
        page.locator(
            f"form[action$='/events/{event.pk}/cancel-registration/'] button[type=submit]"
        ).click()
    assert page.url.endswith(f"/{lang}/events/mine/")
    assert Registration.objects.get(user=citizen).status == "cancelled"
    page.goto(f"/{lang}/events/{event.pk}/")
    with page.expect_navigation():
        page.locator(f"form[action$='/events/{event.pk}/register/'] button[type=submit]").click()
    assert Registration.objects.get(user=citizen, status="confirmed")

    organizer = make_page(lang=lang, device="phone", bypass_csp=True)
    sign_in(organizer, hub_data["owner"], live_server)
    organizer.goto(f"/{lang}/events/{event.pk}/manage/")
    assert citizen.email in organizer.locator("main").inner_text()
    results["manage"] = axe(organizer)
    organizer.goto(f"/{lang}/events/{event.pk}/check-in/")
    results["check-in"] = axe(organizer)
    organizer.fill("#id_code", "나눔")
    organizer.locator("#checkin-form button[type=submit]").click()
    button = organizer.locator("#outcome button[type=submit]")
    button.wait_for()
    button.click()
    organizer.wait_for_selector("#outcome .checkin-ok")
    screenshot(organizer, f"events-{lang}-4-checked-in")
    assert Registration.objects.get(user=citizen, status="confirmed").checked_in_at is not None
    # a second scan of the person's code says so
    from sharehub.events.checkin import checkin_code

    organizer.fill(
        "#id_code", checkin_code(Registration.objects.get(user=citizen, status="confirmed"))
    )
    organizer.locator("#checkin-form button[type=submit]").click()
    organizer.wait_for_selector("#outcome .checkin-already")
    organizer.wait_for_function(
        "document.querySelector('#counts').innerText.includes('1 / 1')", timeout=8000
    )
    results["checked-in"] = axe(organizer)
    screenshot(organizer, f"events-{lang}-5-already")
    assert not [e for e in errors if "favicon" not in e], errors
    assert_accessible(results)


def test_calendar_and_map_pages_are_accessible(make_page, axe, screenshot, hub_data):
    from sharehub.events.tests.factories import EventFactory

    EventFactory(organization=hub_data["organization"], latitude=37.5663, longitude=126.9779)
    page = make_page(bypass_csp=True)
    results = {}
    page.goto("/ko/events/calendar/")
    results["calendar"] = axe(page)
    screenshot(page, "events-ko-calendar")
    assert page.locator("table.month").is_visible() and not page.locator(".agenda").is_visible()
    page.goto("/ko/events/map/")
    page.wait_for_selector(".leaflet-marker-icon, .marker-cluster", timeout=8000)
    results["map"] = axe(page)
    assert_accessible(results)


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_calendar_is_an_agenda_on_a_phone(make_page, axe, screenshot, hub_data, lang):
    """At 375 px the month reads as a list of the days that have events: a course on its
    session days only, each day's events in time order, and nothing scrolls sideways."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from e2e.pages import assert_no_horizontal_scroll
    from sharehub.events.models import EventSession
    from sharehub.events.tests.factories import EventFactory

    seoul = ZoneInfo("Asia/Seoul")
    today = timezone.localdate()
    month = (today.replace(day=1) + timedelta(days=32)).replace(day=1)

    def at(day: int, hour: int) -> datetime:
        return datetime(month.year, month.month, day, hour, tzinfo=seoul)

    course = EventFactory(
        title_ko="공구도서관 운영자 교육", title_en="Tool library training",
        starts_at=at(3, 19), ends_at=at(17, 21),
    )  # fmt: skip
    for day in (3, 10, 17):
        EventSession.objects.create(event=course, starts_at=at(day, 19), ends_at=at(day, 21))
    EventFactory(
        title_ko="아침 나눔 장터", title_en="Morning swap", starts_at=at(10, 9), ends_at=at(10, 12)
    )

    page = make_page(lang=lang, device="phone", bypass_csp=True)
    page.goto(f"/{lang}/events/calendar/?month={month:%Y-%m}")
    assert not page.locator("table.month").is_visible()
    days = page.locator(".agenda-day")
    assert days.count() == 3
    second = days.nth(1).inner_text()
    morning = "아침 나눔 장터" if lang == "ko" else "Morning swap"
    training = "공구도서관 운영자 교육" if lang == "ko" else "Tool library training"
    assert second.index(morning) < second.index(training)
    assert_no_horizontal_scroll(page, f"calendar {lang}")
    screenshot(page, f"events-{lang}-calendar-phone")
    assert_accessible({"agenda": axe(page)})
