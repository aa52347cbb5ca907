"""facilities: lottery rounds for popular slots: entries, the draw with a published seed, winners
booked (issue 15, "Fairness").

- Rounds: a lottery-mode space gets one round per week of days (Monday to Sunday), opened by the
  periodic `open_rounds` once the week's first day is inside the booking window, drawn
  `lottery_draw_days` days before that Monday at `DRAW_HOUR` (Asia/Seoul). A week whose draw time
  has already passed when it would open gets no round: its slots are booked first come.
- Commit–reveal: the seed (`secrets.token_hex(32)`) is made when the round opens and only its
  SHA-256 is published until the draw; the draw publishes the seed.
- The order: entries sorted by HMAC-SHA256(seed, entry number) (`selectors.lottery.draw_order`).
  In that order each entry wins when its period is still free, its person has not won at this
  space in that calendar month (wins of earlier rounds counted, cancelled or not), and a booking
  would pass the booking rules at the draw (suspension, rules, limits, eligibility); the winner's
  booking is made then (confirmed, or requested where staff approve), everyone told.
- Exactly once: the draw locks the round and the space and does nothing to a drawn round.
"""

from __future__ import annotations

import secrets
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from sharehub.accounts.models import User
from sharehub.accounts.roles import signed_in_user
from sharehub.core.actors import Actor
from sharehub.core.audit import log_action
from sharehub.core.forms import field_error
from sharehub.core.locking import lock, lock_objects
from sharehub.facilities import rules
from sharehub.facilities.calendars import booking_ics
from sharehub.facilities.models import (
    Allocation,
    BookingStatus,
    EntryStatus,
    LotteryEntry,
    LotteryRound,
    Space,
)
from sharehub.facilities.selectors.lottery import draw_order, seed_fingerprint
from sharehub.facilities.services import waitlist
from sharehub.facilities.services.booking import (
    BookingAsk,
    _check_eligibility,
    _new_booking,
    _validate,
    check_not_suspended,
)
from sharehub.notifications.services import notify

ACTION = "facilities.lottery."
LOTTERY_KIND = "facilities.lottery"
ROUND_DAYS = 7
DRAW_HOUR = time(10)
# Entries one person may have in one round (each for a different period).
MAX_ENTRIES_PER_ROUND = 5

# Why an entry won or lost: codes stored on the entry (`outcome`), published with the draw and
# shown in the reader's language.
OUTCOMES: dict[str, Any] = {
    "won": pgettext_lazy("lottery outcome", "Drawn: booked"),
    "taken": gettext_lazy("An earlier entry in the draw got this time."),
    "won_this_month": gettext_lazy("Already won at this space this month."),
    "suspended": gettext_lazy("Suspended from booking this space."),
    "limit_day": gettext_lazy("Over the hours per person per day."),
    "limit_month": gettext_lazy("Over the bookings per person per month."),
    "eligibility": gettext_lazy("Not eligible for this space."),
    "member": gettext_lazy("No longer a member of the organization."),
    "offered": gettext_lazy("The time was offered to the waitlist."),
    "passed": gettext_lazy("The time had passed when the draw ran."),
    "rules": gettext_lazy("The booking rules did not allow it at the draw."),
}

TEXTS: dict[str, tuple[Any, Any]] = {
    "won": (
        gettext_lazy("You won the lottery: %(space)s"),
        gettext_lazy(
            "%(when)s. Your booking is made (%(status)s). The draw and its seed are public on "
            "the round's page."
        ),
    ),
    "lost": (
        gettext_lazy("Not drawn in the lottery: %(space)s"),
        gettext_lazy(
            "%(when)s. %(why)s Slots left after the draw can be booked first come. The draw and "
            "its seed are public on the round's page."
        ),
    ),
}


def outcome_label(code: str) -> str:
    return str(OUTCOMES.get(code, OUTCOMES["rules"]))


