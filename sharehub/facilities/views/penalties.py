"""facilities pages: Check-in at the space, no-shows, the penalty register (suspensions) and appeals.

Staff: `manage/<slug>/check-in/` (today's bookings, by QR code or a button; ended bookings to
record as no-shows), the register under `suspensions/register/`. The person: `suspensions/`.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from sharehub.accounts.models import User
from sharehub.accounts.roles import is_city_staff
from sharehub.core.forms import run_action, run_service
from sharehub.core.pagination import paginate
from sharehub.core.qr import qr_data_uri
from sharehub.facilities import selectors
from sharehub.facilities.checkin import checkin_code
from sharehub.facilities.forms_penalties import (
    AppealForm,
    CheckInForm,
    DecideAppealForm,
    LiftForm,
    RegisterFilterForm,
    SuspendBookerForm,
    SuspendForm,
)
from sharehub.facilities.models import Booking, BookingStatus, PenaltyKind, Space
from sharehub.facilities.permissions import is_booker, is_space_staff
from sharehub.facilities.selectors import penalties as reads
from sharehub.facilities.services import penalties as services

MINE_SHOWN = 10
QUEUE_SHOWN = 10

# --- Hooks into the shared pages (views/parts.py) ----------------------------------------------


def booking_extra(request: HttpRequest, booking: Booking) -> dict[str, Any]:
    """The booker's QR check-in code; the staff's check-in state, no-show and suspend steps."""
    now = timezone.now()
    context: dict[str, Any] = {}
    if (
        is_booker(request.user, booking)
        and booking.status == BookingStatus.CONFIRMED
        and booking.ends_at > now
    ):
        code = checkin_code(booking)
        context["checkin_qr"] = qr_data_uri(code)
        context["checkin_code"] = code
    if is_space_staff(request.user, booking.space):
        context["penalty_staff"] = True
        context["can_record_no_show"] = (
            booking.status == BookingStatus.CONFIRMED
            and booking.ends_at <= now
            and booking.checked_in_at is None
            and not booking.no_show
        )
        if booking.status in (BookingStatus.HELD, BookingStatus.REQUESTED) and booking.user:
            context["suspend_form"] = SuspendBookerForm(initial={"days": 30})
            context["suspend_everywhere"] = is_city_staff(request.user)
    return context


def detail_extra(request: HttpRequest, space: Space) -> dict[str, Any]:
    if not request.user.is_authenticated:
        return {}
    return {"suspension": reads.suspension_of(request.user, space, now=timezone.now())}


def calendar_extra(request: HttpRequest, space: Space) -> dict[str, Any]:
    return {"checkin_space": space}


def queue_extra(request: HttpRequest) -> dict[str, Any]:
    waiting = reads.appeals_waiting(request.user)
    return {"appeals": list(waiting[:QUEUE_SHOWN]), "appeals_count": waiting.count()}


def mine_extra(request: HttpRequest) -> dict[str, Any]:
    now = timezone.now()
    penalties = list(reads.penalties_of(request.user)[:MINE_SHOWN])
    return {
        "my_penalties": penalties,
        "my_running": [
            p for p in penalties if p.lifted_at is None and p.starts_at <= now < p.ends_at
        ],
    }


# --- Check-in and no-shows ---------------------------------------------------------------------


def _staffed(request: HttpRequest, slug: str) -> Space:
    space = get_object_or_404(Space, slug=slug)
    if not is_space_staff(request.user, space):
        raise PermissionDenied
    return space


def _booking_of_staff(request: HttpRequest, reference: str) -> Booking:
    booking = get_object_or_404(
        Booking.objects.select_related("space", "user"), reference=reference[:12]
    )
    if not is_space_staff(request.user, booking.space):
        raise PermissionDenied
    return booking


@require_http_methods(["GET", "POST"])
@login_required
def checkin(request: HttpRequest, slug: str) -> HttpResponse:
    """GET: today's bookings and the scanner. POST: check in by `code` or by `booking` (a
    reference from the list's button)."""
    space = _staffed(request, slug)
    form = CheckInForm(request.POST or None)
    result: services.CheckIn | None = None
    error = ""
    if request.method == "POST":
        reference = request.POST.get("booking", "")
        try:
            if reference:
                booking = get_object_or_404(Booking, reference=reference[:12], space=space)
                result = services.check_in(actor=request.user, space=space, booking=booking)
            elif form.is_valid():
                result = services.check_in(
                    actor=request.user, space=space, code=form.cleaned_data["code"]
                )
            else:
                error = _("Scan a code or choose a booking.")
        except ValidationError as problem:
            error = " ".join(problem.messages)
    context = {
        "space": space,
        "form": CheckInForm() if result else form,
        "result": result,
        "error": error,
        "today": list(reads.today_bookings(space)),
        "ended": list(reads.ended_unchecked(space)),
    }
    status = 422 if error else 200
    if request.headers.get("HX-Request"):
        # htmx swaps only 2xx answers: the error is in the fragment itself.
        return render(request, "facilities/penalties/checkin.html#outcome", context)
    return render(request, "facilities/penalties/checkin.html", context, status=status)


