"""Bookings (DESIGN §3, §4h): one durable transaction each, permission checked inside, every
refusal a field error in the actor's language.

Never double-booked: a booking locks its space's row first (`core.locking`), then checks the
overlap and the person's limits and writes. The lock serialises bookings of one space, so the
check and the write cannot interleave; on PostgreSQL the exclusion constraint `booking_no_overlap`
(migration 0002) refuses any overlap that got past it anyway, and that refusal becomes the same
"taken" error. On SQLite the transaction is IMMEDIATE, which serialises every writer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from time import time as epoch_seconds
from typing import NoReturn

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from sharehub.accounts.models import User
from sharehub.accounts.roles import signed_in_user
from sharehub.core.actors import Actor
from sharehub.core.audit import log_action
from sharehub.core.forms import field_error
from sharehub.core.locking import RowBusy, lock, lock_pk, share_pk
from sharehub.core.pagecache import kept_value
from sharehub.core.ratelimit import UPLOAD_LIMITED, parse_rate
from sharehub.facilities import notices, rules
from sharehub.facilities.models import (
    ACTIVE_STATUSES,
    Booking,
    BookingAttempts,
    BookingSeries,
    BookingStatus,
    Closure,
    Eligibility,
    HoldReason,
    OpeningHours,
    Penalty,
    Space,
)
from sharehub.facilities.permissions import is_booker, is_space_staff
from sharehub.facilities.selectors.lottery import undrawn_round
from sharehub.facilities.selectors.penalties import suspension_of
from sharehub.facilities.selectors.waitlist import offer_holding
from sharehub.facilities.services import waitlist
from sharehub.organizations.models import Organization
from sharehub.organizations.permissions import role_of

ACTION = "facilities."
MAX_SERIES_WEEKS = 12

# Scripted booking (a macro grabbing the popular slots the moment they open). Every threshold is
# far above what a person does with the form, keyboard and screen reader included, and only the
# attempt rate refuses: the other signs hold the booking for staff, who may approve it.
# - Booking attempts (made or refused) per account and minute, for the page and the API alike:
#   past it, refused with "rate_limited" (the API answers 429). Counted in the database with one
#   upsert of the person's row (`_count_attempt`), exact across processes.
ATTEMPT_RATE = "8/m"
# - Bookings made by one account within BURST_WINDOW, at any space (a weekly series counts once):
#   the one after BURST_BOOKINGS of them is held for review. Counted under a lock on the person's
#   row (after the space's), so bookings made at the same moment at several spaces are counted
#   one after the other.
BURST_BOOKINGS = 5
BURST_WINDOW = timedelta(minutes=5)


@dataclass(frozen=True)
class BookingAsk:
    """What the booking form (or the API) sends."""

    starts_at: datetime
    ends_at: datetime
    purpose: str
    purpose_detail: str
    people: int
    organization: Organization | None = None
    # The person declares they live, work or study in the city (where the space asks it).
    declares_eligible: bool = False
    # Seconds from opening the form to sending it (None: unknown, e.g. the API).
    form_seconds: float | None = None
    # Sent by the page's form, which always carries its signed opening time: without a valid one
    # (form_seconds None) the form was not the one the hub served.
    via_form: bool = False


def _taken() -> ValidationError:
    return field_error("starts_at", _("This time is already taken."), code="taken")


def _overlapping(space: Space, starts_at: datetime, ends_at: datetime) -> QuerySet[Booking]:
    return Booking.objects.filter(
        space=space, status__in=ACTIVE_STATUSES, starts_at__lt=ends_at, ends_at__gt=starts_at
    )


# Two reads of every attempt in a rush for one period, written out: all but one of the rush are
# refused, hundreds a second, and the ORM building these reads was a third of a refusal's CPU
# (issue 18). `test_booking_reads.py` compares each with its ORM query on both databases.
_PERIOD_TAKEN = (
    f'SELECT 1 FROM "{Booking._meta.db_table}" WHERE "space_id" = %s '
    f'AND "status" IN ({", ".join(["%s"] * len(ACTIVE_STATUSES))}) '
    'AND "starts_at" < %s AND "ends_at" > %s LIMIT 1'
)
_MAY_BE_SUSPENDED = (
    f'SELECT 1 FROM "{Penalty._meta.db_table}" WHERE "user_id" = %s '
    'AND ("space_id" = %s OR "space_id" IS NULL) AND "starts_at" <= %s AND "ends_at" > %s '
    'AND "lifted_at" IS NULL LIMIT 1'
)


def _any_row(sql: str, params: list) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone() is not None


def _period_taken(space: Space, starts_at: datetime, ends_at: datetime) -> bool:
    """`_overlapping(…).exists()`."""
    adapt = connection.ops.adapt_datetimefield_value
    return _any_row(_PERIOD_TAKEN, [space.pk, *ACTIVE_STATUSES, adapt(ends_at), adapt(starts_at)])


def _may_be_suspended(user: User, space: Space, *, now: datetime) -> bool:
    """Whether `suspension_of` finds a penalty (which one is read only then)."""
    moment = connection.ops.adapt_datetimefield_value(now)
    return _any_row(_MAY_BE_SUSPENDED, [user.pk, space.pk, moment, moment])


def _check_eligibility(user: User, space: Space, ask: BookingAsk) -> None:
    if space.eligibility == Eligibility.CITY and not ask.declares_eligible:
        raise field_error(
            "declares_eligible",
            _("This space is for people who live, work or study in the city."),
            code="eligibility",
        )
    if space.eligibility == Eligibility.ORGANIZATIONS and ask.organization is None:
        raise field_error(
            "organization", _("This space is booked by organizations."), code="eligibility"
        )
    if ask.organization is not None and role_of(user, ask.organization) is None:
        raise field_error(
            "organization", _("You can book only for an organization you belong to."), code="member"
        )


def _check_limits(user: User, space: Space, starts_at: datetime, ends_at: datetime) -> None:
    """The person's limits at this space, counted from their active bookings (under the space's
    lock, so simultaneous bookings by one person are counted too)."""
    day = rules.local(starts_at).date()
    mine = Booking.objects.filter(space=space, user=user, status__in=ACTIVE_STATUSES)
    day_start = rules.at(day, datetime.min.time())
    same_day = mine.filter(starts_at__gte=day_start, starts_at__lt=day_start + timedelta(days=1))
    minutes = sum((b.ends_at - b.starts_at).total_seconds() / 60 for b in same_day)
    minutes += (ends_at - starts_at).total_seconds() / 60
    if minutes > space.max_hours_per_day * 60:
        raise field_error(
            "ends_at",
            _("You may book this space for at most %(hours)s hours a day.")
            % {"hours": space.max_hours_per_day},
            code="limit_day",
        )
    month_start = rules.at(day.replace(day=1), datetime.min.time())
    next_month = (day.replace(day=1) + timedelta(days=32)).replace(day=1)
    month_end = rules.at(next_month, datetime.min.time())
    in_month = mine.filter(starts_at__gte=month_start, starts_at__lt=month_end).count()
    if in_month >= space.max_bookings_per_month:
        raise field_error(
            "starts_at",
            _("You may book this space at most %(count)s times a month.")
            % {"count": space.max_bookings_per_month},
            code="limit_month",
        )


def _validate(space: Space, ask: BookingAsk, *, now: datetime, kept: bool = False) -> None:
    """The space's rules. `kept`: its hours and closures as kept until either table is written
    (`_calendar`), for a refusal's message; a booking reads them under the lock."""
    hours, closures = _calendar(space) if kept else (space.hours.all(), space.closures.all())
    errors = rules.check(
        space,
        rules.Ask(ask.starts_at, ask.ends_at, ask.purpose, ask.people),
        now=now,
        hours=hours,
        closures=closures,
    )
    if not ask.purpose_detail.strip():
        errors.setdefault("purpose_detail", []).append(_("Say briefly what the space is for."))
    if errors:
        raise ValidationError(errors)


