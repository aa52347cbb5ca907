"""Public spaces in the browser, in Korean and English (issue 15): a citizen finds a space free at
a given day and time from the header's menu, books a slot from its week view, reads the booking
from "My bookings" and cancels it; a request for a space that staff approve is approved by the
space's staff from the header's workspace; the taken slot then shows as taken to everyone else.
Only the spaces and the accounts are made with the ORM, as a city's staff would have set them up;
everything else is done through the pages, reached by links. axe-core checks every page."""

from __future__ import annotations

import datetime

import pytest
from django.utils import translation
from django.utils.translation import gettext, pgettext

from e2e.conftest import assert_accessible
from e2e.pages import url
from e2e.test_designation import main_text, sign_in
from e2e.test_organization_to_designation import click, workspace_queue

pytestmark = pytest.mark.e2e


def _bookable_wednesday() -> datetime.date:
    """A Wednesday 8 to 14 days ahead: inside every window, never today."""
    day = datetime.date.today() + datetime.timedelta(days=8)
    return day + datetime.timedelta(days=(2 - day.weekday()) % 7)


def _slot(page, day: datetime.date, hour: str):
    """The free slot at `hour` on `day` in the week view."""
    return page.locator(f"li.week-day:has(time[datetime='{day.isoformat()}']) a.slot.free").filter(
        has_text=hour
    )


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_find_book_cancel_and_approve(make_page, axe, screenshot, hub_data, live_server, lang):
    from sharehub.accounts.tests.factories import UserFactory, give_totp
    from sharehub.facilities.models import Booking, BookingStatus, Confirmation, Purpose
    from sharehub.facilities.tests.factories import SpaceFactory

    results: dict[str, list[dict]] = {}

    def check(page, label: str) -> None:
        results[label] = axe(page)

    district = hub_data["district"]
    room = SpaceFactory(
        slug="mapo-community-room",
        name_ko="망원동 주민센터 다목적실",
        name_en="Mangwon-dong Community Centre Room",
        district=district,
        capacity=20,
        human_seconds=0,  # the browser fills the form faster than a person
    )
    hall = SpaceFactory(
        slug="mapo-hall",
        name_ko="마포구청 대강당",
        name_en="Mapo-gu Office Hall",
        district=district,
        capacity=200,
        confirmation=Confirmation.APPROVAL,
        human_seconds=0,
    )
    staff_user = give_totp(UserFactory(display_name="이담당", preferred_language=lang))
    hall.staff.add(staff_user)
    citizen_user = UserFactory(display_name="정시민", preferred_language=lang)
    day = _bookable_wednesday()

    citizen = make_page(lang=lang, bypass_csp=True)
    sign_in(citizen, citizen_user, live_server)
    staff = make_page(lang=lang, bypass_csp=True)
    sign_in(staff, staff_user, live_server)
    other = make_page(lang=lang, bypass_csp=True)

    with translation.override(lang):
        confirmed = str(BookingStatus.CONFIRMED.label)
        cancelled = str(BookingStatus.CANCELLED.label)
        waiting = str(BookingStatus.REQUESTED.label)
        purpose = str(Purpose.MEETING.label)
        taken = gettext("taken")
        show = gettext("Show")
        book = gettext("Book")
        cancel = gettext("Cancel the booking")
        approve = gettext("Approve")
        my_bookings = gettext("My bookings")
        labels = {
            "free_on": gettext("Free on"),
            "from": pgettext("time", "From"),
            "until": gettext("Until"),
        }

    # --- 1. the citizen finds the room free on the day, from the header's menu ---------------
    citizen.goto(f"/{lang}/", timeout=30_000)
    click(citizen, citizen.locator(f"header nav a[href='{url('facilities:list', lang)}']"))
    check(citizen, "space-list")
    filters = citizen.locator("main form.filters")
    filters.get_by_label(labels["free_on"]).fill(day.isoformat())
    filters.get_by_label(labels["from"], exact=True).fill("10:00")
    filters.get_by_label(labels["until"], exact=True).fill("12:00")
    # The filters update the results in place (htmx) and push the address: wait for the last one.
    filters.get_by_role("button", name=show, exact=True).click()
    citizen.wait_for_url("**end=12%3A00**")
    # htmx pushes the address before it swaps the results in: wait for the cards that link to
    # the chosen day's week (the unfiltered ones link to this week, which has no such day).
    room_link = f"{url('facilities:detail', lang, slug=room.slug)}?week={day.isoformat()}"
    citizen.locator(f"main #results .space-card a[href='{room_link}']").wait_for()
    cards = citizen.locator("main #results .space-card")
    assert cards.count() == 2, main_text(citizen)
    click(citizen, cards.locator(f"a[href='{room_link}']"))
    check(citizen, "space-detail")
    screenshot(citizen, f"facilities-{lang}-space")

    # --- 2. it books 10:00 from the week view ---------------------------------------------
    click(citizen, _slot(citizen, day, "10:00"))
    form = citizen.locator("main form[method=post]")
    assert form.locator("#id_start").input_value() == "10:00", main_text(citizen)
    form.locator("#id_end").fill("12:00")
    form.locator("#id_purpose").select_option(label=purpose)
    form.locator("#id_purpose_detail").fill("마을 공유 모임" if lang == "ko" else "Sharing circle")
    form.locator("#id_people").fill("12")
    form.locator("#id_accept_rules").check()
    check(citizen, "book-form")
    click(citizen, form.get_by_role("button", name=book, exact=True))
    booking = Booking.objects.get(space=room, user=citizen_user)
    assert booking.status == BookingStatus.CONFIRMED
    assert confirmed in main_text(citizen)
    check(citizen, "booking-confirmed")

    # Anyone else sees the time as taken, never who booked it.
    other.goto(url("facilities:detail", lang, slug=room.slug) + f"?week={day.isoformat()}")
    row = other.locator(f"li.week-day:has(time[datetime='{day.isoformat()}'])")
    assert taken in row.inner_text()
    assert citizen_user.display_name not in main_text(other)

    # --- 3. it finds the booking under "My bookings" and cancels it ------------------------
    citizen.goto(f"/{lang}/")
    citizen.locator("header .user-menu summary").click()
    click(citizen, citizen.locator("header .user-menu").get_by_role("link", name=my_bookings))
    check(citizen, "my-bookings")
    click(
        citizen,
        citizen.locator(
            f"main a[href='{url('facilities:booking', lang, reference=booking.reference)}']"
        ).first,
    )
    click(citizen, citizen.locator("main form").get_by_role("button", name=cancel))
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    assert cancelled in main_text(citizen)
    check(citizen, "booking-cancelled")

    # --- 4. a request for the hall waits for staff, who approve it from the workspace -------
    citizen.goto(url("facilities:detail", lang, slug=hall.slug) + f"?week={day.isoformat()}")
    click(citizen, _slot(citizen, day, "14:00"))
    form = citizen.locator("main form[method=post]")
    form.locator("#id_end").fill("16:00")
    form.locator("#id_purpose").select_option(label=purpose)
    form.locator("#id_purpose_detail").fill("공유 교육" if lang == "ko" else "Sharing course")
    form.locator("#id_people").fill("80")
    form.locator("#id_accept_rules").check()
    click(citizen, form.get_by_role("button", name=book, exact=True))
    request = Booking.objects.get(space=hall, user=citizen_user)
    assert request.status == BookingStatus.REQUESTED
    assert waiting in main_text(citizen)

    link, count = workspace_queue(staff, lang, "facilities:queue")
    assert count == 1
    click(staff, link)
    check(staff, "queue")
    row = staff.locator("main tr").filter(
        has=staff.locator(
            f"a[href='{url('facilities:booking', lang, reference=request.reference)}']"
        )
    )
    click(staff, row.get_by_role("button", name=approve))
    request.refresh_from_db()
    assert request.status == BookingStatus.CONFIRMED
    assert request.decided_by == staff_user
    check(staff, "queue-after")
    screenshot(staff, f"facilities-{lang}-queue")

    citizen.goto(url("facilities:booking", lang, reference=request.reference))
    assert confirmed in main_text(citizen)
    assert_accessible(results)


