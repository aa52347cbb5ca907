"""/api/v1/events: events (the page's filters and search), one event, your registration (register,
cancel, accept an offer, waitlist position), and for organizers the attendees and check-in.

Reads are public (auth=None). Errors follow sharehub/api.py: 401, 403, 404, 422 with field errors.
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status

from sharehub.accounts.auth import optional_user
from sharehub.core.api_errors import ERRORS, ErrorOut
from sharehub.core.api_types import Id, page_query
from sharehub.core.filters import api_filters, query_schema
from sharehub.core.pagination import ApiPage, api_page
from sharehub.core.ratelimit import check

from . import selectors, services
from .checkin import checkin_code
from .forms import EventFilterForm
from .models import (
    Event,
    EventKind,
    EventQuestion,
    EventSession,
    EventStatus,
    Registration,
    RegistrationStatus,
    WaitlistMode,
)
from .services import CheckInOutcome, CheckInResult

router = Router(tags=["events"])

PER_PAGE = 20
REGISTER_RATE = "30/h"
FILTERS_DESCRIPTION = (
    "Filters: `q` (search), `kind` (meeting, training, forum, festival, online), `district` (slug), "
    "`organizer` (an organization's slug, or `city`), `start` and `end` (dates, YYYY-MM-DD: events overlapping "
    "them), `free` (true: places left), `past` (true: ended events, latest first). Without dates, upcoming events."
)


def _absolute(context: dict, path: str) -> str:
    return context["request"].build_absolute_uri(path)


class EventItemOut(Schema):
    """An event as the list shows it; read from the Event row."""

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

    @staticmethod
    def resolve_summary(event: Event) -> str:
        return event.summary or ""

    @staticmethod
    def resolve_organizer(event: Event) -> str | None:
        return event.organization.slug if event.organization else None

    @staticmethod
    def resolve_organizer_name(event: Event) -> str:
        return event.organization.name if event.organization else ""

    @staticmethod
    def resolve_district(event: Event) -> str | None:
        return event.district.slug if event.district else None

    @staticmethod
    def resolve_venue(event: Event) -> str:
        return event.venue or ""

    @staticmethod
    def resolve_online(event: Event) -> bool:
        return event.is_online

    @staticmethod
    def resolve_registration_open(event: Event) -> bool:
        return event.registration_open()

    @staticmethod
    def resolve_url(event: Event, context: dict) -> str:
        return _absolute(context, event.get_absolute_url())

    @staticmethod
    def resolve_ics_url(event: Event, context: dict) -> str:
        return _absolute(context, f"{event.get_absolute_url()}event.ics")


class QuestionOut(Schema):
    id: int
    label: str
    kind: str
    required: bool
    choices: list[str]

    @staticmethod
    def resolve_choices(question: EventQuestion) -> list[str]:
        return question.choice_list


class SessionOut(Schema):
    id: int
    title: str
    starts_at: datetime
    ends_at: datetime

    @staticmethod
    def resolve_title(session: EventSession) -> str:
        return session.title or ""


class EventDetailOut(EventItemOut):
    description: str
    registration_opens_at: datetime | None
    registration_closes_at: datetime
    cancellation_deadline: datetime
    requires_approval: bool
    waitlist_mode: WaitlistMode
    questions: list[QuestionOut]
    sessions: list[SessionOut]

    @staticmethod
    def resolve_description(event: Event) -> str:
        return event.description or ""

    @staticmethod
    def resolve_registration_closes_at(event: Event) -> datetime:
        return event.closes_at

    @staticmethod
    def resolve_cancellation_deadline(event: Event) -> datetime:
        return event.cancellable_until

    @staticmethod
    def resolve_questions(event: Event) -> list[EventQuestion]:
        return list(event.questions.all())

    @staticmethod
    def resolve_sessions(event: Event) -> list[EventSession]:
        return list(event.sessions.all())


class RegistrationIn(Schema):
    answers: dict[str, str] = {}


class RegistrationOut(Schema):
    """A person's registration; the check-in code and online link once confirmed."""

    id: int
    event: int
    status: RegistrationStatus
    waitlist_position: int | None
    offer_expires_at: datetime | None
    checked_in_at: datetime | None
    answers: dict[str, str]
    checkin_code: str | None
    online_url: str | None

    @staticmethod
    def resolve_event(registration: Registration) -> int:
        return registration.event_id

    @staticmethod
    def resolve_waitlist_position(registration: Registration) -> int | None:
        return selectors.waitlist_position(registration)

    @staticmethod
    def resolve_checkin_code(registration: Registration) -> str | None:
        if registration.status != RegistrationStatus.CONFIRMED:
            return None
        return checkin_code(registration)

    @staticmethod
    def resolve_online_url(registration: Registration) -> str | None:
        if registration.status != RegistrationStatus.CONFIRMED:
            return None
        return registration.event.online_url or None