def _calendar(space: Space) -> tuple[list[OpeningHours], list[Closure]]:
    """The space's opening hours and closures, kept (`pagecache.kept_value`, checked against
    both tables' versions on each read, so never older than a read of them): a rush's refusals
    read them hundreds of times a second, and building the two queries was half a refusal's CPU
    (issue 18)."""
    # Queried, not through `space.hours`: a space the pages fetched has its hours prefetched,
    # read before the versions and with no query recorded, so the kept value would not follow
    # a change to them.
    return kept_value(
        f"facilities.calendar:{space.pk}",
        lambda: (
            list(OpeningHours.objects.filter(space_id=space.pk)),
            list(Closure.objects.filter(space_id=space.pk)),
        ),
        shared=True,
    )


def check_not_suspended(user: User, space: Space, *, now: datetime) -> None:
    if not _may_be_suspended(user, space, now=now):
        return
    penalty = suspension_of(user, space, now=now)
    if penalty is not None:
        raise field_error(
            "__all__",
            _("You are suspended from booking this space until %(until)s.")
            % {"until": formats.date_format(timezone.localtime(penalty.ends_at), "DATE_FORMAT")},
            code="suspended",
        )


def _new_booking(
    user: User, space: Space, ask: BookingAsk, *, now: datetime, drawn: bool = False
) -> Booking:
    """Create one booking of a locked space (the caller holds the lock and validated the ask).
    `drawn`: the lottery's draw books its winners (the round is not drawn yet while it does)."""
    if _overlapping(space, ask.starts_at, ask.ends_at).exists():
        raise _taken()
    if not drawn and undrawn_round(space, rules.local(ask.starts_at).date()) is not None:
        raise field_error(
            "starts_at",
            _("This day is allocated by lottery: enter the lottery instead."),
            code="lottery",
        )
    if offer_holding(space, ask.starts_at, ask.ends_at, now=now, user=user) is not None:
        raise field_error(
            "starts_at",
            _("This time is offered to the next person on the waitlist."),
            code="offered",
        )
    _check_limits(user, space, ask.starts_at, ask.ends_at)
    fee = rules.fee(space, ask.starts_at, ask.ends_at)
    held_because = "" if drawn else _hold_reason(user, space, ask, now=now)
    if held_because:
        status = BookingStatus.HELD  # not like a person: staff look first
    elif space.confirmation == "approval":
        status = BookingStatus.REQUESTED
    else:
        status = BookingStatus.CONFIRMED
    booking = Booking(
        space=space,
        user=user,
        organization=ask.organization,
        starts_at=ask.starts_at,
        ends_at=ask.ends_at,
        purpose=ask.purpose,
        purpose_detail=ask.purpose_detail.strip(),
        people=ask.people,
        status=status,
        fee=fee,
        form_seconds=ask.form_seconds,
        held_because=held_because,
        created_at=now,
    )
    if status == BookingStatus.CONFIRMED and fee:
        booking.payment_due = now + timedelta(hours=space.payment_hours)
    try:
        with transaction.atomic():  # a savepoint: the constraint's refusal leaves the rest usable
            booking.save()
    except IntegrityError as error:
        if "booking_no_overlap" in str(error):
            raise _taken() from error
        raise
    return booking


