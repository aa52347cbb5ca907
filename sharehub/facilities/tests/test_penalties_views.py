"""The pages of check-in, no-shows and suspensions: who may open them, the QR on the booker's
page, the scanner page, the register, the person's appeal; bad input a 422 with a message."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from sharehub.accounts.tests.factories import UserFactory
from sharehub.facilities.checkin import checkin_code, read_checkin_code
from sharehub.facilities.models import Appeal, Booking, BookingStatus, Penalty
from sharehub.facilities.services import penalties as services

from .factories import SpaceFactory
from .test_penalties import ended, make_booking, ongoing

pytestmark = pytest.mark.django_db


@pytest.fixture
def space():
    return SpaceFactory(name_ko="마포 다목적실", name_en="Mapo room", no_show_limit=1)


@pytest.fixture
def staff(space):
    person = UserFactory()
    space.staff.add(person)
    return person


@pytest.fixture
def other_staff():
    person = UserFactory()
    SpaceFactory().staff.add(person)
    return person


def test_permission_matrix_of_the_staff_pages(client, space, staff, other_staff, user, city_staff):
    penalty = services.suspend(
        actor=staff, person=user, space=space, kind="other", days=10, reason="소란"
    )
    everywhere = services.suspend(
        actor=city_staff, person=user, space=None, kind="macro", days=10, reason="매크로"
    )
    checkin = reverse("facilities:checkin", kwargs={"slug": space.slug})
    register = reverse("facilities:penalty_register")
    one = reverse("facilities:penalty", kwargs={"pk": penalty.pk})
    every = reverse("facilities:penalty", kwargs={"pk": everywhere.pk})
    for url in (checkin, register, one):
        assert client.get(url).status_code == 302  # anonymous: to the login
    expected = {
        user: (403, 403, 404, 404),
        other_staff: (403, 200, 404, 404),
        staff: (200, 200, 200, 404),
        city_staff: (200, 200, 200, 200),
    }
    for person, codes in expected.items():
        client.force_login(person)
        got = tuple(client.get(url).status_code for url in (checkin, register, one, every))
        assert got == codes, person
    client.force_login(staff)
    page = client.get(register).text
    assert "소란" not in page or penalty.user.display_name in page
    assert reverse("facilities:penalty", kwargs={"pk": everywhere.pk}) not in page


def test_the_booker_sees_a_qr_code_staff_check_in_by_code(client, space, staff, user):
    booking = ongoing(user, space)
    client.force_login(user)
    page = client.get(booking.get_absolute_url()).text
    assert 'src="data:image/png;base64,' in page
    shown = page.split("<code>")[1].split("</code>")[0]
    assert read_checkin_code(shown) == (booking.pk, space.pk)
    client.force_login(staff)
    url = reverse("facilities:checkin", kwargs={"slug": space.slug})
    page = client.get(url)
    assert page.status_code == 200 and booking.reference in page.text
    assert "events/js/checkin.js" in page.text  # the events app's scanner, reused
    bad = client.post(url, {"code": "forged:code"})
    assert bad.status_code == 422 and "checkin-error" in bad.text
    done = client.post(url, {"code": checkin_code(booking)})
    assert done.status_code == 200 and "checkin-ok" in done.text
    booking.refresh_from_db()
    assert booking.checked_in_at is not None
    fragment = client.post(url, {"code": checkin_code(booking)}, headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and "checkin-already" in fragment.text
    assert "<html" not in fragment.text


def test_staff_check_in_by_button(client, space, staff, user):
    booking = ongoing(user, space)
    client.force_login(staff)
    url = reverse("facilities:checkin", kwargs={"slug": space.slug})
    assert client.post(url, {"booking": booking.reference}).status_code == 200
    booking.refresh_from_db()
    assert booking.checked_in_at is not None


def test_record_and_undo_a_no_show_from_the_pages(client, space, staff, user, other_staff):
    booking = ended(user, space)
    no_show = reverse("facilities:no_show", kwargs={"reference": booking.reference})
    client.force_login(other_staff)
    assert client.post(no_show).status_code == 403
    client.force_login(staff)
    assert (
        booking.reference
        in client.get(reverse("facilities:checkin", kwargs={"slug": space.slug})).text
    )
    assert client.post(no_show).status_code == 302
    booking.refresh_from_db()
    assert booking.no_show and Penalty.objects.filter(user=user).count() == 1  # limit 1
    undo = reverse("facilities:undo_no_show", kwargs={"reference": booking.reference})
    assert client.post(undo).status_code == 302
    booking.refresh_from_db()
    assert not booking.no_show and Penalty.objects.get().lifted_at is not None


def test_no_show_before_the_end_shows_the_reason(client, space, staff, user):
    booking = ongoing(user, space)
    client.force_login(staff)
    response = client.post(
        reverse("facilities:no_show", kwargs={"reference": booking.reference}), follow=True
    )
    assert "종료 후" in response.text or "after the booking" in response.text
    booking.refresh_from_db()
    assert not booking.no_show


def test_the_suspended_viewer_is_told_on_the_space_page_and_appeals_once(
    client, space, staff, user
):
    services.record_no_show(actor=staff, booking=ended(user, space))
    penalty = Penalty.objects.get(user=user)
    client.force_login(user)
    page = client.get(space.get_absolute_url()).text
    assert reverse("facilities:suspensions") in page
    mine = client.get(reverse("facilities:mine")).text
    assert reverse("facilities:suspensions") in mine
    appeal = reverse("facilities:appeal", kwargs={"pk": penalty.pk})
    empty = client.post(appeal, {f"p{penalty.pk}-text": ""})
    assert empty.status_code == 422 and not Appeal.objects.exists()
    assert client.post(appeal, {f"p{penalty.pk}-text": "아파서"}).status_code == 302
    page = client.get(reverse("facilities:suspensions")).text
    assert "아파서" in page and f'action="{appeal}"' not in page
    assert client.post(appeal, {f"p{penalty.pk}-text": "또"}).status_code == 422
    other = UserFactory()
    client.force_login(other)
    assert client.post(appeal, {f"p{penalty.pk}-text": "남의 것"}).status_code == 404


def test_staff_decide_an_appeal_from_the_queue_and_the_register(
    client, space, staff, user, other_staff
):
    services.record_no_show(actor=staff, booking=ended(user, space))
    penalty = Penalty.objects.get(user=user)
    services.appeal(actor=user, penalty=penalty, text="아파서")
    client.force_login(staff)
    queue = client.get(reverse("facilities:queue")).text
    detail = reverse("facilities:penalty", kwargs={"pk": penalty.pk})
    assert detail in queue
    decide = reverse("facilities:penalty_decide", kwargs={"pk": penalty.pk})
    assert client.post(decide, {"decision": "lift", "answer": ""}).status_code == 422
    client.force_login(other_staff)
    assert client.post(decide, {"decision": "lift", "answer": "확인"}).status_code == 404
    client.force_login(staff)
    assert client.post(decide, {"decision": "lift", "answer": "확인"}).status_code == 302
    penalty.refresh_from_db()
    assert penalty.lifted_at is not None and penalty.appeal.status == "lifted"


def test_suspend_from_the_register_and_from_a_held_booking(client, space, staff, user):
    client.force_login(staff)
    url = reverse("facilities:penalty_suspend")
    unknown = client.post(
        url,
        {
            "person": "nobody@example.org",
            "space": space.pk,
            "kind": "macro",
            "days": 30,
            "reason": "매크로",
        },
    )
    assert unknown.status_code == 422 and not Penalty.objects.exists()
    # A space's staff cannot choose "every space".
    assert (
        client.post(
            url, {"person": user.email, "kind": "macro", "days": 30, "reason": "매크로"}
        ).status_code
        == 422
    )
    held = make_booking(
        user, space, starts_at=timezone.now() + timedelta(days=4), status=BookingStatus.HELD
    )
    page = client.get(held.get_absolute_url()).text
    suspend = reverse("facilities:suspend_booker", kwargs={"reference": held.reference})
    assert suspend in page
    assert client.post(suspend, {"days": 30, "reason": "2초 만에 완료"}).status_code == 302
    held.refresh_from_db()
    assert held.status == BookingStatus.REJECTED
    assert Penalty.objects.get(user=user).kind == "macro"


def test_the_register_runs_a_bounded_number_of_queries(
    client, space, staff, django_assert_max_num_queries
):
    client.force_login(staff)
    url = reverse("facilities:penalty_register")
    for _ in range(3):
        person = UserFactory()
        penalty = services.suspend(
            actor=staff, person=person, space=space, kind="other", days=5, reason="소란"
        )
        services.appeal(actor=person, penalty=penalty, text="억울")
    with django_assert_max_num_queries(20) as few:
        client.get(url)
    for _ in range(10):
        services.suspend(
            actor=staff, person=UserFactory(), space=space, kind="other", days=5, reason="소란"
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)
    filtered = client.get(url, {"state": "appealed", "kind": "other", "space": space.pk})
    assert filtered.status_code == 200
    assert Booking.objects.count() == 0