# --- Rounds ------------------------------------------------------------------------------------


def round_days(space: Space, monday: date) -> tuple[date, date, datetime]:
    """The days a round starting on `monday` covers and when it is drawn."""
    draws_at = rules.at(monday - timedelta(days=space.lottery_draw_days), DRAW_HOUR)
    return monday, monday + timedelta(days=ROUND_DAYS - 1), draws_at


def open_round(space: Space, monday: date, *, now: datetime) -> LotteryRound | None:
    """A new round for the week from `monday` with a fresh seed, inside the caller's transaction;
    None when it exists already."""
    first, last, draws_at = round_days(space, monday)
    seed = secrets.token_hex(32)
    try:
        with transaction.atomic():  # a savepoint: another scheduler may open it at once
            return LotteryRound.objects.create(
                space=space,
                covers_from=first,
                covers_until=last,
                draws_at=draws_at,
                seed_hash=seed_fingerprint(seed),
                # Kept private until the draw (only `seed_hash` is shown): the reveal copies it in.
                seed=seed,
                created_at=now,
            )
    except IntegrityError:
        return None


def open_rounds(*, now: datetime | None = None) -> int:
    """Open the rounds of lottery-mode spaces for the weeks that entered the booking window and
    whose draw time is still ahead. Safe to run twice (one round per space and first day).
    Returns how many rounds were opened."""
    now = now or timezone.now()
    opened = 0
    spaces = Space.objects.filter(allocation=Allocation.LOTTERY, is_active=True)
    for space in spaces.iterator():
        with transaction.atomic(durable=True):
            opened += open_rounds_of(space, now=now)
    return opened


def open_rounds_of(space: Space, *, now: datetime) -> int:
    """`open_rounds` for one space, inside the caller's transaction (the demo's too)."""
    today = rules.local(now).date()
    existing = set(
        LotteryRound.objects.filter(space=space, covers_from__gte=today).values_list(
            "covers_from", flat=True
        )
    )
    opened = 0
    monday = today - timedelta(days=today.weekday())
    horizon = today + timedelta(days=space.opens_days_ahead)
    while monday <= horizon:
        draws_at = round_days(space, monday)[2]
        if monday not in existing and draws_at > now:
            opened += open_round(space, monday, now=now) is not None
        monday += timedelta(days=ROUND_DAYS)
    return opened


# --- Entries -----------------------------------------------------------------------------------


def enter(*, actor: Actor, lottery: LotteryRound, ask: BookingAsk) -> LotteryEntry:
    """Enter the round for one period: checked as a booking would be at the draw time (rules,
    eligibility, suspension now), one entry per person and period start, a few per round."""
    user = signed_in_user(actor)
    now = timezone.now()
    with transaction.atomic(durable=True):
        lottery = lock(lottery)
        space = lottery.space
        if lottery.drawn_at is not None or lottery.draws_at <= now:
            raise field_error(
                "__all__", _("This lottery is closed: it has been drawn."), code="closed"
            )
        check_not_suspended(user, space, now=now)
        day = rules.local(ask.starts_at).date()
        if not lottery.covers_from <= day <= lottery.covers_until:
            raise field_error(
                "starts_at", _("This lottery round does not cover this day."), code="round"
            )
        # As at the draw: the booking window is counted from the draw time.
        _validate(space, ask, now=lottery.draws_at)
        _check_eligibility(user, space, ask)
        mine = LotteryEntry.objects.filter(round=lottery, user=user).exclude(
            status=EntryStatus.WITHDRAWN
        )
        if mine.filter(starts_at=ask.starts_at).exists():
            raise field_error(
                "starts_at", _("You have already entered for this time."), code="duplicate"
            )
        if mine.count() >= MAX_ENTRIES_PER_ROUND:
            raise field_error(
                "__all__",
                _("You may enter at most %(count)s times in one round.")
                % {"count": MAX_ENTRIES_PER_ROUND},
                code="entries",
            )
        entry = LotteryEntry.objects.create(
            round=lottery,
            user=user,
            organization=ask.organization,
            starts_at=ask.starts_at,
            ends_at=ask.ends_at,
            purpose=ask.purpose,
            purpose_detail=ask.purpose_detail.strip(),
            people=ask.people,
            declares_eligible=ask.declares_eligible,
            created_at=now,
        )
        log_action(actor=user, action=ACTION + "enter", target=entry)
    return entry