def _hold_reason(user: User, space: Space, ask: BookingAsk, *, now: datetime) -> str:
    """Why this booking looks scripted ("" when it does not): the form sent faster than the
    space's `human_seconds`, the page's form without its signed opening time, or one booking too
    many in a burst. Locks the person's row (the caller holds the space's): the burst count sees
    every booking the person made before, at any space, committed."""
    lock_pk(User, user.pk)
    if ask.form_seconds is not None and ask.form_seconds < space.human_seconds:
        return HoldReason.FAST
    if ask.via_form and ask.form_seconds is None:
        return HoldReason.UNSIGNED
    recent = Booking.objects.filter(user=user, created_at__gte=now - BURST_WINDOW)
    singles = recent.filter(series__isnull=True).count()
    series = recent.exclude(series__isnull=True).values("series").distinct().count()
    if singles + series >= BURST_BOOKINGS:
        return HoldReason.BURST
    return ""


def _count_attempt(user: User) -> bool:
    """Count one attempt by the person; False when ATTEMPT_RATE is already spent.

    One upsert of the person's row (`BookingAttempts`), which moves the count to the current
    window and returns it with the window before's: a sliding window, as `core.ratelimit.hit`,
    whose previous window weighs by how much of it is still within the last minute. The row's
    lock orders parallel attempts, so the count is exact on both databases. Sent on the driver's
    own cursor, as one statement and (outside a transaction) one commit: no page reads the
    table, and the kept pages' version bump the hub's cursor adds to every write would cost as
    much as the count itself (DESIGN §4k)."""
    limit, seconds = parse_rate(ATTEMPT_RATE)
    window, elapsed = divmod(epoch_seconds(), seconds)
    connection.ensure_connection()
    mark = "?" if connection.vendor == "sqlite" else "%s"
    cursor = connection.connection.cursor()
    try:
        cursor.execute(_COUNT_ATTEMPT.replace("%s", mark), [user.pk, int(window)])
        count, previous = cursor.fetchall()[0]  # all: SQLite ends the statement on its last row
    finally:
        cursor.close()
    return previous * (1 - elapsed / seconds) + count <= limit


