"""The lottery through its services: rounds opened with a committed seed, entries and their
refusals, withdrawal before the draw only, the draw (one win a month per space, suspended
entrants skipped, exactly once) and the published seed reproducing its order."""

from __future__ import annotations

import contextlib
import hashlib
import io
import itertools
from datetime import date, datetime, time, timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from sharehub.accounts.tests.factories import UserFactory
from sharehub.core.audit import AuditEntry
from sharehub.facilities import services
from sharehub.facilities.models import (
    Booking,
    BookingStatus,
    EntryStatus,
    LotteryEntry,
    LotteryRound,
    Penalty,
)
from sharehub.facilities.selectors import lottery as reads
from sharehub.facilities.services import lottery
from sharehub.notifications.models import Notification

from .factories import SpaceFactory

pytestmark = pytest.mark.django_db


def _at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def ask(day: date, start: int = 10, end: int = 12, **extra) -> services.BookingAsk:
    values = {"purpose": "meeting", "purpose_detail": "마을 모임", "people": 8}
    values.update(extra)
    return services.BookingAsk(starts_at=_at(day, start), ends_at=_at(day, end), **values)


def _second_monday() -> date:
    """A week whose draw (3 days before its Monday) is at least four days ahead, any weekday."""
    today = timezone.localdate()
    return today + timedelta(days=7 - today.weekday() + 7)


@pytest.fixture
def space():
    return SpaceFactory(allocation="lottery", lottery_draw_days=3, max_bookings_per_month=8)


@pytest.fixture
def round_(space) -> LotteryRound:
    lottery.open_rounds()
    return LotteryRound.objects.get(space=space, covers_from=_second_monday())


def _after_draw(lottery_round: LotteryRound) -> datetime:
    return lottery_round.draws_at + timedelta(minutes=1)


def test_rounds_open_once_with_only_the_seeds_fingerprint_known(space):
    first_come = SpaceFactory()
    opened = lottery.open_rounds()
    assert opened >= 12 and lottery.open_rounds() == 0
    assert not LotteryRound.objects.filter(space=first_come).exists()
    for r in LotteryRound.objects.filter(space=space):
        assert r.covers_from.weekday() == 0 and (r.covers_until - r.covers_from).days == 6
        assert r.draws_at > timezone.now() and r.drawn_at is None
        assert hashlib.sha256(r.seed.encode()).hexdigest() == r.seed_hash
        assert timezone.localtime(r.draws_at).date() == r.covers_from - timedelta(days=3)
    assert len({r.seed for r in LotteryRound.objects.all()}) == opened


def test_an_undrawn_day_is_entered_not_booked(space, round_, user):
    with pytest.raises(ValidationError) as refused:
        services.book(actor=user, space=space, ask=ask(round_.covers_from))
    assert refused.value.error_dict["starts_at"][0].code == "lottery"
    entry = lottery.enter(actor=user, lottery=round_, ask=ask(round_.covers_from))
    assert entry.status == EntryStatus.ENTERED and entry.position is None
    assert not Booking.objects.exists()
    assert AuditEntry.objects.filter(action="facilities.lottery.enter").count() == 1


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"start": 10, "end": 12}, "starts_at", "duplicate"),
        ({"start": 6, "end": 8}, "starts_at", None),  # before opening hours
        ({"start": 10, "end": 12, "purpose": "political"}, "purpose", None),
        ({"start": 10, "end": 12, "people": 99}, "people", None),
        ({"start": 10, "end": 12, "days": 7}, "starts_at", "round"),  # the next week's day
    ],
)
def test_entries_are_refused_with_a_reason(space, round_, user, change, field, code):
    lottery.enter(actor=user, lottery=round_, ask=ask(round_.covers_from))
    change = dict(change)
    day = round_.covers_from + timedelta(days=change.pop("days", 0))
    with pytest.raises(ValidationError) as refused:
        lottery.enter(
            actor=user,
            lottery=round_,
            ask=ask(day, change.pop("start"), change.pop("end"), **change),
        )
    assert field in refused.value.error_dict
    if code:
        assert refused.value.error_dict[field][0].code == code
    assert LotteryEntry.objects.count() == 1


