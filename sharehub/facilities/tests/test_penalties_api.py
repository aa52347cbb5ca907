"""/api/v1/spaces check-in, no-shows and suspensions: JSON errors 401/403/404/422, never a 500."""

from __future__ import annotations

import pytest

from sharehub.accounts.tests.factories import UserFactory
from sharehub.facilities.checkin import checkin_code
from sharehub.facilities.models import Penalty
from sharehub.facilities.services import penalties as services

from .factories import SpaceFactory
from .test_penalties import ended, ongoing

pytestmark = pytest.mark.django_db

JSON = "application/json"


@pytest.fixture
def space():
    return SpaceFactory(no_show_limit=1)


@pytest.fixture
def staff(space):
    person = UserFactory()
    space.staff.add(person)
    return person


def test_check_in_by_code(client, space, staff, user):
    booking = ongoing(user, space)
    url = f"/api/v1/spaces/{space.slug}/check-in"
    body = {"code": checkin_code(booking)}
    assert client.post(url, body, content_type=JSON).status_code == 401
    client.force_login(user)
    forbidden = client.post(url, body, content_type=JSON)
    assert forbidden.status_code == 403 and "detail" in forbidden.json()
    client.force_login(staff)
    forged = client.post(url, {"code": "a:b:c"}, content_type=JSON)
    assert forged.status_code == 422 and "code" in forged.json()["errors"]
    too_long = client.post(url, {"code": "x" * 501}, content_type=JSON)
    assert too_long.status_code == 422
    done = client.post(url, body, content_type=JSON)
    assert done.status_code == 200 and done.json()["already"] is False
    assert client.post(url, body, content_type=JSON).json()["already"] is True
    missing = client.post("/api/v1/spaces/no-such-room/check-in", body, content_type=JSON)
    assert missing.status_code == 404 and "detail" in missing.json()


def test_record_a_no_show(client, space, staff, user, other_user):
    booking = ended(user, space)
    url = f"/api/v1/spaces/bookings/{booking.reference}/no-show"
    client.force_login(other_user)
    assert client.post(url).status_code == 404  # not theirs to know
    client.force_login(user)
    assert client.post(url).status_code == 403  # the booker sees it but is not staff
    client.force_login(staff)
    recorded = client.post(url)
    assert recorded.status_code == 200 and recorded.json()["suspension"]["kind"] == "no_show"
    again = client.post(url)
    assert again.status_code == 422 and "__all__" in again.json()["errors"]
    early = ongoing(user, space)
    too_soon = client.post(f"/api/v1/spaces/bookings/{early.reference}/no-show")
    assert too_soon.status_code == 422


def test_register_mine_and_appeal(client, space, staff, user, other_user):
    services.record_no_show(actor=staff, booking=ended(user, space))
    penalty = Penalty.objects.get()
    assert client.get("/api/v1/spaces/suspensions/register").status_code == 401
    client.force_login(user)
    assert client.get("/api/v1/spaces/suspensions/register").status_code == 403
    mine = client.get("/api/v1/spaces/suspensions/mine").json()["results"]
    assert [item["id"] for item in mine] == [penalty.pk] and mine[0]["appeal"] is None
    url = f"/api/v1/spaces/suspensions/{penalty.pk}/appeal"
    empty = client.post(url, {"text": " "}, content_type=JSON)
    assert empty.status_code == 422 and "text" in empty.json()["errors"]
    made = client.post(url, {"text": "아파서"}, content_type=JSON)
    assert made.status_code == 201 and made.json()["status"] == "pending"
    assert client.post(url, {"text": "또"}, content_type=JSON).status_code == 422
    client.force_login(other_user)
    assert client.post(url, {"text": "남의 것"}, content_type=JSON).status_code == 404
    assert client.get("/api/v1/spaces/suspensions/mine").json()["results"] == []
    client.force_login(staff)
    listed = client.get("/api/v1/spaces/suspensions/register?state=appealed").json()["results"]
    assert [item["id"] for item in listed] == [penalty.pk]
    assert client.get("/api/v1/spaces/suspensions/register?state=bogus").status_code == 422
    assert client.get("/api/v1/spaces/suspensions/register?space=nowhere").status_code == 404