_ATTEMPTS = BookingAttempts._meta.db_table
# The existing row's values on the right (SQL's UPDATE reads the row as it was).
_COUNT_ATTEMPT = (
    f'INSERT INTO "{_ATTEMPTS}" ("user_id", "period", "count", "previous") VALUES (%s, %s, 1, 0) '
    'ON CONFLICT ("user_id") DO UPDATE SET '
    f'"count" = CASE WHEN "{_ATTEMPTS}"."period" = excluded."period" '
    f'THEN "{_ATTEMPTS}"."count" + 1 ELSE 1 END, '
    f'"previous" = CASE WHEN "{_ATTEMPTS}"."period" = excluded."period" '
    f'THEN "{_ATTEMPTS}"."previous" '
    f'WHEN "{_ATTEMPTS}"."period" = excluded."period" - 1 THEN "{_ATTEMPTS}"."count" ELSE 0 END, '
    '"period" = excluded."period" '
    'RETURNING "count", "previous"'
)


def check_attempt_rate(user: User, space: Space) -> None:
    """Count one booking attempt by the person; past ATTEMPT_RATE, refuse it and, once a
    minute, write it in the audit log under the space, where its staff see it.

    Counted exactly under parallel requests (`_count_attempt`) and committed before the refusal
    is raised: a refused attempt counts too."""
    if _count_attempt(user):
        return
    if cache.add(f"facilities.too-fast-logged:{user.pk}", True, 60):
        with transaction.atomic():
            # Under the person's row, as a booking's own entries: the entry's foreign key is
            # checked at commit, after the kept pages' version bumps, and waiting there for a
            # booking holding the row while it waits for a version row would be a deadlock.
            lock_pk(User, user.pk)
            log_action(
                actor=user,
                action=ACTION + "too_fast",
                target=space,
                data={"rate": ATTEMPT_RATE},
            )
    raise field_error(
        "__all__",
        _("You are sending bookings faster than a person could. Wait a minute, then try again."),
        code=UPLOAD_LIMITED,
    )


def _refuse_taken(user: User, space: Space, ask: BookingAsk, *, now: datetime) -> NoReturn:
    """The refusal of a period found taken, as the checks under the lock would give it: the
    person's suspension, the space's rules and eligibility come before "taken". Read without
    the lock: they only choose the message of a booking that is not written."""
    check_not_suspended(user, space, now=now)
    _validate(space, ask, now=now, kept=True)
    _check_eligibility(user, space, ask)
    raise _taken()


def book(*, actor: Actor, space: Space, ask: BookingAsk) -> Booking:
    """Book a space for one period: confirmed at once, requested (staff approve) or held for
    review (completed faster than a person could).

    In a rush for one period all but the first are refused "taken" (issue 18), without queuing
    on the space's lock: once a committed booking holds the period, before any lock; while one
    is being written, by waiting for its commit beside every other waiter (`_wait_for_booking`);
    and otherwise holding the lock only to see the overlap: the checks that choose their message
    run after it is released."""
    user = signed_in_user(actor)
    now = timezone.now()
    # The first read comes before the attempt is counted: with the database out of reach the
    # answer is a 503 "try again", and retrying it as told must not spend the person's attempts.
    taken_before = _period_taken(space, ask.starts_at, ask.ends_at)
    check_attempt_rate(user, space)
    if taken_before:
        _refuse_taken(user, space, ask, now=now)
    try:
        return _book_locked(user, space, ask, now=now, wait=False)
    except RowBusy:
        if _wait_for_booking(space, ask):
            _refuse_taken(user, space, ask, now=now)
        return _book_locked(user, space, ask, now=now, wait=True)


