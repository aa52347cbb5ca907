"""The booking rules as a table (issue 15): each row asks for a booking and names the field and
the message the person reads, or nothing when it may be booked."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone, translation

from sharehub.facilities import rules
from sharehub.facilities.models import Closure, OpeningHours, Purpose, RefundBand, Space

# Wednesday 2026-12-02, 10:00 in Seoul.
NOW = timezone.make_aware(datetime(2026, 12, 2, 10, 0))


def _space(**overrides) -> Space:
    values = {
        "slug": "room",
        "capacity": 20,
        "slot_minutes": 60,
        "min_minutes": 60,
        "max_minutes": 240,
        "opens_days_ahead": 90,
        "closes_days_ahead": 1,
        "closed_on_holidays": True,
        "is_active": True,
        "excluded_purposes": "political,religious,commercial",
    }
    values.update(overrides)
    return Space(**values)


HOURS = [OpeningHours(weekday=d, opens=time(9), closes=time(18)) for d in range(5)] + [
    OpeningHours(weekday=5, opens=time(10), closes=time(13))  # Saturday morning; Sunday closed
]
CLOSURES = [Closure(starts_on=date(2026, 12, 14), ends_on=date(2026, 12, 15), reason="보수 공사")]


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


FRI = date(2026, 12, 4)
SAT = date(2026, 12, 5)
SUN = date(2026, 12, 6)

CASES = [
    # (name, start, end, purpose, people, space overrides, field or None, words in the message)
    ("ok", at(FRI, 10), at(FRI, 12), Purpose.MEETING, 10, {}, None, ""),
    ("saturday morning", at(SAT, 10), at(SAT, 13), Purpose.MEETING, 10, {}, None, ""),
    ("in the past", NOW - timedelta(hours=1), NOW, Purpose.MEETING, 5, {}, "starts_at", "passed"),
    ("end before start", at(FRI, 12), at(FRI, 10), Purpose.MEETING, 5, {}, "ends_at", "after"),
    (
        "too short",
        at(FRI, 10),
        at(FRI, 10, 30),
        Purpose.MEETING,
        5,
        {"slot_minutes": 30},
        "ends_at",
        "shortest",
    ),
    ("too long", at(FRI, 9), at(FRI, 14), Purpose.MEETING, 5, {}, "ends_at", "longest"),
    (
        "off the slots",
        at(FRI, 10, 30),
        at(FRI, 11, 30),
        Purpose.MEETING,
        5,
        {},
        "starts_at",
        "slots",
    ),
    (
        "too far ahead",
        at(date(2027, 3, 5), 10),
        at(date(2027, 3, 5), 11),
        Purpose.MEETING,
        5,
        {},
        "starts_at",
        "open 90 days",
    ),
    (
        "too late",
        at(FRI, 10),
        at(FRI, 11),
        Purpose.MEETING,
        5,
        {"closes_days_ahead": 5},
        "starts_at",
        "too late",
    ),
    (
        "same day allowed",
        at(date(2026, 12, 2), 14),
        at(date(2026, 12, 2), 15),
        Purpose.MEETING,
        5,
        {"closes_days_ahead": 0},
        None,
        "",
    ),
    ("outside hours", at(FRI, 17), at(FRI, 19), Purpose.MEETING, 5, {}, "starts_at", "not open"),
    ("sunday closed", at(SUN, 10), at(SUN, 11), Purpose.MEETING, 5, {}, "starts_at", "not open"),
    (
        "across days",
        at(FRI, 17),
        at(SAT, 11),
        Purpose.MEETING,
        5,
        {"max_minutes": 2000},
        "ends_at",
        "same day",
    ),
    (
        "closed date",
        at(date(2026, 12, 14), 10),
        at(date(2026, 12, 14), 11),
        Purpose.MEETING,
        5,
        {},
        "starts_at",
        "보수 공사",
    ),
    (
        "holiday",
        at(date(2026, 12, 25), 10),
        at(date(2026, 12, 25), 11),
        Purpose.MEETING,
        5,
        {},
        "starts_at",
        "holiday",
    ),
    (
        "holiday open",
        at(date(2026, 12, 25), 10),
        at(date(2026, 12, 25), 11),
        Purpose.MEETING,
        5,
        {"closed_on_holidays": False},
        None,
        "",
    ),
    ("excluded purpose", at(FRI, 10), at(FRI, 11), Purpose.POLITICAL, 5, {}, "purpose", "purpose"),
    ("over capacity", at(FRI, 10), at(FRI, 11), Purpose.MEETING, 21, {}, "people", "at most 20"),
    (
        "inactive",
        at(FRI, 10),
        at(FRI, 11),
        Purpose.MEETING,
        5,
        {"is_active": False},
        "__all__",
        "not open",
    ),
]


@pytest.mark.parametrize(
    ("start", "end", "purpose", "people", "overrides", "field", "words"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_booking_rules(start, end, purpose, people, overrides, field, words):
    space = _space(**overrides)
    with translation.override("en"):
        errors = rules.check(
            space, rules.Ask(start, end, purpose, people), now=NOW, hours=HOURS, closures=CLOSURES
        )
    if field is None:
        assert errors == {}
    else:
        assert field in errors, errors
        assert any(words in message for message in errors[field]), errors[field]


def test_messages_are_korean_by_default():
    errors = rules.check(
        _space(),
        rules.Ask(at(FRI, 10), at(FRI, 11), Purpose.MEETING, 99),
        now=NOW,
        hours=HOURS,
        closures=[],
    )
    assert "최대 20명" in errors["people"][0] or "20명" in errors["people"][0]


def test_korean_lunar_holidays_come_from_the_calendar():
    assert rules.holiday_name(date(2026, 2, 17))  # 설날
    assert rules.holiday_name(date(2026, 9, 25))  # 추석
    assert rules.holiday_name(date(2026, 12, 3)) is None


@pytest.mark.parametrize(
    ("mode", "amount", "hours", "expected"),
    [
        ("free", 0, 2, 0),
        ("hour", 10000, 2, 20000),
        ("hour", 10000, 1.5, 20000),
        ("block", 30000, 2, 30000),
        ("block", 30000, 3, 60000),
    ],
)
def test_fee(mode, amount, hours, expected):
    space = _space(fee_mode=mode, fee_amount=amount, block_minutes=120)
    start = at(FRI, 10)
    assert rules.fee(space, start, start + timedelta(hours=hours)) == expected


BANDS = [
    RefundBand(days_before=7, percent=100),
    RefundBand(days_before=3, percent=90),
    RefundBand(days_before=1, percent=70),
]


@pytest.mark.parametrize(
    ("days_before", "percent"), [(10, 100), (7, 100), (6, 90), (3, 90), (2, 70), (1, 70), (0, 0)]
)
def test_refund_bands(days_before, percent):
    start = at(NOW.date() + timedelta(days=days_before), 15)
    assert rules.refund_percent(BANDS, starts_at=start, now=NOW) == percent
