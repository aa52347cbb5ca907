"""The organizer's pages: their events, create and edit, attendees (list, CSV export, decisions),
questions, sessions and materials, messages to attendees, cancelling the event."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from sharehub.core.csvexport import csv_chunks
from sharehub.core.forms import run_action, run_service
from sharehub.core.pagination import paginate, querystring_without_page
from sharehub.core.ratelimit import ratelimit_writes
from sharehub.events import selectors, services
from sharehub.events.forms import (
    CancelEventForm,
    EventForm,
    MaterialForm,
    MessageForm,
    OrganizerChoiceForm,
    QuestionForm,
    SessionForm,
)
from sharehub.events.models import (
    Event,
    EventMaterial,
    EventQuestion,
    EventSession,
    Registration,
    RegistrationStatus,
)
from sharehub.organizations.models import Organization

MESSAGE_RATE = "10/h"


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


def _changes(form: EventForm) -> dict[str, Any]:
    return {name: form.cleaned_data[name] for name in services.EVENT_FIELDS}


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
        event = run_service(
            form,
            lambda: services.create_event(
                actor=request.user, organization=organization, **_changes(form)
            ),
        )
        if event:
            messages.success(request, _("The event is created."))
            return redirect("events:manage", pk=event.pk)
    status = 422 if request.method == "POST" else 200
    return render(request, "events/form.html", {"form": form, "chooser": chooser}, status=status)


@login_required
def event_edit(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.get_managed_event_for(request.user, pk)
    form = EventForm(request.POST or None, instance=event)
    if (
        request.method == "POST"
        and form.is_valid()
        and run_service(
            form,
            lambda: services.update_event(actor=request.user, event=event, **_changes(form)),
        )
    ):
        messages.success(request, _("The event is saved."))
        return redirect("events:manage", pk=event.pk)
    event.refresh_from_db()
    status = 422 if request.method == "POST" else 200
    return render(request, "events/form.html", {"form": form, "event": event}, status=status)


def _manage_context(request: HttpRequest, event: Event, **bound: forms.BaseForm) -> dict:
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
        "message_form": bound.get("message_form") or MessageForm(),
        "cancel_form": bound.get("cancel_form") or CancelEventForm(),
        "question_form": bound.get("question_form") or QuestionForm(prefix="question"),
        "session_form": bound.get("session_form") or SessionForm(prefix="session"),
        "material_form": bound.get("material_form") or MaterialForm(prefix="material"),
    }


@require_safe
@login_required
def event_manage(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.get_managed_event_for(request.user, pk)
    return render(request, "events/manage.html", _manage_context(request, event))


@require_safe
@login_required
def attendees_csv(request: HttpRequest, pk: int) -> HttpResponse:
    """Every cell, the questions' labels included, through core.csvexport's formula guard."""
    event = selectors.get_managed_event_for(request.user, pk)
    questions = list(event.questions.all())
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="event-{event.pk}-attendees.csv"'
    header = [_("Name"), _("E-mail"), _("Status"), _("Registered at"), _("Checked in at")]
    rows = (
        [
            registration.user.display_name,
            registration.user.email,
            registration.get_status_display(),
            timezone.localtime(registration.created_at).strftime("%Y-%m-%d %H:%M"),
            timezone.localtime(registration.checked_in_at).strftime("%Y-%m-%d %H:%M")
            if registration.checked_in_at
            else "",
        ]
        + [str(registration.answers.get(str(q.pk), "") or "") for q in questions]
        for registration in selectors.attendees(event).iterator(chunk_size=500)
    )
    # UTF-8 with a BOM (Excel opens Korean correctly with it).
    for chunk in csv_chunks(itertools.chain([header + [q.label for q in questions]], rows)):
        response.write(chunk)
    return response


@require_POST
@login_required
@ratelimit_writes("events.message", MESSAGE_RATE)
def message_attendees(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.get_managed_event_for(request.user, pk)
    form = MessageForm(request.POST)
    if form.is_valid():
        sent = run_service(
            form,
            lambda: services.message_attendees(
                actor=request.user, event=event, **form.cleaned_data
            ),
        )
        if sent is not None:
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
        run_action(
            request,
            services.cancel_event,
            _("The event is cancelled and everyone registered is told."),
            event=event,
            reason=form.cleaned_data["reason"],
        )
        return redirect("events:manage", pk=event.pk)
    return render(
        request, "events/manage.html", _manage_context(request, event, cancel_form=form), status=422
    )


def _registration_of_event(event: Event, registration_id: int) -> Registration:
    return get_object_or_404(Registration, pk=registration_id, event=event)


@require_POST
@login_required
def decide(request: HttpRequest, pk: int, registration_id: int) -> HttpResponse:
    event = selectors.get_managed_event_for(request.user, pk)
    registration = _registration_of_event(event, registration_id)
    run_action(
        request,
        services.decide_registration,
        registration=registration,
        approve=request.POST.get("approve") == "1",
    )
    return redirect("events:manage", pk=event.pk)


@require_POST
@login_required
def remove_registration(request: HttpRequest, pk: int, registration_id: int) -> HttpResponse:
    event = selectors.get_managed_event_for(request.user, pk)
    registration = _registration_of_event(event, registration_id)
    run_action(
        request,
        services.cancel_registration,
        _("The registration is cancelled."),
        registration=registration,
    )
    return redirect("events:manage", pk=event.pk)


def _add_part(
    request: HttpRequest,
    pk: int,
    form_class: type[forms.BaseForm],
    prefix: str,
    service: Callable[..., Any],
    *,
    files: bool = False,
) -> HttpResponse:
    event = selectors.get_managed_event_for(request.user, pk)
    form = form_class(request.POST, request.FILES if files else None, prefix=prefix)
    if form.is_valid() and run_service(
        form, lambda: service(actor=request.user, event=event, **form.cleaned_data)
    ):
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


def _delete_part(
    request: HttpRequest,
    pk: int,
    model: type[models.Model],
    service: Callable[..., None],
    keyword: str,
    item_id: int,
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