def test_one_entry_per_person_and_slot_but_others_may_enter_it(space, round_, user, other_user):
    lottery.enter(actor=user, lottery=round_, ask=ask(round_.covers_from))
    lottery.enter(actor=other_user, lottery=round_, ask=ask(round_.covers_from))
    for hour in (12, 14, 16, 18):
        lottery.enter(actor=user, lottery=round_, ask=ask(round_.covers_from, hour, hour + 2))
    with pytest.raises(ValidationError) as refused:
        lottery.enter(actor=user, lottery=round_, ask=ask(round_.covers_from, 20, 22))
    assert refused.value.error_dict["__all__"][0].code == "entries"


def test_the_suspended_and_the_anonymous_cannot_enter(space, round_, user):
    with pytest.raises(PermissionDenied):
        lottery.enter(actor=AnonymousUser(), lottery=round_, ask=ask(round_.covers_from))
    now = timezone.now()
    Penalty.objects.create(
        user=user,
        space=space,
        kind="no_show",
        reason="노쇼",
        starts_at=now,
        ends_at=now + timedelta(days=30),
    )
    with pytest.raises(ValidationError) as refused:
        lottery.enter(actor=user, lottery=round_, ask=ask(round_.covers_from))
    assert refused.value.error_dict["__all__"][0].code == "suspended"


def test_withdraw_before_the_draw_only_and_by_the_entrant_only(space, round_, user, other_user):
    entry = lottery.enter(actor=user, lottery=round_, ask=ask(round_.covers_from))
    with pytest.raises(PermissionDenied):
        lottery.withdraw(actor=other_user, entry=entry)
    lottery.withdraw(actor=user, entry=entry)
    entry.refresh_from_db()
    assert entry.status == EntryStatus.WITHDRAWN
    with pytest.raises(ValidationError):
        lottery.withdraw(actor=user, entry=entry)
    # A withdrawn entry does not block entering the same time again.
    again = lottery.enter(actor=user, lottery=round_, ask=ask(round_.covers_from))
    assert lottery.draw(lottery=round_, now=_after_draw(round_))
    with pytest.raises(ValidationError) as refused:
        lottery.withdraw(actor=user, entry=again)
    assert refused.value.error_dict["__all__"][0].code == "state"
    with pytest.raises(ValidationError) as refused:
        lottery.enter(actor=other_user, lottery=round_, ask=ask(round_.covers_from, 14, 16))
    assert refused.value.error_dict["__all__"][0].code == "closed"


def test_the_draw_books_one_winner_per_time_in_the_seeds_order(space, round_):
    people = UserFactory.create_batch(5)
    entries = [
        lottery.enter(actor=person, lottery=round_, ask=ask(round_.covers_from, 10, 12))
        for person in people
    ]
    # Alone for its time, another day: it wins whatever its place.
    late = lottery.enter(
        actor=UserFactory(), lottery=round_, ask=ask(round_.covers_from + timedelta(days=1), 14, 16)
    )
    assert lottery.draw(lottery=round_, now=_after_draw(round_))
    round_.refresh_from_db()
    assert round_.drawn_at is not None
    assert reads.seed_fingerprint(round_.seed) == round_.seed_hash
    for entry in entries:
        entry.refresh_from_db()
    order = reads.draw_order(round_.seed, [e.pk for e in entries] + [late.pk])
    by_position = sorted(LotteryEntry.objects.all(), key=lambda e: e.position)
    assert [e.pk for e in by_position] == order
    won = [e for e in entries if e.status == EntryStatus.WON]
    assert len(won) == 1
    assert won[0] == min(entries, key=lambda e: e.position)
    assert won[0].booking.status == BookingStatus.CONFIRMED
    assert won[0].booking.user_id == won[0].user_id
    assert {e.outcome for e in entries if e.status == EntryStatus.LOST} == {"taken"}
    late.refresh_from_db()
    assert late.status == EntryStatus.WON
    assert Booking.objects.count() == 2
    # Everyone is told, winners and not.
    kinds = Notification.objects.filter(kind=lottery.LOTTERY_KIND)
    assert kinds.count() == 6
    assert {n.user_id for n in kinds} == {e.user_id for e in entries} | {late.user_id}


def test_one_win_a_month_per_space(space, round_, user, other_user):
    first = lottery.enter(actor=user, lottery=round_, ask=ask(round_.covers_from, 10, 12))
    second = lottery.enter(actor=user, lottery=round_, ask=ask(round_.covers_from, 14, 16))
    lottery.draw(lottery=round_, now=_after_draw(round_))
    outcomes = sorted(
        LotteryEntry.objects.filter(pk__in=[first.pk, second.pk]).values_list("outcome", flat=True)
    )
    assert outcomes == ["won", "won_this_month"]
    assert Booking.objects.filter(user=user).count() == 1


