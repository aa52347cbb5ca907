"""Event pages: thin views that parse, call one service or selector, and render."""

from __future__ import annotations

import csv
import json
from datetime import date

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.dates import WEEKDAYS_ABBR
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from sharehub.core.forms import apply_errors
from sharehub.core.pagination import paginate, querystring_without_page
from sharehub.core.ratelimit import ratelimit_writes
from sharehub.core.uploads import private_file_response
from sharehub.organizations.models import Organization

from . import selectors, services
from .certificates import certificate_pdf
from .checkin import checkin_code
from .forms import (
    CancelEventForm,
    CheckInForm,
    EventFilterForm,
    EventForm,
    MaterialForm,
    MessageForm,
    OrganizerChoiceForm,
    QuestionForm,
    RegistrationForm,
    SessionForm,
)
from .models import EventMaterial, EventQuestion, EventSession, Registration, RegistrationStatus
from .notices import qr_png
from .permissions import can_manage_event, can_see_materials, materials_public

REGISTER_RATE = "30/h"
MESSAGE_RATE = "10/h"


def _organizations_with_events() -> list[Organization]:
    # Published organizations only: a pending or hidden one's name is not shown (nor are its events).
    return list(
        Organization.objects.filter(events__status="published", moderation_status="published")
        .distinct()
        .order_by("name_ko")
    )


def _filter_context(request: HttpRequest, filters) -> dict:
    return {
        "filters": filters,
        "filter_form": EventFilterForm(
            request.GET or None, errors=filters.errors, organizers=_organizations_with_events()
        ),
        "query": querystring_without_page(request),
    }


@require_safe
def event_list(request: HttpRequest) -> HttpResponse:
    filters = selectors.parse_filters(request.GET)
    browse = selectors.browse_events(filters)
    page = paginate(request, browse.queryset)
    events = list(page.object_list)
    for event in events:
        event.highlight = browse.highlights.get(event.pk, "")
    page.object_list = events
    context = {"page": page, **_filter_context(request, filters)}
    template = "events/list.html"
    if request.headers.get("HX-Request") and not request.headers.get("HX-History-Restore-Request"):
        template = "events/list.html#results"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _month_of(request: HttpRequest) -> tuple[int, int]:
    today = timezone.localdate()
    try:
        year, month = (int(part) for part in request.GET.get("month", "").split("-"))
        date(year, month, 1)
        if not 2000 <= year <= 2100:
            raise ValueError
    except (TypeError, ValueError):
        year, month = today.year, today.month
    return year, month


@require_safe
def event_calendar(request: HttpRequest) -> HttpResponse:
    filters = selectors.parse_filters(request.GET)
    year, month = _month_of(request)
    previous = (year - 1, 12) if month == 1 else (year, month - 1)
    following = (year + 1, 1) if month == 12 else (year, month + 1)
    params = request.GET.copy()
    params.pop("month", None)
    return render(
        request,
        "events/calendar.html",
        {
            **_filter_context(request, filters),
            "weeks": selectors.month_grid(year, month, filters),
            "month_start": date(year, month, 1),
            "previous": f"{previous[0]}-{previous[1]:02d}",
            "following": f"{following[0]}-{following[1]:02d}",
            "month_value": f"{year}-{month:02d}",
            "other_params": params.urlencode(),
            "weekdays": [WEEKDAYS_ABBR[(i + 6) % 7] for i in range(7)],  # Sunday first
        },
    )


@require_safe
def event_map(request: HttpRequest) -> HttpResponse:
    filters = selectors.parse_filters(request.GET)
    city = settings.SHAREHUB_CITY
    return render(
        request,
        "events/map.html",
        {
            **_filter_context(request, filters),
            "center": f"{float(city['map_center'][0])},{float(city['map_center'][1])}",
            "zoom": str(city["map_zoom"]),
            "tile_url": settings.SHAREHUB_TILE_URL,
            "tile_attribution": settings.SHAREHUB_TILE_ATTRIBUTION,
        },
    )


