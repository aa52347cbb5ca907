"""The monthly operating results: computed for a hand-built month (exact figures), upserted
idempotently, never for a month not yet over; the public page, CSV and API, the staff's live
figures, bounded queries, and nothing that names a booker."""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone, translation

from sharehub.accounts.tests.factories import UserFactory
from sharehub.core.tests.rush import Rush
from sharehub.facilities.manifest_results import publish_monthly_results
from sharehub.facilities.models import Booking, BookingStatus, Closure, MonthlyResult, OpeningHours
from sharehub.facilities.selectors import results as selectors
from sharehub.facilities.services import results as services
from sharehub.places.tests.factories import DistrictFactory

from .factories import SpaceFactory

pytestmark = pytest.mark.django_db

AUGUST = date(2025, 8, 1)  # 31 days from a Friday; 15 August (Friday) is Liberation Day
AFTER = timezone.make_aware(datetime(2025, 9, 2, 9))  # the month is over
LONG_AGO = timezone.make_aware(datetime(2025, 1, 1))
BOOKER = "비밀예약자 Secret Booker"


def _at(day: int, hour: int, month: int = 8) -> datetime:
    return timezone.make_aware(datetime(2025, month, day, hour))


def _booking(space, day: int, start: int, end: int, *, month: int = 8, **values) -> Booking:
    values.setdefault("status", BookingStatus.CONFIRMED)
    values.setdefault("people", 4)
    values.setdefault("purpose", "meeting")
    values.setdefault("purpose_detail", "마을 모임 비밀 안건")
    return Booking.objects.create(
        space=space,
        user=values.pop("user"),
        starts_at=_at(day, start, month),
        ends_at=_at(day, end, month),
        **values,
    )


@pytest.fixture
def booker(db):
    return UserFactory(display_name=BOOKER, email="secret.booker@example.org")


@pytest.fixture
def hall(db, booker):
    """Weekdays 09–21 (3 evening hours), Saturdays 10–14, closed Sundays and public holidays and
    on 11–12 August (Monday, Tuesday)."""
    space = SpaceFactory(
        slug="hall",
        name_ko="시민청 다목적홀",
        name_en="Citizens' Hall",
        closed_on_holidays=True,
        created_at=LONG_AGO,
        open_hours=(time(9), time(21)),
    )
    OpeningHours.objects.filter(space=space, weekday__gte=5).delete()
    OpeningHours.objects.create(space=space, weekday=5, opens=time(10), closes=time(14))
    Closure.objects.create(
        space=space, starts_on=date(2025, 8, 11), ends_on=date(2025, 8, 12), reason="보수 공사"
    )
    paid = {"paid_at": _at(1, 9)}
    _booking(space, 4, 10, 12, user=booker, people=8, fee=20000, **paid)  # a use
    _booking(space, 5, 18, 21, user=booker, people=10, fee=30000, **paid)  # an evening use
    _booking(space, 6, 10, 12, user=booker, people=5, no_show=True)  # a no-show
    _booking(  # cancelled after paying: 14,000 of 20,000 refunded
        space, 7, 10, 12, user=booker, status=BookingStatus.CANCELLED, fee=20000, refund=14000,
        **paid,
    )  # fmt: skip
    _booking(space, 8, 10, 12, user=booker, status=BookingStatus.REJECTED)
    _booking(space, 9, 10, 12, user=booker, people=4, fee=20000)  # a use, not paid
    _booking(space, 31, 20, 21, user=booker, month=7, people=3)  # July
    _booking(space, 1, 10, 12, user=booker, month=9, people=3)  # September
    return space


@pytest.fixture
def studio(db, hall, booker):
    """09–22 every day, open on public holidays; booked on Liberation Day (a holiday)."""
    space = SpaceFactory(
        slug="studio", district=hall.district, closed_on_holidays=False, created_at=LONG_AGO
    )
    _booking(space, 15, 10, 14, user=booker, people=12)
    return space


