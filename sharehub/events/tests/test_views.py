from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from sharehub.accounts.tests.factories import UserFactory
from sharehub.events import selectors, services
from sharehub.events.checkin import checkin_code
from sharehub.events.models import (
    Attendance,
    EventKind,
    EventSession,
    Registration,
    RegistrationStatus,
)
from sharehub.places.tests.factories import DistrictFactory

from .factories import EventFactory

pytestmark = pytest.mark.django_db
S = RegistrationStatus


@pytest.mark.parametrize("size", [2, 12])
def test_list_runs_bounded_queries(client, organization, size, django_assert_max_num_queries):
    district = DistrictFactory()
    for _ in range(size):
        EventFactory(organization=organization, district=district)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("events:list"))
    assert response.status_code == 200
    assert response.content.decode().count('class="card event-card"') == min(size, 20)


def test_list_filters(client, organization):
    district = DistrictFactory()
    now = timezone.now()
    training = EventFactory(
        organization=organization, kind=EventKind.TRAINING, district=district, title_ko="수리 교육"
    )
    full = EventFactory(kind=EventKind.FORUM, capacity=0, title_ko="꽉 찬 포럼")
    later = EventFactory(
        starts_at=now + timedelta(days=60),
        ends_at=now + timedelta(days=60, hours=2),
        title_ko="나중 축제",
    )
    past = EventFactory(
        starts_at=now - timedelta(days=3),
        ends_at=now - timedelta(days=3) + timedelta(hours=1),
        title_ko="지난 모임",
    )

    def titles(**params):
        return client.get(reverse("events:list"), params).content.decode()

    page = titles(kind="training")
    assert training.title_ko in page and full.title_ko not in page
    assert full.title_ko not in titles(free="1")
    assert training.title_ko in titles(district=district.slug)
    assert training.title_ko in titles(organizer=organization.slug) and full.title_ko not in titles(
        organizer=organization.slug
    )
    assert full.title_ko in titles(organizer="city")
    day = timezone.localtime(later.starts_at).date()
    in_range = titles(start=day.isoformat(), end=day.isoformat())
    assert later.title_ko in in_range and training.title_ko not in in_range
    assert past.title_ko in titles(past="1") and past.title_ko not in titles()
    bad = client.get(reverse("events:list"), {"kind": "party", "start": "someday"})
    assert bad.status_code == 200 and "errorlist" in bad.content.decode()


def test_search_finds_korean_with_particles(client, organization, city_staff):
    services.create_event(
        actor=city_staff,
        organization=None,
        title_ko="공구도서관 이용 교육",
        title_en="Tool library training",
        kind="training",
        starts_at=timezone.now() + timedelta(days=3),
        ends_at=timezone.now() + timedelta(days=3, hours=2),
        capacity=5,
    )
    EventFactory(title_ko="다른 모임")
    page = client.get(reverse("events:list"), {"q": "공구도서관에서"}).content.decode()
    assert "공구도서관" in page and "다른 모임" not in page


def test_calendar_month(client, organization):
    event = EventFactory(organization=organization)
    month = timezone.localtime(event.starts_at).strftime("%Y-%m")
    response = client.get(reverse("events:calendar"), {"month": month})
    assert response.status_code == 200 and event.title_ko in response.content.decode()
    assert client.get(reverse("events:calendar"), {"month": "junk"}).status_code == 200


def test_map_geojson(client, organization):
    EventFactory(organization=organization, latitude=37.5665, longitude=126.978)
    EventFactory(organization=organization)
    data = client.get(reverse("events:geojson")).json()
    assert len(data["features"]) == 1
    assert client.get(reverse("events:geojson"), {"kind": "x"}).status_code == 422
    assert client.get(reverse("events:map")).status_code == 200


def test_register_cancel_flow(client, event, user, django_capture_on_commit_callbacks, mailoutbox):
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("events:register", args=[event.pk]))
    assert response.status_code == 302
    assert Registration.objects.get(user=user).status == S.CONFIRMED
    assert any(name.endswith(".ics") for name, *_ in mailoutbox[-1].attachments)
    page = client.get(reverse("events:detail", args=[event.pk])).content.decode()
    assert "cancel-registration" in page
    again = client.post(reverse("events:register", args=[event.pk]))
    assert again.status_code == 422
    client.post(reverse("events:cancel_registration", args=[event.pk]))
    assert Registration.objects.get(user=user).status == S.CANCELLED


