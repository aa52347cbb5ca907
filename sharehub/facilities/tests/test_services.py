"""Booking, approval, payment, cancellation and expiry through the services, with the refusals a
person meets (each a field error, nothing half-written)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from sharehub.accounts.tests.factories import UserFactory
from sharehub.core.audit import AuditEntry
from sharehub.facilities import services
from sharehub.facilities.models import Booking, BookingSeries, BookingStatus, Closure, Eligibility
from sharehub.facilities.services import booking as booking_module
from sharehub.organizations.tests.factories import MembershipFactory, OrganizationFactory

from .factories import SpaceFactory, seoul_refund_bands

pytestmark = pytest.mark.django_db


def _day(days: int) -> date:
    return timezone.localdate() + timedelta(days=days)


def _at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def ask(day: date, start: int = 10, end: int = 12, **extra) -> services.BookingAsk:
    values = {"purpose": "meeting", "purpose_detail": "마을 모임", "people": 8}
    values.update(extra)
    return services.BookingAsk(starts_at=_at(day, start), ends_at=_at(day, end), **values)


@pytest.fixture
def space():
    return SpaceFactory()


def test_a_free_time_is_confirmed_at_once(space, user):
    booking = services.book(actor=user, space=space, ask=ask(_day(3)))
    assert booking.status == BookingStatus.CONFIRMED
    assert booking.fee == 0 and booking.payment_due is None
    assert AuditEntry.objects.filter(action="facilities.book", object_id=str(booking.pk)).exists()


def test_an_overlapping_time_is_taken(space, user, other_user):
    services.book(actor=user, space=space, ask=ask(_day(3), 10, 12))
    with pytest.raises(ValidationError) as refused:
        services.book(actor=other_user, space=space, ask=ask(_day(3), 11, 13))
    assert refused.value.error_dict["starts_at"][0].code == "taken"
    # Touching ends are not an overlap.
    services.book(actor=other_user, space=space, ask=ask(_day(3), 12, 14))
    assert Booking.objects.count() == 2


def test_a_taken_time_is_refused_without_queuing_on_the_lock(space, user, other_user, monkeypatch):
    """A rush for one period: once it is booked, the others are refused "taken" before the
    space's lock (issue 18), with the refusal the lock would give."""
    services.book(actor=user, space=space, ask=ask(_day(3), 10, 12))

    def no_lock(*args, **kwargs):
        raise AssertionError("a taken period queued on the space's lock")

    monkeypatch.setattr(booking_module, "lock_pk", no_lock)  # the attempt count locks nothing
    with pytest.raises(ValidationError) as refused:
        services.book(actor=other_user, space=space, ask=ask(_day(3), 11, 13))
    assert refused.value.error_dict["starts_at"][0].code == "taken"
    # The checks that come first under the lock come first here too.
    with pytest.raises(ValidationError) as refused:
        services.book(actor=other_user, space=space, ask=ask(_day(3), 11, 13, purpose_detail=" "))
    assert "purpose_detail" in refused.value.error_dict
    # A free period still goes through the lock.
    with pytest.raises(AssertionError, match="queued"):
        services.book(actor=other_user, space=space, ask=ask(_day(3), 13, 15))


def test_cancelled_and_rejected_bookings_free_their_time(space, user, other_user):
    first = services.book(actor=user, space=space, ask=ask(_day(3)))
    services.cancel(actor=user, booking=first)
    again = services.book(actor=other_user, space=space, ask=ask(_day(3)))
    assert again.status == BookingStatus.CONFIRMED


def test_the_database_refuses_an_overlap_on_postgresql(space, user, other_user):
    if connection.vendor != "postgresql":
        pytest.skip("the exclusion constraint is PostgreSQL's")
    services.book(actor=user, space=space, ask=ask(_day(3), 10, 12))
    sneaky = Booking(
        space=space,
        user=other_user,
        starts_at=_at(_day(3), 11),
        ends_at=_at(_day(3), 13),
        purpose="meeting",
        purpose_detail="x",
        people=1,
        status=BookingStatus.CONFIRMED,
    )
    with pytest.raises(IntegrityError, match="booking_no_overlap"), transaction.atomic():
        sneaky.save()
    sneaky.status = BookingStatus.CANCELLED  # an inactive row may overlap
    sneaky.save()


