"""facilities: Check-in at the space, no-shows, the penalty register (suspensions) and appeals.

Staff check a booker in (by the signed code of their QR, or by a button) on the booking's day;
after its end they record a confirmed booking nobody came to as a no-show. Reaching the space's
`no_show_limit` within 90 days suspends the person from booking that space for `suspension_days`
(once: the count starts again after that suspension). Staff also suspend macro users and others,
at one space or (city staff) every space. The person may appeal once per suspension, while it runs
or within 30 days after; staff uphold it or lift the suspension, with an answer. Every step the
person is concerned by is told to them in their own language.

Who: a space's staff (`permissions.is_space_staff`) for their space's bookings and suspensions;
suspensions of every space (no space) only city staff.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sharehub.accounts.models import User
from sharehub.accounts.roles import is_city_staff, signed_in_user
from sharehub.core.actors import Actor
from sharehub.core.audit import history_for, log_action
from sharehub.core.forms import field_error
from sharehub.core.locking import lock
from sharehub.facilities import notices, rules
from sharehub.facilities.checkin import read_checkin_code
from sharehub.facilities.models import (
    Appeal,
    AppealStatus,
    Booking,
    BookingStatus,
    Penalty,
    PenaltyKind,
    Space,
)
from sharehub.facilities.permissions import is_space_staff
from sharehub.facilities.services import waitlist
from sharehub.notifications.services import notify

ACTION = "facilities."
PENALTY_KIND = "facilities.penalty"
NO_SHOW_WINDOW = timedelta(days=90)
UNDO_WINDOW = timedelta(days=1)
APPEAL_AFTER_END = timedelta(days=30)
MAX_SUSPENSION_DAYS = 365
TEXT_MAX = 2000


# --- Who may ---------------------------------------------------------------------------------


def can_run_penalties(actor: Actor, space: Space | None) -> bool:
    """A space's staff for their space; every space (no space) is city staff's."""
    if space is None:
        return is_city_staff(actor)
    return is_space_staff(actor, space)


def _require(actor: Actor, space: Space | None) -> User:
    user = signed_in_user(actor)
    if not can_run_penalties(user, space):
        if space is None:
            raise PermissionDenied(_("Only city staff may suspend from every space."))
        raise PermissionDenied(_("Only the space's staff may do this."))
    return user


def _text(field: str, value: str, *, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise field_error(field, message, code="required")
    if len(value) > TEXT_MAX:
        raise field_error(field, _("At most 2,000 characters."), code="max_length")
    return value


# --- Notices ---------------------------------------------------------------------------------

SUSPENDED = "suspended"
LIFTED = "lifted"
UPHELD = "upheld"

TEXTS: dict[str, tuple[Any, Any]] = {
    SUSPENDED: (
        gettext_lazy("You are suspended from booking: %(where)s"),
        gettext_lazy(
            "Until %(until)s you cannot book %(where)s. Reason: %(reason)s. If you think this is "
            "wrong, you can appeal once, while the suspension runs or within 30 days after it, "
            "from your suspensions page."
        ),
    ),
    LIFTED: (
        gettext_lazy("Your suspension is lifted: %(where)s"),
        gettext_lazy("You can book %(where)s again. %(answer)s"),
    ),
    UPHELD: (
        gettext_lazy("Your appeal was decided: the suspension stays: %(where)s"),
        gettext_lazy("The suspension runs until %(until)s. Answer: %(answer)s"),
    ),
}


def _where(penalty: Penalty) -> Any:
    """The space's name, or "every public space", in the recipient's language."""

    def format_() -> str:
        return penalty.space.name if penalty.space is not None else _("every public space")

    return lazy(format_, str)()


def _until(penalty: Penalty) -> Any:
    return lazy(
        lambda: formats.date_format(timezone.localtime(penalty.ends_at), "DATETIME_FORMAT"), str
    )()


def _tell(transition: str, penalty: Penalty, *, answer: str = "") -> None:
    person = penalty.user
    if not person.is_active:
        return
    title, body = TEXTS[transition]
    with translation.override(person.preferred_language or settings.LANGUAGE_CODE):
        url = reverse("facilities:suspensions")
    notify(
        user=person,
        kind=PENALTY_KIND,
        title=title,
        body=body,
        url=url,
        params={
            "where": _where(penalty),
            "until": _until(penalty),
            "reason": penalty.reason,
            "answer": answer,
        },
    )


# --- Check-in and no-shows ---------------------------------------------------------------------


@dataclass(frozen=True)
class CheckIn:
    booking: Booking
    already: bool  # checked in before: the page says so, nothing changes


def _find_by_code(space: Space, code: str) -> Booking:
    read = read_checkin_code(code)
    if read is None:
        raise field_error("code", _("This is not a valid check-in code."), code="invalid")
    booking_id, space_id = read
    if space_id != space.pk:
        raise field_error("code", _("This code is for a booking of another space."), code="space")
    booking = Booking.objects.filter(pk=booking_id, space=space).first()
    if booking is None:
        raise field_error("code", _("This is not a valid check-in code."), code="invalid")
    return booking


def check_in(
    *, actor: Actor, space: Space, code: str = "", booking: Booking | None = None
) -> CheckIn:
    """Check in the booker of a confirmed booking of `space` today, by the code of their QR or
    (staff found them on the list) the booking itself. Checking in twice is not an error."""
    user = _require(actor, space)
    if booking is None:
        booking = _find_by_code(space, code)
    elif booking.space_id != space.pk:
        raise field_error("code", _("This code is for a booking of another space."), code="space")
    now = timezone.now()
    with transaction.atomic(durable=True):
        booking = lock(booking)
        if booking.checked_in_at is not None:
            return CheckIn(booking, already=True)
        if booking.status != BookingStatus.CONFIRMED:
            raise field_error(
                "code", _("Only a confirmed booking can be checked in."), code="state"
            )
        if booking.no_show:
            raise field_error(
                "code",
                _("This booking is recorded as a no-show; undo that first."),
                code="no_show",
            )
        if rules.local(booking.starts_at).date() != rules.local(now).date():
            raise field_error("code", _("This booking is not today."), code="not_today")
        if now >= booking.ends_at:
            raise field_error("code", _("This booking has already ended."), code="ended")
        booking.checked_in_at = now
        booking.save(update_fields=["checked_in_at"])
        log_action(actor=user, action=ACTION + "check_in", target=booking)
    return CheckIn(booking, already=False)


def _no_shows_counted(booking: Booking, *, now: datetime) -> int:
    """The person's no-shows at this space in the last 90 days, after their last no-show
    suspension there (that suspension answered the earlier ones)."""
    since = now - NO_SHOW_WINDOW
    last = (
        Penalty.objects.filter(user=booking.user, space=booking.space, kind=PenaltyKind.NO_SHOW)
        .order_by("-created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    no_shows = Booking.objects.filter(
        user=booking.user, space=booking.space, no_show=True, ends_at__gt=since
    )
    if last is not None:
        no_shows = no_shows.filter(ends_at__gt=last)
    return no_shows.count()


def record_no_show(*, actor: Actor, booking: Booking) -> Penalty | None:
    """Staff record that nobody came to a confirmed booking that has ended. When this brings the
    person to the space's limit, they are suspended from it (returned, and told with the reason
    and how to appeal)."""
    now = timezone.now()
    with transaction.atomic(durable=True):
        space = lock(booking.space)  # the space first, as booking and closing do
        booking = lock(booking)
        user = _require(actor, space)
        if booking.status != BookingStatus.CONFIRMED:
            raise field_error(
                "__all__", _("Only a confirmed booking can be a no-show."), code="state"
            )
        if now < booking.ends_at:
            raise field_error(
                "__all__", _("A no-show is recorded only after the booking's end."), code="early"
            )
        if booking.checked_in_at is not None:
            raise field_error("__all__", _("This booker was checked in."), code="checked_in")
        if booking.no_show:
            raise field_error("__all__", _("This no-show is already recorded."), code="already")
        booking.no_show = True
        booking.save(update_fields=["no_show"])
        penalty = None
        person = booking.user
        if person is not None and _no_shows_counted(booking, now=now) >= space.no_show_limit:
            with translation.override(person.preferred_language or settings.LANGUAGE_CODE):
                reason = _("%(count)s no-shows within 90 days (the last on %(day)s).") % {
                    "count": space.no_show_limit,
                    "day": formats.date_format(rules.local(booking.starts_at), "DATE_FORMAT"),
                }
            penalty = Penalty.objects.create(
                user=person,
                space=space,
                kind=PenaltyKind.NO_SHOW,
                reason=reason,
                starts_at=now,
                ends_at=now + timedelta(days=space.suspension_days),
                created_at=now,
                created_by=user,
            )
            log_action(actor=user, action=ACTION + "suspend", target=penalty, reason=reason)
            _tell(SUSPENDED, penalty)
        log_action(
            actor=user,
            action=ACTION + "no_show",
            target=booking,
            data={"penalty": penalty.pk if penalty else None},
        )
    return penalty


def undo_no_show(*, actor: Actor, booking: Booking) -> Booking:
    """Within a day of recording it, staff take a no-show back (a mistake); the suspension it
    caused, if any, is lifted and the person told."""
    now = timezone.now()
    with transaction.atomic(durable=True):
        space = lock(booking.space)
        booking = lock(booking)
        user = _require(actor, space)
        if not booking.no_show:
            raise field_error("__all__", _("This booking is not a no-show."), code="state")
        recorded = history_for(booking).filter(action=ACTION + "no_show").first()
        if recorded is None or now - recorded.created_at > UNDO_WINDOW:
            raise field_error(
                "__all__",
                _("A no-show can be undone only within a day of recording it."),
                code="too_late",
            )
        booking.no_show = False
        booking.save(update_fields=["no_show"])
        caused = (recorded.data or {}).get("penalty")
        penalty = (
            Penalty.objects.filter(pk=caused, lifted_at__isnull=True).select_related("user").first()
            if caused
            else None
        )
        if penalty is not None:
            penalty = lock(penalty)
            penalty.lifted_at, penalty.lifted_by = now, user
            penalty.save(update_fields=["lifted_at", "lifted_by"])
            log_action(actor=user, action=ACTION + "lift", target=penalty)
            _tell(LIFTED, penalty, answer=_("A no-show was recorded by mistake."))
        log_action(actor=user, action=ACTION + "undo_no_show", target=booking)
    return booking


# --- Suspensions -------------------------------------------------------------------------------


def suspend(
    *,
    actor: Actor,
    person: User,
    space: Space | None,
    kind: str,
    days: int,
    reason: str,
    booking: Booking | None = None,
) -> Penalty:
    """Staff suspend a person from one space (or, city staff, every space) for `days` days:
    a macro user or another misuse. With `booking` (one held or requested), that booking is
    rejected with the same reason in the same step ("reject and suspend as automated booking")."""
    if kind not in (PenaltyKind.MACRO, PenaltyKind.OTHER):
        raise field_error("kind", _("Choose macro booking or another reason."), code="invalid")
    if not 1 <= days <= MAX_SUSPENSION_DAYS:
        raise field_error(
            "days",
            _("From 1 to %(max)s days.") % {"max": MAX_SUSPENSION_DAYS},
            code="range",
        )
    reason = _text("reason", reason, message=_("Please give a reason."))
    if booking is not None and space is not None and booking.space_id != space.pk:
        raise field_error("space", _("The booking is of another space."), code="space")
    now = timezone.now()
    with transaction.atomic(durable=True):
        user = _require(actor, space)
        if not person.is_active:
            raise field_error("person", _("This account is closed."), code="inactive")
        if booking is not None:
            lock(booking.space)  # the space first, as booking and closing do
            booking = lock(booking)
            if not is_space_staff(user, booking.space):
                raise PermissionDenied(_("Only the space's staff may do this."))
            if booking.user_id != person.pk:
                raise field_error("person", _("The booking is someone else's."), code="person")
            if booking.status not in (BookingStatus.REQUESTED, BookingStatus.HELD):
                raise field_error(
                    "__all__", _("Only a waiting booking can be rejected."), code="state"
                )
            booking.status = BookingStatus.REJECTED
            booking.decided_at, booking.decided_by = now, user
            booking.decision_reason = reason
            booking.save(update_fields=["status", "decided_at", "decided_by", "decision_reason"])
            log_action(actor=user, action=ACTION + "reject", target=booking, reason=reason)
            notices.tell(notices.REJECTED, booking, reason=reason)
            waitlist.released(booking, now=now)
        penalty = Penalty.objects.create(
            user=person,
            space=space,
            kind=kind,
            reason=reason,
            starts_at=now,
            ends_at=now + timedelta(days=days),
            created_at=now,
            created_by=user,
        )
        log_action(
            actor=user,
            action=ACTION + "suspend",
            target=penalty,
            reason=reason,
            data={"kind": kind, "days": days, "space": space.slug if space else None},
        )
        _tell(SUSPENDED, penalty)
    return penalty


def lift(*, actor: Actor, penalty: Penalty, reason: str) -> Penalty:
    """Staff end a suspension early, with a reason the person reads; a pending appeal of it is
    decided by that (lifted, the reason as its answer)."""
    reason = _text("reason", reason, message=_("Please give a reason."))
    now = timezone.now()
    with transaction.atomic(durable=True):
        penalty = lock(penalty)
        user = _require(actor, penalty.space)
        if penalty.lifted_at is not None or penalty.ends_at <= now:
            raise field_error("__all__", _("This suspension is no longer running."), code="state")
        penalty.lifted_at, penalty.lifted_by = now, user
        penalty.save(update_fields=["lifted_at", "lifted_by"])
        Appeal.objects.filter(penalty=penalty, status=AppealStatus.PENDING).update(
            status=AppealStatus.LIFTED, decided_at=now, decided_by=user, answer=reason
        )
        log_action(actor=user, action=ACTION + "lift", target=penalty, reason=reason)
        _tell(LIFTED, penalty, answer=reason)
    return penalty


# --- Appeals -----------------------------------------------------------------------------------


def appeal(*, actor: Actor, penalty: Penalty, text: str) -> Appeal:
    """The suspended person appeals, once per suspension, while it runs or within 30 days after."""
    text = _text("text", text, message=_("Say why the suspension should be lifted."))
    now = timezone.now()
    with transaction.atomic(durable=True):
        penalty = lock(penalty)
        user = signed_in_user(actor)
        if penalty.user_id != user.pk:
            raise PermissionDenied(_("Only the suspended person may appeal."))
        if Appeal.objects.filter(penalty=penalty).exists():
            raise field_error(
                "text", _("You have already appealed this suspension."), code="already"
            )
        if penalty.lifted_at is not None:
            raise field_error("text", _("This suspension is already lifted."), code="lifted")
        if now > penalty.ends_at + APPEAL_AFTER_END:
            raise field_error(
                "text",
                _("An appeal is possible up to 30 days after the suspension ends."),
                code="too_late",
            )
        made = Appeal.objects.create(penalty=penalty, text=text, created_at=now)
        log_action(actor=user, action=ACTION + "appeal", target=penalty)
    return made


def decide_appeal(*, actor: Actor, appeal: Appeal, lift: bool, answer: str) -> Appeal:
    """Staff uphold the suspension or lift it, with an answer the person is told."""
    answer = _text("answer", answer, message=_("Please write an answer."))
    now = timezone.now()
    with transaction.atomic(durable=True):
        appeal = lock(appeal)
        penalty = lock(appeal.penalty)
        user = _require(actor, penalty.space)
        if appeal.status != AppealStatus.PENDING:
            raise field_error("answer", _("This appeal is already decided."), code="state")
        appeal.status = AppealStatus.LIFTED if lift else AppealStatus.UPHELD
        appeal.decided_at, appeal.decided_by, appeal.answer = now, user, answer
        appeal.save(update_fields=["status", "decided_at", "decided_by", "answer"])
        if lift and penalty.lifted_at is None:
            penalty.lifted_at, penalty.lifted_by = now, user
            penalty.save(update_fields=["lifted_at", "lifted_by"])
        log_action(
            actor=user,
            action=ACTION + ("appeal_lift" if lift else "appeal_uphold"),
            target=penalty,
            reason=answer,
        )
        _tell(LIFTED if lift else UPHELD, penalty, answer=answer)
    return appeal


__all__ = [
    "PENALTY_KIND",
    "CheckIn",
    "appeal",
    "can_run_penalties",
    "check_in",
    "decide_appeal",
    "lift",
    "record_no_show",
    "suspend",
    "undo_no_show",
]