class AttendeeOut(Schema):
    id: int
    name: str
    email: str
    status: RegistrationStatus
    registered_at: datetime
    checked_in_at: datetime | None
    answers: dict[str, str]

    @staticmethod
    def resolve_name(registration: Registration) -> str:
        return registration.user.display_name

    @staticmethod
    def resolve_email(registration: Registration) -> str:
        return registration.user.email

    @staticmethod
    def resolve_registered_at(registration: Registration) -> datetime:
        return registration.created_at


class AttendeeFilters(Schema):
    status: str = ""
    q: str = ""


class CheckInIn(Schema):
    code: str | None = None
    registration: Id | None = None
    session: Id | None = None


class CheckInOut(Schema):
    outcome: CheckInOutcome
    already_checked_in: bool
    registration: int
    name: str
    checked_in_at: datetime | None

    @staticmethod
    def resolve_already_checked_in(result: CheckInResult) -> bool:
        return result.already

    @staticmethod
    def resolve_registration(result: CheckInResult) -> int:
        return result.registration.pk

    @staticmethod
    def resolve_name(result: CheckInResult) -> str:
        return result.registration.user.display_name

    @staticmethod
    def resolve_checked_in_at(result: CheckInResult) -> datetime | None:
        return result.registration.checked_in_at


@router.get(
    "",
    response={200: ApiPage[EventItemOut], 422: ErrorOut},
    auth=None,
    summary="List public events",
    description=FILTERS_DESCRIPTION + " 20 per page.",
)
def list_events(
    request: HttpRequest,
    query: Query[query_schema(EventFilterForm)],  # type: ignore[valid-type]
    page: int = page_query(),
):
    filters = api_filters(EventFilterForm, query).cleaned_data
    browse = selectors.browse_events(**filters)
    return api_page(request, browse.queryset, page, per_page=PER_PAGE)


@router.get(
    "/{event_id}", response={200: EventDetailOut, 404: ErrorOut}, auth=None, summary="One event"
)
def get_event(request: HttpRequest, event_id: Id):
    return selectors.get_event_for(optional_user(request), event_id)


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
    return _mine(request, event_id)


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
    return Status(201, registration)


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
    return services.cancel_registration(actor=request.auth, registration=registration)


@router.post(
    "/{event_id}/registration/accept",
    response={200: RegistrationOut, **ERRORS},
    summary="Accept an offered place",
)
def accept_offer(request: HttpRequest, event_id: Id):
    return services.accept_offer(actor=request.auth, registration=_mine(request, event_id))


@router.get(
    "/{event_id}/attendees",
    response={200: ApiPage[AttendeeOut], **ERRORS},
    summary="The attendees (organizer only)",
    description="Filter with `status` and `q` (name or e-mail). 50 per page.",
)
def list_attendees(
    request: HttpRequest,
    event_id: Id,
    filters: Query[AttendeeFilters],
    page: int = page_query(),
):
    event = selectors.get_managed_event_for(request.auth, event_id)
    if filters.status and filters.status not in RegistrationStatus.values:
        raise ValidationError({"status": [_("Select a valid choice.")]})
    queryset = selectors.attendees(event, q=filters.q[:100], status=filters.status)
    return api_page(request, queryset, page, per_page=50)


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
    return services.check_in(
        actor=request.auth,
        event=event,
        code=payload.code or "",
        registration_id=payload.registration,
        session=session,
    )