def test_a_win_in_an_earlier_round_of_the_month_counts(space, user):
    lottery.open_rounds()
    rounds = list(LotteryRound.objects.filter(space=space).order_by("covers_from"))
    pair = next(
        (a, b)
        for a, b in itertools.pairwise(rounds)
        if b.covers_from.month == a.covers_from.month
        and b.covers_from.year == a.covers_from.year
        and (b.covers_from - timezone.localdate()).days < 80
    )
    earlier, later = pair
    lottery.enter(actor=user, lottery=earlier, ask=ask(earlier.covers_from))
    entry = lottery.enter(actor=user, lottery=later, ask=ask(later.covers_from))
    lottery.draw(lottery=earlier, now=_after_draw(earlier))
    lottery.draw(lottery=later, now=_after_draw(later))
    entry.refresh_from_db()
    assert entry.status == EntryStatus.LOST and entry.outcome == "won_this_month"


def test_a_suspended_entrant_is_skipped_at_the_draw(space, round_, user, other_user):
    suspended = lottery.enter(actor=user, lottery=round_, ask=ask(round_.covers_from))
    lottery.enter(actor=other_user, lottery=round_, ask=ask(round_.covers_from))
    now = timezone.now()
    Penalty.objects.create(
        user=user,
        space=None,
        kind="macro",
        reason="매크로",
        starts_at=now,
        ends_at=round_.draws_at + timedelta(days=1),
    )
    lottery.draw(lottery=round_, now=_after_draw(round_))
    suspended.refresh_from_db()
    assert suspended.status == EntryStatus.LOST and suspended.outcome == "suspended"
    assert Booking.objects.get().user == other_user


def test_the_draw_runs_once_and_not_before_its_time(space, round_, user):
    lottery.enter(actor=user, lottery=round_, ask=ask(round_.covers_from))
    assert lottery.draw(lottery=round_, now=round_.draws_at - timedelta(minutes=1)) is False
    assert lottery.draw_due() == 0  # nothing is due now
    assert lottery.draw_due(now=_after_draw(round_)) >= 1
    assert lottery.draw(lottery=round_, now=_after_draw(round_)) is False
    assert lottery.draw_due(now=_after_draw(round_)) == 0
    assert Booking.objects.count() == 1
    assert Notification.objects.filter(kind=lottery.LOTTERY_KIND).count() == 1
    assert AuditEntry.objects.filter(action="facilities.lottery.draw").count() >= 1


def test_after_the_draw_the_times_left_are_booked_first_come(space, round_, user, other_user):
    lottery.enter(actor=user, lottery=round_, ask=ask(round_.covers_from))
    lottery.draw(lottery=round_, now=_after_draw(round_))
    with pytest.raises(ValidationError) as refused:
        services.book(actor=other_user, space=space, ask=ask(round_.covers_from, 11, 13))
    assert refused.value.error_dict["starts_at"][0].code == "taken"
    booking = services.book(actor=other_user, space=space, ask=ask(round_.covers_from, 14, 16))
    assert booking.status == BookingStatus.CONFIRMED


def test_a_winner_of_a_space_with_approval_gets_a_request(round_, space, user):
    space.confirmation = "approval"
    space.save()
    entry = lottery.enter(actor=user, lottery=round_, ask=ask(round_.covers_from))
    lottery.draw(lottery=round_, now=_after_draw(round_))
    entry.refresh_from_db()
    assert entry.status == EntryStatus.WON
    assert entry.booking.status == BookingStatus.REQUESTED


def test_the_published_seed_reproduces_the_draw(space, round_):
    for index, person in enumerate(UserFactory.create_batch(8)):
        hour = 10 + 2 * (index % 3)
        lottery.enter(actor=person, lottery=round_, ask=ask(round_.covers_from, hour, hour + 2))
    lottery.draw(lottery=round_, now=_after_draw(round_))
    round_.refresh_from_db()
    published = reads.published_entries(round_)
    code = reads.reproduce_code(round_, sorted(e.pk for e in published))
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        exec(code, {})  # the lines the round's page publishes, run as anyone would
    assert output.getvalue().strip() == str([e.pk for e in published])
    assert [e.position for e in published] == list(range(1, 9))
    # A different seed would give another order: the published one is the one used.
    assert reads.draw_order("0" * 64, [e.pk for e in published]) != [e.pk for e in published]