def _wait_for_booking(space: Space, ask: BookingAsk) -> bool:
    """Whether the period is taken once the booking being written (it holds the space's row)
    has committed. Waits with the row held shared, as every other waiter: when that booking
    commits they all see it at once, instead of each taking the row alone in turn only to find
    the period taken (in a rush of 1,000 for one slot, the first 50 queued for seconds, some
    past the lock timeout)."""
    with transaction.atomic(durable=True):
        share_pk(Space, space.pk)
        return _period_taken(space, ask.starts_at, ask.ends_at)


def _book_locked(
    user: User, space: Space, ask: BookingAsk, *, now: datetime, wait: bool
) -> Booking:
    """The booking under the space's row lock; without `wait`, `RowBusy` (nothing written)
    when another transaction holds the row."""
    with transaction.atomic(durable=True):
        space = lock_pk(Space, space.pk, nowait=not wait)
        taken = _period_taken(space, ask.starts_at, ask.ends_at)
        if not taken:
            check_not_suspended(user, space, now=now)
            _validate(space, ask, now=now)
            _check_eligibility(user, space, ask)
            booking = _new_booking(user, space, ask, now=now)
            waitlist.booked(booking, now=now)
            log_action(
                actor=user,
                action=ACTION + "book",
                target=booking,
                data={"status": booking.status, "held_because": booking.held_because},
            )
            notices.tell(booking.status, booking)
    if taken:
        _refuse_taken(user, space, ask, now=now)
    return booking


def book_series(*, actor: Actor, space: Space, ask: BookingAsk, weeks: int) -> BookingSeries:
    """The same period every week for `weeks` weeks, all or nothing: when any week cannot be
    booked, nothing is, and the error lists every week that cannot, with why."""
    user = signed_in_user(actor)
    check_attempt_rate(user, space)
    if not 2 <= weeks <= MAX_SERIES_WEEKS:
        raise field_error(
            "weeks",
            _("A series is from 2 to %(max)s weeks.") % {"max": MAX_SERIES_WEEKS},
            code="weeks",
        )
    now = timezone.now()
    with transaction.atomic(durable=True):
        space = lock(space)
        check_not_suspended(user, space, now=now)
        _check_eligibility(user, space, ask)
        series = BookingSeries.objects.create(space=space, user=user, weeks=weeks, created_at=now)
        problems: list[str] = []
        for week in range(weeks):
            shift = timedelta(weeks=week)
            one = BookingAsk(
                **{
                    **ask.__dict__,
                    "starts_at": ask.starts_at + shift,
                    "ends_at": ask.ends_at + shift,
                }
            )
            day = rules.local(one.starts_at).date()
            try:
                _validate(space, one, now=now)
                booking = _new_booking(user, space, one, now=now)
            except ValidationError as error:
                messages = "; ".join(m for ms in error.message_dict.values() for m in ms)
                problems.append(f"{day:%Y-%m-%d}: {messages}")
                continue
            booking.series = series
            booking.save(update_fields=["series"])
        if problems:
            transaction.set_rollback(True)
            raise ValidationError({"weeks": problems}, code="series_conflicts")
        log_action(actor=user, action=ACTION + "book_series", target=series, data={"weeks": weeks})
        # One notice for the series (its first booking), not one per week.
        first = series.bookings.order_by("starts_at").first()
        if first is not None:
            notices.tell(first.status, first)
    return series


def _require_staff(actor: Actor, space: Space) -> User:
    user = signed_in_user(actor)
    if not is_space_staff(user, space):
        raise PermissionDenied(_("Only the space's staff may do this."))
    return user


def _reason(reason: str, *, required: bool) -> str:
    reason = reason.strip()
    if required and not reason:
        raise field_error("reason", _("Please give a reason."), code="required")
    if len(reason) > 2000:
        raise field_error("reason", _("At most 2,000 characters."), code="max_length")
    return reason


