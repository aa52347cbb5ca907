"""Check-in, no-shows and the penalty register as services: the code is signed, a no-show only
after the end, the limit suspends exactly once, the suspended are refused with the reason, one
appeal, a decision that lifts lets the person book again; each step by the right people only."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from sharehub.accounts.tests.factories import UserFactory
from sharehub.core.models import AuditEntry
from sharehub.facilities import services as booking_services
from sharehub.facilities.checkin import checkin_code, read_checkin_code
from sharehub.facilities.models import (
    Appeal,
    AppealStatus,
    Booking,
    BookingStatus,
    Penalty,
    PenaltyKind,
)
from sharehub.facilities.selectors.penalties import suspension_of
from sharehub.facilities.services import penalties as services
from sharehub.notifications.models import Notification

from .factories import SpaceFactory

pytestmark = pytest.mark.django_db


def make_booking(user, space, *, starts_at, hours=2, status=BookingStatus.CONFIRMED) -> Booking:
    """A booking written directly (past and same-day bookings cannot be made by the rules)."""
    return Booking.objects.create(
        space=space,
        user=user,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=hours),
        purpose="meeting",
        purpose_detail="모임",
        people=3,
        status=status,
    )


def ended(user, space, days_ago: int = 1) -> Booking:
    return make_booking(user, space, starts_at=timezone.now() - timedelta(days=days_ago, hours=3))


def ongoing(user, space) -> Booking:
    return make_booking(user, space, starts_at=timezone.now() - timedelta(minutes=1))


def _code(error: ValidationError) -> str:
    return next(e.code for errors in error.error_dict.values() for e in errors)  # type: ignore[misc]


def _ask(day: date) -> booking_services.BookingAsk:
    return booking_services.BookingAsk(
        starts_at=timezone.make_aware(datetime.combine(day, time(10))),
        ends_at=timezone.make_aware(datetime.combine(day, time(12))),
        purpose="meeting",
        purpose_detail="모임",
        people=3,
    )


@pytest.fixture
def space():
    return SpaceFactory(no_show_limit=2, suspension_days=30)


@pytest.fixture
def staff(space):
    person = UserFactory()
    space.staff.add(person)
    return person


# --- Check-in ------------------------------------------------------------------------------------


def test_check_in_by_code_once_and_twice_is_no_error(space, staff, user):
    booking = ongoing(user, space)
    code = checkin_code(booking)
    assert read_checkin_code(code) == (booking.pk, space.pk)
    result = services.check_in(actor=staff, space=space, code=code)
    assert not result.already and result.booking.checked_in_at is not None
    again = services.check_in(actor=staff, space=space, code=code)
    assert again.already and again.booking.checked_in_at == result.booking.checked_in_at


def test_a_forged_or_foreign_code_is_refused(space, staff, user):
    booking = ongoing(user, space)
    forged = signing.dumps({"b": booking.pk, "s": space.pk}, salt="another salt")
    altered = checkin_code(booking)[:-2] + "xx"
    events_code = signing.dumps({"r": booking.pk, "e": 1}, salt="sharehub.events.checkin")
    for code in (forged, altered, events_code, "", "garbage:abc"):
        with pytest.raises(ValidationError) as error:
            services.check_in(actor=staff, space=space, code=code)
        assert _code(error.value) == "invalid"
    other_space = SpaceFactory()
    elsewhere = ongoing(user, other_space)
    with pytest.raises(ValidationError) as error:
        services.check_in(actor=staff, space=space, code=checkin_code(elsewhere))
    assert _code(error.value) == "space"
    booking.refresh_from_db()
    assert booking.checked_in_at is None


def test_check_in_only_today_before_the_end_and_confirmed(space, staff, user):
    tomorrow = make_booking(user, space, starts_at=timezone.now() + timedelta(days=1, hours=1))
    with pytest.raises(ValidationError) as error:
        services.check_in(actor=staff, space=space, booking=tomorrow)
    assert _code(error.value) == "not_today"
    held = make_booking(
        user, space, starts_at=timezone.now() + timedelta(hours=3), status=BookingStatus.HELD
    )
    with pytest.raises(ValidationError) as error:
        services.check_in(actor=staff, space=space, booking=held)
    assert _code(error.value) == "state"


def test_only_the_spaces_staff_check_in(space, user, other_user, city_staff):
    booking = ongoing(user, space)
    code = checkin_code(booking)
    other_staff = UserFactory()
    SpaceFactory().staff.add(other_staff)
    for person in (user, other_user, other_staff):
        with pytest.raises(PermissionDenied):
            services.check_in(actor=person, space=space, code=code)
    assert services.check_in(actor=city_staff, space=space, code=code).already is False


# --- No-shows and the limit ------------------------------------------------------------------


def test_no_show_before_the_end_is_refused(space, staff, user):
    booking = ongoing(user, space)
    with pytest.raises(ValidationError) as error:
        services.record_no_show(actor=staff, booking=booking)
    assert _code(error.value) == "early"
    booking.refresh_from_db()
    assert not booking.no_show


def test_no_show_of_a_checked_in_booking_is_refused(space, staff, user):
    booking = ended(user, space)
    Booking.objects.filter(pk=booking.pk).update(checked_in_at=booking.starts_at)
    with pytest.raises(ValidationError) as error:
        services.record_no_show(actor=staff, booking=booking)
    assert _code(error.value) == "checked_in"


def test_reaching_the_limit_creates_exactly_one_suspension_and_tells_the_person(space, staff, user):
    first, second, third = (ended(user, space, days) for days in (20, 10, 2))
    assert services.record_no_show(actor=staff, booking=first) is None
    assert not Penalty.objects.exists()
    penalty = services.record_no_show(actor=staff, booking=second)
    assert penalty is not None and penalty.kind == PenaltyKind.NO_SHOW
    assert penalty.space == space and penalty.created_by == staff
    assert (penalty.ends_at - penalty.starts_at) == timedelta(days=30)
    # A third no-show starts a new count: no second suspension at once.
    assert services.record_no_show(actor=staff, booking=third) is None
    assert Penalty.objects.count() == 1
    with pytest.raises(ValidationError) as error:
        services.record_no_show(actor=staff, booking=third)
    assert _code(error.value) == "already"
    notice = Notification.objects.get(user=user, kind=services.PENALTY_KIND)
    assert space.name_ko in notice.title or space.name_en in notice.title
    assert "이의 신청" in notice.body or "appeal" in notice.body


def test_no_shows_older_than_90_days_do_not_count(space, staff, user):
    services.record_no_show(actor=staff, booking=ended(user, space, 120))
    assert services.record_no_show(actor=staff, booking=ended(user, space, 1)) is None
    assert not Penalty.objects.exists()


def test_undo_within_a_day_lifts_the_suspension_it_caused(space, staff, user):
    services.record_no_show(actor=staff, booking=ended(user, space, 5))
    second = ended(user, space, 1)
    penalty = services.record_no_show(actor=staff, booking=second)
    assert penalty is not None
    services.undo_no_show(actor=staff, booking=second)
    second.refresh_from_db()
    penalty.refresh_from_db()
    assert not second.no_show and penalty.lifted_at is not None
    assert suspension_of(user, space, now=timezone.now()) is None


def test_undo_after_a_day_is_refused(space, staff, user):
    booking = ended(user, space, 3)
    services.record_no_show(actor=staff, booking=booking)
    AuditEntry.objects.filter(action="facilities.no_show").update(
        created_at=timezone.now() - timedelta(days=1, minutes=1)
    )
    with pytest.raises(ValidationError) as error:
        services.undo_no_show(actor=staff, booking=booking)
    assert _code(error.value) == "too_late"
    booking.refresh_from_db()
    assert booking.no_show


def test_only_the_spaces_staff_record_no_shows(space, user, other_user):
    booking = ended(user, space)
    other_staff = UserFactory()
    SpaceFactory().staff.add(other_staff)
    for person in (user, other_user, other_staff):
        with pytest.raises(PermissionDenied):
            services.record_no_show(actor=person, booking=booking)
    booking.refresh_from_db()
    assert not booking.no_show


# --- Suspended, appeal, decision -----------------------------------------------------------------


def _suspended(space, staff, user) -> Penalty:
    services.record_no_show(actor=staff, booking=ended(user, space, 5))
    penalty = services.record_no_show(actor=staff, booking=ended(user, space, 2))
    assert penalty is not None
    return penalty


def test_the_suspended_are_refused_a_booking_with_the_reason(space, staff, user):
    _suspended(space, staff, user)
    day = timezone.localdate() + timedelta(days=3)
    with pytest.raises(ValidationError) as error:
        booking_services.book(actor=user, space=space, ask=_ask(day))
    assert _code(error.value) == "suspended"
    assert "이용" in " ".join(error.value.messages) or "suspended" in " ".join(error.value.messages)
    # Another space is not concerned by a no-show suspension of this one.
    assert booking_services.book(actor=user, space=SpaceFactory(), ask=_ask(day)).pk


def test_one_appeal_and_a_decision_that_lifts_lets_the_person_book_again(
    space, staff, user, other_user
):
    penalty = _suspended(space, staff, user)
    with pytest.raises(PermissionDenied):
        services.appeal(actor=other_user, penalty=penalty, text="제 것이 아닙니다")
    with pytest.raises(ValidationError) as error:
        services.appeal(actor=user, penalty=penalty, text="   ")
    assert _code(error.value) == "required" and not Appeal.objects.exists()
    made = services.appeal(actor=user, penalty=penalty, text="아파서 못 갔습니다")
    with pytest.raises(ValidationError) as error:
        services.appeal(actor=user, penalty=penalty, text="다시 한 번")
    assert _code(error.value) == "already"
    with pytest.raises(PermissionDenied):
        services.decide_appeal(actor=user, appeal=made, lift=True, answer="스스로")
    services.decide_appeal(actor=staff, appeal=made, lift=True, answer="진단서 확인")
    made.refresh_from_db()
    penalty.refresh_from_db()
    assert made.status == AppealStatus.LIFTED and penalty.lifted_at is not None
    with pytest.raises(ValidationError) as error:
        services.decide_appeal(actor=staff, appeal=made, lift=False, answer="다시")
    assert _code(error.value) == "state"
    day = timezone.localdate() + timedelta(days=3)
    assert booking_services.book(actor=user, space=space, ask=_ask(day)).pk
    assert Notification.objects.filter(user=user, kind=services.PENALTY_KIND).count() == 2


def test_an_upheld_appeal_keeps_the_suspension(space, staff, user):
    penalty = _suspended(space, staff, user)
    made = services.appeal(actor=user, penalty=penalty, text="억울합니다")
    services.decide_appeal(actor=staff, appeal=made, lift=False, answer="기록이 맞습니다")
    made.refresh_from_db()
    assert made.status == AppealStatus.UPHELD
    assert suspension_of(user, space, now=timezone.now()) == penalty


def test_an_appeal_more_than_30_days_after_the_end_is_refused(space, staff, user):
    penalty = _suspended(space, staff, user)
    Penalty.objects.filter(pk=penalty.pk).update(
        starts_at=timezone.now() - timedelta(days=80),
        ends_at=timezone.now() - timedelta(days=31),
    )
    with pytest.raises(ValidationError) as error:
        services.appeal(actor=user, penalty=penalty, text="늦었지만")
    assert _code(error.value) == "too_late"


def test_suspend_a_macro_user_from_a_held_booking(space, staff, user):
    held = make_booking(
        user, space, starts_at=timezone.now() + timedelta(days=4), status=BookingStatus.HELD
    )
    with pytest.raises(ValidationError) as error:
        services.suspend(
            actor=staff, person=user, space=space, kind="macro", days=30, reason="", booking=held
        )
    assert _code(error.value) == "required"
    penalty = services.suspend(
        actor=staff,
        person=user,
        space=space,
        kind=PenaltyKind.MACRO,
        days=60,
        reason="5초 안에 완료된 예약",
        booking=held,
    )
    held.refresh_from_db()
    assert held.status == BookingStatus.REJECTED and held.decision_reason == "5초 안에 완료된 예약"
    assert (
        penalty.kind == PenaltyKind.MACRO
        and suspension_of(user, space, now=timezone.now()) == penalty
    )


def test_every_space_only_by_city_staff(space, staff, user, city_staff):
    with pytest.raises(PermissionDenied):
        services.suspend(
            actor=staff, person=user, space=None, kind="macro", days=30, reason="매크로"
        )
    assert not Penalty.objects.exists()
    penalty = services.suspend(
        actor=city_staff, person=user, space=None, kind="macro", days=30, reason="매크로"
    )
    # The space's staff may not lift it either; city staff may.
    with pytest.raises(PermissionDenied):
        services.lift(actor=staff, penalty=penalty, reason="실수")
    elsewhere = SpaceFactory()
    assert suspension_of(user, elsewhere, now=timezone.now()) == penalty
    services.lift(actor=city_staff, penalty=penalty, reason="실수")
    assert suspension_of(user, elsewhere, now=timezone.now()) is None


def test_suspend_refuses_bad_input_and_writes_nothing(space, staff, user):
    for kind, days in (("no_show", 30), ("macro", 0), ("macro", 9999)):
        with pytest.raises(ValidationError):
            services.suspend(
                actor=staff, person=user, space=space, kind=kind, days=days, reason="이유"
            )
    assert not Penalty.objects.exists()


def test_city_staff_reject_a_held_booking_and_suspend_from_every_space(space, user, city_staff):
    held = make_booking(
        user, space, starts_at=timezone.now() + timedelta(days=4), status=BookingStatus.HELD
    )
    penalty = services.suspend(
        actor=city_staff,
        person=user,
        space=None,
        kind=PenaltyKind.MACRO,
        days=90,
        reason="1초 만에 완료된 예약 12건",
        booking=held,
    )
    held.refresh_from_db()
    assert penalty.space is None and held.status == BookingStatus.REJECTED
    assert suspension_of(user, SpaceFactory(), now=timezone.now()) == penalty