def test_limits_per_person(space, user):
    space.max_hours_per_day = 3
    space.max_bookings_per_month = 2
    space.save()
    services.book(actor=user, space=space, ask=ask(_day(3), 10, 12))
    with pytest.raises(ValidationError) as refused:
        services.book(actor=user, space=space, ask=ask(_day(3), 13, 15))
    assert refused.value.error_dict["ends_at"][0].code == "limit_day"
    # Same month, another day: the second booking of the month is fine, the third is not.
    day = _day(3)
    other = (
        day + timedelta(days=1)
        if (day + timedelta(days=1)).month == day.month
        else day - timedelta(days=1)
    )
    if other <= timezone.localdate():
        pytest.skip("no other bookable day in this month")
    services.book(actor=user, space=space, ask=ask(other, 10, 11))
    with pytest.raises(ValidationError) as refused:
        services.book(actor=user, space=space, ask=ask(day, 16, 17))
    assert refused.value.error_dict["starts_at"][0].code == "limit_month"


def test_rules_are_field_errors(space, user):
    with pytest.raises(ValidationError) as refused:
        services.book(
            actor=user,
            space=space,
            ask=ask(_day(3), 10, 12, people=99, purpose="political", purpose_detail=" "),
        )
    assert set(refused.value.error_dict) == {"people", "purpose", "purpose_detail"}
    assert not Booking.objects.exists()


def test_a_closed_day_cannot_be_booked(space, user):
    Closure.objects.create(
        space=space, starts_on=_day(3), ends_on=_day(3), reason_ko="선거", reason_en="Election"
    )
    with pytest.raises(ValidationError) as refused:
        services.book(actor=user, space=space, ask=ask(_day(3)))
    assert "starts_at" in refused.value.error_dict


def test_eligibility(space, user):
    space.eligibility = Eligibility.CITY
    space.save()
    with pytest.raises(ValidationError) as refused:
        services.book(actor=user, space=space, ask=ask(_day(3)))
    assert "declares_eligible" in refused.value.error_dict
    services.book(actor=user, space=space, ask=ask(_day(3), declares_eligible=True))

    space.eligibility = Eligibility.ORGANIZATIONS
    space.save()
    stranger_org = OrganizationFactory()
    with pytest.raises(ValidationError) as refused:
        services.book(actor=user, space=space, ask=ask(_day(4)))
    assert "organization" in refused.value.error_dict
    with pytest.raises(ValidationError) as refused:
        services.book(actor=user, space=space, ask=ask(_day(4), organization=stranger_org))
    assert refused.value.error_dict["organization"][0].code == "member"
    mine = MembershipFactory(user=user).organization
    assert (
        services.book(actor=user, space=space, ask=ask(_day(4), organization=mine)).organization
        == mine
    )


def test_too_fast_is_held_for_review(space, user, city_staff):
    booking = services.book(actor=user, space=space, ask=ask(_day(3), form_seconds=1.2))
    assert booking.status == BookingStatus.HELD
    services.approve(actor=city_staff, booking=booking)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED


def test_approval_spaces_wait_for_staff(space, user, other_user):
    space.confirmation = "approval"
    space.save()
    manager = UserFactory()
    space.staff.add(manager)
    booking = services.book(actor=user, space=space, ask=ask(_day(3)))
    assert booking.status == BookingStatus.REQUESTED
    with pytest.raises(PermissionDenied):
        services.approve(actor=other_user, booking=booking)
    with pytest.raises(PermissionDenied):
        services.approve(actor=user, booking=booking)
    with pytest.raises(ValidationError):
        services.reject(actor=manager, booking=booking, reason=" ")
    services.reject(actor=manager, booking=booking, reason="행사 준비로 사용할 수 없습니다")
    booking.refresh_from_db()
    assert booking.status == BookingStatus.REJECTED and booking.decided_by == manager
    with pytest.raises(ValidationError):
        services.approve(actor=manager, booking=booking)


def test_fees_payment_and_refund_bands(space, user, city_staff):
    space.fee_mode, space.fee_amount = "hour", 10000
    space.save()
    seoul_refund_bands(space)
    booking = services.book(actor=user, space=space, ask=ask(_day(4), 10, 12))
    assert booking.fee == 20000 and booking.payment_due is not None
    with pytest.raises(PermissionDenied):
        services.mark_paid(actor=user, booking=booking)
    services.mark_paid(actor=city_staff, booking=booking)
    services.cancel(actor=user, booking=booking)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED and booking.refund == 18000  # 3–6 days: 90 %


