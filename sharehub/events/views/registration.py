"""A person's side: register, cancel, accept an offered place, my events, the QR code, the
certificate, the private calendar's address."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from sharehub.core.forms import run_action, run_service
from sharehub.core.qr import qr_png
from sharehub.core.ratelimit import ratelimit_writes
from sharehub.events import selectors, services
from sharehub.events.certificates import certificate_pdf
from sharehub.events.checkin import checkin_code
from sharehub.events.forms import RegistrationForm
from sharehub.events.models import Event, Registration, RegistrationStatus
from sharehub.events.permissions import can_manage_event

from .public import detail_context

REGISTER_RATE = "30/h"


@require_POST
@login_required
@ratelimit_writes("events.register", REGISTER_RATE)
def register(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.get_event_for(request.user, pk)
    form = RegistrationForm(request.POST, event=event)
    if form.is_valid() and (
        registration := run_service(
            form,
            lambda: services.register(actor=request.user, event=event, answers=form.answers()),
        )
    ):
        message = {
            RegistrationStatus.CONFIRMED: _(
                "You are registered. The confirmation and calendar entry are on their way by e-mail."
            ),
            RegistrationStatus.WAITLISTED: _("The event is full: you are on the waitlist."),
            RegistrationStatus.PENDING: _("Your registration awaits the organizer's approval."),
        }[registration.status]
        messages.success(request, message)
        return redirect("events:detail", pk=event.pk)
    return render(request, "events/detail.html", detail_context(request, event, form), status=422)


def _own_registration(request: HttpRequest, event: Event) -> Registration:
    registration = selectors.registration_of(request.user, event)
    if registration is None or not registration.is_active:
        raise Http404
    return registration


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def cancel_registration(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks "do you really want to cancel?" (a page, so it works without JavaScript); only
    the POST from that page, with its CSRF token, cancels. Afterwards: the person's events."""
    event = selectors.get_event_for(request.user, pk)
    registration = _own_registration(request, event)
    if request.method == "POST":
        run_action(
            request,
            services.cancel_registration,
            _("Your registration is cancelled."),
            registration=registration,
        )
        return redirect("events:mine")
    return render(
        request,
        "events/cancel_confirm.html",
        {
            "event": event,
            "registration": registration,
            "can_cancel": timezone.now() < event.cancellable_until,
        },
    )


@require_POST
@login_required
def accept_offer(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.get_event_for(request.user, pk)
    run_action(
        request,
        services.accept_offer,
        _("The place is yours. See you there."),
        registration=_own_registration(request, event),
    )
    return redirect("events:detail", pk=event.pk)


@require_safe
@login_required
def my_events(request: HttpRequest) -> HttpResponse:
    upcoming = list(selectors.my_registrations(request.user))
    past = list(selectors.my_registrations(request.user, past=True)[:50])
    now = timezone.now()
    for registration in upcoming:
        # When the event next takes place (a course that has begun: its next session).
        registration.event.next_starts_at = registration.next_starts_at
        registration.can_cancel = now < registration.event.cancellable_until
    for registration in upcoming + past:
        registration.code = checkin_code(registration)
        registration.position = selectors.waitlist_position(registration)
        registration.certificate = selectors.certificate_eligible(registration)
    feed = services.calendar_feed_of(request.user)
    return render(
        request,
        "events/mine.html",
        {
            "upcoming": upcoming,
            "past": past,
            "feed_url": request.build_absolute_uri(
                reverse("events:private_feed", args=[feed.secret])
            ),
        },
    )


@require_POST
@login_required
def reset_feed(request: HttpRequest) -> HttpResponse:
    services.reset_calendar_secret(actor=request.user)
    messages.success(
        request, _("Your private calendar has a new address. The old one no longer works.")
    )
    return redirect("events:mine")


@require_safe
@login_required
def registration_qr(request: HttpRequest, pk: int) -> HttpResponse:
    registration = get_object_or_404(Registration.objects.select_related("event"), pk=pk)
    if registration.user_id != request.user.pk and not can_manage_event(
        request.user, registration.event
    ):
        raise Http404
    response = HttpResponse(qr_png(checkin_code(registration)), content_type="image/png")
    response["Cache-Control"] = "private, max-age=3600"
    return response


@require_safe
@login_required
def certificate(request: HttpRequest, pk: int) -> HttpResponse:
    registration = get_object_or_404(
        Registration.objects.select_related("event", "event__organization", "user"),
        pk=pk,
        user=request.user,
    )
    if not selectors.certificate_eligible(registration):
        raise Http404
    response = HttpResponse(certificate_pdf(registration), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="certificate-{registration.event_id}.pdf"'
    )
    return response