def _back(request: HttpRequest, booking: Booking) -> HttpResponse:
    target = request.POST.get("next", "")
    if target.startswith("/") and not target.startswith("//"):
        return redirect(target)
    return redirect(booking)


@require_POST
@login_required
def no_show(request: HttpRequest, reference: str) -> HttpResponse:
    booking = _booking_of_staff(request, reference)
    try:
        penalty = services.record_no_show(actor=request.user, booking=booking)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _back(request, booking)
    if penalty is not None:
        messages.warning(
            request,
            _("The no-show is recorded. It reached the space's limit: the person is suspended."),
        )
    else:
        messages.success(request, _("The no-show is recorded."))
    return _back(request, booking)


@require_POST
@login_required
def undo_no_show(request: HttpRequest, reference: str) -> HttpResponse:
    booking = _booking_of_staff(request, reference)
    run_action(request, services.undo_no_show, _("The no-show is undone."), booking=booking)
    return _back(request, booking)


@require_POST
@login_required
def suspend_booker(request: HttpRequest, reference: str) -> HttpResponse:
    """From a held booking: reject it and suspend its booker as an automated booking."""
    booking = _booking_of_staff(request, reference)
    form = SuspendBookerForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect(booking)
    if booking.user is None:
        raise PermissionDenied
    run_action(
        request,
        services.suspend,
        _("The booking is rejected and the person suspended."),
        person=booking.user,
        space=None if form.cleaned_data["everywhere"] else booking.space,
        kind=PenaltyKind.MACRO,
        days=form.cleaned_data["days"],
        reason=form.cleaned_data["reason"],
        booking=booking,
    )
    return redirect(booking)


# --- The register (staff) ----------------------------------------------------------------------


def _require_register(request: HttpRequest) -> None:
    if not reads.runs_penalties(request.user):
        raise PermissionDenied


def _register_page(request: HttpRequest, suspend_form: SuspendForm | None = None) -> HttpResponse:
    spaces = selectors.staffed_spaces(request.user)
    filters = RegisterFilterForm(request.GET or None, spaces=spaces, auto_id="filter_%s")
    chosen: dict[str, Any] = filters.cleaned_data if filters.is_valid() else {}
    page = paginate(
        request,
        reads.register(
            request.user,
            state=chosen.get("state", ""),
            kind=chosen.get("kind", ""),
            space=chosen.get("space"),
            person=chosen.get("person", ""),
        ),
    )
    waiting = reads.appeals_waiting(request.user)
    return render(
        request,
        "facilities/penalties/register.html",
        {
            "page": page,
            "penalties": page.object_list,
            "filters": filters,
            "appeals": list(waiting[:QUEUE_SHOWN]),
            "appeals_count": waiting.count(),
            "suspend_form": suspend_form
            or SuspendForm(spaces=spaces, everywhere=is_city_staff(request.user)),
            "now": timezone.now(),
        },
        status=422 if suspend_form is not None and suspend_form.errors else 200,
    )


@require_safe
@login_required
def register(request: HttpRequest) -> HttpResponse:
    _require_register(request)
    return _register_page(request)


@require_POST
@login_required
def suspend(request: HttpRequest) -> HttpResponse:
    _require_register(request)
    form = SuspendForm(
        request.POST,
        spaces=selectors.staffed_spaces(request.user),
        everywhere=is_city_staff(request.user),
    )
    if form.is_valid():
        person = User.objects.filter(email__iexact=form.cleaned_data["person"]).first()
        if person is None:
            form.add_error("person", _("There is no account with this e-mail address."))
        elif penalty := run_service(
            form,
            lambda: services.suspend(
                actor=request.user,
                person=person,
                space=form.cleaned_data["space"],
                kind=form.cleaned_data["kind"],
                days=form.cleaned_data["days"],
                reason=form.cleaned_data["reason"],
            ),
        ):
            messages.success(request, _("The person is suspended and told."))
            return redirect("facilities:penalty", pk=penalty.pk)
    return _register_page(request, suspend_form=form)


