"""A person's side: book a space, my bookings, one booking, cancel it, its calendar file."""

from __future__ import annotations

from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from sharehub.core.forms import run_service
from sharehub.core.pagination import paginate
from sharehub.core.ratelimit import ratelimit_writes
from sharehub.facilities import calendars, selectors, services
from sharehub.facilities.forms import BookingForm, OptionalReasonForm, ReasonForm
from sharehub.facilities.models import BookingStatus
from sharehub.facilities.permissions import is_booker, is_space_staff
from sharehub.facilities.views import parts

BOOK_RATE = "30/h"


def _initial(request: HttpRequest) -> dict:
    """The slot chosen on the week view (?start=…&end=… as ISO moments)."""
    try:
        start = timezone.localtime(datetime.fromisoformat(request.GET["start"]))
        end = timezone.localtime(datetime.fromisoformat(request.GET["end"]))
    except (KeyError, ValueError):
        return {"weeks": 1}
    return {"day": start.date(), "start": start.time(), "end": end.time(), "weeks": 1}


@require_http_methods(["GET", "POST"])
@login_required
@ratelimit_writes("facilities.book", BOOK_RATE)
def book(request: HttpRequest, slug: str) -> HttpResponse:
    space = selectors.get_space(slug=slug)
    form = BookingForm(
        request.POST or None, space=space, user=request.user, initial=_initial(request)
    )
    if request.method == "POST" and form.is_valid():
        weeks = form.cleaned_data.get("weeks") or 1
        if weeks > 1:
            series = run_service(
                form,
                lambda: services.book_series(
                    actor=request.user, space=space, ask=form.ask(), weeks=weeks
                ),
            )
            if series:
                messages.success(request, _("Your weekly bookings are made."))
                return redirect("facilities:mine")
        elif booking := run_service(
            form, lambda: services.book(actor=request.user, space=space, ask=form.ask())
        ):
            if booking.status == BookingStatus.CONFIRMED:
                messages.success(request, _("Your booking is confirmed."))
            else:
                messages.info(request, _("Your booking waits for the space's staff."))
            return redirect(booking)
    return render(
        request,
        "facilities/book.html",
        {"space": space, "form": form},
        status=422 if form.errors else 200,
    )


@require_safe
@login_required
def mine(request: HttpRequest) -> HttpResponse:
    page = paginate(request, selectors.bookings_of(user=request.user))
    context = {"page": page, "bookings": page.object_list}
    context |= parts.extra("mine_extra", request)
    return render(request, "facilities/mine.html", context)


@require_safe
@login_required
def booking_detail(request: HttpRequest, reference: str) -> HttpResponse:
    booking = selectors.get_booking_for(request.user, reference)
    context = {
        "booking": booking,
        "is_booker": is_booker(request.user, booking),
        "is_staff": is_space_staff(request.user, booking.space),
        "can_cancel": booking.is_active and booking.starts_at > timezone.now(),
        "cancel_form": OptionalReasonForm(),
        "staff_form": ReasonForm(),
    }
    context |= parts.extra("booking_extra", request, booking)
    return render(request, "facilities/booking.html", context)


@require_POST
@login_required
def cancel(request: HttpRequest, reference: str) -> HttpResponse:
    booking = selectors.get_booking_for(request.user, reference)
    form_class = OptionalReasonForm if is_booker(request.user, booking) else ReasonForm
    form = form_class(request.POST)
    if form.is_valid() and run_service(
        form,
        lambda: services.cancel(
            actor=request.user, booking=booking, reason=form.cleaned_data.get("reason", "")
        ),
    ):
        messages.success(request, _("The booking is cancelled."))
        return redirect(booking)
    for errors in form.errors.values():
        messages.error(request, " ".join(errors))
    return redirect(booking)


@require_safe
@login_required
def booking_ics(request: HttpRequest, reference: str) -> HttpResponse:
    booking = selectors.get_booking_for(request.user, reference)
    response = HttpResponse(calendars.booking_ics(booking), content_type="text/calendar")
    response["Content-Disposition"] = f'attachment; filename="booking-{booking.reference}.ics"'
    return response
