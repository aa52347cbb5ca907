"""Never double-booked (issue 15), as a property: random sequences of bookings (single and weekly
series), cancellations by the booker and by staff, closures, approvals and rejections on an
approval-mode space, payments and expiry, all through the services, never leave two active
bookings of one space overlapping (checked by a query after every step). Every refusal is a
ValidationError with field errors (what the forms and the API show), never another exception,
and leaves nothing half-written."""

from __future__ import annotations

import re
from collections import Counter
from datetime import datetime, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    invariant,
    multiple,
    rule,
    run_state_machine_as_test,
)

from sharehub.accounts.tests.factories import UserFactory
from sharehub.facilities import services
from sharehub.facilities.models import (
    ACTIVE_STATUSES,
    Booking,
    BookingSeries,
    BookingStatus,
    Closure,
)

from .factories import SpaceFactory

pytestmark = pytest.mark.django_db

# A few days and hours, so that asks often collide (weekly series reach four weeks further).
DAYS = 3
PEOPLE = 3
# What happened over all the runs, so the test can show it explored what it claims to.
seen: Counter[str] = Counter()


def _at(day_offset: int, hour: int) -> datetime:
    day = timezone.localdate() + timedelta(days=2 + day_offset)
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _assert_field_errors(error: ValidationError) -> None:
    """A refusal names its fields (or `__all__`) with readable messages: a 422 in the API, the
    field's error on a form."""
    assert hasattr(error, "error_dict"), f"refusal without fields: {error!r}"
    assert error.error_dict, error
    for field, errors in error.error_dict.items():
        assert isinstance(field, str) and field
        for item in errors:
            assert str(item.message).strip(), (field, item)