def _penalty_page(
    request: HttpRequest,
    pk: int,
    *,
    lift_form: LiftForm | None = None,
    decide_form: DecideAppealForm | None = None,
) -> HttpResponse:
    penalty = reads.get_penalty_for(request.user, pk)
    appeal = getattr(penalty, "appeal", None)
    invalid = bool((lift_form and lift_form.errors) or (decide_form and decide_form.errors))
    return render(
        request,
        "facilities/penalties/penalty.html",
        {
            "penalty": penalty,
            "appeal": appeal,
            "running": penalty.lifted_at is None and penalty.ends_at > timezone.now(),
            "lift_form": lift_form or LiftForm(),
            "decide_form": decide_form or DecideAppealForm(),
            "no_shows": list(reads.no_show_history(request.user, penalty.user)[:50]),
            "history": list(reads.register(request.user, person=penalty.user.email)[:50]),
        },
        status=422 if invalid else 200,
    )


@require_safe
@login_required
def penalty(request: HttpRequest, pk: int) -> HttpResponse:
    return _penalty_page(request, pk)


@require_POST
@login_required
def lift(request: HttpRequest, pk: int) -> HttpResponse:
    penalty = reads.get_penalty_for(request.user, pk)
    form = LiftForm(request.POST)
    if form.is_valid() and run_service(
        form,
        lambda: services.lift(
            actor=request.user, penalty=penalty, reason=form.cleaned_data["reason"]
        ),
    ):
        messages.success(request, _("The suspension is lifted and the person told."))
        return redirect("facilities:penalty", pk=pk)
    return _penalty_page(request, pk, lift_form=form)


@require_POST
@login_required
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    penalty = reads.get_penalty_for(request.user, pk)
    appeal = getattr(penalty, "appeal", None)
    if appeal is None:
        raise PermissionDenied
    form = DecideAppealForm(request.POST)
    if form.is_valid() and run_service(
        form,
        lambda: services.decide_appeal(
            actor=request.user,
            appeal=appeal,
            lift=form.cleaned_data["decision"] == "lift",
            answer=form.cleaned_data["answer"],
        ),
    ):
        messages.success(request, _("The appeal is decided and the person told."))
        return redirect("facilities:penalty", pk=pk)
    return _penalty_page(request, pk, decide_form=form)


# --- The person's own ----------------------------------------------------------------------------


def _mine_page(
    request: HttpRequest, *, failed: tuple[int, AppealForm] | None = None
) -> HttpResponse:
    now = timezone.now()
    page = paginate(request, reads.penalties_of(request.user))
    rows = []
    for item in page.object_list:
        appeal = getattr(item, "appeal", None)
        may_appeal = (
            appeal is None
            and item.lifted_at is None
            and now <= item.ends_at + services.APPEAL_AFTER_END
        )
        form = (
            failed[1]
            if failed and failed[0] == item.pk
            else (AppealForm(prefix=f"p{item.pk}") if may_appeal else None)
        )
        rows.append(
            {
                "penalty": item,
                "appeal": appeal,
                "running": item.lifted_at is None and item.starts_at <= now < item.ends_at,
                "form": form,
            }
        )
    return render(
        request,
        "facilities/penalties/mine.html",
        {"page": page, "rows": rows},
        status=422 if failed else 200,
    )


@require_safe
@login_required
def mine(request: HttpRequest) -> HttpResponse:
    return _mine_page(request)


@require_POST
@login_required
def appeal(request: HttpRequest, pk: int) -> HttpResponse:
    penalty = reads.get_own_penalty(request.user, pk)
    form = AppealForm(request.POST, prefix=f"p{pk}")
    if form.is_valid() and run_service(
        form,
        lambda: services.appeal(
            actor=request.user, penalty=penalty, text=form.cleaned_data["text"]
        ),
    ):
        messages.success(request, _("Your appeal is sent. The staff decide and tell you."))
        return redirect("facilities:suspensions")
    return _mine_page(request, failed=(pk, form))


urlpatterns: list[URLPattern] = [
    path("manage/<slug:slug>/check-in/", checkin, name="checkin"),
    path("manage/bookings/<str:reference>/no-show/", no_show, name="no_show"),
    path("manage/bookings/<str:reference>/no-show/undo/", undo_no_show, name="undo_no_show"),
    path("manage/bookings/<str:reference>/suspend/", suspend_booker, name="suspend_booker"),
    path("suspensions/", mine, name="suspensions"),
    path("suspensions/<int:pk>/appeal/", appeal, name="appeal"),
    path("suspensions/register/", register, name="penalty_register"),
    path("suspensions/register/suspend/", suspend, name="penalty_suspend"),
    path("suspensions/register/<int:pk>/", penalty, name="penalty"),
    path("suspensions/register/<int:pk>/lift/", lift, name="penalty_lift"),
    path("suspensions/register/<int:pk>/decide/", decide, name="penalty_decide"),
]