@require_safe
def events_geojson(request: HttpRequest) -> HttpResponse:
    filters = selectors.parse_filters(request.GET)
    if filters.errors:
        body = {"detail": _("Some fields are not valid."), "errors": filters.errors}
        return HttpResponse(
            json.dumps(body, ensure_ascii=False), status=422, content_type="application/json"
        )
    events = selectors.browse_events(filters).queryset.filter(
        latitude__isnull=False, longitude__isnull=False
    )[:1000]
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [event.longitude, event.latitude]},
            "properties": {
                "name": event.title,
                "summary": timezone.localtime(event.starts_at).strftime("%Y-%m-%d %H:%M"),
                "address": event.address,
                "url": event.get_absolute_url(),
            },
        }
        for event in events
    ]
    return HttpResponse(
        json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False),
        content_type="application/geo+json",
    )


def _detail_context(request: HttpRequest, event, form=None) -> dict:
    registration = selectors.registration_of(request.user, event)
    now = timezone.now()
    return {
        "event": event,
        "registration": registration,
        "position": selectors.waitlist_position(registration) if registration else None,
        "form": form or RegistrationForm(event=event),
        "can_manage": can_manage_event(request.user, event),
        "show_online": bool(registration and registration.status == RegistrationStatus.CONFIRMED),
        "can_cancel": bool(
            registration and registration.is_active and now < event.cancellable_until
        ),
        "materials": list(event.materials.all()) if materials_public(event, now) else [],
        "sessions": list(event.sessions.all()),
        "ended": event.ends_at <= now,
        "open": event.registration_open(now),
        "not_open_yet": bool(event.registration_opens_at and now < event.registration_opens_at),
        "map_points": json.dumps(
            [{"lat": event.latitude, "lon": event.longitude, "name": event.venue or event.address}],
            ensure_ascii=False,
        )
        if event.latitude is not None and event.longitude is not None
        else "",
        "tile_url": settings.SHAREHUB_TILE_URL,
        "tile_attribution": settings.SHAREHUB_TILE_ATTRIBUTION,
    }


@require_safe
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.get_event_for(request.user, pk)
    return render(request, "events/detail.html", _detail_context(request, event))