def withdraw(*, actor: Actor, entry: LotteryEntry) -> LotteryEntry:
    """The entrant withdraws an entry before the draw."""
    user = signed_in_user(actor)
    now = timezone.now()
    with transaction.atomic(durable=True):
        entry = lock(entry)
        if entry.user_id != user.pk:
            raise PermissionDenied(_("Only the person who entered may withdraw."))
        lottery = entry.round
        if entry.status != EntryStatus.ENTERED:
            raise field_error("__all__", _("This entry is no longer in the draw."), code="state")
        if lottery.drawn_at is not None or lottery.draws_at <= now:
            raise field_error(
                "__all__", _("The draw has begun: the entry cannot be withdrawn."), code="closed"
            )
        entry.status = EntryStatus.WITHDRAWN
        entry.save(update_fields=["status"])
        log_action(actor=user, action=ACTION + "withdraw", target=entry)
    return entry


# --- The draw ----------------------------------------------------------------------------------


def _month(day: date) -> tuple[date, date]:
    first = day.replace(day=1)
    return first, (first + timedelta(days=32)).replace(day=1)


def _won_months(space: Space, lottery: LotteryRound) -> dict[int, set[date]]:
    """Who already won at this space, by month (first day), in rounds drawn before this one."""
    first = _month(lottery.covers_from)[0]
    end = _month(lottery.covers_until)[1]
    wins = LotteryEntry.objects.filter(
        round__space=space,
        status=EntryStatus.WON,
        starts_at__gte=rules.at(first, time(0)),
        starts_at__lt=rules.at(end, time(0)),
        user__isnull=False,
    ).values_list("user_id", "starts_at")
    won: dict[int, set[date]] = {}
    for user_id, starts_at in wins:
        won.setdefault(user_id, set()).add(rules.local(starts_at).date().replace(day=1))
    return won


def _ask(entry: LotteryEntry) -> BookingAsk:
    return BookingAsk(
        starts_at=entry.starts_at,
        ends_at=entry.ends_at,
        purpose=entry.purpose,
        purpose_detail=entry.purpose_detail,
        people=entry.people,
        organization=entry.organization,
        declares_eligible=entry.declares_eligible,
    )


def _try_booking(entry: LotteryEntry, space: Space, lottery: LotteryRound, *, now: datetime) -> str:
    """Book the entry's period for its person, or say why not (an outcome code)."""
    user: User | None = entry.user
    if user is None or not user.is_active:
        return "rules"
    if entry.starts_at <= now:
        return "passed"
    ask = _ask(entry)
    try:
        check_not_suspended(user, space, now=now)
        _validate(space, ask, now=lottery.draws_at)
        _check_eligibility(user, space, ask)
        entry.booking = _new_booking(user, space, ask, now=now, drawn=True)
    except ValidationError as error:
        codes = [e.code for errors in error.error_dict.values() for e in errors]
        return next((c for c in codes if c in OUTCOMES), "rules") if codes else "rules"
    return "won"


def draw(*, lottery: LotteryRound, now: datetime | None = None) -> bool:
    """Draw the round: reveal the seed, place every entry, book the winners, tell everyone.
    Exactly once: the round is locked and a drawn round is left alone. True when this call drew
    it; False when it was drawn already or its time has not come."""
    now = now or timezone.now()
    with transaction.atomic(durable=True):
        return draw_locked(lottery, now=now)


