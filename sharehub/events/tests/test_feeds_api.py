from __future__ import annotations

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from icalendar import Calendar

from sharehub.accounts.tests.factories import UserFactory
from sharehub.events import services
from sharehub.events.calendars import build_calendar, feed_events
from sharehub.events.checkin import checkin_code
from sharehub.events.models import Event, EventStatus, Registration, RegistrationStatus
from sharehub.places.tests.factories import DistrictFactory

from .factories import EventFactory

pytestmark = pytest.mark.django_db
SEOUL = ZoneInfo("Asia/Seoul")


def parse(response) -> Calendar:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return Calendar.from_ical(response.content)


def check_entries(calendar: Calendar) -> list:
    entries = calendar.walk("VEVENT")
    assert calendar.walk("VTIMEZONE")[0]["tzid"] == "Asia/Seoul"
    for entry in entries:
        for prop in ("uid", "dtstamp", "dtstart", "dtend", "summary", "url"):
            assert prop in entry, prop
        assert entry["dtstart"].params["TZID"] == "Asia/Seoul"
        assert entry.decoded("dtend") > entry.decoded("dtstart")
        assert "/events/" in str(entry["url"])
    return entries


def test_event_ics_has_the_right_times(client, event):
    [entry] = check_entries(parse(client.get(reverse("events:ics", args=[event.pk]))))
    assert entry.decoded("dtstart") == event.starts_at.replace(microsecond=0).astimezone(SEOUL)
    assert entry.decoded("dtend") == event.ends_at.replace(microsecond=0).astimezone(SEOUL)
    assert str(entry["url"]).endswith(f"/events/{event.pk}/")


def test_public_and_organizer_feeds(client, organization):
    mine = EventFactory(organization=organization)
    city = EventFactory()
    cancelled = EventFactory(organization=organization, status=EventStatus.CANCELLED)
    draft = EventFactory(organization=organization, status=EventStatus.DRAFT)
    uids = {str(e["uid"]) for e in check_entries(parse(client.get(reverse("events:feed"))))}
    assert uids == {f"event-{e.pk}@events.sharehub" for e in (mine, city, cancelled)}
    assert f"event-{draft.pk}@events.sharehub" not in uids
    entries = check_entries(
        parse(client.get(reverse("events:organizer_feed", args=[organization.slug])))
    )
    assert {str(e["status"]) for e in entries} == {"CONFIRMED", "CANCELLED"}
    [only] = check_entries(parse(client.get(reverse("events:city_feed"))))
    assert str(only["uid"]) == f"event-{city.pk}@events.sharehub"
    assert client.get(reverse("events:organizer_feed", args=["nobody"])).status_code == 404


def test_feed_queries_do_not_grow(client, organization, django_assert_num_queries):
    # Built from the database: the fingerprint and the events, whatever their number.
    for _ in range(3):
        EventFactory(organization=organization)
    with django_assert_num_queries(2):
        client.get(reverse("events:feed"))
    for _ in range(10):
        EventFactory(organization=organization)
    with django_assert_num_queries(2):
        client.get(reverse("events:feed"))


def test_private_feed(client, event, user):
    online = EventFactory(kind="online", online_url="https://meet.example.org/room-42")
    services.register(actor=user, event=event)
    services.register(actor=user, event=online)
    EventFactory()  # not registered
    secret = services.calendar_feed_of(user).secret
    response = client.get(reverse("events:private_feed", args=[secret]))
    entries = check_entries(parse(response))
    assert len(entries) == 2
    assert b"room-42" in response.content
    assert client.get(reverse("events:private_feed", args=["wrong"])).status_code == 404


# API ------------------------------------------------------------------------------------------


def test_api_list_filters_and_errors(client, organization, django_assert_max_num_queries):
    EventFactory(organization=organization, kind="training")
    EventFactory(kind="forum", capacity=0)
    with django_assert_max_num_queries(6):
        data = client.get("/api/v1/events", {"kind": "training"}).json()
    assert data["count"] == 1 and data["results"][0]["kind"] == "training"
    assert client.get("/api/v1/events", {"free": "true"}).json()["count"] == 1
    bad = client.get("/api/v1/events", {"kind": "party", "start": "x"})
    assert bad.status_code == 422 and set(bad.json()["errors"]) == {"kind", "start"}


def test_api_registration_lifecycle(client, event, user):
    event.capacity = 1
    event.save()
    services.register(actor=UserFactory(), event=event)
    client.force_login(user)
    url = f"/api/v1/events/{event.pk}/registration"
    created = client.post(url, {}, content_type="application/json")
    assert created.status_code == 201
    assert created.json()["status"] == "waitlisted" and created.json()["waitlist_position"] == 1
    assert client.post(url, {}, content_type="application/json").status_code == 422
    assert client.get(url).json()["waitlist_position"] == 1
    cancelled = client.delete(url)
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"