@require_POST
@login_required
@ratelimit_writes("events.register", REGISTER_RATE)
def register(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.get_event_for(request.user, pk)
    form = RegistrationForm(request.POST, event=event)
    if form.is_valid():
        try:
            registration = services.register(
                actor=request.user, event=event, answers=form.answers()
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            message = {
                RegistrationStatus.CONFIRMED: _(
                    "You are registered. The confirmation and calendar entry are on their way by e-mail."
                ),
                RegistrationStatus.WAITLISTED: _("The event is full: you are on the waitlist."),
                RegistrationStatus.PENDING: _("Your registration awaits the organizer's approval."),
            }[registration.status]
            messages.success(request, message)
            return redirect("events:detail", pk=event.pk)
    return render(request, "events/detail.html", _detail_context(request, event, form), status=422)


def _own_registration(request: HttpRequest, event) -> Registration:
    registration = selectors.registration_of(request.user, event)
    if registration is None or not registration.is_active:
        raise Http404
    return registration


@require_POST
@login_required
def cancel_registration(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.get_event_for(request.user, pk)
    try:
        services.cancel_registration(
            actor=request.user, registration=_own_registration(request, event)
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Your registration is cancelled."))
    return redirect("events:detail", pk=event.pk)


@require_POST
@login_required
def accept_offer(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.get_event_for(request.user, pk)
    try:
        services.accept_offer(actor=request.user, registration=_own_registration(request, event))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The place is yours. See you there."))
    return redirect("events:detail", pk=event.pk)


@require_safe
@login_required
def my_events(request: HttpRequest) -> HttpResponse:
    upcoming = list(selectors.my_registrations(request.user))
    past = list(selectors.my_registrations(request.user, past=True)[:50])
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


# Organizers -------------------------------------------------------------------------------------


@require_safe
@login_required
def manage_list(request: HttpRequest) -> HttpResponse:
    organizers = selectors.organizers_for(request.user)
    if not organizers:
        raise PermissionDenied
    page = paginate(request, selectors.managed_events(request.user))
    return render(
        request,
        "events/manage_list.html",
        {"page": page, "query": querystring_without_page(request)},
    )


@login_required
def event_create(request: HttpRequest) -> HttpResponse:
    organizers = selectors.organizers_for(request.user)
    if not organizers:
        raise PermissionDenied
    chooser = OrganizerChoiceForm(request.POST or None, organizers=organizers)
    form = EventForm(request.POST or None)
    if request.method == "POST" and chooser.is_valid() and form.is_valid():
        choice = chooser.cleaned_data["organizer"]
        organization = None if choice == "city" else Organization.objects.get(pk=int(choice))
        try:
            event = services.create_event(
                actor=request.user,
                organization=organization,
                fields={name: form.cleaned_data[name] for name in form.Meta.fields},
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The event is created."))
            return redirect("events:manage", pk=event.pk)
    status = 422 if request.method == "POST" else 200
    return render(request, "events/form.html", {"form": form, "chooser": chooser}, status=status)


@login_required
def event_edit(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.get_managed_event_for(request.user, pk)
    form = EventForm(request.POST or None, instance=event)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_event(
                actor=request.user,
                event=event,
                fields={name: form.cleaned_data[name] for name in form.Meta.fields},
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The event is saved."))
            return redirect("events:manage", pk=event.pk)
    event.refresh_from_db()
    status = 422 if request.method == "POST" else 200
    return render(request, "events/form.html", {"form": form, "event": event}, status=status)


def _manage_context(request: HttpRequest, event, **forms) -> dict:
    q = request.GET.get("q", "").strip()[:100]
    status = request.GET.get("status", "")
    if status not in RegistrationStatus.values:
        status = ""
    page = paginate(request, selectors.attendees(event, q=q, status=status), per_page=50)
    return {
        "event": event,
        "page": page,
        "query": querystring_without_page(request),
        "q": q,
        "status": status,
        "statuses": RegistrationStatus.choices,
        "counts": selectors.counts(event),
        "questions": list(event.questions.all()),
        "sessions": list(event.sessions.all()),
        "materials": list(event.materials.all()),
        "message_form": forms.get("message_form") or MessageForm(),
        "cancel_form": forms.get("cancel_form") or CancelEventForm(),
        "question_form": forms.get("question_form") or QuestionForm(prefix="question"),
        "session_form": forms.get("session_form") or SessionForm(prefix="session"),
        "material_form": forms.get("material_form") or MaterialForm(prefix="material"),
    }


@require_safe
@login_required
def event_manage(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.get_managed_event_for(request.user, pk)
    return render(request, "events/manage.html", _manage_context(request, event))


@require_safe
@login_required
def attendees_csv(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.get_managed_event_for(request.user, pk)
    questions = list(event.questions.all())
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="event-{event.pk}-attendees.csv"'
    response.write("\ufeff")  # Excel opens UTF-8 Korean correctly with a BOM
    writer = csv.writer(response)
    writer.writerow(
        [_("Name"), _("E-mail"), _("Status"), _("Registered at"), _("Checked in at")]
        + [q.label for q in questions]
    )
    for registration in selectors.attendees(event).iterator(chunk_size=500):
        writer.writerow(
            [
                _safe_cell(registration.user.display_name),
                registration.user.email,
                registration.get_status_display(),
                timezone.localtime(registration.created_at).strftime("%Y-%m-%d %H:%M"),
                timezone.localtime(registration.checked_in_at).strftime("%Y-%m-%d %H:%M")
                if registration.checked_in_at
                else "",
            ]
            + [_safe_cell(registration.answers.get(str(q.pk), "")) for q in questions]
        )
    return response


def _safe_cell(value: str) -> str:
    """Spreadsheets run cells starting with = + - @ as formulas (CSV injection)."""
    value = str(value or "")
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


@require_POST
@login_required
@ratelimit_writes("events.message", MESSAGE_RATE)
def message_attendees(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.get_managed_event_for(request.user, pk)
    form = MessageForm(request.POST)
    if form.is_valid():
        try:
            sent = services.message_attendees(actor=request.user, event=event, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request, _("Your message is sent to %(count)d people.") % {"count": sent}
            )
            return redirect("events:manage", pk=event.pk)
    return render(
        request,
        "events/manage.html",
        _manage_context(request, event, message_form=form),
        status=422,
    )


@require_POST
@login_required
def cancel_event(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.get_managed_event_for(request.user, pk)
    form = CancelEventForm(request.POST)
    if form.is_valid():
        try:
            services.cancel_event(
                actor=request.user, event=event, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The event is cancelled and everyone registered is told."))
        return redirect("events:manage", pk=event.pk)
    return render(
        request, "events/manage.html", _manage_context(request, event, cancel_form=form), status=422
    )


def _registration_of_event(event, registration_id: int) -> Registration:
    return get_object_or_404(Registration, pk=registration_id, event=event)


@require_POST
@login_required
def decide(request: HttpRequest, pk: int, registration_id: int) -> HttpResponse:
    event = selectors.get_managed_event_for(request.user, pk)
    registration = _registration_of_event(event, registration_id)
    try:
        services.decide_registration(
            actor=request.user,
            registration=registration,
            approve=request.POST.get("approve") == "1",
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("events:manage", pk=event.pk)


@require_POST
@login_required
def remove_registration(request: HttpRequest, pk: int, registration_id: int) -> HttpResponse:
    event = selectors.get_managed_event_for(request.user, pk)
    registration = _registration_of_event(event, registration_id)
    try:
        services.cancel_registration(actor=request.user, registration=registration)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The registration is cancelled."))
    return redirect("events:manage", pk=event.pk)


def _add_part(
    request: HttpRequest, pk: int, form_class, prefix: str, service, *, files: bool = False
) -> HttpResponse:
    event = selectors.get_managed_event_for(request.user, pk)
    form = form_class(request.POST, request.FILES if files else None, prefix=prefix)
    if form.is_valid():
        try:
            service(actor=request.user, event=event, fields=form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Added."))
            return redirect("events:manage", pk=event.pk)
    return render(
        request,
        "events/manage.html",
        _manage_context(request, event, **{f"{prefix}_form": form}),
        status=422,
    )


@require_POST
@login_required
def question_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _add_part(request, pk, QuestionForm, "question", services.add_question)


@require_POST
@login_required
def session_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _add_part(request, pk, SessionForm, "session", services.add_session)


@require_POST
@login_required
def material_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _add_part(request, pk, MaterialForm, "material", services.add_material, files=True)


@require_safe
def material_download(request: HttpRequest, pk: int, item_id: int) -> HttpResponse:
    """A material's file, under the event page's rule (permissions.can_see_materials): 404 to
    anyone the page does not show it to; the organizer always. Never served from /media/."""
    event = selectors.get_event_for(request.user, pk)
    material = get_object_or_404(EventMaterial.objects.exclude(file=""), pk=item_id, event=event)
    if not can_see_materials(request.user, event):
        raise Http404
    return private_file_response(
        material.file,
        filename=material.original_name or material.title,
        content_type=material.content_type or "application/octet-stream",
        private=not can_see_materials(None, event),
    )


def _delete_part(
    request: HttpRequest, pk: int, model, service, keyword: str, item_id: int
) -> HttpResponse:
    event = selectors.get_managed_event_for(request.user, pk)
    item = get_object_or_404(model, pk=item_id, event=event)
    service(actor=request.user, **{keyword: item})
    messages.success(request, _("Removed."))
    return redirect("events:manage", pk=event.pk)


@require_POST
@login_required
def question_delete(request: HttpRequest, pk: int, item_id: int) -> HttpResponse:
    return _delete_part(request, pk, EventQuestion, services.delete_question, "question", item_id)


@require_POST
@login_required
def session_delete(request: HttpRequest, pk: int, item_id: int) -> HttpResponse:
    return _delete_part(request, pk, EventSession, services.delete_session, "session", item_id)


@require_POST
@login_required
def material_delete(request: HttpRequest, pk: int, item_id: int) -> HttpResponse:
    return _delete_part(request, pk, EventMaterial, services.delete_material, "material", item_id)


# Check-in --------------------------------------------------------------------------------------


def _session_of(request: HttpRequest, event) -> EventSession | None:
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
                matches = list(
                    selectors.attendees(event, q=code, status=RegistrationStatus.CONFIRMED)[:20]
                )
            else:
                error = _("Scan a code or type a name.")
        except ValidationError as problem:
            error = " ".join(problem.messages)
            status = 422
        except ValueError:
            error = _("Scan a code or type a name.")
            status = 422
    elif request.GET.get("code"):
        matches = list(
            selectors.attendees(
                event, q=request.GET["code"].strip()[:100], status=RegistrationStatus.CONFIRMED
            )[:20]
        )
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
