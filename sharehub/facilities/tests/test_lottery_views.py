"""The lottery's pages and API: the public round page and JSON (fingerprint before, seed after),
entering and withdrawing, the space page's and "My bookings"' parts, the staff's rounds; the
forbidden paths (anonymous, another person's entry, a drawn round)."""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from sharehub.accounts.tests.factories import UserFactory
from sharehub.facilities import demo, demo_lottery, services
from sharehub.facilities.models import EntryStatus, LotteryEntry, LotteryRound
from sharehub.facilities.services import lottery
from sharehub.places.tests.factories import DistrictFactory

from .factories import SpaceFactory

pytestmark = pytest.mark.django_db


def _at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _second_monday() -> date:
    today = timezone.localdate()
    return today + timedelta(days=7 - today.weekday() + 7)


def _ask(day: date, start: int = 10, end: int = 12) -> services.BookingAsk:
    return services.BookingAsk(
        starts_at=_at(day, start),
        ends_at=_at(day, end),
        purpose="meeting",
        purpose_detail="마을 모임",
        people=5,
    )


@pytest.fixture
def space():
    return SpaceFactory(allocation="lottery", lottery_draw_days=3)


@pytest.fixture
def round_(space) -> LotteryRound:
    lottery.open_rounds()
    return LotteryRound.objects.get(space=space, covers_from=_second_monday())


def _draw(r: LotteryRound) -> None:
    assert lottery.draw(lottery=r, now=r.draws_at + timedelta(minutes=1))
    r.refresh_from_db()


def _form(day: date, start: str = "10:00", end: str = "12:00", **extra) -> dict:
    return {
        "day": day.isoformat(),
        "start": start,
        "end": end,
        "purpose": "meeting",
        "purpose_detail": "독서 모임",
        "people": "6",
        "accept_rules": "on",
        **extra,
    }


def test_the_round_page_shows_the_fingerprint_before_and_the_seed_after(
    client, round_, user, other_user
):
    entry = lottery.enter(actor=user, lottery=round_, ask=_ask(round_.covers_from))
    url = f"/en/spaces/lottery/{round_.pk}/"
    page = client.get(url).content.decode()
    assert round_.seed_hash in page and round_.seed not in page
    assert user.email not in page and user.display_name not in page
    data = client.get(f"/en/spaces/lottery/{round_.pk}/draw.json").json()
    assert data["seed"] is None and data["seed_hash"] == round_.seed_hash
    assert [e["number"] for e in data["entries"]] == [entry.pk]
    _draw(round_)
    page = client.get(url).content.decode()
    assert round_.seed in page and "hmac.new" in page
    data = client.get(f"/en/spaces/lottery/{round_.pk}/draw.json").json()
    assert data["seed"] == round_.seed
    assert data["entries"][0] == {
        "number": entry.pk,
        "starts_at": data["entries"][0]["starts_at"],
        "ends_at": data["entries"][0]["ends_at"],
        "position": 1,
        "status": "won",
        "outcome": "won",
    }
    assert user.email not in json.dumps(data)
    assert client.get("/ko/spaces/lottery/999999/").status_code == 404


def test_enter_from_the_space_page_and_withdraw_from_my_bookings(client, space, round_, user):
    detail = client.get(f"/en/spaces/{space.slug}/").content.decode()
    assert "Lottery" in detail and f"/en/spaces/lottery/{round_.pk}/" in detail
    enter_url = f"/en/spaces/lottery/{space.slug}/enter/"
    response = client.get(enter_url)
    assert response.status_code == 302 and "/login/" in response["Location"]
    client.force_login(user)
    assert client.get(enter_url + f"?day={round_.covers_from}").status_code == 200
    response = client.post(enter_url, _form(round_.covers_from))
    assert (
        response.status_code == 302 and response["Location"] == f"/en/spaces/lottery/{round_.pk}/"
    )
    entry = LotteryEntry.objects.get()
    mine = client.get("/en/spaces/bookings/").content.decode()
    assert (
        "My lottery entries" in mine and f"/en/spaces/lottery/entries/{entry.pk}/withdraw/" in mine
    )
    again = client.post(enter_url, _form(round_.covers_from))
    assert again.status_code == 422 and "already entered" in again.content.decode()
    client.post(f"/en/spaces/lottery/entries/{entry.pk}/withdraw/")
    entry.refresh_from_db()
    assert entry.status == EntryStatus.WITHDRAWN


def test_bad_entries_are_422_with_the_reason(client, space, round_, user):
    client.force_login(user)
    enter_url = f"/ko/spaces/lottery/{space.slug}/enter/"
    outside = client.post(enter_url, _form(round_.covers_from, "06:00", "08:00"))
    assert outside.status_code == 422
    no_round = client.post(enter_url, _form(timezone.localdate() + timedelta(days=120)))
    assert no_round.status_code == 422
    first_come = SpaceFactory()
    assert client.get(f"/ko/spaces/lottery/{first_come.slug}/enter/").status_code == 404
    assert not LotteryEntry.objects.exists()


def test_entering_a_drawn_round_is_refused(client, space, round_, user):
    _draw(round_)
    client.force_login(user)
    response = client.post(f"/en/spaces/lottery/{space.slug}/enter/", _form(round_.covers_from))
    assert response.status_code == 422
    assert "No lottery round takes entries for this day" in response.content.decode()
    assert not LotteryEntry.objects.exists()