def _lock_booking(booking: Booking) -> Booking:
    """The booking's space, then the booking: every service that locks both takes them in this
    order (booking, closing, releasing to the waitlist), so two of them never wait on each other."""
    space = lock(Space.objects.get(pk=booking.space_id))
    booking = lock(booking)
    booking.space = space
    return booking


def approve(*, actor: Actor, booking: Booking) -> Booking:
    """Staff confirm a requested or held booking; a fee then falls due."""
    now = timezone.now()
    with transaction.atomic(durable=True):
        booking = _lock_booking(booking)
        user = _require_staff(actor, booking.space)
        if booking.status not in (BookingStatus.REQUESTED, BookingStatus.HELD):
            raise field_error("__all__", _("Only a waiting booking can be approved."), code="state")
        booking.status = BookingStatus.CONFIRMED
        booking.decided_at, booking.decided_by = now, user
        if booking.fee:
            booking.payment_due = now + timedelta(hours=booking.space.payment_hours)
        booking.save(update_fields=["status", "decided_at", "decided_by", "payment_due"])
        log_action(actor=user, action=ACTION + "approve", target=booking)
        notices.tell(notices.APPROVED, booking)
    return booking


def reject(*, actor: Actor, booking: Booking, reason: str) -> Booking:
    reason = _reason(reason, required=True)
    with transaction.atomic(durable=True):
        booking = _lock_booking(booking)
        user = _require_staff(actor, booking.space)
        if booking.status not in (BookingStatus.REQUESTED, BookingStatus.HELD):
            raise field_error("__all__", _("Only a waiting booking can be rejected."), code="state")
        booking.status = BookingStatus.REJECTED
        booking.decided_at, booking.decided_by = timezone.now(), user
        booking.decision_reason = reason
        booking.save(update_fields=["status", "decided_at", "decided_by", "decision_reason"])
        log_action(actor=user, action=ACTION + "reject", target=booking, reason=reason)
        notices.tell(notices.REJECTED, booking, reason=reason)
        waitlist.released(booking, now=booking.decided_at)
    return booking


def mark_paid(*, actor: Actor, booking: Booking) -> Booking:
    """Staff record the payment (the hub has no payment gateway)."""
    with transaction.atomic(durable=True):
        booking = _lock_booking(booking)
        user = _require_staff(actor, booking.space)
        if booking.status != BookingStatus.CONFIRMED or not booking.fee or booking.paid_at:
            raise field_error("__all__", _("This booking has nothing to pay."), code="state")
        booking.paid_at = timezone.now()
        booking.save(update_fields=["paid_at"])
        log_action(actor=user, action=ACTION + "paid", target=booking)
    return booking


def cancel(*, actor: Actor, booking: Booking, reason: str = "") -> Booking:
    """The booker cancels (the space's refund band applies to what was paid) or staff cancel with
    a reason (what was paid is refunded in full)."""
    now = timezone.now()
    with transaction.atomic(durable=True):
        booking = _lock_booking(booking)
        user = signed_in_user(actor)
        by_booker = is_booker(user, booking)
        if not by_booker and not is_space_staff(user, booking.space):
            raise PermissionDenied(_("Only the booker or the space's staff may cancel it."))
        reason = _reason(reason, required=not by_booker)
        if not booking.is_active:
            raise field_error("__all__", _("This booking is no longer active."), code="state")
        if by_booker and booking.starts_at <= now:
            raise field_error(
                "__all__", _("A booking that has begun cannot be cancelled."), code="started"
            )
        if booking.paid_at:
            percent = (
                rules.refund_percent(
                    booking.space.refund_bands.all(), starts_at=booking.starts_at, now=now
                )
                if by_booker
                else 100
            )
            booking.refund = booking.fee * percent // 100
        booking.status = BookingStatus.CANCELLED
        booking.cancelled_at, booking.cancelled_by = now, user
        booking.decision_reason = reason
        booking.save(
            update_fields=["status", "cancelled_at", "cancelled_by", "decision_reason", "refund"]
        )
        log_action(actor=user, action=ACTION + "cancel", target=booking, reason=reason)
        if not by_booker:
            notices.tell(notices.CANCELLED_BY_STAFF, booking, reason=reason)
        waitlist.released(booking, now=now)
    return booking