def test_space_pages_fit_a_phone(make_page, axe, hub_data, live_server):
    """The list, a space's week and the booking form at 375 px: nothing wider than the screen."""
    from sharehub.accounts.tests.factories import UserFactory
    from sharehub.facilities.tests.factories import SpaceFactory

    room = SpaceFactory(district=hub_data["district"], slug="phone-room")
    phone = make_page(lang="ko", device="phone", bypass_csp=True)
    sign_in(phone, UserFactory(), live_server)
    results: dict[str, list[dict]] = {}
    for label, path in (
        ("list", url("facilities:list", "ko")),
        ("detail", url("facilities:detail", "ko", slug=room.slug)),
        ("book", url("facilities:book", "ko", slug=room.slug)),
    ):
        phone.goto(path, timeout=30_000)
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, f"{label}: {width}px wide"
        results[label] = axe(phone)
    assert_accessible(results)


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_a_lottery_round_entered_drawn_and_checked(
    make_page, axe, screenshot, hub_data, live_server, lang
):
    """Two people enter a lottery-mode studio's round for the same evening from its week view;
    the round is drawn at its time; the round page reveals the seed that reproduces the order,
    the winner finds the booking under "My bookings" and the other is told "not drawn"."""
    from django.utils import timezone

    from sharehub.accounts.tests.factories import UserFactory
    from sharehub.facilities.models import Allocation, EntryStatus, LotteryEntry, Purpose
    from sharehub.facilities.services import lottery
    from sharehub.facilities.tests.factories import SpaceFactory

    results: dict[str, list[dict]] = {}
    studio = SpaceFactory(
        slug="youth-studio",
        name_ko="청년 공유 스튜디오",
        name_en="Youth Sharing Studio",
        district=hub_data["district"],
        allocation=Allocation.LOTTERY,
        lottery_draw_days=3,
        human_seconds=0,
    )
    today = timezone.localdate()
    monday = today + datetime.timedelta(days=7 + (7 - today.weekday()) % 7)
    draw = lottery.open_round(studio, monday, now=timezone.now())
    assert draw is not None
    day = monday + datetime.timedelta(days=2)  # that week's Wednesday
    people = [UserFactory(preferred_language=lang) for _ in range(2)]
    with translation.override(lang):
        purpose = str(Purpose.CULTURE.label)
        enter = gettext("Enter the lottery")
        won = str(EntryStatus.WON.label)
        drawn_booked = pgettext("lottery outcome", "Drawn: booked")
        taken_earlier = gettext("An earlier entry in the draw got this time.")

    for index, person in enumerate(people):
        page = make_page(lang=lang, bypass_csp=True)
        sign_in(page, person, live_server)
        page.goto(
            url("facilities:detail", lang, slug=studio.slug) + f"?week={monday.isoformat()}",
            timeout=30_000,
        )
        results[f"studio-{index}"] = axe(page)
        slot = page.locator(
            f"li.week-day:has(time[datetime='{day.isoformat()}']) a.slot.lottery"
        ).filter(has_text="19:00")
        click(page, slot)
        form = page.locator("main form[method=post]")
        form.locator("#id_end").fill("21:00")
        form.locator("#id_purpose").select_option(label=purpose)
        form.locator("#id_purpose_detail").fill("밴드 합주" if lang == "ko" else "Band practice")
        form.locator("#id_people").fill("5")
        form.locator("#id_accept_rules").check()
        results[f"enter-{index}"] = axe(page)
        click(page, form.get_by_role("button", name=enter, exact=True))
        assert LotteryEntry.objects.filter(round=draw, user=person).exists(), main_text(page)
        if index == 0:
            screenshot(page, f"facilities-{lang}-lottery-entered")

    # The draw, as the job runs it at the round's time.
    assert lottery.draw(lottery=draw, now=draw.draws_at + datetime.timedelta(minutes=1))
    draw.refresh_from_db()
    winner = draw.entries.get(status=EntryStatus.WON)
    assert winner.booking is not None
    assert draw.entries.filter(status=EntryStatus.LOST).count() == 1

    page = make_page(lang=lang, bypass_csp=True)
    sign_in(page, winner.user, live_server)
    page.goto(url("facilities:mine", lang))
    assert won in main_text(page)
    click(
        page,
        page.locator(f"main a[href='{url('facilities:lottery_round', lang, pk=draw.pk)}']").first,
    )
    text = main_text(page)
    assert draw.seed in text and draw.seed_hash in text
    assert drawn_booked in text and taken_earlier in text
    results["round"] = axe(page)
    screenshot(page, f"facilities-{lang}-lottery-round")
    assert_accessible(results)
