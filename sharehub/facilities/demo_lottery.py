"""Demo data for the lottery: the youth studio of Eunpyeong (popular in the evenings) is allocated
by lottery. Its next week is drawn already, with a few demo people's entries and the published
seed; the weeks after it take entries (the citizen has entered one). Runs inside the demo
loader's transaction, so it uses the services' transaction-free bodies. Loading twice changes
nothing."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from django.utils import timezone

from sharehub.facilities import rules
from sharehub.facilities.models import Allocation, LotteryEntry, LotteryRound, Space
from sharehub.facilities.services import lottery

SPACE = "eunpyeong-youth-studio"
# (account, day of the week from Monday, start hour, end hour, purpose detail in Korean)
DRAWN_ENTRIES = [
    ("citizen@sharehub.example", 5, 18, 20, "동네 밴드 합주 연습"),
    ("member@sharehub.example", 5, 18, 20, "열린옷장 자원활동가 사진 촬영"),
    ("moderator@sharehub.example", 5, 19, 21, "청소년 댄스 동아리 연습"),
    ("staff@sharehub.example", 2, 18, 20, "공유 정책 홍보 영상 촬영"),
    ("citizen@sharehub.example", 2, 18, 20, "동네 밴드 합주 연습"),
]


def _at(day: Any, hour: int) -> datetime:
    return rules.at(day, time(hour))


def load(*, accounts: dict[str, Any]) -> int:
    """Returns how many rounds and entries it created."""
    space = Space.objects.filter(slug=SPACE).first()
    if space is None:
        return 0
    if space.allocation != Allocation.LOTTERY:
        space.allocation = Allocation.LOTTERY
        space.lottery_draw_days = 3
        space.save(update_fields=["allocation", "lottery_draw_days"])
    now = timezone.now()
    created = 0
    today = rules.local(now).date()
    monday = today + timedelta(days=7 - today.weekday())
    if not LotteryRound.objects.filter(space=space, drawn_at__isnull=False).exists():
        # Next week's round, drawn an hour ago (its usual draw time may still be ahead: the demo
        # shows a finished draw).
        drawn = LotteryRound.objects.filter(space=space, covers_from=monday).first()
        if drawn is None:
            drawn = lottery.open_round(space, monday, now=now - timedelta(days=3))
            if drawn is None:
                return created
            created += 1
        drawn.draws_at = now - timedelta(hours=1)
        drawn.save(update_fields=["draws_at"])
        for email, weekday, start, end, detail in DRAWN_ENTRIES:
            person = accounts.get(email)
            if person is None:
                continue
            day = monday + timedelta(days=weekday)
            LotteryEntry.objects.create(
                round=drawn,
                user=person,
                starts_at=_at(day, start),
                ends_at=_at(day, end),
                purpose="culture",
                purpose_detail=detail,
                people=6,
                created_at=now - timedelta(days=2),
            )
            created += 1
        lottery.draw_locked(drawn, now=now)
    created += lottery.open_rounds_of(space, now=now)
    citizen = accounts.get("citizen@sharehub.example")
    upcoming = (
        LotteryRound.objects.filter(space=space, drawn_at__isnull=True, draws_at__gt=now)
        .order_by("covers_from")
        .first()
    )
    if citizen is not None and upcoming is not None and not upcoming.entries.exists():
        day = upcoming.covers_from + timedelta(days=5)
        LotteryEntry.objects.create(
            round=upcoming,
            user=citizen,
            starts_at=_at(day, 18),
            ends_at=_at(day, 20),
            purpose="culture",
            purpose_detail="동네 밴드 합주 연습",
            people=5,
            created_at=now,
        )
        created += 1
    return created