def expire_waiting(*, now: datetime | None = None) -> int:
    """Requests staff did not decide in time (or by the start) expire; unpaid confirmed bookings
    past their payment deadline are cancelled. Safe to run twice. Returns how many changed."""
    now = now or timezone.now()
    changed = 0
    waiting = Booking.objects.filter(status__in=(BookingStatus.REQUESTED, BookingStatus.HELD))
    for pk in waiting.values_list("pk", flat=True)[:1000]:
        with transaction.atomic(durable=True):
            booking = _lock_booking(Booking.objects.get(pk=pk))
            deadline = booking.created_at + timedelta(hours=booking.space.request_hours)
            if booking.status in (BookingStatus.REQUESTED, BookingStatus.HELD) and (
                now >= deadline or now >= booking.starts_at
            ):
                booking.status = BookingStatus.EXPIRED
                booking.save(update_fields=["status"])
                notices.tell(notices.EXPIRED, booking)
                waitlist.released(booking, now=now)
                changed += 1
    unpaid = Booking.objects.filter(
        status=BookingStatus.CONFIRMED, paid_at__isnull=True, payment_due__lte=now
    )
    for pk in unpaid.values_list("pk", flat=True)[:1000]:
        with transaction.atomic(durable=True):
            booking = _lock_booking(Booking.objects.get(pk=pk))
            if (
                booking.status == BookingStatus.CONFIRMED
                and not booking.paid_at
                and booking.payment_due
                and booking.payment_due <= now
            ):
                booking.status = BookingStatus.CANCELLED
                # No canceller and a passed payment deadline: the page says "not paid in time".
                booking.cancelled_at = now
                booking.save(update_fields=["status", "cancelled_at"])
                notices.tell(notices.UNPAID, booking)
                waitlist.released(booking, now=now)
                changed += 1
    return changed


def close_space(
    *,
    actor: Actor,
    space: Space,
    starts_on: date,
    ends_on: date,
    reason_ko: str,
    reason_en: str = "",
) -> tuple[Closure, int]:
    """Staff close a space for some days: the active bookings of those days are cancelled (what
    was paid refunded in full) and their bookers told. Returns the closure and how many bookings
    were cancelled."""
    reason_ko, reason_en = reason_ko.strip(), reason_en.strip()
    if not reason_ko:
        raise field_error("reason_ko", _("Please give a reason."), code="required")
    if len(reason_ko) > 200 or len(reason_en) > 200:
        raise field_error("reason_ko", _("At most 200 characters."), code="max_length")
    if ends_on < starts_on:
        raise field_error("ends_on", _("The end must be after the start."), code="order")
    now = timezone.now()
    with transaction.atomic(durable=True):
        space = lock(space)
        user = _require_staff(actor, space)
        closure = Closure.objects.create(
            space=space,
            starts_on=starts_on,
            ends_on=ends_on,
            reason_ko=reason_ko,
            reason_en=reason_en or None,
            created_at=now,
        )
        begin = rules.at(starts_on, time(0))
        end = rules.at(ends_on + timedelta(days=1), time(0))
        affected = list(
            Booking.objects.select_for_update(of=("self",))
            .filter(space=space, status__in=ACTIVE_STATUSES, starts_at__lt=end, ends_at__gt=begin)
            .select_related("user", "space")
        )
        for booking in affected:
            booking.status = BookingStatus.CANCELLED
            booking.cancelled_at, booking.cancelled_by = now, user
            booking.decision_reason = reason_ko
            if booking.paid_at:
                booking.refund = booking.fee
            booking.save(
                update_fields=[
                    "status",
                    "cancelled_at",
                    "cancelled_by",
                    "decision_reason",
                    "refund",
                ]
            )
            notices.tell(notices.CLOSED, booking, reason=reason_ko)
        log_action(
            actor=user,
            action=ACTION + "close",
            target=space,
            reason=reason_ko,
            data={"from": str(starts_on), "until": str(ends_on), "cancelled": len(affected)},
        )
    return closure, len(affected)