def test_a_month_is_computed_exactly(hall, studio):
    assert services.compute_month(AUGUST, now=AFTER) == 2
    result = MonthlyResult.objects.get(space=hall, month=AUGUST)
    # 18 weekdays open (21, less the holiday and two closed days) × 12 h + 5 Saturdays × 4 h;
    # evening or weekend: 18 × 3 h + 20 h.
    assert result.open_hours == Decimal("236.0")
    assert result.evening_weekend_open_hours == Decimal("74.0")
    assert (result.uses, result.people, result.no_shows, result.cancellations) == (3, 22, 1, 1)
    assert result.booked_hours == Decimal("9.0")  # 2 + 3 + 2 (no-show) + 2
    assert result.fees == 20000 + 30000 + 6000
    figures = selectors.SpaceRow(result).figures
    assert figures.utilisation == Decimal("3.8")  # 9 / 236
    assert figures.evening_weekend_share == Decimal("31.4")  # 74 / 236

    open_every_day = MonthlyResult.objects.get(space=studio, month=AUGUST)
    # 31 days × 13 h; evening or weekend: 20 weekdays × 4 h + 11 weekend days and the holiday × 13 h
    assert open_every_day.open_hours == Decimal("403.0")
    assert open_every_day.evening_weekend_open_hours == Decimal("223.0")
    assert (open_every_day.uses, open_every_day.people, open_every_day.booked_hours) == (
        1,
        12,
        Decimal("4.0"),
    )

    [district] = selectors.district_results(AUGUST)
    assert district.figures.spaces == 2
    assert district.figures.uses == 4 and district.figures.open_hours == Decimal("639.0")
    assert district.figures.utilisation == Decimal("2.0")  # 13 / 639
    assert district.figures.evening_weekend_share == Decimal("46.5")  # 297 / 639
    assert selectors.city_total(AUGUST) == district.figures


def test_recomputing_updates_the_same_rows(hall, studio):
    services.compute_month(AUGUST, now=AFTER)
    Booking.objects.filter(space=hall, starts_at=_at(9, 10)).update(no_show=True)
    later = AFTER + timedelta(hours=1)
    assert services.compute_month(AUGUST, now=later) == 2
    assert MonthlyResult.objects.filter(month=AUGUST).count() == 2
    result = MonthlyResult.objects.get(space=hall, month=AUGUST)
    assert (result.uses, result.no_shows, result.computed_at) == (2, 2, later)


def test_a_month_not_over_is_never_published(hall):
    during = timezone.make_aware(datetime(2025, 8, 31, 23, 59))
    with pytest.raises(ValidationError) as refused:
        services.compute_month(AUGUST, now=during)
    assert refused.value.error_dict["month"][0].code == "open"
    with pytest.raises(ValidationError):
        services.compute_month(date(2025, 8, 2), now=AFTER)
    assert not MonthlyResult.objects.exists()


def test_the_periodic_job_publishes_the_previous_month_and_is_safe_to_repeat(hall, studio):
    # During the first days it recomputes; later only if the month is still missing.
    assert services.publish_due(now=AFTER) == 2
    assert services.publish_due(now=AFTER + timedelta(hours=1)) == 2
    assert services.publish_due(now=timezone.make_aware(datetime(2025, 9, 20))) == 0
    assert MonthlyResult.objects.filter(month=AUGUST).count() == 2
    assert publish_monthly_results.name == "publish_monthly_results"


def test_staff_see_the_month_under_way_but_it_is_not_published(client, hall, city_staff, user):
    now = timezone.make_aware(datetime(2025, 8, 20, 12))
    figures = selectors.space_live_figures(hall, now=now)
    assert (figures.uses, figures.no_shows, figures.cancellations) == (3, 1, 1)
    assert not MonthlyResult.objects.exists()

    url = reverse("facilities:results_live")
    assert client.get(url).status_code == 302  # anonymous: sign in
    client.force_login(user)
    assert client.get(url).status_code == 403
    hall.staff.add(user)
    page = client.get(url)
    assert page.status_code == 200 and "시민청 다목적홀" in page.text
    assert BOOKER not in page.text
    calendar = client.get(reverse("facilities:calendar", kwargs={"slug": hall.slug}))
    assert 'id="live-results-heading"' in calendar.text


@pytest.mark.parametrize("language", ["ko", "en"])
def test_the_results_page_in_both_languages(client, hall, studio, language):
    services.compute_month(AUGUST, now=AFTER)
    with translation.override(language):
        url = reverse("facilities:results")
    page = client.get(url, {"month": "2025-08"})
    assert page.status_code == 200
    text = page.text
    assert "₩56,000" in text and "236" in text and "3.8%" in text and "31.4%" in text
    assert 'scope="row"' in text and '<caption id="districts-caption">' in text
    if language == "ko":
        # (The Korean catalogue is merged later; Django's own month format is Korean already.)
        assert '<html lang="ko">' in text and "2025년 8월" in text
    else:
        assert "Operating results" in text and "Citizens&#x27; Hall" in text
    for secret in (BOOKER, "secret.booker", "비밀 안건"):
        assert secret not in text
    # The latest month by default; a month not published is not found.
    assert client.get(url).status_code == 200
    assert client.get(url, {"month": "2025-09"}).status_code == 404
    assert client.get(url, {"month": "junk"}).status_code == 404


