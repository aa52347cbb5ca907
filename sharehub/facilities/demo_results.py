"""Demo: last month's use of the demo spaces, so the operating results page has a published month
(the spaces are dated three months back; their past bookings are written as they would have been
made, then the month is published as the monthly job would)."""

from __future__ import annotations

from datetime import date, time, timedelta
from typing import Any

from django.utils import timezone

from sharehub.facilities import rules
from sharehub.facilities.models import Booking, BookingStatus, MonthlyResult, Purpose, Space
from sharehub.facilities.selectors.results import previous_month
from sharehub.facilities.services.results import publish_month

BOOKERS = ("citizen@sharehub.example", "member@sharehub.example", "moderator@sharehub.example")
# (day of the month, start hour, end hour, purpose, what for, people, how it went)
USES = (
    (3, 10, 12, Purpose.MEETING, "마을 공동체 월례 회의", 12, "used"),
    (6, 19, 21, Purpose.CULTURE, "동네 합창 모임", 18, "used"),
    (10, 14, 16, Purpose.EDUCATION, "공유경제 입문 강좌", 25, "used"),
    (13, 10, 12, Purpose.COMMUNITY, "아나바다 장터 준비", 8, "no_show"),
    (17, 19, 21, Purpose.MEETING, "청년 공유 모임", 10, "used"),
    (20, 10, 13, Purpose.COMMUNITY, "공구 나눔 워크숍", 15, "cancelled"),
    (24, 15, 17, Purpose.CULTURE, "주민 사진 동아리", 9, "used"),
)


def _day(month: date, number: int) -> date:
    return month.replace(day=min(number, 28))


def load(*, accounts: dict[str, Any]) -> int:
    """The bookings it wrote; nothing when last month is already published."""
    now = timezone.now()
    month = previous_month(rules.local(now).date())
    if MonthlyResult.objects.filter(month=month).exists():
        return 0
    people = [accounts[email] for email in BOOKERS if email in accounts]
    if not people:
        return 0
    spaces = list(Space.objects.filter(is_active=True).order_by("pk")[:6])
    Space.objects.filter(pk__in=[s.pk for s in spaces]).update(
        created_at=rules.at(month, time(0)) - timedelta(days=60)
    )
    written = []
    for index, space in enumerate(spaces):
        for number, (day, start, end, purpose, detail, count, how) in enumerate(USES):
            if (index + number) % 3 == 2:  # not every space every time
                continue
            starts_at = rules.at(_day(month, day), time(start))
            ends_at = rules.at(_day(month, day), time(end))
            fee = rules.fee(space, starts_at, ends_at)
            booked_at = starts_at - timedelta(days=10)
            written.append(
                Booking(
                    space=space,
                    user=people[(index + number) % len(people)],
                    starts_at=starts_at,
                    ends_at=ends_at,
                    purpose=purpose,
                    purpose_detail=detail,
                    people=min(count, space.capacity),
                    status=BookingStatus.CANCELLED
                    if how == "cancelled"
                    else BookingStatus.CONFIRMED,
                    fee=fee,
                    paid_at=booked_at + timedelta(days=1) if fee else None,
                    refund=fee if how == "cancelled" and fee else None,
                    created_at=booked_at,
                    cancelled_at=booked_at + timedelta(days=3) if how == "cancelled" else None,
                    checked_in_at=starts_at + timedelta(minutes=5) if how == "used" else None,
                    no_show=how == "no_show",
                )
            )
    Booking.objects.bulk_create(written)
    publish_month(month, now=now)
    return len(written)
