"""The fee table as table-driven tests: each started hour (or block) costs the rate of the kind of
day (weekday; weekend or public holiday) with the latest start at or before it, the base fee
before the first rate; a free space costs nothing whatever its table says."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
from django.utils import timezone

from sharehub.facilities import rules
from sharehub.facilities.models import FeeRate, Space

# 2026-03-04 is a Wednesday, 2026-03-07 a Saturday, 2026-03-01 (삼일절) a Sunday and 2026-03-02
# its substitute holiday (a Monday), 2026-05-05 (어린이날) a Tuesday.
WEDNESDAY = date(2026, 3, 4)
SATURDAY = date(2026, 3, 7)
HOLIDAY_MONDAY = date(2026, 3, 2)
CHILDRENS_DAY = date(2026, 5, 5)

# A community-centre room: ₩10,000 per hour by day on weekdays, ₩15,000 from 18:00; ₩15,000 all
# day at weekends, ₩20,000 from 18:00.
TABLE = [
    ("weekday", time(18), 15000),
    ("weekend", time(0), 15000),
    ("weekend", time(18), 20000),
]


def _space(mode: str = "hour", amount: int = 10000, block: int = 120) -> Space:
    return Space(fee_mode=mode, fee_amount=amount, block_minutes=block)


def _rates(space: Space, table=TABLE) -> list[FeeRate]:
    return [FeeRate(space=space, day_kind=k, starts=s, amount=a) for k, s, a in table]


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


@pytest.mark.parametrize(
    ("day", "start", "end", "expected"),
    [
        # weekday, by day: the base fee
        (WEDNESDAY, (10, 0), (12, 0), 20000),
        # a started hour counts whole
        (WEDNESDAY, (10, 0), (11, 30), 20000),
        # across 18:00: each hour at the rate where it starts
        (WEDNESDAY, (17, 0), (19, 0), 10000 + 15000),
        (WEDNESDAY, (18, 0), (21, 0), 45000),
        # an hour starting before 18:00 keeps the day rate even when it ends after
        (WEDNESDAY, (17, 30), (18, 30), 10000),
        # weekends: the weekend rows
        (SATURDAY, (10, 0), (12, 0), 30000),
        (SATURDAY, (17, 0), (19, 0), 15000 + 20000),
        # a public holiday on a Monday (substitute day) is charged as a weekend
        (HOLIDAY_MONDAY, (10, 0), (11, 0), 15000),
        (CHILDRENS_DAY, (19, 0), (20, 0), 20000),
    ],
)
def test_per_hour_fee_follows_the_table(day, start, end, expected):
    space = _space()
    fee = rules.fee(space, _at(day, *start), _at(day, *end), rates=_rates(space))
    assert fee == expected


@pytest.mark.parametrize(
    ("day", "start", "end", "expected"),
    [
        # ₩30,000 per 2-hour block by day, ₩45,000 per block from 18:00 on weekdays
        (WEDNESDAY, (10, 0), (12, 0), 30000),
        (WEDNESDAY, (10, 0), (13, 0), 60000),  # a started block counts whole
        (WEDNESDAY, (16, 0), (20, 0), 30000 + 45000),  # the second block starts at 18:00
        (WEDNESDAY, (17, 0), (21, 0), 30000 + 45000),  # 17:00 day rate, 19:00 evening rate
        (SATURDAY, (9, 0), (11, 0), 50000),
    ],
)
def test_per_block_fee_follows_the_table(day, start, end, expected):
    space = _space("block", 30000, 120)
    table = [("weekday", time(18), 45000), ("weekend", time(0), 50000)]
    fee = rules.fee(space, _at(day, *start), _at(day, *end), rates=_rates(space, table))
    assert fee == expected


@pytest.mark.parametrize(
    ("mode", "table", "expected"),
    [
        ("free", TABLE, 0),  # a free space's stale table is ignored
        ("hour", [], 20000),  # no table: the base fee
        ("hour", [("weekend", time(0), 99999)], 20000),  # only weekend rows: weekday base fee
        ("hour", [("weekday", time(9), 12000), ("weekday", time(11), 11000)], 12000 + 11000),
    ],
)
def test_edge_cases_of_the_table(mode, table, expected):
    space = _space(mode)
    fee = rules.fee(space, _at(WEDNESDAY, 10), _at(WEDNESDAY, 12), rates=_rates(space, table))
    assert fee == expected


@pytest.mark.django_db
def test_fee_reads_the_spaces_table_when_not_given(django_assert_num_queries):
    from .factories import SpaceFactory

    space = SpaceFactory(fee_mode="hour", fee_amount=10000)
    FeeRate.objects.create(space=space, day_kind="weekday", starts=time(18), amount=15000)
    with django_assert_num_queries(1):
        assert rules.fee(space, _at(WEDNESDAY, 17), _at(WEDNESDAY, 19)) == 25000


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        (
            TABLE,
            {
                "weekday": [(time(0), time(18), 10000), (time(18), None, 15000)],
                "weekend": [(time(0), time(18), 15000), (time(18), None, 20000)],
            },
        ),
        ([], {}),
        (
            [("weekday", time(0), 8000)],
            {"weekday": [(time(0), None, 8000)], "weekend": [(time(0), None, 10000)]},
        ),
    ],
)
def test_the_public_table_lists_each_kind_of_day(table, expected):
    space = _space()
    shown = rules.fee_table(space, _rates(space, table))
    assert {k: [(r.starts, r.ends, r.amount) for r in rows] for k, rows in shown.items()} == (
        expected
    )


def test_weekends_include_public_holidays():
    assert rules.is_weekend(SATURDAY) and rules.is_weekend(HOLIDAY_MONDAY)
    assert not rules.is_weekend(WEDNESDAY)