def test_another_persons_entry_cannot_be_withdrawn(client, round_, user, other_user):
    entry = lottery.enter(actor=user, lottery=round_, ask=_ask(round_.covers_from))
    url = f"/en/spaces/lottery/entries/{entry.pk}/withdraw/"
    assert client.post(url).status_code == 302  # to the login
    client.force_login(other_user)
    assert client.post(url).status_code == 404
    assert client.get(url).status_code == 405
    entry.refresh_from_db()
    assert entry.status == EntryStatus.ENTERED


def test_staff_see_the_rounds_on_their_calendar_and_queue(client, space, round_, user, city_staff):
    lottery.enter(actor=user, lottery=round_, ask=_ask(round_.covers_from))
    client.force_login(city_staff)
    calendar = client.get(f"/en/spaces/manage/{space.slug}/").content.decode()
    assert "Lottery rounds" in calendar and f"/en/spaces/lottery/{round_.pk}/" in calendar
    queue = client.get("/en/spaces/manage/").content.decode()
    assert "Lottery rounds" in queue


def test_the_pages_stay_bounded(client, space, round_, django_assert_max_num_queries):
    for person in range(6):
        lottery.enter(
            actor=UserFactory(),
            lottery=round_,
            ask=_ask(round_.covers_from, 10 + person, 11 + person),
        )
    _draw(round_)
    with django_assert_max_num_queries(12):
        assert client.get(f"/en/spaces/lottery/{round_.pk}/").status_code == 200


# --- API ---------------------------------------------------------------------------------------


def _body(space, day: date, start: int = 10, end: int = 12) -> dict:
    return {
        "space": space.slug,
        "starts_at": _at(day, start).isoformat(),
        "ends_at": _at(day, end).isoformat(),
        "purpose": "meeting",
        "purpose_detail": "모임",
        "people": 4,
    }


def test_api_rounds_are_public_and_hide_the_seed_until_the_draw(client, space, round_, user):
    lottery.enter(actor=user, lottery=round_, ask=_ask(round_.covers_from))
    listing = client.get(f"/api/v1/spaces/lottery/rounds?space={space.slug}")
    assert listing.status_code == 200 and listing.json()["count"] >= 1
    one = client.get(f"/api/v1/spaces/lottery/rounds/{round_.pk}").json()
    assert one["seed"] is None and one["seed_hash"] == round_.seed_hash and one["entries"] == 1
    _draw(round_)
    one = client.get(f"/api/v1/spaces/lottery/rounds/{round_.pk}").json()
    assert one["seed"] == round_.seed and one["draw"][0]["status"] == "won"
    assert client.get("/api/v1/spaces/lottery/rounds/0").status_code == 422
    assert client.get("/api/v1/spaces/lottery/rounds/99999").status_code == 404
    assert client.get("/api/v1/spaces/lottery/rounds?space=nowhere").status_code == 404


def test_api_entries_enter_list_withdraw(client, space, round_, user, other_user):
    url = "/api/v1/spaces/lottery/entries"
    body = _body(space, round_.covers_from)
    assert client.post(url, body, content_type="application/json").status_code == 401
    assert client.get(url).status_code == 401
    client.force_login(user)
    created = client.post(url, body, content_type="application/json")
    assert created.status_code == 201
    entry = created.json()
    assert entry["status"] == "entered" and entry["round"] == round_.pk
    duplicate = client.post(url, body, content_type="application/json")
    assert duplicate.status_code == 422 and "starts_at" in duplicate.json()["errors"]
    assert client.get(url).json()["count"] == 1
    client.force_login(other_user)
    assert client.post(f"{url}/{entry['id']}/withdraw").status_code == 404
    assert client.get(url).json()["count"] == 0
    client.force_login(user)
    withdrawn = client.post(f"{url}/{entry['id']}/withdraw")
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"
    again = client.post(f"{url}/{entry['id']}/withdraw")
    assert again.status_code == 422


def test_api_entering_a_drawn_round_or_a_day_without_one_is_a_422(client, space, round_, user):
    _draw(round_)
    client.force_login(user)
    url = "/api/v1/spaces/lottery/entries"
    drawn = client.post(url, _body(space, round_.covers_from), content_type="application/json")
    assert drawn.status_code == 422 and drawn.json()["errors"]["starts_at"]
    first_come = SpaceFactory()
    other = client.post(url, _body(first_come, round_.covers_from), content_type="application/json")
    assert other.status_code == 422
    unknown = client.post(
        url,
        {**_body(space, round_.covers_from), "space": "nowhere"},
        content_type="application/json",
    )
    assert unknown.status_code == 404
    assert not LotteryEntry.objects.exists()


def test_the_demo_has_a_drawn_round_and_an_open_one(client):
    DistrictFactory(slug="eunpyeong-gu")
    accounts = {
        email: UserFactory(email=email)
        for email in ("citizen@sharehub.example", "member@sharehub.example")
    }
    with transaction.atomic():  # as the demo loader runs it (the spaces' demo loads the lottery)
        demo.load_demo(accounts=accounts)
    assert LotteryRound.objects.exists()
    with transaction.atomic():
        assert demo_lottery.load(accounts=accounts) == 0
    drawn = LotteryRound.objects.get(drawn_at__isnull=False)
    assert drawn.entries.filter(status=EntryStatus.WON).exists()
    assert LotteryRound.objects.filter(drawn_at__isnull=True).exists()
    page = client.get(f"/ko/spaces/lottery/{drawn.pk}/")
    assert page.status_code == 200 and drawn.seed in page.content.decode()
