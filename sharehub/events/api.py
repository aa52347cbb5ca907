"""/api/v1/events: events (the page's filters and search), one event, your registration (register,
cancel, accept an offer, waitlist position), and for organizers the attendees and check-in.

Reads are public (auth=None). Errors follow sharehub/api.py: 401, 403, 404, 422 with field errors.
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from sharehub.accounts.auth import optional_user
from sharehub.core.api_errors import ERRORS, ErrorOut
from sharehub.core.api_types import Id, page_query
from sharehub.core.pagination import api_page
from sharehub.core.ratelimit import check

from . import selectors, services
from .checkin import checkin_code
from .models import Event, EventKind, EventStatus, Registration, RegistrationStatus, WaitlistMode

router = Router(tags=["events"])

PER_PAGE = 20
REGISTER_RATE = "30/h"
FILTERS_DESCRIPTION = (
    "Filters: `q` (search), `kind` (meeting, training, forum, festival, online), `district` (slug), "
    "`organizer` (an organization's slug, or `city`), `start` and `end` (dates, YYYY-MM-DD: events overlapping "
    "them), `free` (true: places left), `past` (true: ended events, latest first). Without dates, upcoming events."
)


class EventItemOut(Schema):
    id: int
    title: str
    title_ko: str
    title_en: str | None
    summary: str
    kind: EventKind
    status: EventStatus
    organizer: str | None
    organizer_name: str
    district: str | None
    venue: str
    address: str
    latitude: float | None
    longitude: float | None
    online: bool
    starts_at: datetime
    ends_at: datetime
    capacity: int
    free_places: int
    registration_open: bool
    url: str
    ics_url: str


class EventPage(Schema):
    count: int
    next: str | None
    previous: str | None
    results: list[EventItemOut]


class QuestionOut(Schema):
    id: int
    label: str
    kind: str
    required: bool
    choices: list[str]


class SessionOut(Schema):
    id: int
    title: str
    starts_at: datetime
    ends_at: datetime


class EventDetailOut(EventItemOut):
    description: str
    registration_opens_at: datetime | None
    registration_closes_at: datetime
    cancellation_deadline: datetime
    requires_approval: bool
    waitlist_mode: WaitlistMode
    questions: list[QuestionOut]
    sessions: list[SessionOut]


class RegistrationIn(Schema):
    answers: dict[str, str] = {}


class RegistrationOut(Schema):
    id: int
    event: int
    status: RegistrationStatus
    waitlist_position: int | None
    offer_expires_at: datetime | None
    checked_in_at: datetime | None
    answers: dict[str, str]
    checkin_code: str | None
    online_url: str | None


class AttendeeOut(Schema):
    id: int
    name: str
    email: str
    status: RegistrationStatus
    registered_at: datetime
    checked_in_at: datetime | None
    answers: dict[str, str]


class AttendeePage(Schema):
    count: int
    next: str | None
    previous: str | None
    results: list[AttendeeOut]


class CheckInIn(Schema):
    code: str | None = None
    registration: Id | None = None
    session: Id | None = None


class CheckInOut(Schema):
    outcome: str
    already_checked_in: bool
    registration: int
    name: str
    checked_in_at: datetime | None


def _item(event: Event, request: HttpRequest) -> dict:
    return {
        "id": event.pk,
        "title": event.title,
        "title_ko": event.title_ko,
        "title_en": event.title_en,
        "summary": event.summary or "",
        "kind": event.kind,
        "status": event.status,
        "organizer": event.organization.slug if event.organization_id else None,
        "organizer_name": event.organization.name if event.organization_id else "",
        "district": event.district.slug if event.district_id else None,
        "venue": event.venue or "",
        "address": event.address,
        "latitude": event.latitude,
        "longitude": event.longitude,
        "online": event.is_online,
        "starts_at": event.starts_at,
        "ends_at": event.ends_at,
        "capacity": event.capacity,
        "free_places": event.free_places,
        "registration_open": event.registration_open(),
        "url": request.build_absolute_uri(event.get_absolute_url()),
        "ics_url": request.build_absolute_uri(f"{event.get_absolute_url()}event.ics"),
    }


def _detail(event: Event, request: HttpRequest) -> dict:
    return {
        **_item(event, request),
        "description": event.description or "",
        "registration_opens_at": event.registration_opens_at,
        "registration_closes_at": event.closes_at,
        "cancellation_deadline": event.cancellable_until,
        "requires_approval": event.requires_approval,
        "waitlist_mode": event.waitlist_mode,
        "questions": [
            {
                "id": q.pk,
                "label": q.label,
                "kind": q.kind,
                "required": q.required,
                "choices": q.choice_list,
            }
            for q in event.questions.all()
        ],
        "sessions": [
            {"id": s.pk, "title": s.title or "", "starts_at": s.starts_at, "ends_at": s.ends_at}
            for s in event.sessions.all()
        ],
    }


def _registration_out(registration: Registration) -> dict:
    confirmed = registration.status == RegistrationStatus.CONFIRMED
    return {
        "id": registration.pk,
        "event": registration.event_id,
        "status": registration.status,
        "waitlist_position": selectors.waitlist_position(registration),
        "offer_expires_at": registration.offer_expires_at,
        "checked_in_at": registration.checked_in_at,
        "answers": registration.answers,
        "checkin_code": checkin_code(registration) if confirmed else None,
        "online_url": registration.event.online_url or None if confirmed else None,
    }


def _filters(request: HttpRequest) -> selectors.EventFilters:
    filters = selectors.parse_filters(request.GET)
    if filters.errors:
        raise ValidationError(filters.errors)
    return filters


@router.get(
    "",
    response={200: EventPage, 422: ErrorOut},
    auth=None,
    summary="List public events",
    description=FILTERS_DESCRIPTION + " 20 per page.",
)
def list_events(request: HttpRequest, page: int = page_query()):
    browse = selectors.browse_events(_filters(request))
    return api_page(
        request, browse.queryset, page, per_page=PER_PAGE, item=lambda event: _item(event, request)
    )


@router.get(
    "/{event_id}", response={200: EventDetailOut, 404: ErrorOut}, auth=None, summary="One event"
)
def get_event(request: HttpRequest, event_id: Id):
    return _detail(selectors.get_event_for(optional_user(request), event_id), request)


def _mine(request: HttpRequest, event_id: int) -> Registration:
    event = selectors.get_event_for(request.auth, event_id)
    registration = selectors.registration_of(request.auth, event)
    if registration is None:
        raise Http404
    return registration


@router.get(
    "/{event_id}/registration",
    response={200: RegistrationOut, **ERRORS},
    summary="Your registration for the event",
    description="Its status, your place on the waitlist, and your check-in code once confirmed.",
)
def get_registration(request: HttpRequest, event_id: Id):
    return _registration_out(_mine(request, event_id))


@router.post(
    "/{event_id}/registration",
    response={201: RegistrationOut, **ERRORS, 429: ErrorOut},
    summary="Register for the event",
    description="Confirmed while places remain, else on the waitlist; `pending` when the organizer approves "
    "registrations. `answers` maps question ids to answers. Registering twice, after closing or for a cancelled "
    "event is a 422.",
)
def create_registration(request: HttpRequest, event_id: Id, payload: RegistrationIn):
    check(request, "events.register", REGISTER_RATE)
    event = selectors.get_event_for(request.auth, event_id)
    registration = services.register(actor=request.auth, event=event, answers=payload.answers)
    return Status(201, _registration_out(registration))


@router.delete(
    "/{event_id}/registration",
    response={200: RegistrationOut, **ERRORS},
    summary="Cancel your registration",
    description="Until the cancellation deadline. A place you held goes to the first on the waitlist.",
)
def delete_registration(request: HttpRequest, event_id: Id):
    registration = _mine(request, event_id)
    if not registration.is_active:
        raise Http404
    return _registration_out(
        services.cancel_registration(actor=request.auth, registration=registration)
    )


@router.post(
    "/{event_id}/registration/accept",
    response={200: RegistrationOut, **ERRORS},
    summary="Accept an offered place",
)
def accept_offer(request: HttpRequest, event_id: Id):
    return _registration_out(
        services.accept_offer(actor=request.auth, registration=_mine(request, event_id))
    )


@router.get(
    "/{event_id}/attendees",
    response={200: AttendeePage, **ERRORS},
    summary="The attendees (organizer only)",
    description="Filter with `status` and `q` (name or e-mail). 50 per page.",
)
def list_attendees(
    request: HttpRequest, event_id: Id, page: int = page_query(), status: str = "", q: str = ""
):
    event = selectors.get_managed_event_for(request.auth, event_id)
    if status and status not in RegistrationStatus.values:
        raise ValidationError({"status": [_("Select a valid choice.")]})
    queryset = selectors.attendees(event, q=q[:100], status=status)
    return api_page(
        request,
        queryset,
        page,
        per_page=50,
        item=lambda r: {
            "id": r.pk,
            "name": r.user.display_name,
            "email": r.user.email,
            "status": r.status,
            "registered_at": r.created_at,
            "checked_in_at": r.checked_in_at,
            "answers": r.answers,
        },
    )


@router.post(
    "/{event_id}/check-in",
    response={200: CheckInOut, **ERRORS},
    summary="Check a person in (organizer only)",
    description="By the signed `code` of their QR code, or by `registration` id. `session`: for a training's "
    "session. A second check-in answers `already_checked_in: true`; a forged code is a 422.",
)
def check_in(request: HttpRequest, event_id: Id, payload: CheckInIn):
    event = selectors.get_managed_event_for(request.auth, event_id)
    session = None
    if payload.session is not None:
        session = event.sessions.filter(pk=payload.session).first()
        if session is None:
            raise ValidationError({"session": [_("This session belongs to another event.")]})
    result = services.check_in(
        actor=request.auth,
        event=event,
        code=payload.code or "",
        registration_id=payload.registration,
        session=session,
    )
    return {
        "outcome": result.outcome,
        "already_checked_in": result.already,
        "registration": result.registration.pk,
        "name": result.registration.user.display_name,
        "checked_in_at": result.registration.checked_in_at,
    }
