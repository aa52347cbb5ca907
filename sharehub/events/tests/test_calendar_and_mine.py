"""The calendar (session days only, time order, the phone agenda), closed and past events, "my
events" and cancelling with a confirmation (issue 12, section 5)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sharehub.events import selectors, services
from sharehub.events.models import EventSession, Registration, RegistrationStatus

from .factories import EventFactory

pytestmark = pytest.mark.django_db
SEOUL = ZoneInfo("Asia/Seoul")


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=SEOUL)


def course(first: date, *, weeks: int = 3, hour: int = 19, **fields) -> object:
    """A course meeting once a week (first, first+7, …), spanning from its first to last session."""
    event = EventFactory(
        starts_at=at(first, hour),
        ends_at=at(first + timedelta(weeks=weeks - 1), hour + 2),
        **fields,
    )
    for week in range(weeks):
        day = first + timedelta(weeks=week)
        EventSession.objects.create(event=event, starts_at=at(day, hour), ends_at=at(day, hour + 2))
    return event


def entries_by_day(year: int, month: int) -> dict[date, list]:
    return {
        day.day: day.entries
        for week in selectors.month_grid(year, month)
        for day in week
        if day.entries
    }


def next_month() -> date:
    today = timezone.localdate()
    return (today.replace(day=1) + timedelta(days=32)).replace(day=1)


def test_a_course_shows_on_its_session_days_only():
    month = next_month()
    first = month + timedelta(days=2)
    training = course(first, weeks=3)
    days = entries_by_day(month.year, month.month)
    session_days = {first + timedelta(weeks=w) for w in range(3)}
    course_days = {
        day for day, entries in days.items() if any(e.event == training for e in entries)
    }
    assert course_days == session_days
    assert first + timedelta(days=1) not in days  # nothing between the sessions
    entry = days[first + timedelta(weeks=1)][0]
    assert entry.session is not None and entry.starts_at == at(first + timedelta(weeks=1), 19)


def test_a_day_lists_its_events_by_the_time_they_take_place():
    month = next_month()
    first = month + timedelta(days=1)
    # The course began a week earlier than the others on its second session's day, and at 19:00.
    training = course(first, weeks=2, hour=19)
    second_day = first + timedelta(weeks=1)
    afternoon = EventFactory(starts_at=at(second_day, 15), ends_at=at(second_day, 16))
    morning = EventFactory(starts_at=at(second_day, 9, 30), ends_at=at(second_day, 11))
    day = entries_by_day(month.year, month.month)[second_day]
    assert [entry.event for entry in day] == [morning, afternoon, training]


def test_a_multi_day_event_without_sessions_shows_every_day_then_continues():
    month = next_month()
    first = month + timedelta(days=9)
    festival = EventFactory(starts_at=at(first, 11), ends_at=at(first + timedelta(days=2), 18))
    days = entries_by_day(month.year, month.month)
    assert [days[first + timedelta(days=n)][0].event for n in range(3)] == [festival] * 3
    assert not days[first][0].continued and days[first + timedelta(days=1)][0].continued


def test_calendar_page_and_its_phone_agenda(client, django_assert_max_num_queries):
    month = next_month()
    first = month + timedelta(days=2)
    training = course(first, weeks=3, title_ko="공구도서관 교육")
    EventFactory(starts_at=at(first, 10), ends_at=at(first, 12), title_ko="아침 모임")
    with django_assert_max_num_queries(12):
        response = client.get(reverse("events:calendar"), {"month": month.strftime("%Y-%m")})
    page = response.content.decode()
    agenda = page[page.index('class="agenda"') :]
    # The agenda lists the three session days (not the 13 days of the span), in order.
    assert agenda.count('<li class="agenda-day') == 3
    assert agenda.index("아침 모임") < agenda.index("공구도서관 교육")
    assert (
        page.count(reverse("events:detail", args=[training.pk])) == 6
    )  # 3 in the table, 3 in the agenda


def test_agenda_keeps_days_of_the_month_with_events():
    month = next_month()
    EventFactory(starts_at=at(month, 10), ends_at=at(month, 12))
    weeks = selectors.month_grid(month.year, month.month)
    assert [day.day for day in selectors.agenda(weeks)] == [month]


def test_a_closed_event_card_says_so_not_the_places_left(client):
    now = timezone.now()
    closed = EventFactory(
        title_en="Closed one", capacity=20, registration_closes_at=now - timedelta(hours=1)
    )
    opening = EventFactory(
        title_en="Not yet", capacity=20, registration_opens_at=now + timedelta(days=2)
    )
    open_one = EventFactory(title_en="Open one", capacity=20)
    page = client.get("/en/events/").content.decode()

    def card(title: str) -> str:
        start = page.index(title)
        return page[start : page.index("</li>", start)]

    assert "Registration is closed" in card("Closed one") and "places left" not in card(
        "Closed one"
    )
    assert "Registration opens" in card("Not yet") and "places left" not in card("Not yet")
    assert "20 places left" in card("Open one")
    assert closed.registration_state == "closed" and opening.registration_state == "not_open"
    assert open_one.registration_state == "open"


def test_past_events_never_appear_under_coming_events(client, user):
    now = timezone.now()
    past = EventFactory(
        title_ko="끝난 나눔 모임",
        starts_at=now - timedelta(days=2),
        ends_at=now - timedelta(days=2) + timedelta(hours=2),
    )
    coming = EventFactory(title_ko="곧 열릴 나눔 모임")
    # A course that began last week and meets again in two days: coming, dated by its next session.
    first = timezone.localdate() - timedelta(days=5)
    running = course(first, weeks=2, title_ko="진행 중인 교육")
    next_session = running.sessions.order_by("starts_at").last()
    Registration.objects.create(event=past, user=user, status=RegistrationStatus.CONFIRMED)
    services.register(actor=user, event=coming)

    home = client.get("/ko/").content.decode()
    section = home[
        home.index('id="home-events"') : home.index("</section>", home.index('id="home-events"'))
    ]
    assert (
        "곧 열릴 나눔 모임" in section
        and "진행 중인 교육" in section
        and "끝난 나눔 모임" not in section
    )
    assert "다음 회차" in section
    when = timezone.localtime(next_session.starts_at)
    assert "다음 회차: <time datetime" in section and f"{when.month}월 {when.day}일" in section

    listed = client.get("/ko/events/").content.decode()
    assert "끝난 나눔 모임" not in listed and "다음 회차" in listed
    assert [e.pk for e in selectors.upcoming_events(limit=5)] == [running.pk, coming.pk]

    client.force_login(user)
    mine = client.get(reverse("events:mine")).content.decode()
    coming_up = mine[mine.index('id="upcoming-heading"') : mine.index('id="feed-heading"')]
    past_section = coming_up[coming_up.index('id="past-heading"') :]
    assert "끝난 나눔 모임" not in coming_up[: coming_up.index('id="past-heading"')]
    assert "끝난 나눔 모임" in past_section


def test_my_events_show_the_venue_and_a_cancel_button(client, user):
    event = EventFactory(venue_ko="서울시청 시민청", address="서울 중구 세종대로 110")
    services.register(actor=user, event=event)
    client.force_login(user)
    page = client.get(reverse("events:mine")).content.decode()
    assert "서울시청 시민청" in page and "서울 중구 세종대로 110" in page
    assert f'href="{reverse("events:cancel_registration", args=[event.pk])}"' in page


def test_cancel_asks_first_then_cancels_on_post(client, user):
    event = EventFactory()
    registration = services.register(actor=user, event=event)
    url = reverse("events:cancel_registration", args=[event.pk])
    assert client.get(url).status_code == 302  # anonymous: to the login page

    client.force_login(user)
    question = client.get(url)
    assert question.status_code == 200
    page = question.content.decode()
    assert f'action="{url}"' in page and 'name="csrfmiddlewaretoken"' in page
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CONFIRMED  # asking changes nothing

    answer = client.post(url)
    assert answer.status_code == 302 and answer["Location"] == reverse("events:mine")
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CANCELLED
    assert client.get(url).status_code == 404  # nothing left to cancel


def test_cancel_needs_the_csrf_token(user):
    event = EventFactory()
    registration = services.register(actor=user, event=event)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)
    response = browser.post(reverse("events:cancel_registration", args=[event.pk]))
    assert response.status_code == 403
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CONFIRMED


def test_cancel_of_someone_else_or_after_the_deadline(client, user, other_user):
    event = EventFactory(cancellation_deadline=timezone.now() + timedelta(days=1))
    registration = services.register(actor=user, event=event)
    url = reverse("events:cancel_registration", args=[event.pk])
    client.force_login(other_user)
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CONFIRMED

    type(event).objects.filter(pk=event.pk).update(
        cancellation_deadline=timezone.now() - timedelta(minutes=1)
    )
    client.force_login(user)
    page = client.get(url).content.decode()
    assert "csrfmiddlewaretoken" not in page.split('id="main"')[1].split("</main>")[0]
    client.post(url)
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CONFIRMED