def test_an_english_sentence_ending_in_a_time_has_one_full_stop(client, event, user):
    """English writes "7 p.m.": a sentence that ended with the time read "7 p.m.." (the
    cancellation line, seen in a browser). The English puts the time first."""
    before = timezone.localtime(event.starts_at - timedelta(days=1))
    event.cancellation_deadline = before.replace(hour=19, minute=0, second=0, microsecond=0)
    event.save()
    services.register(actor=user, event=event)
    client.force_login(user)
    with translation.override("en"):
        text = client.get(reverse("events:detail", args=[event.pk])).content.decode()
    assert "7 p.m." in text
    assert "p.m.." not in text and "a.m.." not in text
    assert ", you can cancel." in text


def test_register_questions_errors_in_the_form(client, event, user, organizer):
    question = services.add_question(
        actor=organizer, event=event, label_ko="소속", kind="text", required=True
    )
    client.force_login(user)
    response = client.post(reverse("events:register", args=[event.pk]), {})
    assert response.status_code == 422 and "errorlist" in response.content.decode()
    client.post(
        reverse("events:register", args=[event.pk]), {f"question_{question.pk}": "마을공동체"}
    )
    assert Registration.objects.get(user=user).answers == {str(question.pk): "마을공동체"}


def test_online_link_only_for_confirmed(client, organization, user):
    event = EventFactory(
        organization=organization,
        kind=EventKind.ONLINE,
        online_url="https://meet.example.org/secret-room",
    )
    assert (
        "secret-room" not in client.get(reverse("events:detail", args=[event.pk])).content.decode()
    )
    assert "secret-room" not in client.get(reverse("events:ics", args=[event.pk])).content.decode()
    services.register(actor=user, event=event)
    client.force_login(user)
    assert "secret-room" in client.get(reverse("events:detail", args=[event.pk])).content.decode()


def test_my_events_shows_qr_and_feed(client, event, user):
    services.register(actor=user, event=event)
    client.force_login(user)
    page = client.get(reverse("events:mine")).content.decode()
    registration = Registration.objects.get(user=user)
    assert reverse("events:qr", args=[registration.pk]) in page
    secret = services.calendar_feed_of(user).secret
    assert secret in page
    client.post(reverse("events:reset_feed"))
    assert client.get(reverse("events:private_feed", args=[secret])).status_code == 404


