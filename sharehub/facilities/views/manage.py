"""The space staff's side: the approvals queue, a space's bookings week by week, decisions,
closures."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from sharehub.core.forms import run_action, run_service
from sharehub.core.pagination import paginate
from sharehub.facilities import selectors, services
from sharehub.facilities.forms import ClosureForm, ReasonForm
from sharehub.facilities.models import Booking, Space
from sharehub.facilities.permissions import is_space_staff
from sharehub.facilities.views import parts


@require_safe
@login_required
def queue(request: HttpRequest) -> HttpResponse:
    spaces = selectors.staffed_spaces(request.user)
    if not spaces.exists():
        raise PermissionDenied
    page = paginate(request, selectors.waiting_for(request.user))
    return render(
        request,
        "facilities/manage/queue.html",
        {
            "page": page,
            "bookings": page.object_list,
            "spaces": spaces.order_by("slug")[:200],
            "reason_form": ReasonForm(),
            "too_fast": selectors.too_fast_refusals(request.user),
            **parts.extra("queue_extra", request),
        },
    )


def _staffed(request: HttpRequest, slug: str) -> Space:
    space = get_object_or_404(Space, slug=slug)
    if not is_space_staff(request.user, space):
        raise PermissionDenied
    return space


def _calendar(
    request: HttpRequest, space: Space, *, closure_form: ClosureForm | None = None
) -> HttpResponse:
    try:
        first = date.fromisoformat(request.GET.get("week", ""))
    except ValueError:
        first = timezone.localdate()
    return render(
        request,
        "facilities/manage/calendar.html",
        {
            "space": space,
            "bookings": list(selectors.space_bookings(space, first=first)),
            "first": first,
            "previous": first - timedelta(days=7),
            "next": first + timedelta(days=7),
            "closure_form": closure_form or ClosureForm(),
            "closures": space.closures.filter(ends_on__gte=timezone.localdate()).order_by(
                "starts_on"
            )[:50],
            **parts.extra("calendar_extra", request, space),
        },
        status=422 if closure_form is not None and closure_form.errors else 200,
    )


@require_safe
@login_required
def space_calendar(request: HttpRequest, slug: str) -> HttpResponse:
    return _calendar(request, _staffed(request, slug))


@require_POST
@login_required
def close(request: HttpRequest, slug: str) -> HttpResponse:
    """Close the space for some days: the bookings of those days are cancelled and told."""
    space = _staffed(request, slug)
    form = ClosureForm(request.POST)
    result = form.is_valid() and run_service(
        form, lambda: services.close_space(actor=request.user, space=space, **form.cleaned_data)
    )
    if result:
        messages.success(
            request,
            _("The space is closed on those days; %(count)s bookings were cancelled.")
            % {"count": result[1]},
        )
        return redirect("facilities:calendar", slug=space.slug)
    return _calendar(request, space, closure_form=form)


def _booking(reference: str) -> Booking:
    return get_object_or_404(Booking.objects.select_related("space"), reference=reference)


def _back(request: HttpRequest, booking: Booking) -> HttpResponse:
    target = request.POST.get("next", "")
    if target.startswith("/") and not target.startswith("//"):
        return redirect(target)
    return redirect(booking)


@require_POST
@login_required
def approve(request: HttpRequest, reference: str) -> HttpResponse:
    booking = _booking(reference)
    run_action(request, services.approve, _("The booking is approved."), booking=booking)
    return _back(request, booking)


@require_POST
@login_required
def reject(request: HttpRequest, reference: str) -> HttpResponse:
    booking = _booking(reference)
    run_action(
        request,
        services.reject,
        _("The booking is rejected."),
        booking=booking,
        reason=request.POST.get("reason", ""),
    )
    return _back(request, booking)


@require_POST
@login_required
def mark_paid(request: HttpRequest, reference: str) -> HttpResponse:
    booking = _booking(reference)
    run_action(request, services.mark_paid, _("The payment is recorded."), booking=booking)
    return _back(request, booking)