def test_staff_cancel_with_a_reason_and_refund_in_full(space, user, city_staff, other_user):
    space.fee_mode, space.fee_amount = "hour", 10000
    space.save()
    seoul_refund_bands(space)
    booking = services.book(actor=user, space=space, ask=ask(_day(1), 10, 11))
    services.mark_paid(actor=city_staff, booking=booking)
    with pytest.raises(PermissionDenied):
        services.cancel(actor=other_user, booking=booking)
    with pytest.raises(ValidationError):
        services.cancel(actor=city_staff, booking=booking, reason="")
    services.cancel(actor=city_staff, booking=booking, reason="누수로 폐쇄")
    booking.refresh_from_db()
    assert booking.refund == 10000 and booking.cancelled_by == city_staff
    with pytest.raises(ValidationError):
        services.cancel(actor=user, booking=booking)


def test_a_series_is_all_or_nothing(space, user, other_user):
    blocker = services.book(actor=other_user, space=space, ask=ask(_day(3) + timedelta(weeks=2)))
    with pytest.raises(ValidationError) as refused:
        services.book_series(actor=user, space=space, ask=ask(_day(3)), weeks=4)
    problems = refused.value.error_dict["weeks"]
    assert len(problems) == 1 and str(_day(3) + timedelta(weeks=2)) in problems[0].message
    assert Booking.objects.filter(user=user).count() == 0 and not BookingSeries.objects.exists()
    services.cancel(actor=other_user, booking=blocker)
    space.max_bookings_per_month = 10
    space.save()
    series = services.book_series(actor=user, space=space, ask=ask(_day(3)), weeks=4)
    assert series.bookings.count() == 4


def test_expiry_of_requests_and_unpaid_bookings(space, user, other_user):
    space.confirmation = "approval"
    space.request_hours = 24
    space.save()
    waiting = services.book(actor=user, space=space, ask=ask(_day(5)))
    space.confirmation = "instant"
    space.fee_mode, space.fee_amount = "hour", 5000
    space.save()
    unpaid = services.book(actor=other_user, space=space, ask=ask(_day(6)))
    assert services.expire_waiting(now=timezone.now() + timedelta(hours=1)) == 0
    later = timezone.now() + timedelta(hours=49)
    assert services.expire_waiting(now=later) == 2
    assert services.expire_waiting(now=later) == 0  # twice is harmless
    waiting.refresh_from_db()
    unpaid.refresh_from_db()
    assert waiting.status == BookingStatus.EXPIRED and unpaid.status == BookingStatus.CANCELLED


def test_the_booker_is_told_in_their_language(space, user, city_staff):
    from sharehub.notifications.models import Notification

    user.preferred_language = "en"
    user.save()
    space.confirmation = "approval"
    space.save()
    booking = services.book(actor=user, space=space, ask=ask(_day(3)))
    services.reject(actor=city_staff, booking=booking, reason="공사 중")
    titles = [n.title for n in Notification.objects.filter(user=user).order_by("pk")]
    assert titles[0].startswith("Your booking request was received")
    assert titles[1].startswith("Your booking was not approved")


def test_a_closure_cancels_the_days_bookings_and_tells_their_bookers(
    space, user, other_user, city_staff
):
    from sharehub.notifications.models import Notification

    space.fee_mode, space.fee_amount = "hour", 10000
    space.save()
    inside = services.book(actor=user, space=space, ask=ask(_day(4)))
    services.mark_paid(actor=city_staff, booking=inside)
    outside = services.book(actor=other_user, space=space, ask=ask(_day(6)))
    with pytest.raises(PermissionDenied):
        services.close_space(
            actor=user, space=space, starts_on=_day(4), ends_on=_day(5), reason_ko="누수"
        )
    with pytest.raises(ValidationError):
        services.close_space(
            actor=city_staff, space=space, starts_on=_day(5), ends_on=_day(4), reason_ko="누수"
        )
    _closure, cancelled = services.close_space(
        actor=city_staff, space=space, starts_on=_day(4), ends_on=_day(5), reason_ko="누수 공사"
    )
    assert cancelled == 1
    inside.refresh_from_db()
    outside.refresh_from_db()
    assert inside.status == BookingStatus.CANCELLED and inside.refund == inside.fee
    assert outside.status == BookingStatus.CONFIRMED
    assert Notification.objects.filter(user=user, body__contains="누수 공사").exists()
    # The closed days cannot be booked any more.
    with pytest.raises(ValidationError) as refused:
        services.book(actor=other_user, space=space, ask=ask(_day(5)))
    assert "누수 공사" in refused.value.error_dict["starts_at"][0].message