def test_checkin_page_flow(client, event, organizer):
    person = UserFactory(display_name="김나눔")
    registration = services.register(actor=person, event=event)
    client.force_login(organizer)
    url = reverse("events:checkin", args=[event.pk])
    assert client.get(url).status_code == 200
    first = client.post(url, {"code": checkin_code(registration)}).content.decode()
    assert "checkin-ok" in first
    second = client.post(url, {"code": checkin_code(registration)}).content.decode()
    assert "checkin-already" in second
    forged = client.post(url, {"code": "abc:def:ghi"})
    assert forged.status_code == 422 and "checkin-error" in forged.content.decode()
    found = client.post(url, {"code": "나눔"}).content.decode()
    assert "김나눔" in found
    partial = client.post(
        url, {"code": checkin_code(registration)}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert partial.strip().startswith('<div id="outcome"')
    forged_htmx = client.post(url, {"code": "abc:def"}, HTTP_HX_REQUEST="true")
    assert forged_htmx.status_code == 200 and "checkin-error" in forged_htmx.content.decode()
    counts = client.get(reverse("events:checkin_counts", args=[event.pk])).content.decode()
    assert "1 / 1" in counts


def test_csv_export(client, event, organizer):
    services.register(actor=UserFactory(display_name="=HYPERLINK(1)"), event=event)
    client.force_login(organizer)
    response = client.get(reverse("events:attendees_csv", args=[event.pk]))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 2 and rows[1][0] == "'=HYPERLINK(1)"


def test_create_event_page(client, organizer, organization):
    client.force_login(organizer)
    response = client.post(
        reverse("events:create"),
        {
            "organizer": str(organization.pk),
            "title_ko": "새 모임",
            "kind": "meeting",
            "status": "published",
            "starts_at": "2030-03-01T10:00",
            "ends_at": "2030-03-01T09:00",
            "capacity": "20",
            "waitlist_mode": "automatic",
            "offer_hours": "24",
            "reminder_hours": "24",
        },
    )
    assert response.status_code == 422 and "errorlist" in response.content.decode()
    response = client.post(
        reverse("events:create"),
        {
            "organizer": str(organization.pk),
            "title_ko": "새 모임",
            "kind": "meeting",
            "status": "published",
            "starts_at": "2030-03-01T10:00",
            "ends_at": "2030-03-01T12:00",
            "capacity": "20",
            "waitlist_mode": "automatic",
            "offer_hours": "24",
            "reminder_hours": "24",
        },
    )
    assert response.status_code == 302
    event = organization.events.get()
    assert timezone.localtime(event.starts_at).hour == 10  # entered in the city's zone


def test_capacity_below_registrations_in_the_edit_form(client, event, organizer):
    for _ in range(3):
        services.register(actor=UserFactory(), event=event)
    client.force_login(organizer)
    data = {
        "title_ko": event.title_ko,
        "kind": "meeting",
        "status": "published",
        "starts_at": timezone.localtime(event.starts_at).strftime("%Y-%m-%dT%H:%M"),
        "ends_at": timezone.localtime(event.ends_at).strftime("%Y-%m-%dT%H:%M"),
        "capacity": "2",
        "waitlist_mode": "automatic",
        "offer_hours": "24",
        "reminder_hours": "24",
    }
    response = client.post(reverse("events:edit", args=[event.pk]), data)
    assert response.status_code == 422 and "3" in response.content.decode()


def test_certificate_pdf(client, organization, organizer):
    start = timezone.now() - timedelta(days=10)
    training = EventFactory(
        organization=organization,
        kind=EventKind.TRAINING,
        starts_at=start,
        ends_at=start + timedelta(days=7),
        certificate_min_sessions=1,
    )
    session = EventSession.objects.create(
        event=training, starts_at=start, ends_at=start + timedelta(hours=2)
    )
    person = UserFactory(display_name="박수료")
    registration = Registration.objects.create(event=training, user=person, status=S.CONFIRMED)
    client.force_login(person)
    assert client.get(reverse("events:certificate", args=[registration.pk])).status_code == 404
    Attendance.objects.create(registration=registration, session=session)
    response = client.get(reverse("events:certificate", args=[registration.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert b"HYGothic-Medium" in response.content
    assert (
        reverse("events:certificate", args=[registration.pk])
        in client.get(reverse("events:mine")).content.decode()
    )


def test_approval_and_offer_pages(client, event, organizer, django_capture_on_commit_callbacks):
    from sharehub.events.models import WaitlistMode

    event.requires_approval = True
    event.capacity = 1
    event.waitlist_mode = WaitlistMode.OFFER
    event.save()
    first, second = UserFactory(), UserFactory()
    a = services.register(actor=first, event=event)
    b = services.register(actor=second, event=event)
    client.force_login(organizer)
    for registration in (a, b):
        client.post(reverse("events:decide", args=[event.pk, registration.pk]), {"approve": "1"})
    assert Registration.objects.get(pk=a.pk).status == S.CONFIRMED
    assert Registration.objects.get(pk=b.pk).status == S.WAITLISTED
    client.post(reverse("events:remove", args=[event.pk, a.pk]))
    assert Registration.objects.get(pk=b.pk).status == S.OFFERED
    client.force_login(second)
    assert "accept-offer" in client.get(reverse("events:detail", args=[event.pk])).content.decode()
    client.post(reverse("events:accept_offer", args=[event.pk]))
    assert Registration.objects.get(pk=b.pk).status == S.CONFIRMED


def test_cancel_event_page(client, event, organizer, user, django_capture_on_commit_callbacks):
    services.register(actor=user, event=event)
    client.force_login(organizer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("events:cancel", args=[event.pk]), {"reason": "폭설 예보"})
    event.refresh_from_db()
    assert event.is_cancelled
    assert user.notifications.filter(body__contains="폭설").exists()
    assert "행사가 취소" not in client.get(reverse("events:list")).content.decode()
    page = client.get(reverse("events:detail", args=[event.pk])).content.decode()
    assert "event-alert" in page


def test_the_registration_form_asks_the_questions_as_they_are_now(client, event, user, organizer):
    """The questions are kept between requests (pagecache.kept_value): one added, edited away or
    deleted shows in the signed-in person's form at the next request."""
    client.force_login(user)
    url = reverse("events:detail", args=[event.pk])
    for _ in range(2):  # read, then kept
        assert "question_" not in client.get(url).content.decode()
    question = services.add_question(
        actor=organizer, event=event, label_ko="소속 단체", label_en="Organization", kind="text"
    )
    assert f'name="question_{question.pk}"' in client.get(url).content.decode()
    assert "소속 단체" in client.get(url).content.decode()
    # Kept per language: the English page asks it in English.
    english = client.get(f"/en/events/{event.pk}/").content.decode()
    assert "Organization" in english and "소속 단체" not in english
    assert "소속 단체" in client.get(url).content.decode()
    type(question).objects.filter(pk=question.pk).update(label_ko="사는 동네")
    page = client.get(url).content.decode()
    assert "사는 동네" in page and "소속 단체" not in page
    services.delete_question(actor=organizer, question=question)
    assert "question_" not in client.get(url).content.decode()


def test_a_person_with_an_old_cancelled_registration_and_an_active_one_sees_the_active_one(
    client, event, user
):
    """The person's registration is read in one query, an active one before any later one."""
    first = services.register(actor=user, event=event)
    services.cancel_registration(actor=user, registration=first)
    again = services.register(actor=user, event=event)
    assert selectors.registration_of(user, event) == again
    Registration.objects.filter(pk=first.pk).update(created_at=again.created_at + timedelta(days=1))
    assert selectors.registration_of(user, event) == again  # active, though older
    services.cancel_registration(actor=user, registration=again)
    assert selectors.registration_of(user, event).pk == first.pk  # the latest of the ended


@pytest.mark.django_db(transaction=True)  # committed writes, as a live hub's: kept values apply
def test_the_persons_registration_shows_as_it_is_now_though_kept(client, event, user, settings):
    """The person's registration is kept between requests (pagecache.kept_value): registering,
    cancelling and a change made elsewhere (another process's write to the row) show at the next
    request; while nothing is written, the page does not read it again."""
    from django.db import connection

    settings.PAGE_CACHE_SECONDS = 60
    from django.test.utils import CaptureQueriesContext

    client.force_login(user)
    url = reverse("events:detail", args=[event.pk])

    def page() -> str:
        return client.get(url).content.decode()

    def reads_registrations() -> bool:
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        return any('"events_registration"' in q["sql"] for q in queries.captured_queries)

    confirmed, pending = "신청이 확정되었습니다.", "주최자의 승인을 기다리고 있습니다."
    assert confirmed not in page()
    assert reads_registrations() is False  # kept: "not registered"
    registration = services.register(actor=user, event=event)
    assert registration.status == S.CONFIRMED
    assert confirmed in page()
    assert reads_registrations() is False
    Registration.objects.filter(pk=registration.pk).update(status=S.PENDING)
    assert pending in page() and confirmed not in page()
    Registration.objects.filter(pk=registration.pk).update(status=S.CANCELLED)
    assert pending not in page() and confirmed not in page()
    # Someone else's registration is not this person's.
    other = UserFactory()
    services.register(actor=other, event=event)
    assert confirmed not in page()


def test_the_organizer_tools_show_as_soon_as_the_person_may_use_them(client, event, user):
    """Whether the page offers the tools is kept between writes to what it reads (the
    memberships): made an editor, the person sees them at the next request; removed, no more."""
    from sharehub.organizations.models import MemberRole, Membership

    client.force_login(user)
    url = reverse("events:detail", args=[event.pk])
    manage = reverse("events:manage", args=[event.pk])
    for _ in range(2):  # read, then kept
        assert manage not in client.get(url).content.decode()
    membership = Membership.objects.create(
        organization=event.organization, user=user, role=MemberRole.EDITOR
    )
    assert manage in client.get(url).content.decode()
    membership.delete()
    assert manage not in client.get(url).content.decode()
