"""Check-in at the door: scan a QR code or find a person by name; the live counts."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from sharehub.events import selectors, services
from sharehub.events.forms import CheckInForm
from sharehub.events.models import Event, EventSession, Registration, RegistrationStatus

MAX_MATCHES = 20


def _session_of(request: HttpRequest, event: Event) -> EventSession | None:
    value = request.POST.get("session") or request.GET.get("session")
    sessions = list(event.sessions.all())
    if not sessions:
        return None
    if value:
        try:
            return next(s for s in sessions if s.pk == int(value))
        except (ValueError, StopIteration):
            raise Http404 from None
    today = timezone.localdate()
    return next(
        (s for s in sessions if timezone.localtime(s.starts_at).date() == today), sessions[0]
    )


def _matches(event: Event, words: str) -> list[Registration]:
    """Confirmed people whose name or e-mail holds the words."""
    return list(
        selectors.attendees(event, q=words[:100], status=RegistrationStatus.CONFIRMED)[:MAX_MATCHES]
    )


@login_required
def checkin_page(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the page (and a name search with ?code=). POST: check in by code or by registration id."""
    event = selectors.get_managed_event_for(request.user, pk)
    session = _session_of(request, event)
    form = CheckInForm(request.POST or request.GET or None)
    result = error = None
    matches: list[Registration] = []
    status = 200
    if request.method == "POST":
        code = request.POST.get("code", "").strip()
        registration_id = request.POST.get("registration")
        try:
            if registration_id:
                result = services.check_in(
                    actor=request.user,
                    event=event,
                    registration_id=int(registration_id),
                    session=session,
                )
            elif ":" in code:
                result = services.check_in(
                    actor=request.user, event=event, code=code, session=session
                )
            elif code:
                matches = _matches(event, code)
            else:
                error = _("Scan a code or type a name.")
        except ValidationError as problem:
            error = " ".join(problem.messages)
            status = 422
        except ValueError:
            error = _("Scan a code or type a name.")
            status = 422
    elif request.GET.get("code"):
        matches = _matches(event, request.GET["code"].strip())
    context = {
        "event": event,
        "session": session,
        "sessions": list(event.sessions.all()),
        "form": CheckInForm() if result else form,
        "result": result,
        "error": error,
        "matches": matches,
        "searched": bool(request.POST.get("code") or request.GET.get("code"))
        and not result
        and not error,
        "counts": selectors.counts(event),
    }
    if request.headers.get("HX-Request"):
        # htmx swaps only 2xx answers: the error is in the fragment itself.
        response = render(request, "events/checkin.html#outcome", context)
        if result is not None:
            response["HX-Trigger"] = "checked-in"  # the counts refresh at once
        return response
    return render(request, "events/checkin.html", context, status=status)


@require_safe
@login_required
def checkin_counts(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.get_managed_event_for(request.user, pk)
    return render(
        request, "events/partials/counts.html", {"event": event, "counts": selectors.counts(event)}
    )