def test_no_results_yet(client, hall):
    page = client.get(reverse("facilities:results"))
    assert page.status_code == 200


def test_the_space_page_shows_its_last_months(client, hall, studio):
    services.compute_month(AUGUST, now=AFTER)
    page = client.get(hall.get_absolute_url())
    assert page.status_code == 200
    assert reverse("facilities:results") + "?month=2025-08" in page.text


def test_the_csv_in_utf8_and_cp949(client, hall, studio):
    services.compute_month(AUGUST, now=AFTER)
    url = reverse("facilities:results_csv")
    utf8 = client.get(url, {"month": "2025-08"})
    assert utf8.status_code == 200
    data = b"".join(utf8.streaming_content)
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    assert "시민청 다목적홀" in text and "236.0" in text and "56000" in text
    korean = client.get(url, {"month": "2025-08", "encoding": "cp949"})
    decoded = b"".join(korean.streaming_content).decode("cp949")
    assert "시민청 다목적홀" in decoded and decoded.splitlines()[0].startswith("월")
    for secret in (BOOKER, "secret.booker", "비밀 안건"):
        assert secret not in text and secret not in decoded
    assert client.get(url, {"month": "2025-08", "encoding": "latin-9"}).status_code == 422
    assert client.get(url, {"month": "2025-09"}).status_code == 404


def test_the_api(client, hall, studio):
    assert client.get("/api/v1/spaces/results/latest").status_code == 404
    services.compute_month(AUGUST, now=AFTER)
    assert client.get("/api/v1/spaces/results/months").json() == ["2025-08"]
    month = client.get("/api/v1/spaces/results/latest")
    assert month.status_code == 200
    body = month.json()
    assert body["month"] == "2025-08" and body["city"]["spaces"] == 2
    assert body["city"]["uses"] == 4 and Decimal(body["city"]["utilisation"]) == Decimal("2.0")
    assert body["districts"][0]["district"] == hall.district.slug
    spaces = client.get("/api/v1/spaces/results/2025-08/spaces").json()
    assert spaces["count"] == 2
    assert {row["space"] for row in spaces["results"]} == {"hall", "studio"}
    raw = json.dumps(body) + json.dumps(spaces)
    assert BOOKER not in raw and "secret.booker" not in raw
    assert client.get("/api/v1/spaces/results/2025-09").status_code == 404
    bad = client.get("/api/v1/spaces/results/junk")
    assert bad.status_code == 422 and "month" in bad.json()["errors"]


def test_indicators_for_the_open_data(hall, studio):
    assert selectors.indicators() is None
    services.compute_month(AUGUST, now=AFTER)
    figures = selectors.indicators()
    assert figures is not None
    assert figures["month"] == "2025-08" and figures["spaces"] == 2 and figures["uses"] == 4
    assert figures["utilisation"] == Decimal("2.0")
    assert figures["evening_weekend_share"] == Decimal("46.5")


def test_the_results_page_has_bounded_queries(client, django_assert_max_num_queries, booker):
    districts = [DistrictFactory() for _ in range(3)]
    for n in range(60):
        space = SpaceFactory(district=districts[n % 3], created_at=LONG_AGO)
        _booking(space, 4 + n % 20, 10, 12, user=booker)
    with django_assert_max_num_queries(12):
        assert services.compute_month(AUGUST, now=AFTER) == 60
    url = reverse("facilities:results")
    with django_assert_max_num_queries(12):
        page = client.get(url, {"month": "2025-08"})
    assert page.status_code == 200 and page.text.count('<tr><th scope="row">') == 3 + 50


def test_the_queue_links_to_the_results(client, hall, user):
    hall.staff.add(user)
    client.force_login(user)
    page = client.get(reverse("facilities:queue"))
    assert reverse("facilities:results_live") in page.text


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_leave_one_row_per_space(hall, studio):
    """The periodic job enqueued twice, run by parallel workers: on PostgreSQL, four threads on
    their own connections compute the month at once, five times; no error, one row per space."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL and parallel connections")
    rush = Rush(4)
    try:
        for _round in range(5):
            outcomes = rush.round(
                [lambda: services.compute_month(AUGUST, now=AFTER) for _ in range(4)]
            )
            assert outcomes == [2, 2, 2, 2]
    finally:
        rush.close()
    assert MonthlyResult.objects.filter(month=AUGUST).count() == 2
    assert MonthlyResult.objects.get(space=hall, month=AUGUST).uses == 3
