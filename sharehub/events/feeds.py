"""Calendar feeds (RFC 5545): one event, all public events, one organizer's, and a person's private feed."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from sharehub.organizations.models import Organization

from . import selectors
from .calendars import build_calendar
from .models import CalendarFeed, EventStatus


def _ics(body: bytes, filename: str, *, private: bool = False) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, no-store" if private else "public, max-age=600"
    return response


@require_safe
def event_ics(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.get_event_for(request.user, pk)
    if event.status == EventStatus.DRAFT:
        raise Http404
    registration = selectors.registration_of(request.user, event)
    show_online = {event.pk} if registration is not None and registration.holds_seat else set()
    return _ics(build_calendar([event], name=event.title, show_online_for=show_online), f"event-{event.pk}.ics", private=bool(show_online))


@require_safe
def public_feed(request: HttpRequest) -> HttpResponse:
    return _ics(build_calendar(selectors.public_feed(), name=_("Events")), "events.ics")


@require_safe
def city_feed(request: HttpRequest) -> HttpResponse:
    return _ics(build_calendar(selectors.organizer_feed(None), name=_("The city's events")), "events-city.ics")


@require_safe
def organizer_feed(request: HttpRequest, slug: str) -> HttpResponse:
    organization = get_object_or_404(Organization, slug=slug)
    return _ics(build_calendar(selectors.organizer_feed(organization), name=organization.name), f"events-{organization.slug}.ics")


@require_safe
def private_feed(request: HttpRequest, secret: str) -> HttpResponse:
    """Behind the secret alone (calendar apps send no cookie); an old secret is a 404."""
    feed = CalendarFeed.objects.select_related("user").filter(secret=secret, user__is_active=True).first()
    if feed is None:
        raise Http404
    events, confirmed = selectors.personal_feed(feed.user)
    return _ics(build_calendar(events, name=_("My events"), show_online_for=confirmed), "my-events.ics", private=True)