def draw_locked(lottery: LotteryRound, *, now: datetime) -> bool:
    """`draw`'s body inside the caller's transaction (the demo's too): it takes the locks."""
    fresh_round, space = lock_objects(lottery, lottery.space)
    assert isinstance(fresh_round, LotteryRound) and isinstance(space, Space)
    lottery = fresh_round
    if lottery.drawn_at is not None or lottery.draws_at > now:
        return False
    entries = {
        e.pk: e
        for e in LotteryEntry.objects.filter(round=lottery, status=EntryStatus.ENTERED)
        .select_related("user", "organization")
        .select_for_update(of=("self",))
    }
    won = _won_months(space, lottery)
    for position, number in enumerate(draw_order(lottery.seed, entries), start=1):
        entry = entries[number]
        entry.position = position
        month = rules.local(entry.starts_at).date().replace(day=1)
        if entry.user_id is not None and month in won.get(entry.user_id, set()):
            entry.outcome = "won_this_month"
        else:
            entry.outcome = _try_booking(entry, space, lottery, now=now)
        if entry.outcome == "won":
            entry.status = EntryStatus.WON
            assert entry.user_id is not None
            won.setdefault(entry.user_id, set()).add(month)
            assert entry.booking is not None
            waitlist.booked(entry.booking, now=now)
        else:
            entry.status = EntryStatus.LOST
        entry.save(update_fields=["position", "outcome", "status", "booking"])
        _tell(entry, lottery)
    lottery.drawn_at = now
    lottery.save(update_fields=["drawn_at"])
    log_action(
        actor=None,
        action=ACTION + "draw",
        target=lottery,
        data={
            "entries": len(entries),
            "won": sum(e.status == EntryStatus.WON for e in entries.values()),
        },
    )
    return True


def draw_due(*, now: datetime | None = None) -> int:
    """Draw every round whose time has come (each in its own transaction). Safe on two workers
    at once: each round is drawn once. Returns how many this call drew."""
    now = now or timezone.now()
    due = LotteryRound.objects.filter(drawn_at__isnull=True, draws_at__lte=now).select_related(
        "space"
    )
    return sum(draw(lottery=lottery, now=now) for lottery in due.order_by("draws_at")[:200])


# --- Notices -----------------------------------------------------------------------------------


def _when(entry: LotteryEntry) -> Any:
    def format_() -> str:
        start, end = timezone.localtime(entry.starts_at), timezone.localtime(entry.ends_at)
        return (
            f"{formats.date_format(start, 'DATETIME_FORMAT')}–"
            f"{formats.time_format(end, 'TIME_FORMAT')}"
        )

    return lazy(format_, str)()


def _tell(entry: LotteryEntry, lottery: LotteryRound) -> None:
    """Tell the entrant how the draw went, in their language (inside the draw's transaction)."""
    person = entry.user
    if person is None or not person.is_active:
        return
    won = entry.status == EntryStatus.WON
    title, body = TEXTS["won" if won else "lost"]
    with translation.override(person.preferred_language or settings.LANGUAGE_CODE):
        round_url = reverse("facilities:lottery_round", kwargs={"pk": lottery.pk})
        url = entry.booking.get_absolute_url() if won and entry.booking else round_url
    booking = entry.booking
    attachments: list[tuple[str, str | bytes, str]] | None = (
        [(f"booking-{booking.reference}.ics", booking_ics(booking), "text/calendar")]
        if booking is not None and booking.status == BookingStatus.CONFIRMED
        else None
    )
    notify(
        user=person,
        kind=LOTTERY_KIND,
        title=title,
        body=body,
        url=url,
        attachments=attachments,
        params={
            "space": lazy(lambda: lottery.space.name, str)(),
            "when": _when(entry),
            "status": lazy(lambda: booking.get_status_display() if booking else "", str)(),
            "why": lazy(lambda: outcome_label(entry.outcome), str)(),
        },
    )