def test_api_registration_needs_login_and_checks_answers(client, event, organizer, user):
    url = f"/api/v1/events/{event.pk}/registration"
    assert client.post(url, {}, content_type="application/json").status_code == 401
    question = services.add_question(
        actor=organizer,
        event=event,
        label_ko="식단",
        kind="yes_no",
        required=True,
    )
    client.force_login(user)
    response = client.post(
        url, {"answers": {str(question.pk): "maybe"}}, content_type="application/json"
    )
    assert response.status_code == 422 and f"question_{question.pk}" in response.json()["errors"]
    response = client.post(
        url, {"answers": {str(question.pk): "yes"}}, content_type="application/json"
    )
    assert response.status_code == 201 and response.json()["checkin_code"]


def test_api_closed_and_cancelled(client, event, user, organizer):
    client.force_login(user)
    event.registration_closes_at = timezone.now() - timedelta(hours=1)
    event.save()
    url = f"/api/v1/events/{event.pk}/registration"
    assert client.post(url, {}, content_type="application/json").status_code == 422
    other = EventFactory(organization=event.organization)
    services.cancel_event(actor=organizer, event=other)
    response = client.post(
        f"/api/v1/events/{other.pk}/registration", {}, content_type="application/json"
    )
    assert response.status_code == 422 and "__all__" in response.json()["errors"]


def test_api_checkin(client, event, organizer, user):
    registration = services.register(actor=user, event=event)
    client.force_login(organizer)
    url = f"/api/v1/events/{event.pk}/check-in"
    first = client.post(
        url, {"code": checkin_code(registration)}, content_type="application/json"
    ).json()
    assert first["outcome"] == "ok" and not first["already_checked_in"]
    again = client.post(
        url, {"code": checkin_code(registration)}, content_type="application/json"
    ).json()
    assert again["already_checked_in"]
    forged = client.post(
        url, {"code": "x" + checkin_code(registration)}, content_type="application/json"
    )
    assert forged.status_code == 422 and "code" in forged.json()["errors"]
    assert Registration.objects.get(pk=registration.pk).status == RegistrationStatus.CONFIRMED


def test_openapi_lists_the_event_operations(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in (
        "/api/v1/events",
        "/api/v1/events/{event_id}/registration",
        "/api/v1/events/{event_id}/attendees",
        "/api/v1/events/{event_id}/check-in",
    ):
        assert path in paths


@pytest.mark.django_db
def test_public_feed_is_cached_until_an_event_changes(client, django_assert_num_queries):
    from django.core.cache import cache

    from sharehub.events.tests.factories import EventFactory

    event = EventFactory(title_ko="첫 제목")
    cache.clear()
    first = client.get("/ko/events/feed.ics").content
    with django_assert_num_queries(1):  # the fingerprint only
        assert client.get("/ko/events/feed.ics").content == first
    event.title_ko = "바뀐 제목"
    event.save()
    changed = client.get("/ko/events/feed.ics").content.decode()
    assert "바뀐 제목" in changed
    EventFactory(title_ko="새 행사")
    assert "새 행사" in client.get("/ko/events/feed.ics").content.decode()


def test_one_filter_form_serves_page_map_and_api(client):
    """The list's filters are declared once (forms.EventFilterForm): OpenAPI lists them, and the
    page, the map's GeoJSON and the API refuse the same bad value on the same field."""
    operation = client.get("/api/v1/openapi.json").json()["paths"]["/api/v1/events"]["get"]
    names = {parameter["name"] for parameter in operation["parameters"]}
    assert {"q", "kind", "district", "organizer", "start", "end", "free", "past", "page"} <= names
    bad = {"organizer": "nobody", "end": "2026-01-01", "start": "2026-02-01"}
    api = client.get("/api/v1/events", bad)
    geojson = client.get(reverse("events:geojson"), bad)
    assert api.status_code == geojson.status_code == 422
    assert api.json()["errors"] == geojson.json()["errors"]
    assert set(api.json()["errors"]) == {"organizer", "end"}
    page = client.get(reverse("events:list"), bad)
    assert page.status_code == 200
    assert set(page.context["filter_form"].errors) == {"organizer", "end"}


@pytest.mark.parametrize("language", ["ko", "en"])
def test_feed_rows_write_what_the_events_themselves_write(language):
    """A public feed reads plain values (`feed_events`), not model instances: every entry is
    byte for byte the one the model gives, fallbacks to the other language included."""
    district = DistrictFactory(name_ko="마포구", name_en="")
    EventFactory(title_en="", summary_ko="", venue_en="Civic Hall", address="", district=district)
    EventFactory(summary_en="", latitude=37.56, longitude=126.97, online_url="https://x.example/")
    EventFactory(status=EventStatus.CANCELLED, title_ko="취소된 모임, 세미콜론; 백슬래시\\")
    events = Event.objects.order_by("pk")
    with translation.override(language):
        rows = build_calendar(feed_events(events), name="feed")
        models = build_calendar(list(events.select_related("district")), name="feed")
    stamp = re.compile(rb"DTSTAMP:\d{8}T\d{6}Z")  # the moment each was built
    assert stamp.sub(b"", rows) == stamp.sub(b"", models)
    assert rows.count(b"BEGIN:VEVENT") == 3