class NeverDoubleBooked(RuleBasedStateMachine):
    """Three people and a member of staff on two spaces open 09–22: one paid and confirmed at
    once, one free whose bookings staff approve."""

    bookings = Bundle("bookings")

    def __init__(self) -> None:
        super().__init__()
        self.staff = UserFactory()
        self.people = [UserFactory() for _ in range(PEOPLE)]
        paid = SpaceFactory(
            fee_mode="hour", fee_amount=10_000, max_hours_per_day=6, max_bookings_per_month=12
        )
        approval = SpaceFactory(confirmation="approval")  # the default limits: 4 h, 4 a month
        for space in (paid, approval):
            space.staff.add(self.staff)
        self.spaces = [paid, approval]

    def _written(self) -> tuple[int, int, int]:
        spaces = [space.pk for space in self.spaces]
        return (
            Booking.objects.filter(space__in=spaces).count(),
            BookingSeries.objects.filter(space__in=spaces).count(),
            Closure.objects.filter(space__in=spaces).count(),
        )

    def _refused(self, error: ValidationError, before: tuple[int, int, int], what: str) -> None:
        _assert_field_errors(error)
        assert self._written() == before, f"{what} refused but wrote something"
        for field, errors in error.error_dict.items():
            for item in errors:
                seen[f"{what} refused: {item.code or field}"] += 1
                # A series lists its weeks' reasons as text: "taken" is found by its message.
                if item.code == "taken" or gettext("This time is already taken.") in item.message:
                    seen["refused as taken"] += 1

    def _ask(self, day: int, start: int, hours: int, form_seconds: float | None):
        return services.BookingAsk(
            starts_at=_at(day, start),
            ends_at=_at(day, start) + timedelta(hours=hours),
            purpose="meeting",
            purpose_detail="마을 모임",
            people=5,
            form_seconds=form_seconds,
        )

    # Hours from 8 (before opening) to 21 and lengths up to 5 hours (over the 4-hour maximum, past
    # closing at 22): some asks break the rules on purpose.
    @rule(
        target=bookings,
        space=st.integers(0, 1),
        person=st.integers(0, PEOPLE - 1),
        day=st.integers(0, DAYS - 1),
        start=st.sampled_from([8, 9, 10, 11, 12, 13, 20, 21]),
        hours=st.integers(1, 5),
        form_seconds=st.sampled_from([None, None, 60.0, 1.0]),  # 1 s: held for review
    )
    def book(self, space, person, day, start, hours, form_seconds):
        before = self._written()
        try:
            booking = services.book(
                actor=self.people[person],
                space=self.spaces[space],
                ask=self._ask(day, start, hours, form_seconds),
            )
        except ValidationError as error:
            self._refused(error, before, "book")
            return multiple()
        seen[f"booked: {booking.status}"] += 1
        return booking

    @rule(
        target=bookings,
        space=st.integers(0, 1),
        person=st.integers(0, PEOPLE - 1),
        day=st.integers(0, DAYS - 1),
        start=st.integers(9, 13),
        hours=st.integers(1, 2),
        weeks=st.sampled_from([2, 3, 4, 1]),  # 1: not a series, refused
    )
    def book_series(self, space, person, day, start, hours, weeks):
        before = self._written()
        try:
            series = services.book_series(
                actor=self.people[person],
                space=self.spaces[space],
                ask=self._ask(day, start, hours, None),
                weeks=weeks,
            )
        except ValidationError as error:
            self._refused(error, before, "series")
            if weeks > 1 and "weeks" in error.error_dict:
                # All or nothing: every week that cannot be booked is listed, by its date.
                for item in error.error_dict["weeks"]:
                    assert re.match(r"\d{4}-\d{2}-\d{2}: ", str(item.message)), item.message
                seen["series refused: conflicting weeks listed"] += 1
            return multiple()
        made = list(series.bookings.order_by("starts_at"))
        assert len(made) == weeks, "a series is all or nothing"
        seen["series booked"] += 1
        return multiple(*made)

    @rule(booking=bookings)
    def cancel_by_booker(self, booking):
        before = self._written()
        try:
            cancelled = services.cancel(actor=booking.user, booking=booking)
        except ValidationError as error:
            self._refused(error, before, "cancel")
            return
        assert cancelled.status == BookingStatus.CANCELLED
        seen["cancelled by the booker"] += 1

    @rule(booking=bookings)
    def cancel_by_staff(self, booking):
        before = self._written()
        try:
            services.cancel(actor=self.staff, booking=booking, reason="시설 점검")
        except ValidationError as error:
            self._refused(error, before, "staff cancel")
            return
        seen["cancelled by staff"] += 1

    @rule(booking=bookings)
    def approve(self, booking):
        before = self._written()
        try:
            approved = services.approve(actor=self.staff, booking=booking)
        except ValidationError as error:
            self._refused(error, before, "approve")
            return
        assert approved.status == BookingStatus.CONFIRMED
        seen["approved"] += 1

    @rule(booking=bookings)
    def reject(self, booking):
        before = self._written()
        try:
            services.reject(actor=self.staff, booking=booking, reason="목적이 맞지 않습니다.")
        except ValidationError as error:
            self._refused(error, before, "reject")
            return
        seen["rejected"] += 1

    @rule(booking=bookings)
    def mark_paid(self, booking):
        before = self._written()
        try:
            services.mark_paid(actor=self.staff, booking=booking)
        except ValidationError as error:
            self._refused(error, before, "pay")
            return
        seen["paid"] += 1

    # Staff close the day of some booking (whatever its state now), or that day and the next.
    @rule(booking=bookings, length=st.integers(0, 1))
    def close(self, booking, length):
        first = timezone.localtime(booking.starts_at).date()
        _closure, cancelled = services.close_space(
            actor=self.staff,
            space=booking.space,
            starts_on=first,
            ends_on=first + timedelta(days=length),
            reason_ko="배관 공사",
        )
        seen["closed"] += 1
        seen["cancelled by a closure"] += cancelled

    # Undecided requests expire after 72 hours, unpaid bookings after 48: run the expiry as if
    # that much time had passed (or not yet).
    @rule(hours=st.sampled_from([1, 50, 80]))
    def expire(self, hours):
        seen["expired or unpaid"] += services.expire_waiting(
            now=timezone.now() + timedelta(hours=hours)
        )

    @invariant()
    def no_two_active_bookings_of_a_space_overlap(self):
        active = Booking.objects.filter(space__in=self.spaces, status__in=ACTIVE_STATUSES)
        clashing = active.filter(
            Exists(
                active.filter(
                    space=OuterRef("space"),
                    starts_at__lt=OuterRef("ends_at"),
                    ends_at__gt=OuterRef("starts_at"),
                ).exclude(pk=OuterRef("pk"))
            )
        )
        assert not clashing.exists(), list(
            clashing.values_list("space_id", "starts_at", "ends_at", "status")
        )


def test_random_sequences_never_leave_an_overlap():
    seen.clear()
    run_state_machine_as_test(
        NeverDoubleBooked,
        settings=settings(
            max_examples=40,
            stateful_step_count=15,
            deadline=None,
            derandomize=True,  # the same sequences every run: a failure is reproducible
            database=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
    # The runs met every path the property is about, not only refusals (a series refused for
    # conflicting weeks is rare on this grid; test_services proves it lists every week).
    for what in (
        "booked: confirmed",
        "booked: requested",
        "booked: held",
        "series booked",
        "refused as taken",
        "cancelled by the booker",
        "cancelled by staff",
        "cancelled by a closure",
        "approved",
        "rejected",
        "expired or unpaid",
    ):
        assert seen[what] > 0, (what, sorted(seen.items()))
